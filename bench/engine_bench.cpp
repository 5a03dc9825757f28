// Engine benchmarks (Google Benchmark). Speed is measured here, never asserted
// in tests. bench/run.sh runs these and the CPython ping-pong and prints ratios.
//   TraceAppend:      one traced event: the clock (uv_hrtime) + Stream::append
//   PingPong/traced:  two tasks taking turns with `await asyncio.sleep(0)`;
//   PingPong/untraced the same with LoopOptions::trace = false
// items_per_second = events per second, or task steps per second.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/aio.hpp"

using namespace loopscope;

namespace {

void TraceAppend(benchmark::State& state) {
  constexpr size_t kPerTrace = size_t(1) << 20;  // a fresh trace every 1M events keeps memory at 64 MiB
  auto trace = std::make_unique<Trace>();
  Trace::Stream* stream = &trace->primary();
  size_t n = 0;
  for (auto _ : state) {
    Event e;
    e.t_ns = trace->now();
    e.kind = Ev::ready_push;
    e.task = 1;
    e.id = int32_t(n);
    benchmark::DoNotOptimize(stream->append(e));
    if (++n % kPerTrace == 0) {
      state.PauseTiming();
      trace = std::make_unique<Trace>();
      stream = &trace->primary();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(TraceAppend);

// The two halves of TraceAppend, to see where the time goes.
void Clock(benchmark::State& state) {
  Trace trace;
  for (auto _ : state) benchmark::DoNotOptimize(trace.now());
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(Clock);

// async def player(n): for _ in range(n): await asyncio.sleep(0)
Coro player(int turns) {
  for (int i = 0; i < turns; ++i) co_await sleep(0);
  co_return {};
}

Coro pingpong(int turns) {
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
    {
      Loop loop(trace, opts);
      set_running_loop(&loop);
      Task& main = create_task(pingpong(turns).named("main"));
      loop.run(&main);
      loop.close();
    }
    set_running_loop(nullptr);
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
