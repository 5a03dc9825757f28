// producer-consumer: a bounded queue makes the producer wait while it is full
// and the consumer wait while it is empty.
#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("with maxsize 2 the producer's put waits while the queue is full") {
  ScenarioRun r = run_scenario_id("producer-consumer", {"maxsize=2", "items=6", "work=0.05"});
  int32_t producer = r.task_named("producer");
  REQUIRE(producer > 0);
  int waits = 0;
  for (const Event& e : r.events)
    if (e.kind == Ev::step_end && e.task == producer && e.code == uint8_t(Wait::queue)) {
      ++waits;
      CHECK(e.line == 6);  // at `await queue.put(...)`
    }
  CHECK(waits == 4);  // items 3..6 each found the queue full
  // The queue never holds more than maxsize.
  for (const std::string& p : r.prints()) CHECK(p.find("queue size 3") == std::string::npos);
}

TEST_CASE("the consumer's get waits while the queue is empty, at the start and at the end") {
  ScenarioRun r = run_scenario_id("producer-consumer", {"maxsize=2", "items=6", "work=0.05"});
  int32_t consumer = r.task_named("consumer");
  REQUIRE(consumer > 0);
  std::vector<uint32_t> waits;
  for (const Event& e : r.events)
    if (e.kind == Ev::step_end && e.task == consumer && e.code == uint8_t(Wait::queue)) {
      waits.push_back(e.it);
      CHECK(e.line == 13);  // at `await queue.get()`
    }
  REQUIRE(waits.size() == 2);
  CHECK(waits.front() == 2);  // its first step, before anything was put
  CHECK(waits.back() > r.iteration_of("consumer: got item6"));
  // ...and that is where main's cancel finds it.
  for (const Event& e : r.events)
    if (e.kind == Ev::task_done && e.task == consumer) CHECK(e.code == uint8_t(Outcome::cancelled));
}

TEST_CASE("the prints come in the iterations CPython prints them in") {
  ScenarioRun r = run_scenario_id("producer-consumer", {"maxsize=2", "items=6", "work=0.05"});
  // CPython 3.11 with an iteration-counting loop:
  const std::vector<uint32_t> cpython = {2, 2, 3, 4, 6, 7, 9, 10, 12, 13, 13, 16, 18, 21};
  std::vector<uint32_t> engine;
  for (const Event& e : r.events)
    if (e.kind == Ev::print) engine.push_back(e.it);
  CHECK(engine == cpython);
}

TEST_CASE("an unbounded queue never makes the producer wait") {
  ScenarioRun r = run_scenario_id("producer-consumer", {"maxsize=0", "items=4"});
  int32_t producer = r.task_named("producer");
  for (const Event& e : r.events)
    if (e.kind == Ev::step_end && e.task == producer) CHECK(e.code != uint8_t(Wait::queue));
  CHECK(r.prints()[3] == "producer: put item4, queue size 4");
}
