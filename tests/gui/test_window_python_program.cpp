// A user's own program in the real window (GLFW under Xvfb): a server program
// recorded under CPython streams into the view while it runs, a real client's
// request shows up as the handler task's print, Stop ends it as Ctrl-C does,
// and the trace it wrote reopens.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "scenarios/loopback_client.hpp"
#include "window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
const std::filesystem::path kPrograms = std::filesystem::path(__FILE__).parent_path().parent_path() / "programs";

int read_port(const std::string& path) {
  std::ifstream in(path);
  int port = 0;
  in >> port;
  return port;
}
}  // namespace

TEST_CASE("a server program runs live in the window, answers a real client, and Stop ends it as Ctrl-C does") {
  gui::test::WindowRig r("gather", {"a=0.01", "b=0.01", "c=0.01"});
  std::string portfile = "/tmp/loopscope-gui-port-" + std::to_string(::getpid());
  std::filesystem::remove(portfile);
  r.app.start_program((kPrograms / "echo_server.py").string(), {portfile});
  CHECK(r.app.session().program_mode());
  CHECK(r.app.session().listing().find("asyncio.start_server") != std::string::npos);
  int port = 0;
  for (int n = 0; port == 0 && r.app.session().live() && n < 200000; ++n) {
    r.frame();
    port = read_port(portfile);
  }
  REQUIRE(port > 0);

  std::string reply = loopscope::test::get(port, "/");
  CHECK(reply.rfind("HTTP/1.0 200", 0) == 0);
  auto request_printed = [&] {
    for (const Event& e : r.app.session().model().events())
      if (e.kind == Ev::print && e.s1 && std::string(e.s1).rfind("request from client: GET /", 0) == 0 && e.task >= 0)
        return true;
    return false;
  };
  for (int n = 0; !request_printed() && n < 200000; ++n) r.frame();
  CHECK(request_printed());
  CHECK(r.app.session().live());  // still serving: the events arrived while it runs
  r.capture("python-program-live");

  r.app.session().stop_program();  // what the toolbar's Stop button does
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 1000000; ++n) r.frame();
  CHECK(r.app.session().result().error == "exit status 130");
  const auto& events = r.app.session().model().events();
  REQUIRE(!events.empty());
  CHECK(events.back().kind == Ev::run_end);
  r.capture("python-program-stopped");

  App viewer;
  CHECK(viewer.load(r.app.session().program_trace()) == "");
  CHECK(viewer.session().model().events().size() == events.size());
  std::filesystem::remove(r.app.session().program_trace());
  std::filesystem::remove(portfile);
}
