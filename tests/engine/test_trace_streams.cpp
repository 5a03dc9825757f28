// Trace streams at their limits: every producer thread gets a stream of its
// own, however many there are, and a full stream says so instead of dropping
// events silently.
#include <doctest/doctest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/trace.hpp"
#include "core/trace_json.hpp"

using namespace loopscope;

TEST_CASE("past 64 streams, each new producer thread still gets a stream of its own") {
  Trace trace;
  constexpr int kThreads = 150;  // more than the old fixed table of 64
  std::vector<Trace::Stream*> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&trace, &got, i] {
      Trace::Stream& s = trace.add_stream();
      got[size_t(i)] = &s;
      for (int k = 0; k < 100; ++k) {
        Event e;
        e.kind = Ev::print;
        e.t_ns = trace.now();
        e.id = i;
        e.num = k;
        s.append(e);
      }
    });
  for (auto& t : threads) t.join();
  CHECK(std::set<Trace::Stream*>(got.begin(), got.end()).size() == size_t(kThreads));
  CHECK(trace.stream_count() == kThreads + 1);  // + the primary stream
  // Every event arrived, and each thread's own come in the order it wrote them.
  std::vector<Event> all = merged_events(trace);
  CHECK(all.size() == size_t(kThreads) * 100);
  std::vector<int64_t> next(kThreads, 0);
  bool ordered = true;
  for (const Event& e : all) ordered &= e.num == next[size_t(e.id)]++;
  CHECK(ordered);
  CHECK(trace.dropped() == 0);
}

TEST_CASE("a full stream ends with a truncated event and counts what it dropped") {
  Trace trace(100);  // 100 events per stream: 99 of the run's and the truncated record
  Trace::Stream& s = trace.primary();
  int accepted = 0;
  for (int i = 0; i < 150; ++i) {
    Event e;
    e.kind = Ev::print;
    e.t_ns = i;
    e.line = i;
    accepted += s.append(e);
  }
  CHECK(accepted == 99);
  REQUIRE(s.size() == 100);
  const Event& last = s.at(99);
  CHECK(last.kind == Ev::truncated);
  CHECK(std::string(last.s1) == "stream full");
  CHECK(last.num == 100);
  CHECK(s.dropped() == 51);  // the one that found the stream full, and the 50 after it
  CHECK(trace.dropped() == 51);
  // A held record is refused too once full, never written over the marker.
  Event h;
  h.kind = Ev::ready_run;
  CHECK(s.hold(h) == nullptr);
  CHECK(s.size() == 100);
  // The JSON Lines file says so, in the agreed shape.
  std::vector<Event> all = merged_events(trace);
  std::string line = to_json(all.back());
  CHECK(line.find("\"ev\": \"truncated\"") != std::string::npos);
  CHECK(line.find("\"reason\": \"stream full\"") != std::string::npos);
  CHECK(line.find("\"limit\": 100") != std::string::npos);
}
