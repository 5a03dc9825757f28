// Settings between runs: what is written on exit reads back the same, and a
// missing or garbled file reads as the defaults.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gui/settings.hpp"

using namespace loopscope::gui;

TEST_CASE("settings written on exit read back: theme, presenter, scale, hidden panels, scenario and parameters") {
  std::string dir = "/tmp/loopscope-settings-" + std::to_string(getpid());
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  std::string path = settings_path();
  CHECK(path == dir + "/loopscope/settings.ini");
  Settings s;
  s.look.dark = false;
  s.look.presenter = true;
  s.look.scale = 1.3f;
  s.look.show[1] = false;
  s.look.show[4] = false;
  s.scenario = "sequential-server";
  s.sets = {"clients=2", "work=0.5"};
  REQUIRE(write_settings(path, s) == "");
  Settings r = read_settings(path);
  CHECK_FALSE(r.look.dark);
  CHECK(r.look.presenter);
  CHECK(r.look.scale == doctest::Approx(1.3f));
  CHECK(r.look.show[0]);
  CHECK_FALSE(r.look.show[1]);
  CHECK_FALSE(r.look.show[4]);
  CHECK(r.scenario == "sequential-server");
  CHECK(r.sets == s.sets);
  // Garbled lines and a bad scale are ignored.
  std::ofstream(path) << "scale=banana\nnonsense\ntheme=dark\n";
  Settings g = read_settings(path);
  CHECK(g.look.dark);
  CHECK(g.look.scale == doctest::Approx(1.0f));
  CHECK(read_settings(dir + "/missing.ini").scenario.empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("a saved parameter that no longer passes (param.clients=nan) falls back to its default, the others kept") {
  const loopscope::Scenario* s = loopscope::find_scenario("concurrent-server");
  REQUIRE(s);
  std::vector<std::string> ok = usable_params(*s, {"clients=nan", "work=0.5", "turns=3", "clients=2.5"}, "settings.ini");
  CHECK(ok == std::vector<std::string>{"work=0.5"});
  CHECK(s->resolve(ok).text("clients") == "3");
}

TEST_CASE("settings are never written through a device or a pipe") {
  CHECK(write_settings("/dev/null", Settings{}).find("not a regular file") != std::string::npos);
}

TEST_CASE("a FIFO in place of settings.ini is skipped with a one-line warning, never waited on") {
  std::string dir = "/tmp/loopscope-settings-fifo-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::string path = dir + "/settings.ini";
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  int err[2];
  REQUIRE(pipe(err) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child reads the settings; before the fix it blocked in open() for
    // good, so a generous alarm turns a hang into a failure instead of a stuck suite.
    alarm(30);
    dup2(err[1], 2);
    Settings s = read_settings(path);
    _exit(s.scenario.empty() && s.look.dark ? 0 : 3);
  }
  close(err[1]);
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(text == "loopscope: " + path + " is not a regular file; settings ignored\n");
  std::filesystem::remove_all(dir);
}
