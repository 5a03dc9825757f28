// Engine benchmarks (Google Benchmark). Speed is measured here, never asserted
// in tests. bench/run.sh runs these and the CPython ping-pong and prints ratios.
//   TraceAppend:      one traced event: the clock (core/clock.hpp) + Stream::append
//   TraceStep:        what tracing adds to one ping-pong step: one clock read + one packed record
//   PingPong/traced:  two tasks taking turns with `await asyncio.sleep(0)`;
//   PingPong/untraced the same with LoopOptions::trace = false
// items_per_second = events per second, or task steps per second.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/aio.hpp"
#include "core/asyncio_run.hpp"

using namespace loopscope;

namespace {

// A growing trace, replaced by a fresh one every 1M records (keeps memory at
// 64 MiB); the page faults of growth stay in the timing, the swap does not.
struct GrowingTrace {
  static constexpr size_t kPerTrace = size_t(1) << 20;
  std::unique_ptr<Trace> trace = std::make_unique<Trace>();
  Trace::Stream* stream = &trace->primary();
  size_t n = 0;
  void next(benchmark::State& state) {
    if (++n % kPerTrace != 0) return;
    state.PauseTiming();
    trace = std::make_unique<Trace>();
    stream = &trace->primary();
    state.ResumeTiming();
  }
};

void TraceAppend(benchmark::State& state) {
  GrowingTrace g;
  for (auto _ : state) {
    Event e;
    e.t_ns = g.trace->now();
    e.kind = Ev::ready_push;
    e.task = 1;
    e.id = int32_t(g.n);
    benchmark::DoNotOptimize(g.stream->append(e));
    g.next(state);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(TraceAppend);

// What tracing adds to one task step of the ping-pong, alone: the loop's
// held ready.run grown into a packed step (core/trace.hpp), one clock read
// for the step's end, the task's own next ready.push, then publish.
void TraceStep(benchmark::State& state) {
  GrowingTrace g;
  int64_t last_t = g.trace->now();
  for (auto _ : state) {
    Event run;
    run.t_ns = last_t;
    run.kind = Ev::ready_run;
    run.task = 1;
    run.id = int32_t(g.n);
    run.s1 = "ping step";
    if (Event* r = g.stream->hold(run)) {
      packed::begin_step(*r, 7);
      last_t = g.trace->now();
      packed::end_step(*r, last_t, 7, Wait::yield, AwaitOn::yield, false);
      packed::push_into(*r, int32_t(g.n + 1), "ping step", Cause::yield, HandleFn::task_step);
    }
    g.stream->publish();
    g.next(state);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(TraceStep);

// The two halves of TraceAppend, to see where the time goes.
void Clock(benchmark::State& state) {
  Trace trace;
  for (auto _ : state) benchmark::DoNotOptimize(trace.now());
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(Clock);

// async def player(n): for _ in range(n): await asyncio.sleep(0)
Coroutine player(int turns) {
  for (int i = 0; i < turns; ++i) co_await sleep(0);
  co_return {};
}

Coroutine pingpong(int turns) {
  Task& a = create_task(player(turns).named("ping"));
  Task& b = create_task(player(turns).named("pong"));
  co_await at(a, 0);
  co_await at(b, 0);
  co_return {};
}

void PingPong(benchmark::State& state, bool traced) {
  const int turns = int(state.range(0));
  int64_t steps = 0;
  for (auto _ : state) {
    Trace trace;
    LoopOptions opts;
    opts.trace = traced;
    asyncio_run(trace, opts, [turns] { return pingpong(turns); });
    steps += 2 * (turns + 1);  // each player: one step per turn and a last one that returns
  }
  state.SetItemsProcessed(steps);
  state.counters["ns_per_step"] =
      benchmark::Counter(double(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(PingPong, traced, true)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(PingPong, untraced, false)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
