// The trace: streams with one producer each, merged by time into one
// numbered list; what a run's trace says about the run.
#include <set>

#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
Event at_time(int64_t t, int32_t task) {
  Event e;
  e.t_ns = t;
  e.kind = Ev::print;
  e.task = task;
  return e;
}
}  // namespace

TEST_CASE("events of several streams merge by time and are numbered in that order") {
  Trace trace;
  Trace::Stream& worker = trace.add_stream();
  trace.primary().append(at_time(10, 0));
  trace.primary().append(at_time(30, 0));
  worker.append(at_time(20, 1));
  worker.append(at_time(30, 1));  // a tie: the lower stream comes first
  std::vector<Event> events = merged_events(trace);
  REQUIRE(events.size() == 4);
  CHECK(events[0].t_ns == 10);
  CHECK(events[1].task == 1);
  CHECK(events[2].task == 0);
  CHECK(events[3].task == 1);
  for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].seq == i);
}

TEST_CASE("a worker event that arrives late is inserted in time order and the reader says where") {
  Trace trace;
  Trace::Stream& worker = trace.add_stream();
  TraceReader reader(trace);
  trace.primary().append(at_time(10, 0));
  trace.primary().append(at_time(50, 0));
  CHECK(reader.poll() == 0);
  worker.append(at_time(30, 1));  // published after the loop's t=50 event
  CHECK(reader.poll() == 1);      // the list changed from index 1 on
  REQUIRE(reader.events().size() == 3);
  CHECK(reader.events()[1].task == 1);
  CHECK(reader.events()[2].seq == 2);
}

TEST_CASE("an interned string stays valid while the stream keeps growing") {
  Trace trace;
  const char* first = trace.primary().intern("first");
  for (int i = 0; i < 10000; ++i) trace.primary().intern(std::string(100, 'x'));
  CHECK(std::string(first) == "first");
  CHECK(std::string(trace.intern("shared")) == "shared");
}

TEST_CASE("a run's trace is time-ordered and every step begins after its task was created") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& t = create_task([]() -> Coroutine {
      co_await sleep(0.01);
      co_return {};
    }().named("child"));
    co_await at(t, 2);
    co_return {};
  });
  std::set<int32_t> created;
  int64_t last = 0;
  for (const Event& e : o.events) {
    CHECK(e.t_ns >= last);
    last = e.t_ns;
    if (e.kind == Ev::task_new) created.insert(e.task);
    if (e.kind == Ev::step_begin) CHECK(created.count(e.task) == 1);
  }
  CHECK(created.size() == 2);
  CHECK(o.count(Ev::step_begin) == o.count(Ev::step_end));
  check_clean(o);
}

TEST_CASE("a loop with tracing off runs the same program and records nothing") {
  Trace trace;
  LoopOptions opts;
  opts.trace = false;
  int turns = 0;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    for (int i = 0; i < 3; ++i) {
      co_await sleep(0);
      ++turns;
    }
    co_return {};
  }, opts);
  CHECK(turns == 3);
  CHECK(o.events.empty());
  check_clean(o);
}
