// asyncio.Task: a future that drives a coroutine, one step per ready-queue handle.
//
// The task knows coroutines only through CoroutineProtocol below (send and
// throw, what Task.__step calls), so a step can be taken by a compiled C++20
// coroutine (coro.hpp: Coroutine, driven by CoroutineDriver) or, later, by an
// interpreter running a user's listing.
#pragma once

#include <memory>
#include <string>

#include "future.hpp"

namespace loopscope {

// What a coroutine did with one send()/throw().
struct Yield {
  enum class Kind : uint8_t { future, bare, returned, raised };
  Kind kind = Kind::bare;
  Future* future = nullptr;  // Kind::future: what the task now awaits
  Wait wait = Wait::yield;   // how the trace and the view describe that wait
  AwaitOn on = AwaitOn::unset;  // exactly what is awaited (unset: derived from wait)
  int32_t target = -1;       // the task awaited (on task / wait_for), or -1
  Value value;               // Kind::returned
  std::exception_ptr error;  // Kind::raised
};

// What `wait` alone says about the awaited object (queue and I/O waits say more: they set `on`).
AwaitOn default_on(Wait w);

class CoroutineProtocol {
 public:
  virtual ~CoroutineProtocol() = default;
  // coro.send(None) when exc is null, coro.throw(exc) otherwise.
  virtual Yield send(Task& task, std::exception_ptr exc) = 0;
};

class Task : public Future {
 public:
  Task(Loop& loop, std::unique_ptr<CoroutineProtocol> coro, std::string name, Task* parent);
  ~Task() override;

  int32_t id() const { return id_; }
  const std::string& name() const { return name_; }

  // Task.cancel(): cancels the awaited future, or makes the next step throw CancelledError.
  bool cancel(std::string msg = {}) override;
  int cancelling() const { return num_cancels_requested_; }
  // asyncio.timeout() blocks of this task with an armed deadline: their
  // awaits of a sleep or a plain future are traced as `on: timeout`.
  void add_deadline(int d) { deadlines_ += d; }
  int uncancel();

  // The line of the listing the task stands at (set by awaits and prints).
  int line() const { return line_; }
  void set_line(int l) { line_ = l; }
  Future* awaiting() const { return fut_waiter_; }
  const char* step_label() const { return step_label_; }

  // Release the coroutine (and its frames) without running it further.
  void drop_coroutine() { coro_.reset(); }

  // Ready-queue callbacks (ReadyHandle::Fn): Task.__step and Task.__wakeup.
  static void step_cb(void* task, void*);
  static void wakeup_cb(void* task, void* future);

 private:
  void step(std::exception_ptr exc);

  std::unique_ptr<CoroutineProtocol> coro_;
  std::string name_;
  int32_t id_;
  int line_ = 0;
  Future* fut_waiter_ = nullptr;
  bool must_cancel_ = false;
  int num_cancels_requested_ = 0;
  int deadlines_ = 0;
  const char* step_label_;
  const char* wakeup_label_;
};

// asyncio.create_task(coro, name=...): a new task whose first step is queued now.
Task& create_task(Loop& loop, std::unique_ptr<CoroutineProtocol> coro, std::string name);

// The loop running on this thread (asyncio.get_running_loop()).
Loop& running_loop();
void set_running_loop(Loop* loop);
// asyncio.current_task()
Task* current_task();

}  // namespace loopscope
