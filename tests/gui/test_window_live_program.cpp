// A user's own server program live in the real window (GLFW under Xvfb): it
// runs under CPython with the recorder while the view follows it, a real
// client (python3's socket module, another process) gets its reply and its
// handler task shows up while the server still runs, Stop interrupts it as
// Ctrl-C would, and the saved trace reopens with `loopscope view --check`.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/trace_schema.hpp"
#include "support/model_prints.hpp"
#include "gui/export.hpp"
#include "window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
bool printed_prefix(const App& app, const char* text) { return loopscope::test::printed(app.session().model(), text, true); }
}  // namespace

TEST_CASE("your own server program runs live in the window: a real client, its task on screen, Stop, the saved trace reopens") {
  gui::test::WindowRig r("gather", {"a=0.01", "b=0.01", "c=0.01"});
  std::string tmp = "/tmp/loopscope-live-window-" + std::to_string(::getpid());
  std::string portfile = tmp + ".port", reply = tmp + ".reply", saved = tmp + ".jsonl";
  std::filesystem::remove(portfile);
  r.app.start_program(LOOPSCOPE_SOURCE_DIR "/tests/programs/echo_server.py", {portfile});
  CHECK(r.app.session().is_program());
  // Frames run while the server starts: it writes its port once it listens.
  for (int n = 0; slurp(portfile).empty() && r.app.session().live() && n < 100000; ++n) r.frame();
  std::string port = slurp(portfile);
  REQUIRE_FALSE(port.empty());
  for (int n = 0; !printed_prefix(r.app, "listening on") && n < 100000; ++n) r.frame();
  CHECK(printed_prefix(r.app, "listening on"));  // shown while it runs, not at its end
  CHECK(r.app.session().live());
  CHECK(r.app.following_live());

  // A real client in another process.
  std::string cmd = "python3 -c \"import socket; s = socket.create_connection(('127.0.0.1', " + port +
                    ")); s.sendall(b'hello\\n'); print(s.recv(100).decode().strip())\" > " + reply;
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(slurp(reply) == "echo hello\n");
  for (int n = 0; !printed_prefix(r.app, "request from client: hello") && n < 100000; ++n) r.frame();
  CHECK(printed_prefix(r.app, "request from client: hello"));
  CHECK(r.app.session().live());  // a server: it runs on until Stop
  // The view follows the newest event, and the Code panel lists the program with its file tab and cursors.
  CHECK(r.app.playback().index() + 1 >= r.app.playback().size() - 64);
  CHECK(r.app.code_tabs() == std::vector<std::string>{"echo_server.py"});
  r.frame();
  std::string source = slurp(LOOPSCOPE_SOURCE_DIR "/tests/programs/echo_server.py");
  int listed = 0;
  for (const auto& row : r.app.geometry().code_rows) listed += !row.text.empty() && source.find(row.text) != std::string::npos;
  CHECK(listed > 5);
  CHECK_FALSE(r.app.geometry().cursors.empty());
  r.capture("live-program-running");

  // Stop: the toolbar's button (where it was drawn) sends SIGINT.
  bool stop_drawn = false;
  for (const auto& [name, box] : r.app.geometry().toolbar) stop_drawn |= name == "Run" && box.x1 > box.x0;
  CHECK(stop_drawn);
  r.app.session().stop();
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 1000000; ++n) r.frame();
  REQUIRE_FALSE(r.app.session().live());
  const auto& ev = r.app.session().model().events();
  REQUIRE_FALSE(ev.empty());
  CHECK(ev.back().kind == Ev::run_end);
  CHECK(as<ev::RunEnd>(ev.back()).how == EndHow::sigint);
  CHECK(r.app.session().exit_status() == 130);  // KeyboardInterrupt's status, as python3 gives it
  r.capture("live-program-stopped");

  REQUIRE(save_trace(r.app.session(), saved) == "");
  std::string check = std::string(LOOPSCOPE_BINARY) + " view --check " + saved + " > /dev/null";
  CHECK(std::system(check.c_str()) == 0);
  App viewer;
  CHECK(viewer.load(saved) == "");
  CHECK(viewer.session().model().size() == ev.size());
  for (const std::string& f : {portfile, reply, saved}) std::filesystem::remove(f);
}

TEST_CASE("a .py dropped on the window runs live; anything else opens the Open dialog with its error") {
  gui::test::WindowRig r("gather", {"a=0.01", "b=0.01", "c=0.01"});
  r.w->drop({"/nonexistent/none.txt"});
  r.frame();
  CHECK_FALSE(r.app.session().is_program());
  r.w->drop({LOOPSCOPE_SOURCE_DIR "/tests/programs/two_files/main.py"});
  r.frame();
  CHECK(r.app.session().is_program());
  CHECK(r.app.recent_programs().front().find("two_files/main.py") != std::string::npos);
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 1000000; ++n) r.frame();
  CHECK(r.app.session().exit_status() == 0);
  // Both files have tasks in them: a tab each.
  CHECK(r.app.code_tabs() == std::vector<std::string>{"main.py", "helper.py"});
}

TEST_CASE("the Open dialog lists the program's folder, and a click on a program there runs it") {
  gui::test::WindowRig r("gather", {"a=0.01", "b=0.01", "c=0.01"});
  r.app.open_path() = LOOPSCOPE_SOURCE_DIR "/tests/programs/two_files/";
  r.app.open_program_dialog();
  r.frame();
  r.frame();
  std::vector<std::string> listed;
  for (const auto& row : r.app.geometry().open_files) listed.push_back(row.name);
  CHECK(listed == std::vector<std::string>{"..", "helper.py", "main.py"});
  for (const auto& row : r.app.geometry().open_files) {  // drawn inside the window, one below the other
    CHECK(row.x0 >= 0);
    CHECK(row.x1 <= 1280);
    CHECK(row.y1 <= 720);
  }
  r.capture("open-dialog");
}
