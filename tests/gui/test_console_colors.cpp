// The Console marks each print with its task's colour. The client loop (trace
// loop 1) numbers its tasks from 0 like loop 0, so a print is coloured by
// (loop, task): the clients' replies are not drawn in the server's main colour.
#include <doctest/doctest.h>

#include <cstdlib>

#include "gui/app.hpp"
#include "gui/platform.hpp"
#include "gui/theme.hpp"
#include "rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;

TEST_CASE("a print of the client loop is marked in its own task's colour, not in loop 0's task of the same id") {
  test::Rig r("concurrent-server", true, {"work=0.2"});
  const auto& ev = r.m().events();
  size_t at = ev.size();
  for (size_t i = 0; i < ev.size() && at == ev.size(); ++i)
    if (ev[i].kind == Ev::print && ev[i].loop == 1) at = i;
  REQUIRE(at < ev.size());
  const model::TaskInfo* client = r.m().task(ev[at].task, 1);
  const model::TaskInfo* same_id = r.m().task(ev[at].task, 0);
  REQUIRE(client != nullptr);
  REQUIRE(same_id != nullptr);
  REQUIRE(client->color != same_id->color);  // test_task_colors: tasks alive together differ
  r.shoot(at);
  const Box& c = r.app->geometry().console;
  const Theme& th = r.app->theme();
  CHECK(r.f.count(int(c.x0), int(c.y0), int(c.x1), int(c.y1), th.task(client->color), 10) > 40);
  // Its lane on the timeline wears the same colour (its name is drawn in the task's ink).
  const Box& tl = r.app->geometry().timeline;
  CHECK(r.f.count(int(tl.x0), int(tl.y0), int(tl.x1), int(tl.y1), th.task(client->color), 10) > 40);
  if (const char* d = std::getenv("LOOPSCOPE_SHOTS")) write_png(std::string(d) + "/console-client-print.png", r.f.w, r.f.h, r.f.rgba);
}
