// timeout: a timeout cancels the slow operation, which sees CancelledError
// before the caller sees TimeoutError.
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("the slow operation sees CancelledError before the caller gets TimeoutError, as in CPython") {
  ScenarioRun r = run_scenario_id("timeout", {"work=0.3", "limit=0.2"});
  // CPython 3.11 with an iteration-counting loop prints:
  const std::vector<std::pair<uint32_t, std::string>> cpython = {
      {2, "A: working for 0.3 s"},
      {5, "A: saw CancelledError, cleaning up"},
      {7, "main: wait_for raised TimeoutError"},
      {7, "B: working for 0.3 s"},
      {9, "B: saw CancelledError, cleaning up"},
      {9, "main: asyncio.timeout raised TimeoutError"},
  };
  CHECK(r.prints_by_iteration() == cpython);
}

TEST_CASE("wait_for cancels the task it made; asyncio.timeout cancels the task it is in") {
  ScenarioRun r = run_scenario_id("timeout", {"work=0.3", "limit=0.2"});
  int32_t a = -1;
  bool task_b = false;
  for (const Event& e : r.events)
    if (e.kind == Ev::task_new) {
      if (std::string(e.s1) == "A") a = e.task;
      task_b |= std::string(e.s1) == "B";
    }
  REQUIRE(a > 0);
  CHECK_FALSE(task_b);  // B is awaited inline: it runs as part of main
  std::vector<int32_t> cancelled;
  for (const Event& e : r.events)
    if (e.kind == Ev::task_cancel) cancelled.push_back(e.task);
  CHECK(cancelled == std::vector<int32_t>{a, 0});
  for (const Event& e : r.events)
    if (e.kind == Ev::task_done) {
      CAPTURE(e.task);
      // A ends cancelled; main swallowed its cancellation into TimeoutError and returned normally.
      CHECK(e.code == uint8_t(e.task == a ? Outcome::cancelled : Outcome::result));
    }
  // The cancellation reaches A at its await on line 7, where it was waiting.
  CHECK(r.iteration_of("A: saw CancelledError") > r.iteration_of("A: working"));
}

TEST_CASE("an operation that beats the deadline returns its result and nothing is cancelled") {
  ScenarioRun r = run_scenario_id("timeout", {"work=0.1", "limit=0.2"});
  const std::vector<std::pair<uint32_t, std::string>> cpython = {
      {2, "A: working for 0.1 s"},
      {4, "A: finished"},
      {6, "main: wait_for returned \"A's result\""},
      {6, "B: working for 0.1 s"},
      {8, "B: finished"},
      {8, "main: the timeout block got \"B's result\""},
  };
  CHECK(r.prints_by_iteration() == cpython);
  CHECK(r.count(Ev::task_cancel) == 0);
}
