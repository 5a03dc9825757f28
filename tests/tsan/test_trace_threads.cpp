// The trace's writer/reader pair across threads (run under ThreadSanitizer by
// tests/tsan/run.sh): producers append events with strings while a reader
// polls a TraceReader; the reader must see complete events, in time order,
// with their strings intact.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include "core/trace.hpp"

using namespace loopscope;

namespace {
// Appends n events to its own stream; event k carries num = k and the text "p<id> #k".
void produce(Trace& trace, Trace::Stream& stream, int id, int n) {
  for (int k = 0; k < n; ++k) {
    Event e;
    e.t_ns = trace.now();
    e.kind = Ev::print;
    e.task = id;
    e.num = k;
    e.s1 = stream.intern("p" + std::to_string(id) + " #" + std::to_string(k));
    stream.append(e);
  }
}

// Checks what the reader holds: per producer, events k = 0, 1, 2... with the right text.
void check(const std::vector<Event>& events, std::vector<int64_t>& next) {
  int64_t last_t = INT64_MIN;
  std::fill(next.begin(), next.end(), 0);
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    REQUIRE(e.seq == i);
    REQUIRE(e.t_ns >= last_t);
    last_t = e.t_ns;
    REQUIRE(e.task >= 0);
    REQUIRE(size_t(e.task) < next.size());
    REQUIRE(e.num == next[size_t(e.task)]);
    REQUIRE(std::string(e.s1) == "p" + std::to_string(e.task) + " #" + std::to_string(e.num));
    ++next[size_t(e.task)];
  }
}
}  // namespace

TEST_CASE("a reader polling while a producer appends sees every event whole and in order") {
  constexpr int kEvents = 200'000;  // crosses many chunks and arena blocks
  Trace trace;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    produce(trace, trace.primary(), 0, kEvents);
    done.store(true, std::memory_order_release);
  });
  TraceReader reader(trace);
  std::vector<int64_t> next(1);
  int polls = 0;
  while (!done.load(std::memory_order_acquire)) {
    reader.poll();
    ++polls;
  }
  producer.join();
  reader.poll();
  check(reader.events(), next);
  CHECK(reader.events().size() == size_t(kEvents));
  CHECK(polls > 0);
}

TEST_CASE("streams registered while the reader runs merge by time, late events included") {
  constexpr int kProducers = 3, kEvents = 50'000;
  Trace trace;
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      Trace::Stream& s = p == 0 ? trace.primary() : trace.add_stream();  // a worker registers its stream
      produce(trace, s, p, kEvents);
      finished.fetch_add(1, std::memory_order_release);
    });
  TraceReader reader(trace);
  std::vector<int64_t> next(kProducers);
  while (finished.load(std::memory_order_acquire) < kProducers) {
    // What poll() promises: nothing before the index it returns moved, and
    // that index is within what was there before the poll.
    const size_t before = reader.events().size();
    Event probe{};
    if (before > 0) probe = reader.events()[before / 2];
    size_t changed = reader.poll();
    REQUIRE(changed <= before);
    if (before > 0 && before / 2 < changed) {
      const Event& now = reader.events()[before / 2];
      CHECK((now.t_ns == probe.t_ns && now.task == probe.task && now.num == probe.num));
    }
  }
  for (auto& t : threads) t.join();
  reader.poll();
  check(reader.events(), next);
  for (int p = 0; p < kProducers; ++p) CHECK(next[size_t(p)] == kEvents);
  CHECK(merged_events(trace).size() == size_t(kProducers * kEvents));
}
