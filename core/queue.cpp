#include "queue.hpp"

#include <algorithm>
#include <atomic>

#include "task.hpp"

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
  // Ids number the queues of a process (the trace's id limit wraps them); a run's are distinct.
  static std::atomic<int32_t> next_id{0};
  s_->id = next_id.fetch_add(1) % (1 << 22);
  s_->finished.set();
}

// queue.put / queue.get: what entered or left the queue, and its size after,
// so the view can show a queue's contents at any point of the run.
void Queue::trace(const State& s, Ev kind, const Value& item) {
  Loop& loop = running_loop();
  Task* t = current_task();
  Event e = loop.event(kind);
  e.id = s.id;
  e.task = t ? t->id() : -1;
  e.s1 = loop.intern(item.repr());
  e.num = int64_t(s.items.size());
  e.ref = s.maxsize;
  loop.emit(e);
}

void Queue::put_now(State& s, Value item) {
  if (s.full()) throw QueueFull();
  s.items.push_back(std::move(item));
  trace(s, Ev::queue_put, s.items.back());
  ++s.unfinished;
  s.finished.clear();
  wakeup_next(s.getters);
}

Value Queue::get_now(State& s) {
  if (s.items.empty()) throw QueueEmpty();
  Value v = std::move(s.items.front());
  s.items.pop_front();
  trace(s, Ev::queue_get, v);
  wakeup_next(s.putters);
  return v;
}

void Queue::put_nowait(Value item) { put_now(*s_, std::move(item)); }
Value Queue::get_nowait() { return get_now(*s_); }

void Queue::task_done() {
  if (s_->unfinished <= 0) throw ValueError("task_done() called too many times");
  if (--s_->unfinished == 0) s_->finished.set();
}

Coroutine Queue::join(int line) const {
  // `if self._unfinished_tasks > 0: await self._finished.wait()`; shown as a queue wait.
  return s_->finished.wait(line, Wait::queue, AwaitOn::queue_join);
}

// put() and get() are the same loop with the roles swapped: wait on `mine`
// while `blocked()`, and on failure pass a wake-up we may have consumed on
// to the next waiter of the same kind.
namespace {
template <class Blocked>
Coroutine wait_turn(std::deque<Future*>& mine, Blocked blocked, const char* label, AwaitOn on, int line) {
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

Coroutine Queue::put_on(std::shared_ptr<State> s, Value item, int line) {
  co_await wait_turn(s->putters, [&] { return s->full(); }, "Queue.put", AwaitOn::queue_put, line);
  put_now(*s, std::move(item));
  co_return {};
}

Coroutine Queue::get_on(std::shared_ptr<State> s, int line) {
  co_await wait_turn(s->getters, [&] { return s->items.empty(); }, "Queue.get", AwaitOn::queue_get, line);
  co_return get_now(*s);
}

}  // namespace loopscope
