// asyncio.Queue(maxsize), Python 3.11: FIFO of Values with backpressure.
//
//   Queue q(2);                              // q = asyncio.Queue(maxsize=2)
//   co_await q.put(item, 6);                 // line 6: await q.put(item)   -- blocks while full
//   Value v = co_await q.get(9);             // line 9: v = await q.get()   -- blocks while empty
//   q.task_done();  co_await q.join(12);     // q.task_done() / line 12: await q.join()
//
// A blocked put/get waits on a future of its own; put_nowait/get_nowait
// complete the first waiter's future, so the waiter wakes one iteration later
// and then re-checks (it may find the slot taken and wait again, as in CPython).
// Copies share state, as Python references do.
#pragma once

#include <deque>
#include <memory>

#include "event.hpp"

namespace loopscope {

class Queue {
 public:
  explicit Queue(int maxsize = 0);

  size_t qsize() const { return s_->items.size(); }
  int maxsize() const { return s_->maxsize; }
  bool empty() const { return s_->items.empty(); }
  bool full() const { return s_->full(); }

  Coroutine put(Value item, int line = 0) const { return put_on(s_, std::move(item), line); }
  void put_nowait(Value item);  // QueueFull when full
  Coroutine get(int line = 0) const { return get_on(s_, line); }
  Value get_nowait();           // QueueEmpty when empty

  // task_done() after each processed item; join() blocks until every put item is done.
  void task_done();             // ValueError when called too many times
  Coroutine join(int line = 0) const;

 private:
  struct State {
    int32_t id = 0;  // the trace's `queue`
    int maxsize = 0;
    std::deque<Value> items;
    std::deque<Future*> getters, putters;
    int unfinished = 0;
    AsyncEvent finished;
    bool full() const { return maxsize > 0 && int(items.size()) >= maxsize; }
  };
  static void trace(const State& s, Ev kind, const Value& item);
  static void put_now(State& s, Value item);
  static Value get_now(State& s);
  static Coroutine put_on(std::shared_ptr<State> s, Value item, int line);
  static Coroutine get_on(std::shared_ptr<State> s, int line);
  std::shared_ptr<State> s_;
};

}  // namespace loopscope
