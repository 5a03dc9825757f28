// An asyncio.Queue's contents on the stage come from the trace's queue.put /
// queue.get events. The truth to check them against is the program's own
// prints: producer-consumer prints the item it put or got and queue.qsize().
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

TEST_CASE("producer-consumer's queue on the stage holds what the program says, at every put and get it prints") {
  auto sm = run_scenario_model("producer-consumer");
  size_t checked = 0, full_seen = 0;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    const Event& e = sm->events[i];
    if (e.kind != Ev::print || !e.s1) continue;
    char item[32] = {};
    unsigned size = 0;
    bool put = std::sscanf(e.s1, "producer: put %31[^,], queue size %u", item, &size) == 2;
    bool got = !put && std::sscanf(e.s1, "consumer: got %31[^,], queue size %u", item, &size) == 2;
    if (!put && !got) continue;
    CAPTURE(e.s1);
    LoopState s = sm->model.state_at(i);
    REQUIRE(s.queues.size() == 1);
    const QueueChip& q = s.queues.front();
    CHECK(q.maxsize == 2);
    REQUIRE(q.items.size() == size);  // queue.qsize() as the program printed it
    std::string quoted = "'" + std::string(item) + "'";
    if (put) {
      // What was put is in the queue (the consumer may not have taken it yet).
      bool there = false;
      for (const char* x : q.items) there |= quoted == x;
      CHECK(there);
    } else {
      // What was got left from the front: the queue holds the next items, in order.
      int n = std::atoi(item + 4);
      for (size_t k = 0; k < q.items.size(); ++k) CHECK(std::string(q.items[k]) == "'item" + std::to_string(n + 1 + int(k)) + "'");
    }
    full_seen += q.items.size() == 2;
    ++checked;
  }
  CHECK(checked >= 10);   // six puts and six gets
  CHECK(full_seen > 0);   // the bound is reached: backpressure
}

TEST_CASE("a queue's size in the trace never passes its maxsize, and the state matches every event's size") {
  auto sm = run_scenario_model("producer-consumer");
  size_t events = 0;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    const Event& e = sm->events[i];
    if (e.kind != Ev::queue_put && e.kind != Ev::queue_get) continue;
    ++events;
    CHECK(e.num <= e.ref);
    LoopState s = sm->model.state_at(i);
    REQUIRE(s.queues.size() == 1);
    CHECK(int64_t(s.queues.front().items.size()) == e.num);
  }
  CHECK(events == 12);
}
