// Settings between runs: what is written on exit reads back the same, and a
// missing or garbled file reads as the defaults.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
