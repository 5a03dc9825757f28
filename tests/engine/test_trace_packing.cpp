// The loop stores its hot events packed (core/trace.hpp, `packed`): one
// record per task step, an iteration riding on its first handle's record.
// Readers must get back exactly the documented events, in emission order.
#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
Coroutine player(int turns) {
  for (int i = 0; i < turns; ++i) co_await sleep(0);
  co_return {};
}

// "kind task" for each event of iteration `it`, in order.
std::vector<std::string> iteration(const RunOutcome& o, uint32_t it) {
  std::vector<std::string> out;
  for (const Event& e : o.events)
    if (e.it == it) out.push_back(std::string(name(e.kind)) + (e.task >= 0 ? " " + std::to_string(e.task) : ""));
  return out;
}
}  // namespace

TEST_CASE("a sleep(0) ping-pong reads back as loop.iter, loop.poll and each task's run, begin, end and push") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& a = create_task(player(3).named("ping"));
    Task& b = create_task(player(3).named("pong"));
    co_await at(a, 3);
    co_await at(b, 4);
    co_return {};
  });
  REQUIRE(o.error.empty());
  // Iteration 3: both players are in their loop; nothing but the two steps.
  CHECK(iteration(o, 3) == std::vector<std::string>{"loop.iter", "loop.poll", "ready.run 1", "step.begin 1",
                                                    "step.end 1", "ready.push 1", "ready.run 2", "step.begin 2",
                                                    "step.end 2", "ready.push 2"});
  // Fewer records were stored than events read back.
  CHECK(trace.primary().size() < o.events.size());
  check_clean(o);
}

TEST_CASE("an unpacked step's fields match what its packed record gives back") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& a = create_task(player(2).named("ping"));
    co_await at(a, 3);
    co_return {};
  });
  REQUIRE(o.error.empty());
  for (size_t i = 0; i < o.events.size(); ++i) {
    const Event& e = o.events[i];
    CHECK(e.seq == i);
    if (e.kind == Ev::loop_iter) {
      REQUIRE(i + 1 < o.events.size());
      CHECK(o.events[i + 1].kind == Ev::loop_poll);
      CHECK(o.events[i + 1].t_ns == e.t_ns);
      CHECK(e.num >= 0);
    }
    if (e.kind == Ev::step_begin) {
      // ready.run just before it, same task and instant.
      REQUIRE(i > 0);
      const Event& run = o.events[i - 1];
      CHECK(run.kind == Ev::ready_run);
      CHECK(run.task == e.task);
      HandleFn fn = as<ev::ReadyRun>(run).fn;
      CHECK((fn == HandleFn::task_step || fn == HandleFn::task_wakeup));
      CHECK(run.t_ns == e.t_ns);
      CHECK(std::string(run.s1).rfind(e.task == 0 ? "main " : "ping ", 0) == 0);  // "NAME step" / "NAME wakeup"
    }
    if (e.kind == Ev::step_end) {
      const Event* begin = nullptr;
      for (size_t j = i; j-- > 0;)
        if (o.events[j].kind == Ev::step_begin && o.events[j].task == e.task) {
          begin = &o.events[j];
          break;
        }
      REQUIRE(begin);
      CHECK(e.num == e.t_ns - begin->t_ns);
      CHECK((e.flags & kFlagSlow) == 0);
      // `on` rides in the packed record too: yield for a bare yield, unset at the end, set for every other wait.
      const AwaitOn on = as<ev::StepEnd>(e).on;
      if (e.code == uint8_t(Wait::yield)) CHECK(on == AwaitOn::yield);
      else if (e.code == uint8_t(Wait::none)) CHECK(on == AwaitOn::unset);
      else CHECK(on != AwaitOn::unset);
      if (e.code == uint8_t(Wait::yield)) {
        // The task queued its own next step at the step's end.
        REQUIRE(i + 1 < o.events.size());
        const Event& push = o.events[i + 1];
        CHECK(push.kind == Ev::ready_push);
        CHECK(push.task == e.task);
        CHECK(push.t_ns == e.t_ns);
        CHECK(push.code == uint8_t(Cause::yield));
        CHECK(as<ev::ReadyPush>(push).fn == HandleFn::task_step);
        CHECK(std::string(push.s1) == "ping step");
      }
    }
  }
  check_clean(o);
}

TEST_CASE("a step that prints in the middle is stored unpacked and reads back in the same order") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    Task& a = create_task([]() -> Coroutine {
      print(5, "between begin and end");
      co_await sleep(0);
      co_return {};
    }().named("printer"));
    co_await at(a, 3);
    co_return {};
  });
  REQUIRE(o.error.empty());
  CHECK(iteration(o, 2) == std::vector<std::string>{"loop.iter", "loop.poll", "ready.run 1", "step.begin 1",
                                                    "print 1", "step.end 1", "ready.push 1"});
  check_clean(o);
}

TEST_CASE("an iteration that sleeps in the poll records how long it waited") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    co_await sleep(0.002).at(2);
    co_return {};
  });
  REQUIRE(o.error.empty());
  int waits = 0;
  for (size_t i = 0; i < o.events.size(); ++i)
    if (o.events[i].kind == Ev::loop_poll && o.events[i].num >= 1'000'000) {  // blocked until the 2 ms timer
      ++waits;
      REQUIRE(i > 0);
      CHECK(o.events[i - 1].kind == Ev::loop_iter);
      REQUIRE(i + 1 < o.events.size());
      CHECK(o.events[i + 1].t_ns - o.events[i].t_ns >= o.events[i].num);  // the wait precedes what follows
    }
  CHECK(waits == 1);
  check_clean(o);
}
