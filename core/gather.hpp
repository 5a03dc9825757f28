// asyncio.gather: wraps each coroutine in a task and completes one outer
// future when all are done. Results come back in argument order. Without
// return_exceptions the first error completes the outer future, and the
// other children keep running (they are NOT cancelled). Cancelling the outer
// future cancels every child.
#pragma once

#include <variant>
#include <vector>

#include "coro.hpp"

namespace loopscope {

class GatheringFuture : public Future {
 public:
  GatheringFuture(Loop& loop, std::vector<Future*> children, bool return_exceptions);
  bool cancel(std::string msg = {}) override;
  const std::vector<Future*>& children() const { return children_; }

 private:
  friend GatheringFuture& gather_list(std::vector<std::variant<Coroutine, Future*>> aws, bool return_exceptions);
  static void on_child_done(void* self, void* child);
  std::vector<Future*> children_;
  size_t nfinished_ = 0;
  size_t nfuts_ = 0;
  bool return_exceptions_;
  bool cancel_requested_ = false;
};

// One argument of gather(): a coroutine (wrapped in a new task) or a future/task.
using Awaitable = std::variant<Coroutine, Future*>;

struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

GatheringFuture& gather_list(std::vector<Awaitable> aws, bool return_exceptions);

inline Awaitable to_awaitable(Coroutine&& c) { return Awaitable(std::move(c)); }
inline Awaitable to_awaitable(Future& f) { return Awaitable(&f); }
inline Awaitable to_awaitable(Task& t) { return Awaitable(static_cast<Future*>(&t)); }

template <class... A>
GatheringFuture& gather(A&&... args) {
  std::vector<Awaitable> v;
  (v.emplace_back(to_awaitable(std::forward<A>(args))), ...);
  return gather_list(std::move(v), false);
}
template <class... A>
GatheringFuture& gather(ReturnExceptions, A&&... args) {
  std::vector<Awaitable> v;
  (v.emplace_back(to_awaitable(std::forward<A>(args))), ...);
  return gather_list(std::move(v), true);
}


inline FutureAwaiter at(GatheringFuture& g, int line) { return at(g, line, Wait::gather); }
inline FutureAwaiter operator co_await(GatheringFuture& g) { return at(g, 0); }

}  // namespace loopscope
