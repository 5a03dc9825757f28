// The Why panel tells loop 0's story: on a client-loop event it says what the
// server loop is doing, and the client loop's event comes second, labelled.
#include <doctest/doctest.h>

#include <string>

#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

TEST_CASE("while the server loop is blocked, a client-loop event is narrated as the client loop's, after the block") {
  Rig r("sequential-server", true, {"clients=2", "work=0.05"});
  const auto& ev = r.m().events();
  // Any of loop 0's blocking calls with a client-loop event inside it (the first
  // accept may return at once: the clients' thread can connect before it is called).
  size_t begin = SIZE_MAX, client = SIZE_MAX;
  for (size_t i = 0; i < ev.size() && client == SIZE_MAX; ++i) {
    if (ev[i].kind != Ev::block_begin || ev[i].loop != 0) continue;
    for (size_t j = i + 1; j < ev.size() && !(ev[j].kind == Ev::block_end && ev[j].loop == 0); ++j)
      if (ev[j].loop == 1) client = j;
    if (client != SIZE_MAX) begin = i;
  }
  REQUIRE(client != SIZE_MAX);  // the client loop keeps running while the server's loop is blocked
  r.shoot(client);
  const Geometry& g = r.app->geometry();
  CAPTURE(g.why_text);
  CAPTURE(g.why_other_loop);
  CHECK(g.why_other_loop.rfind("On the client loop: ", 0) == 0);
  CHECK(g.why_text == model::narrate(r.m(), begin));  // loop 0's latest event: the blocking call
  CHECK(g.why_text.find("sleeps in epoll") == std::string::npos);
  // On a loop-0 event there is no second line.
  r.shoot(begin);
  CHECK(r.app->geometry().why_other_loop.empty());
}
