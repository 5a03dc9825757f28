// The view model on big traces: feeding 10^6 events, seeking (state_at) and
// the timeline query (visible) at 1000 px. Measured here, never asserted in tests.
//
// The trace is synthetic but shaped like the engine's: 64 tasks taking turns
// with sleep(0), one loop.iter + loop.poll per iteration, each turn
// ready.run, step.begin, step.end (yield), ready.push.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>

#include "model/model.hpp"
#include "model/predict.hpp"

using namespace loopscope;
using namespace loopscope::model;

namespace {

struct Synthetic {
  std::vector<std::string> labels;  // the events point into these
  std::vector<Event> events;
};

const Synthetic& synthetic(size_t n) {
  static std::map<size_t, Synthetic> cache;
  auto [it, fresh] = cache.try_emplace(n);
  Synthetic& s = it->second;
  if (!fresh) return s;
  const int tasks = 64;
  s.labels.reserve(2 * tasks);
  for (int k = 0; k < tasks; ++k) s.labels.push_back("T" + std::to_string(k));
  for (int k = 0; k < tasks; ++k) s.labels.push_back("T" + std::to_string(k) + " step");
  s.events.reserve(n + 16);
  int64_t t = 0;
  uint32_t iter = 0;
  int32_t handle = 0;
  auto add = [&](Ev kind, int32_t task = -1) -> Event& {
    Event e;
    e.t_ns = t += 150;
    e.seq = s.events.size();
    e.it = iter;
    e.kind = kind;
    e.task = task;
    s.events.push_back(e);
    return s.events.back();
  };
  add(Ev::run_begin).s1 = "synthetic";
  for (int k = 0; k < tasks; ++k) {
    Event& nt = add(Ev::task_new, k);
    nt.s1 = s.labels[size_t(k)].c_str();
    Event& p = add(Ev::ready_push, k);
    p.id = handle++;
    p.s1 = s.labels[size_t(tasks + k)].c_str();
    p.code = uint8_t(Cause::new_);
  }
  std::vector<int32_t> queue;
  for (int k = 0; k < tasks; ++k) queue.push_back(k);
  int32_t first_handle = 0;
  while (s.events.size() < n) {
    ++iter;
    add(Ev::loop_iter).num = tasks;
    add(Ev::loop_poll).ref = 0;
    for (int k = 0; k < tasks && s.events.size() < n; ++k) {
      Event& r = add(Ev::ready_run, k);
      r.id = first_handle + k;
      r.s1 = s.labels[size_t(tasks + k)].c_str();
      add(Ev::step_begin, k).line = 3;
      Event& se = add(Ev::step_end, k);
      se.code = uint8_t(Wait::yield);
      se.line = 3;
      Event& p = add(Ev::ready_push, k);
      p.id = handle++;
      p.s1 = s.labels[size_t(tasks + k)].c_str();
      p.code = uint8_t(Cause::yield);
    }
    first_handle += tasks;
  }
  return s;
}

const Model& fed(size_t n) {
  static std::map<size_t, Model> models;
  auto [it, fresh] = models.try_emplace(n);
  if (fresh) it->second.update(synthetic(n).events, 0);
  return it->second;
}

void BM_Update(benchmark::State& state) {
  const Synthetic& s = synthetic(size_t(state.range(0)));
  for (auto _ : state) {
    Model m;
    m.update(s.events, 0);
    benchmark::DoNotOptimize(m.lanes().data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}

// Live streaming: a frame brings 100 new events.
void BM_UpdateLiveFrame(benchmark::State& state) {
  const Synthetic& s = synthetic(size_t(state.range(0)));
  std::vector<Event> live(s.events.begin(), s.events.end() - 100);
  Model m;
  m.update(live, 0);
  for (auto _ : state) {
    state.PauseTiming();
    live.resize(s.events.size() - 100);
    m.update(live, live.size());  // rolls back to the last checkpoint before the cut (cheap)
    live.insert(live.end(), s.events.end() - 100, s.events.end());
    state.ResumeTiming();
    m.update(live, s.events.size() - 100);
  }
}

// A live run fed frame by frame, 1667 events a frame (10^5 events/s at 60
// frames/s), up to n events: the worst frame's update, where a growing list
// is copied (the live view's latency tail: docs/performance.md). The events
// list has its room from the start, as Session gives the reader's.
void BM_UpdateLiveWorstFrame(benchmark::State& state) {
  const Synthetic& s = synthetic(size_t(state.range(0)));
  const size_t per_frame = 1667;
  double worst_ms = 0, total_ms = 0;
  size_t frames = 0;
  for (auto _ : state) {
    std::vector<Event> live;
    live.reserve(s.events.size());
    Model m;
    for (size_t from = 0; from < s.events.size(); from += per_frame) {
      const size_t to = std::min(s.events.size(), from + per_frame);
      live.insert(live.end(), s.events.begin() + ptrdiff_t(from), s.events.begin() + ptrdiff_t(to));
      const auto t0 = std::chrono::steady_clock::now();
      m.update(live, from);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      worst_ms = std::max(worst_ms, ms), total_ms += ms, ++frames;
    }
    benchmark::DoNotOptimize(m.lanes().data());
  }
  state.counters["worst_frame_ms"] = worst_ms;
  state.counters["mean_frame_ms"] = total_ms / double(std::max<size_t>(frames, 1));
}

void BM_StateAt(benchmark::State& state) {
  const Model& m = fed(size_t(state.range(0)));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, m.size() - 1);
  for (auto _ : state) benchmark::DoNotOptimize(m.state_at(pick(rng)).ready.size());
}

// A seek where the state is large: 300k callbacks queued, then one run per
// push up to n events. Snapshots are spaced by the state's size, so a seek
// copies the queue once and replays at most twice its length.
void BM_StateAtSwollenQueue(benchmark::State& state) {
  static std::vector<Event> ev;
  static Model m;
  if (ev.empty()) {
    static const char* label = "cb";
    const size_t n = size_t(state.range(0));
    int32_t h = 0, front = 0;
    auto add = [&](Ev kind, int32_t id) {
      Event e;
      e.kind = kind, e.seq = ev.size(), e.t_ns = int64_t(ev.size()) * 100, e.it = 1, e.id = id, e.s1 = label;
      e.code = uint8_t(Cause::call_soon);
      ev.push_back(e);
    };
    for (int k = 0; k < 300000; ++k) add(Ev::ready_push, h++);
    while (ev.size() < n) add(Ev::ready_run, front++), add(Ev::ready_push, h++);
    m.update(ev, 0);
  }
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, m.size() - 1);
  for (auto _ : state) benchmark::DoNotOptimize(m.state_at(pick(rng)).ready.size());
  state.counters["snapshots"] = double(m.snapshot_count());
  state.counters["snapshot_elements"] = double(m.snapshot_elements());
}

// The loop lane over the whole run at 1000 px, folding below 2 px.
void BM_VisibleWholeRun(benchmark::State& state) {
  const Model& m = fed(size_t(state.range(0)));
  const Lane& lane = m.lanes()[size_t(m.loop_lane(0))];
  const int64_t t0 = m.begin_ns(), t1 = m.end_ns(), px = std::max<int64_t>(1, (t1 - t0) / 1000);
  std::vector<DrawItem> items;
  for (auto _ : state) {
    m.visible(lane, t0, t1, 2 * px, items);
    benchmark::DoNotOptimize(items.data());
  }
  state.counters["items"] = double(items.size());
  state.counters["segments"] = double(lane.segments.size());
}

// Every lane (65) over a 1 ms window in the middle: a zoomed-in frame.
void BM_VisibleAllLanesZoomed(benchmark::State& state) {
  const Model& m = fed(size_t(state.range(0)));
  const int64_t mid = (m.begin_ns() + m.end_ns()) / 2, t0 = mid, t1 = mid + 1'000'000;
  std::vector<DrawItem> items;
  size_t total = 0;
  for (auto _ : state) {
    total = 0;
    for (const Lane& l : m.lanes()) {
      m.visible(l, t0, t1, 2 * (t1 - t0) / 1000, items);
      total += items.size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.counters["items"] = double(total);
}

}  // namespace

// Predict mode's questions, built once when the quiz opens on a finished trace.
void BM_CancelQuestions(benchmark::State& state) {
  const Model& m = fed(size_t(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(cancel_questions(m).size());
}
void BM_Quiz(benchmark::State& state) {
  const Model& m = fed(size_t(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(quiz(m).size());
}

BENCHMARK(BM_CancelQuestions)->Arg(1000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Quiz)->Arg(1000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Update)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UpdateLiveFrame)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_UpdateLiveWorstFrame)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_StateAt)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_StateAtSwollenQueue)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_VisibleWholeRun)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VisibleAllLanesZoomed)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
