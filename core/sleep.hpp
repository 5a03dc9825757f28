// asyncio.sleep: a future completed by a call_later timer; sleep(0) is a bare yield.
#pragma once

#include "coro.hpp"

namespace loopscope {

// `co_await sleep(0.5).at(9)`  ==  line 9: `await asyncio.sleep(0.5)`
class [[nodiscard]] SleepAwaiter {
 public:
  explicit SleepAwaiter(double delay, Value result = {}) : delay_(delay), result_(std::move(result)) {}
  SleepAwaiter&& at(int line) && {
    line_ = line;
    return std::move(*this);
  }
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  Value await_resume();

 private:
  double delay_;
  Value result_;
  int line_ = 0;
  Future* fut_ = nullptr;
  int32_t timer_ = -1;
};

inline SleepAwaiter sleep(double delay, Value result = {}) { return SleepAwaiter(delay, std::move(result)); }
// sleep(0) must beat POSIX ::sleep(unsigned) when both are visible.
inline SleepAwaiter sleep(int delay) { return SleepAwaiter(double(delay)); }

}  // namespace loopscope
