// asyncio.Event, named AsyncEvent here: `Event` is the trace's record type (trace.hpp).
//
//   AsyncEvent ev;                        // ev = asyncio.Event()
//   co_await ev.wait(7);                  // line 7: await ev.wait()
//   ev.set();                             // ev.set()  -- wakes every waiter
//
// Like the other primitives (Queue, Lock, Semaphore), an AsyncEvent is a
// reference to shared state: copies are the same event, as two Python names
// bound to one object are, and a waiting task keeps the state alive.
#pragma once

#include <deque>
#include <memory>

#include "coro.hpp"

namespace loopscope {

class AsyncEvent {
 public:
  AsyncEvent() : s_(std::make_shared<State>()) {}

  bool is_set() const { return s_->value; }
  // Completes every waiter's future; each waiter wakes one iteration later.
  void set();
  void clear() { s_->value = false; }
  // `await ev.wait()`: returns True at once when set, else blocks. `shown_as`
  // is what the trace calls the wait (Queue.join waits on an event, shown as `queue`).
  Coroutine wait(int line = 0, Wait shown_as = Wait::event, AwaitOn on = AwaitOn::event_wait) const {
    return wait_on(s_, line, shown_as, on);
  }

 private:
  struct State {
    std::deque<Future*> waiters;
    bool value = false;
  };
  static Coroutine wait_on(std::shared_ptr<State> s, int line, Wait shown_as, AwaitOn on);
  std::shared_ptr<State> s_;
};

}  // namespace loopscope
