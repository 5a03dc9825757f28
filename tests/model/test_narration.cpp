// The "Why" panel: plain sentences naming tasks and saying why the loop acts.
#include "core/trace_schema.hpp"
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("when B's timer fires, the narration names B and says it runs in the next iteration") {
  auto sm = run_scenario_model("gather-errors");
  const int32_t b = sm->task_id("B");
  size_t fire = sm->find([&](const Event& e) { return e.kind == Ev::timer_fire && e.task == b; });
  REQUIRE(fire < sm->events.size());
  std::string why = narrate(sm->model, fire);
  CHECK(has(why, "B's 0.01 s sleep timer is due"));
  CHECK(has(why, "B runs again in the next iteration"));
}

TEST_CASE("the TaskGroup's callback is explained as cancelling the siblings and the body") {
  auto sm = run_scenario_model("taskgroup-cancel");
  size_t cb = sm->find([](const Event& e) {
    return e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::taskgroup_on_task_done;
  });
  std::string why = narrate(sm->model, cb);
  CHECK(has(why, "cancels the others (S1, S2, S3, in the order of the group's set of tasks), and then main, the task "
                 "running the async with block"));
  CHECK(has(why, "when its wakeup runs"));
  size_t cancel = sm->find([](const Event& e) { return e.kind == Ev::task_cancel; });
  std::string c = narrate(sm->model, cancel);
  CHECK(has(c, "_on_task_done (the handle just run) cancels S1"));
  CHECK(has(c, "CancelledError"));
}

TEST_CASE("a step that ends in sleep says which timer it armed and that others can run") {
  auto sm = run_scenario_model("taskgroup-cancel");
  const int32_t bad = sm->task_id("BAD");
  size_t end = sm->find([&](const Event& e) { return e.kind == Ev::step_end && e.task == bad; });
  std::string why = narrate(sm->model, end);
  CHECK(has(why, "BAD reached await asyncio.sleep (line 6)"));
  CHECK(has(why, "0.01 s timer"));
  CHECK(has(why, "other tasks can run"));
}

TEST_CASE("a poll with a timeout says the loop sleeps until the next timer, and how far away it is") {
  auto sm = run_scenario_model("taskgroup-cancel");
  size_t poll = sm->find([](const Event& e) { return e.kind == Ev::loop_poll && e.ref > 0; });
  std::string why = narrate(sm->model, poll);
  CHECK(has(why, "Nothing is ready, so the loop waits in its poll"));
  CHECK(has(why, "timeout of 10 ms: the soonest timer is due then"));
}

TEST_CASE("gather's callback, a cancelled wakeup and a finished error are each explained") {
  auto sm = run_scenario_model("gather-errors");
  const int32_t c = sm->task_id("C"), f = sm->task_id("F");
  size_t done = sm->find([&](const Event& e) { return e.kind == Ev::task_done && e.task == c; });
  CHECK(has(narrate(sm->model, done), "C raised ValueError('C')"));
  size_t queued = done + 1;
  CHECK(has(narrate(sm->model, queued), "C has finished, so gather's _done_callback for it is queued"));
  size_t wake = sm->find([&](const Event& e) { return e.kind == Ev::ready_run && e.task == f && e.s1 && std::string(e.s1) == "F wakeup"; });
  CHECK(has(narrate(sm->model, wake), "CancelledError is raised at the await"));
}

TEST_CASE("every event of both scenarios gets a sentence that is not just the event's name") {
  for (const char* id : {"gather-errors", "taskgroup-cancel"}) {
    auto sm = run_scenario_model(id);
    for (size_t i = 0; i < sm->events.size(); ++i) {
      std::string why = narrate(sm->model, i);
      INFO(id << " event " << i << ": " << why);
      CHECK(why.size() > 20);  // "A prints \"A: start\" (line 4)." is a whole sentence
      CHECK(why.back() == '.');
    }
  }
  CHECK(narrate(Model(), 0).empty());
}
