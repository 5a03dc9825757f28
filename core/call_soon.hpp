// loop.call_soon(callback) and loop.call_later(delay, callback) as a Python
// listing uses them: a plain callback (not a task step) on the ready queue,
// with a label for the trace, and a handle that can be cancelled.
//
//   call_soon([] { print(5, "callback"); }, "log callback");   // loop.call_soon(cb)
//   CallbackHandle& h = call_later(0.5, [&] { ... }, "wake");   // h = loop.call_later(.5, cb)
//   h.cancel();                                                 // h.cancel()
#pragma once

#include <functional>
#include <string_view>

#include "loop.hpp"

namespace loopscope {

// asyncio.Handle / TimerHandle. Owned by the loop until it closes, so a
// handle is never freed while the ready queue or a timer still points to it.
class CallbackHandle : public Owned {
 public:
  CallbackHandle(Loop& loop, std::function<void()> fn, const char* label, HandleFn what = HandleFn::callback);
  // Handle.cancel(): a cancelled handle does nothing when its turn comes.
  // A timer that has not fired yet is disarmed too (timer.cancel).
  void cancel();
  bool cancelled() const { return cancelled_; }
  const char* label() const { return label_; }

  // Queue it now (cause call_soon) or arm a timer (cause timer when due).
  void schedule_soon();
  void schedule_later(double delay_s);

 private:
  static void run(void* self, void*);
  ReadyHandle handle();
  Loop* loop_;
  std::function<void()> fn_;
  const char* label_;
  HandleFn what_;
  int32_t timer_ = -1;
  bool cancelled_ = false;
};

// The running loop's call_soon / call_later. `delay` is scaled by the loop's
// time_scale, as every scenario delay is.
CallbackHandle& call_soon(std::function<void()> fn, std::string_view label = "callback");
CallbackHandle& call_later(double delay, std::function<void()> fn, std::string_view label = "callback");

}  // namespace loopscope
