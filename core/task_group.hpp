// asyncio.TaskGroup with Python 3.11's semantics.
//
// The first child error (handled one iteration after the child ends, in the
// _on_task_done callback) cancels the other children in creation order, then
// the body. __aexit__ waits until every child is done and raises an
// ExceptionGroup of the errors. create_task is refused once the group is
// shutting down. Deliberate difference from CPython 3.11: CPython cancels
// the children in set order, which varies between runs; this is creation order.
#pragma once

#include <vector>

#include "coro.hpp"

namespace loopscope {

class TaskGroup {
 public:
  // `async with asyncio.TaskGroup() as tg:` -- enter() is __aenter__.
  TaskGroup();
  Task& create_task(Coroutine c, int line = 0);

  // __aexit__(exc): waits for the children, then raises what 3.11 raises.
  // Usage, since C++ cannot co_await inside a catch block:
  //   std::exception_ptr body_error;
  //   try { ...body... } catch (...) { body_error = std::current_exception(); }
  //   co_await tg.aexit(body_error, line);
  Coroutine aexit(std::exception_ptr exc, int line);

 private:
  static void on_task_done(void* self, void* task);
  void abort();

  Loop* loop_;
  Task* parent_;
  std::vector<Task*> tasks_;  // creation order
  std::vector<std::exception_ptr> errors_;
  Future* on_completed_fut_ = nullptr;
  bool exiting_ = false, aborting_ = false, parent_cancel_requested_ = false;
};

// `async with asyncio.TaskGroup() as tg: <body>` in one expression:
//   co_await task_group(line, [&](TaskGroup& tg) -> Coroutine { ...; co_return {}; });
template <class Body>
Coroutine task_group(int exit_line, Body body) {
  TaskGroup tg;
  std::exception_ptr err;
  try {
    co_await body(tg);
  } catch (...) {
    err = std::current_exception();
  }
  co_await tg.aexit(err, exit_line);
  co_return Value();
}

}  // namespace loopscope
