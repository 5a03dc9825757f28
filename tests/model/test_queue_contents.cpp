// An asyncio.Queue's contents on the stage come from the trace's queue.put /
// queue.get events. The truth to check them against is the program's own
// prints: producer-consumer prints the item it put or got and queue.qsize().
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/trace_load.hpp"
#include "scenario_model.hpp"
#include "recorded_program.hpp"
#include "support/process.hpp"

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

TEST_CASE("a LifoQueue and a PriorityQueue recorded under CPython lose the item the trace names, not the front one") {
  const auto r = record_program("queue_workers.py");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  // The stack gets 'a' then 'b' and gives 'b' first; the ranked queue gets (2, 'two') then (1, 'one').
  int checked = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind != Ev::queue_get) continue;
    const std::string item = ev[i].s1;
    const char* left = item == "'b'" ? "'a'" : item == "(1, 'one')" ? "(2, 'two')" : nullptr;
    if (!left) continue;
    CAPTURE(item);
    const LoopState s = m.state_at(i);
    auto q = std::find_if(s.queues.begin(), s.queues.end(), [&](const QueueChip& c) { return c.queue == ev[i].id; });
    REQUIRE(q != s.queues.end());
    REQUIRE(q->items.size() == 1);
    CHECK(std::string(q->items[0]) == left);
    CHECK(q->order == (item == "'b'" ? QueueOrder::lifo : QueueOrder::priority));  // the stage's title says which comes out
    ++checked;
  }
  CHECK(checked == 2);
}
