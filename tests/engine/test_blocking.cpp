// Blocking calls inside a coroutine really hold the loop thread: time.sleep
// and CPU work freeze every other task, and the step that made them is
// flagged slow. asyncio.sleep in the same place does not.
#include "core/blocking.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

// async def ticker(): for i in range(n): print(f"tick {i}"); await asyncio.sleep(0.05)
Coroutine ticker(int n) {
  for (int i = 0; i < n; ++i) {
    print(3, "tick " + std::to_string(i));
    co_await sleep(0.05).at(4);
  }
  co_return {};
}

struct Blocker {
  int32_t task = -1;
  const Event* begin = nullptr;
  const Event* end = nullptr;
};

Blocker find_block(const RunOutcome& o) {
  Blocker b;
  for (const Event& e : o.events) {
    if (e.kind == Ev::block_begin) b.begin = &e, b.task = e.task;
    if (e.kind == Ev::block_end) b.end = &e;
  }
  return b;
}

// The step.end of `task` that follows `after` in the trace.
const Event* next_step_end(const RunOutcome& o, int32_t task, const Event* after) {
  for (const Event& e : o.events)
    if (e.seq > after->seq && e.kind == Ev::step_end && e.task == task) return &e;
  return nullptr;
}

size_t steps_between(const RunOutcome& o, int32_t task, uint64_t from_seq, uint64_t to_seq) {
  size_t n = 0;
  for (const Event& e : o.events) n += e.kind == Ev::step_begin && e.task == task && e.seq > from_seq && e.seq < to_seq;
  return n;
}

}  // namespace

TEST_CASE("while a task blocks in time.sleep, a 50 ms ticker does not run and the blocking step is flagged slow") {
  Trace trace;
  int32_t ticker_id = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Task& t = create_task(ticker(6), 10);
    ticker_id = t.id();
    co_await sleep(0.06).at(11);
    block_sleep(0.2, 12);  // time.sleep(0.2)
    co_await at(t, 13);
    co_return {};
  });
  REQUIRE(o.error.empty());
  Blocker b = find_block(o);
  REQUIRE(b.begin);
  REQUIRE(b.end);
  CHECK(BlockKind(b.begin->code) == BlockKind::sleep);
  CHECK(b.begin->line == 12);
  CHECK(std::string(b.begin->s1) == "time.sleep");
  CHECK(b.end->num >= 200'000'000);  // nanosleep never returns early
  CHECK(steps_between(o, ticker_id, b.begin->seq, b.end->seq) == 0);
  const Event* step = next_step_end(o, b.task, b.end);
  REQUIRE(step);
  CHECK((step->flags & kFlagSlow) != 0);
  CHECK(o.count(Ev::print) == 6);
  check_clean(o);
}

TEST_CASE("with asyncio.sleep in the same place the ticker keeps its beat") {
  Trace trace;
  int32_t ticker_id = -1, main_id = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    main_id = current_task()->id();
    Task& t = create_task(ticker(6), 10);
    ticker_id = t.id();
    co_await sleep(0.06).at(11);
    co_await sleep(0.2).at(12);  // await asyncio.sleep(0.2)
    co_await at(t, 13);
    co_return {};
  });
  REQUIRE(o.error.empty());
  CHECK(o.count(Ev::block_begin) == 0);
  // Between main's step that starts the 0.2 s sleep and its next step, the ticker ran.
  const Event* sleep_start = nullptr;
  const Event* wake = nullptr;
  for (const Event& e : o.events) {
    if (e.kind == Ev::step_end && e.task == main_id && e.line == 12 && !sleep_start) sleep_start = &e;
    if (sleep_start && e.seq > sleep_start->seq && e.kind == Ev::step_begin && e.task == main_id && !wake) wake = &e;
  }
  REQUIRE(sleep_start);
  REQUIRE(wake);
  CHECK(steps_between(o, ticker_id, sleep_start->seq, wake->seq) >= 2);
  check_clean(o);
}

TEST_CASE("CPU-bound work holds the loop for its whole duration and is traced as block kind cpu") {
  Trace trace;
  int32_t ticker_id = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Task& t = create_task(ticker(3), 10);
    ticker_id = t.id();
    co_await sleep(0.01).at(11);
    block_cpu(0.15, 12);
    co_await at(t, 13);
    co_return {};
  });
  REQUIRE(o.error.empty());
  Blocker b = find_block(o);
  REQUIRE(b.begin);
  REQUIRE(b.end);
  CHECK(BlockKind(b.begin->code) == BlockKind::cpu);
  CHECK(b.end->num >= 150'000'000);  // the busy loop runs until the clock says so
  CHECK(steps_between(o, ticker_id, b.begin->seq, b.end->seq) == 0);
  const Event* step = next_step_end(o, b.task, b.end);
  REQUIRE(step);
  CHECK((step->flags & kFlagSlow) != 0);
  check_clean(o);
}
