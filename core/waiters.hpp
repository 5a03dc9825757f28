// The line of waiter futures behind Event, Lock and Semaphore: asyncio's
//   fut = loop.create_future(); self._waiters.append(fut)
//   try: await fut
//   finally: self._waiters.remove(fut)
// with the primitive's own `except` part given as on_error(fut, exc), which
// runs after the removal and before the exception is re-raised.
#pragma once

#include <algorithm>
#include <deque>

#include "coro.hpp"

namespace loopscope {

template <class OnError>
Coroutine wait_in_line(std::deque<Future*>& waiters, const char* label, int line, Wait shown_as, AwaitOn on,
                  OnError on_error) {
  Future* fut = running_loop().make<Future>(label);
  waiters.push_back(fut);
  std::exception_ptr err;
  try {
    co_await at(*fut, line, shown_as, on);
  } catch (...) {
    err = std::current_exception();
  }
  std::erase(waiters, fut);
  if (err) {
    on_error(fut, err);
    std::rethrow_exception(err);
  }
  co_return {};
}

}  // namespace loopscope
