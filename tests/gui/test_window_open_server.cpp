// The open server mode toggle in the real window (GLFW under Xvfb): Run listens on
// loopback for outside clients, the toolbar says where, each real connection
// shows up as a task with the open server mode's own listing, and Stop ends the run
// cleanly. A saved open server mode trace reopens with that listing.
#include <doctest/doctest.h>

#include <filesystem>

#include "scenarios/loopback_client.hpp"
#include "window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;

TEST_CASE("open server mode: the window's server answers a real HTTP client, shows its handler task, and Stop ends it") {
  gui::test::WindowRig r("gather", {"a=0.01", "b=0.01", "c=0.01"});
  const Scenario* s = find_scenario("concurrent-server");
  REQUIRE(s);
  r.app.start_open(s->resolve({"work=0.05"}), /*port=*/0, /*duration=*/60);
  for (int n = 0; r.app.session().open_port() == 0 && r.app.session().live() && n < 100000; ++n) r.frame();
  int port = r.app.session().open_port();
  REQUIRE(port > 0);
  CHECK(r.app.session().open_mode());
  CHECK(r.app.session().listing().find("asyncio.start_server") != std::string::npos);

  // A real client, from this thread: the server runs on the session's.
  std::string reply = loopscope::test::get(port, "/");
  CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
  // Its handler task arrives in the live view, named after the peer.
  auto has_peer_task = [&] {
    for (const auto& t : r.app.session().model().tasks())
      if (t.name.rfind("127.0.0.1:", 0) == 0) return true;
    return false;
  };
  for (int n = 0; !has_peer_task() && n < 100000; ++n) r.frame();
  CHECK(has_peer_task());
  CHECK(r.app.session().live());
  r.capture("open-server-live");

  r.app.session().stop();  // what the toolbar's Stop button does
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 1000000; ++n) r.frame();
  CHECK(r.app.session().result().ok);
  CHECK(r.app.session().result().loop_close_rc == 0);
  bool stopped = false;
  for (const Event& e : r.app.session().model().events())
    stopped |= e.kind == Ev::print && e.s1 && std::string(e.s1) == "stopping: SIGINT" && e.line > 0;
  CHECK(stopped);

  // Saved and reopened, it keeps the open server mode's listing.
  std::string path = "/tmp/loopscope-open-" + std::to_string(::getpid()) + ".jsonl";
  REQUIRE(save_trace(r.app.session(), path) == "");
  App viewer;
  CHECK(viewer.load(path) == "");
  CHECK(viewer.session().open_mode());
  CHECK(viewer.session().listing() == r.app.session().listing());
  std::filesystem::remove(path);
}
