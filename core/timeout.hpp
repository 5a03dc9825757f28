// asyncio.wait_for and asyncio.timeout, with Python 3.11's semantics.
//
//   Value v = co_await wait_for(fetch(), 0.5, 12);      // line 12: v = await asyncio.wait_for(fetch(), 0.5)
//
//   co_await timeout(0.5, 14, [&](Timeout&) -> Coroutine {    // line 14: async with asyncio.timeout(0.5):
//     co_await sleep(1).at(15);                          // line 15:     await asyncio.sleep(1)
//     co_return {};
//   });
//
// wait_for wraps a coroutine in a task. On timeout it cancels that task, waits
// until the task has finished cancelling, and only then raises TimeoutError;
// if the task swallowed the cancellation and returned, wait_for returns that.
// timeout() cancels the *current* task from a timer callback and turns the
// resulting CancelledError into TimeoutError when the block exits (using
// cancelling()/uncancel(), so a cancellation from elsewhere still propagates).
#pragma once

#include <optional>

#include "call_soon.hpp"
#include "gather.hpp"

namespace loopscope {

// [SECTION] wait_for

// `await asyncio.wait_for(aw, timeout)`; std::nullopt is `timeout=None`.
Coroutine wait_for(Awaitable aw, std::optional<double> timeout, int line = 0);
inline Coroutine wait_for(Coroutine&& c, std::optional<double> timeout, int line = 0) {
  return wait_for(Awaitable(std::move(c)), timeout, line);
}
inline Coroutine wait_for(Future& f, std::optional<double> timeout, int line = 0) {
  return wait_for(Awaitable(&f), timeout, line);
}

// tasks._cancel_and_wait: cancel fut and wait until it is done, without
// awaiting fut itself (so the wait stays cancellable).
Coroutine cancel_and_wait(Future& fut, int line = 0);

// [SECTION] timeout

// asyncio.Timeout. Lives in the frame of the `async with` (see timeout() below).
class Timeout {
 public:
  // asyncio.timeout(delay): delay in seconds from now, or nullopt for no deadline.
  explicit Timeout(std::optional<double> delay);
  ~Timeout();
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;

  // __aenter__: binds to the current task and arms the deadline.
  void enter(int line = 0);
  // __aexit__(exc): throws TimeoutError when the deadline cancelled the task
  // and no other cancellation is pending; otherwise returns (the caller
  // rethrows exc itself).
  void exit(std::exception_ptr exc);
  // Timeout.reschedule(), relative to now (CPython takes an absolute loop.time()).
  void reschedule(std::optional<double> delay);
  bool expired() const { return state_ == State::expiring || state_ == State::expired; }

 private:
  enum class State : uint8_t { created, entered, expiring, expired, exited };
  void on_timeout();
  // handler_ set or cleared, keeping the task's count of armed deadlines.
  void set_handler(CallbackHandle* h);
  void disarm();  // cancel the armed handler, if any, and clear it
  std::optional<double> delay_;
  State state_ = State::created;
  Task* task_ = nullptr;
  int cancelling_ = 0;
  CallbackHandle* handler_ = nullptr;
};

// `async with asyncio.timeout(delay) as cm: <body>`; returns what the body co_returns.
template <class Body>
Coroutine timeout(std::optional<double> delay, int line, Body body) {
  Timeout cm(delay);
  cm.enter(line);
  std::exception_ptr err;
  Value v;
  try {
    v = co_await body(cm);
  } catch (...) {
    err = std::current_exception();
  }
  at_line(line);
  cm.exit(err);
  if (err) std::rethrow_exception(err);
  co_return v;
}

}  // namespace loopscope
