// asyncio.Lock and asyncio.Semaphore (and BoundedSemaphore), Python 3.11.
//
//   Lock lock;                                           // lock = asyncio.Lock()
//   co_await async_with(lock, 9, [&]() -> Coroutine {         // line 9: async with lock:
//     co_await sleep(0.1).at(10);                        // line 10:     await asyncio.sleep(.1)
//     co_return {};
//   });
//
// Fairness is asyncio's: release() wakes the first waiter by completing its
// future, and until that waiter runs (one iteration later) the lock counts as
// taken for newcomers, so a task that releases and re-acquires at once queues
// behind the waiters. Copies share state, as Python references do.
#pragma once

#include <deque>
#include <memory>

#include "coro.hpp"

namespace loopscope {

class Lock {
 public:
  Lock() : s_(std::make_shared<State>()) {}
  bool locked() const { return s_->locked; }
  // `await lock.acquire()`: returns True once the lock is ours.
  Coroutine acquire(int line = 0) const { return acquire_on(s_, line); }
  // Throws RuntimeError when not locked.
  void release();

 private:
  struct State {
    std::deque<Future*> waiters;
    bool locked = false;
    void wake_up_first();
  };
  static Coroutine acquire_on(std::shared_ptr<State> s, int line);
  std::shared_ptr<State> s_;
};

class Semaphore {
 public:
  // Throws ValueError when value < 0.
  explicit Semaphore(int value = 1);
  // True when acquire() would block (no free slot, or someone is already queued).
  bool locked() const { return s_->locked(); }
  int value() const { return s_->value; }
  Coroutine acquire(int line = 0) const { return acquire_on(s_, line); }
  void release();

 protected:
  struct State {
    std::deque<Future*> waiters;
    int value = 1;
    int bound = 1;
    bool locked() const;
    void wake_up_next();
  };
  std::shared_ptr<State> s_;

 private:
  static Coroutine acquire_on(std::shared_ptr<State> s, int line);
};

// asyncio.BoundedSemaphore: release() above the initial value is a ValueError.
class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(int value = 1) : Semaphore(value) {}
  void release();
};

// `async with lock: <body>` for Lock, Semaphore and BoundedSemaphore:
// acquire, run the body, release even when the body raises.
template <class L, class Body>
Coroutine async_with(L lock, int line, Body body) {
  co_await lock.acquire(line);
  std::exception_ptr err;
  Value v;
  try {
    v = co_await body();
  } catch (...) {
    err = std::current_exception();
  }
  lock.release();
  if (err) std::rethrow_exception(err);
  co_return v;
}

}  // namespace loopscope
