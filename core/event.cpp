#include "event.hpp"

#include "waiters.hpp"

namespace loopscope {

void AsyncEvent::set() {
  if (s_->value) return;
  s_->value = true;
  for (Future* f : s_->waiters)
    if (!f->done()) f->set_result(Value(true));
}

Coroutine AsyncEvent::wait_on(std::shared_ptr<State> s, int line, Wait shown_as, AwaitOn on) {
  if (s->value) co_return true;
  co_await wait_in_line(s->waiters, "Event.wait", line, shown_as, on, [](Future*, const std::exception_ptr&) {});
  co_return true;
}

}  // namespace loopscope
