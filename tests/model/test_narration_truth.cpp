// Every sentence of the "Why" panel is checked against the trace it narrates,
// for every scenario: a task said to have finished has finished, a wait reason
// matches what the step awaits (`on`), a poll's timeout is the one recorded,
// a timer said absent is absent, counts agree with the stage.
#include <doctest/doctest.h>

#include "narration_check.hpp"
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
void check_scenario(const std::string& id) {
  CAPTURE(id);
  auto sm = run_scenario_model(id);
  for (const NarrationProblem& p : check_narration(sm->model))
    FAIL_CHECK(id << " event " << p.event << ": " << p.problem << "\n  \"" << p.sentence << "\"");
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the narration of every teaching scenario agrees with its trace, sentence by sentence") {
  for (const char* id : {"create-task", "gather", "gather-errors", "gather-fail", "taskgroup-cancel", "timeout", "producer-consumer",
                         "cooperative-yield", "blocking-call", "file-reads", "sqlite-api"})
    check_scenario(id);
}

TEST_CASE("the narration of the server scenarios agrees with their traces") {
  for (const char* id : {"sequential-server", "concurrent-server", "web-scraper"}) check_scenario(id);
}

TEST_CASE("producer-consumer says which queue operation woke a waiter, not that a task finished") {
  auto sm = run_scenario_model("producer-consumer");
  const int32_t producer = sm->task_id("producer"), consumer = sm->task_id("consumer"), main = sm->task_id("main");
  int put_wakes = 0, get_wakes = 0, join_wakes = 0;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    const Event& e = sm->events[i];
    if (e.kind != Ev::ready_push || as<ev::ReadyPush>(e).fn != HandleFn::task_wakeup) continue;
    std::string why = narrate(sm->model, i);
    if (e.task == consumer && has(why, "put an item into the queue")) ++put_wakes;
    if (e.task == producer && has(why, "frees a slot")) ++get_wakes;
    if (e.task == main && has(why, "task_done() for the last unfinished item")) ++join_wakes;
  }
  CHECK(put_wakes > 0);
  CHECK(get_wakes > 0);
  CHECK(join_wakes == 1);
}

TEST_CASE("a producer blocked on a full queue is said to wait for a free slot, and main's join for every item done") {
  auto sm = run_scenario_model("producer-consumer");
  bool full = false, join = false;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    std::string why = narrate(sm->model, i);
    full |= has(why, "the queue is full");
    join |= has(why, "queue.join()") && has(why, "task_done()");
  }
  CHECK(full);
  CHECK(join);
}

TEST_CASE("the timeout scenario names Timeout._on_timeout as the canceller and explains the TimeoutError") {
  auto sm = run_scenario_model("timeout");
  bool by_timeout = false, aexit = false, two_ways = false;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    std::string why = narrate(sm->model, i);
    by_timeout |= sm->events[i].kind == Ev::task_cancel && has(why, "Timeout._on_timeout, the handle just run");
    aexit |= has(why, "Timeout.__aexit__") && has(why, "TimeoutError");
    two_ways |= has(why, "finishes or the deadline");
  }
  CHECK(by_timeout);
  CHECK(aexit);
  CHECK(two_ways);
}

TEST_CASE("the last iteration runs _run_until_complete_cb, and an asyncio.run listing says asyncio.run") {
  auto sm = run_scenario_model("taskgroup-cancel");
  CHECK(has(narrate(sm->model, 0), "asyncio.run("));
  size_t cb = sm->find([](const Event& e) {
    return e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::run_until_complete_cb;
  });
  REQUIRE(cb < sm->events.size());
  CHECK(has(narrate(sm->model, cb), "loop.stop()"));
  size_t last_iter = sm->find([&](const Event& e) { return e.kind == Ev::loop_iter && e.it == sm->events[cb].it; });
  CHECK_FALSE(has(narrate(sm->model, last_iter), "nothing ready"));
}

TEST_CASE("a sleep inside async with asyncio.timeout() is traced on: timeout and told with the block's deadline") {
  auto sm = run_scenario_model("timeout");
  const int32_t main = sm->task_id("main");
  int in_block = 0, plain = 0;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    const Event& e = sm->events[i];
    if (e.kind != Ev::step_end) continue;
    const ev::StepEnd v = as<ev::StepEnd>(e);
    if (v.on == AwaitOn::timeout) {
      ++in_block;
      CHECK(e.task == main);  // B's sleep runs inline in main, inside the block
      CHECK(v.wait == Wait::sleep);
      const std::string why = narrate(sm->model, i);
      CHECK(has(why, "inside an async with asyncio.timeout() block"));
      CHECK(has(why, "TimeoutError"));
    }
    plain += v.on == AwaitOn::sleep;  // wait_for's inner task: no asyncio.timeout() around it
  }
  CHECK(in_block == 1);
  CHECK(plain >= 1);
}

TEST_CASE("after wait_for's deadline, its second await is told as waiting for the cancelled inner task") {
  auto sm = run_scenario_model("timeout");
  const size_t cancel = sm->find([](const Event& e) { return e.kind == Ev::task_cancel && as<ev::TaskCancel>(e).by >= 0; });
  REQUIRE(cancel < sm->events.size());
  const size_t end = sm->find([&](const Event& e) { return e.kind == Ev::step_end && e.task == as<ev::TaskCancel>(sm->events[cancel]).by; }, cancel);
  REQUIRE(end < sm->events.size());
  CHECK_FALSE(has(narrate(sm->model, end), "or the deadline"));
}
