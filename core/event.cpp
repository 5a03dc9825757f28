#include "event.hpp"

#include <algorithm>

namespace loopscope {

void AsyncEvent::set() {
  if (s_->value) return;
  s_->value = true;
  for (Future* f : s_->waiters)
    if (!f->done()) f->set_result(Value(true));
}

Coro AsyncEvent::wait_on(std::shared_ptr<State> s, int line, Wait shown_as) {
  if (s->value) co_return true;
  Future* fut = running_loop().make<Future>("Event.wait");
  s->waiters.push_back(fut);
  std::exception_ptr err;
  try {
    co_await at(*fut, line, shown_as);
  } catch (...) {
    err = std::current_exception();
  }
  std::erase(s->waiters, fut);  // finally: self._waiters.remove(fut)
  if (err) std::rethrow_exception(err);
  co_return true;
}

}  // namespace loopscope
