#include "queue.hpp"

#include <algorithm>

namespace loopscope {

namespace {
// Wakes the first waiter that is not done already (cancelled ones are skipped).
void wakeup_next(std::deque<Future*>& waiters) {
  while (!waiters.empty()) {
    Future* w = waiters.front();
    waiters.pop_front();
    if (!w->done()) {
      w->set_result(Value());
      break;
    }
  }
}
}  // namespace

Queue::Queue(int maxsize) : s_(std::make_shared<State>()) {
  s_->maxsize = maxsize;
  s_->finished.set();
}

void Queue::put_now(State& s, Value item) {
  if (s.full()) throw QueueFull();
  s.items.push_back(std::move(item));
  ++s.unfinished;
  s.finished.clear();
  wakeup_next(s.getters);
}

Value Queue::get_now(State& s) {
  if (s.items.empty()) throw QueueEmpty();
  Value v = std::move(s.items.front());
  s.items.pop_front();
  wakeup_next(s.putters);
  return v;
}

void Queue::put_nowait(Value item) { put_now(*s_, std::move(item)); }
Value Queue::get_nowait() { return get_now(*s_); }

void Queue::task_done() {
  if (s_->unfinished <= 0) throw ValueError("task_done() called too many times");
  if (--s_->unfinished == 0) s_->finished.set();
}

Coro Queue::join(int line) const {
  // `if self._unfinished_tasks > 0: await self._finished.wait()`; shown as a queue wait.
  return s_->finished.wait(line, Wait::queue, AwaitOn::queue_join);
}

// put() and get() are the same loop with the roles swapped: wait on `mine`
// while `blocked()`, and on failure pass a wake-up we may have consumed on
// to the next waiter of the same kind.
namespace {
template <class Blocked>
Coro wait_turn(std::deque<Future*>& mine, Blocked blocked, const char* label, AwaitOn on, int line) {
  while (blocked()) {
    Future* w = running_loop().make<Future>(label);
    mine.push_back(w);
    std::exception_ptr err;
    try {
      co_await at(*w, line, Wait::queue, on);
    } catch (...) {
      err = std::current_exception();
    }
    if (err) {
      w->cancel();  // just in case it is not done yet
      std::erase(mine, w);
      // Woken by the other side but unable to take the turn: wake the next in line.
      if (!blocked() && !w->cancelled()) wakeup_next(mine);
      std::rethrow_exception(err);
    }
  }
  co_return {};
}
}  // namespace

Coro Queue::put_on(std::shared_ptr<State> s, Value item, int line) {
  co_await wait_turn(s->putters, [&] { return s->full(); }, "Queue.put", AwaitOn::queue_put, line);
  put_now(*s, std::move(item));
  co_return {};
}

Coro Queue::get_on(std::shared_ptr<State> s, int line) {
  co_await wait_turn(s->getters, [&] { return s->items.empty(); }, "Queue.get", AwaitOn::queue_get, line);
  co_return get_now(*s);
}

}  // namespace loopscope
