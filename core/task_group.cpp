#include "task_group.hpp"

#include <algorithm>

namespace loopscope {

TaskGroup::TaskGroup() : loop_(&running_loop()), parent_(current_task()) {}

Task& TaskGroup::create_task(Coroutine c, int line) {
  if (exiting_ && tasks_.empty()) throw RuntimeError("TaskGroup is finished");
  if (aborting_) throw RuntimeError("TaskGroup is shutting down");
  Task& t = loopscope::create_task(std::move(c), line);
  t.add_done_callback(&TaskGroup::on_task_done, this, -1, "TaskGroup._on_task_done", HandleFn::taskgroup_on_task_done);
  tasks_.push_back(&t);
  return t;
}

void TaskGroup::abort() {
  aborting_ = true;
  for (Task* t : tasks_)
    if (!t->done()) t->cancel();
}

void TaskGroup::on_task_done(void* self, void* task) {
  auto* g = static_cast<TaskGroup*>(self);
  auto* t = static_cast<Task*>(task);
  std::erase(g->tasks_, t);
  if (g->on_completed_fut_ && g->tasks_.empty() && !g->on_completed_fut_->done())
    g->on_completed_fut_->set_result(Value(true));
  if (t->cancelled()) return;
  std::exception_ptr exc = t->exception();
  if (!exc) return;
  g->errors_.push_back(exc);
  if (g->parent_->done()) return;  // CPython logs this through the exception handler
  if (!g->aborting_ && !g->parent_cancel_requested_) {
    // Abort what the body is awaiting right now; __aexit__ uncancels the parent.
    g->abort();
    g->parent_cancel_requested_ = true;
    g->parent_->cancel();
  }
}

Coroutine TaskGroup::aexit(std::exception_ptr exc, int line) {
  exiting_ = true;
  bool et_cancelled = exc && is_cancelled_error(exc);
  std::exception_ptr propagate_cancellation = et_cancelled ? exc : nullptr;
  if (parent_cancel_requested_) {
    // The cancellation was ours: don't propagate it unless someone else asked too.
    if (parent_->uncancel() == 0) propagate_cancellation = nullptr;
  }
  if (exc && !aborting_) abort();
  while (!tasks_.empty()) {
    if (!on_completed_fut_) on_completed_fut_ = loop_->make<Future>("TaskGroup._on_completed_fut");
    std::exception_ptr cancelled;
    try {
      co_await at(*on_completed_fut_, line, Wait::taskgroup);
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
    if (cancelled && !aborting_) {
      propagate_cancellation = cancelled;
      abort();
    }
    on_completed_fut_ = nullptr;
  }
  if (propagate_cancellation && errors_.empty()) std::rethrow_exception(propagate_cancellation);
  if (exc && !et_cancelled) errors_.push_back(exc);
  if (!errors_.empty()) {
    auto errors = std::move(errors_);
    throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors));
  }
  co_return Value();
}

}  // namespace loopscope
