// The C++20 coroutine layer: `Coroutine` is what a scenario's `async def` becomes.
//
//   Coroutine child(std::string name, double delay) {      // async def child(name, delay):
//     print(8, name + ": start");                      //     print(f"{name}: start")
//     co_await sleep(delay).at(9);                     //     await asyncio.sleep(delay)
//     co_return name;                                  //     return name
//   }
//
// A Coroutine is lazy: nothing runs until a task steps it or another coroutine
// awaits it. `co_await child(...)` runs the child inline in the same task, as
// `await child()` does in Python. Awaiting a Future suspends the whole task:
// the awaiter records the future and the task's step returns to the loop.
#pragma once

#include <atomic>
#include <coroutine>
#include <exception>
#include <string>
#include <utility>

#include "task.hpp"

namespace loopscope {

// Coroutine frames alive right now, across all loops. Tests assert 0 at the end.
std::atomic<long>& live_frames();

class [[nodiscard]] Coroutine {
 public:
  struct promise_type;
  using handle = std::coroutine_handle<promise_type>;

  struct promise_type {
    Value value;
    std::exception_ptr error;
    std::coroutine_handle<> continuation;  // the frame that awaits this one, if any

    promise_type() { live_frames().fetch_add(1, std::memory_order_relaxed); }
    ~promise_type() { live_frames().fetch_sub(1, std::memory_order_relaxed); }
    Coroutine get_return_object() { return Coroutine(handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(handle h) noexcept {
        auto c = h.promise().continuation;
        return c ? c : std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_value(Value v) { value = std::move(v); }
    void unhandled_exception() { error = std::current_exception(); }
  };

  Coroutine() = default;
  explicit Coroutine(handle h) : h_(h) {}
  Coroutine(Coroutine&& o) noexcept : h_(std::exchange(o.h_, {})), name_(std::move(o.name_)) {}
  Coroutine& operator=(Coroutine&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
      name_ = std::move(o.name_);
    }
    return *this;
  }
  ~Coroutine() {
    if (h_) h_.destroy();
  }

  // Task name for create_task/gather (asyncio's `name=`).
  Coroutine&& named(std::string n) && {
    name_ = std::move(n);
    return std::move(*this);
  }
  const std::string& name() const { return name_; }
  handle release() { return std::exchange(h_, {}); }

  // `co_await coro`: run it inline (symmetric transfer), get its return value.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
    h_.promise().continuation = parent;
    return h_;
  }
  Value await_resume() {
    if (h_.promise().error) std::rethrow_exception(h_.promise().error);
    return std::move(h_.promise().value);
  }

 private:
  handle h_;
  std::string name_;
};

// Drives a Coroutine as a task's coroutine. The innermost suspended frame (the
// leaf) is what a step resumes; an exception to throw in is parked here and
// thrown by the leaf's awaiter in await_resume.
class CoroutineDriver final : public CoroutineProtocol {
 public:
  explicit CoroutineDriver(Coroutine c) : root_(c.release()), leaf_(root_) {}
  ~CoroutineDriver() override {
    if (root_) root_.destroy();
  }
  Yield send(Task& task, std::exception_ptr exc) override;

  // Called by awaiters from await_suspend. y is a suspension (Kind::future
  // or Kind::bare): only its kind, future and wait are kept (copying the
  // whole Yield would move an empty Value on every step).
  void suspend_on(std::coroutine_handle<> leaf, const Yield& y) {
    leaf_ = leaf;
    pending_kind_ = y.kind;
    pending_future_ = y.future;
    pending_wait_ = y.wait;
    pending_on_ = y.on;
    pending_target_ = y.target;
    suspended_ = true;
  }
  std::exception_ptr take_throw() { return std::exchange(throw_in_, nullptr); }

 private:
  Coroutine::handle root_;
  std::coroutine_handle<> leaf_;
  Yield::Kind pending_kind_ = Yield::Kind::bare;
  Future* pending_future_ = nullptr;
  Wait pending_wait_ = Wait::yield;
  AwaitOn pending_on_ = AwaitOn::unset;
  int32_t pending_target_ = -1;
  std::exception_ptr throw_in_;
  bool started_ = false, suspended_ = false;
};

// The driver of the task running on this thread (for awaiters).
CoroutineDriver& current_driver();

Task& create_task(Coroutine c, int line = 0);

// [SECTION] Awaiting a future

// Base for awaiters that suspend the task on a future. Subclasses provide
// the future in prepare() and may tidy up in finish().
struct FutureAwaiter {
  Future* fut = nullptr;
  Wait wait = Wait::future;
  int line = 0;
  AwaitOn on = AwaitOn::unset;  // unset: what `wait` says (default_on)
  int32_t target = -1;          // the awaited task, when it is one

  bool await_ready() const noexcept { return fut && fut->done(); }
  void await_suspend(std::coroutine_handle<> h);
  Value await_resume();
};

// `co_await at(fut, line, wait, on)`: await a Future or Task from a listing line.
inline FutureAwaiter at(Future& f, int line, Wait w = Wait::future, AwaitOn on = AwaitOn::unset) {
  FutureAwaiter a;
  a.fut = &f;
  a.wait = w;
  a.line = line;
  a.on = on;
  return a;
}
inline FutureAwaiter operator co_await(Future& f) { return at(f, 0); }
FutureAwaiter at(Task& t, int line);
inline FutureAwaiter operator co_await(Task& t) { return at(t, 0); }

// `await asyncio.sleep(0)`'s bare yield: the task steps again next iteration.
struct YieldAwaiter {
  int line = 0;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  void await_resume();
};

// Sets the current task's line (what the code view shows) and returns it.
int at_line(int line);

}  // namespace loopscope
