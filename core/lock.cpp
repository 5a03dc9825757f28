#include "lock.hpp"

#include "waiters.hpp"

namespace loopscope {

// [SECTION] Lock

void Lock::State::wake_up_first() {
  // A done future means its task will wake and take the lock (or, if
  // cancelled, pass it on), so only the first waiter is ever woken.
  if (!waiters.empty() && !waiters.front()->done()) waiters.front()->set_result(Value(true));
}

void Lock::release() {
  if (!s_->locked) throw RuntimeError("Lock is not acquired.");
  s_->locked = false;
  s_->wake_up_first();
}

Coroutine Lock::acquire_on(std::shared_ptr<State> s, int line) {
  if (!s->locked && std::all_of(s->waiters.begin(), s->waiters.end(), [](Future* w) { return w->cancelled(); })) {
    s->locked = true;
    co_return true;
  }
  co_await wait_in_line(s->waiters, "Lock.acquire", line, Wait::lock, AwaitOn::lock_acquire, [&](Future*, const std::exception_ptr& e) {
    // Cancelled after release() chose us: hand the lock to the next waiter.
    if (is_cancelled_error(e) && !s->locked) s->wake_up_first();
  });
  s->locked = true;
  co_return true;
}

// [SECTION] Semaphore

Semaphore::Semaphore(int value) : s_(std::make_shared<State>()) {
  if (value < 0) throw ValueError("Semaphore initial value must be >= 0");
  s_->value = value;
  s_->bound = value;
}

bool Semaphore::State::locked() const {
  return value == 0 || std::any_of(waiters.begin(), waiters.end(), [](Future* w) { return !w->cancelled(); });
}

void Semaphore::State::wake_up_next() {
  // The slot is handed over now (value drops at wake-up), so newcomers cannot steal it.
  for (Future* f : waiters)
    if (!f->done()) {
      --value;
      f->set_result(Value(true));
      return;
    }
}

void Semaphore::release() {
  ++s_->value;
  s_->wake_up_next();
}

void BoundedSemaphore::release() {
  if (s_->value >= s_->bound) throw ValueError("BoundedSemaphore released too many times");
  Semaphore::release();
}

Coroutine Semaphore::acquire_on(std::shared_ptr<State> s, int line) {
  if (!s->locked()) {
    --s->value;
    co_return true;
  }
  co_await wait_in_line(s->waiters, "Semaphore.acquire", line, Wait::semaphore, AwaitOn::semaphore_acquire,
                        [&](Future* fut, const std::exception_ptr& e) {
                          // Cancelled after a slot was handed to us: give it back to the next waiter.
                          if (is_cancelled_error(e) && !fut->cancelled()) {
                            ++s->value;
                            s->wake_up_next();
                          }
                        });
  if (s->value > 0) s->wake_up_next();
  co_return true;
}

}  // namespace loopscope
