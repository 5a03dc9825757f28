// asyncio.to_thread over libuv's real thread pool (uv_queue_work).
//
//   PoolJob& job = to_thread([] { return Value(hash(data)); }, "hash");  // submitted now
//   Value h = co_await at(job, 12);                                      // await it from line 12
//
// Trace: pool.submit on the loop thread; pool.start / pool.end emitted by the
// worker thread itself into that worker's own trace stream (ref = worker
// number, loop = the submitting loop's id, it = the iteration that submitted
// the job, since a worker cannot read the loop's counter); the result comes
// back through after_work -> loop.queue_io(..., Cause::pool), so the waiting
// task wakes one iteration after the job's completion is queued.
//
// Deliberately like loop.run_in_executor: the job is submitted when to_thread()
// is called, not when it is first awaited. The callable runs on another
// thread: capture by value, never a coroutine frame's locals by reference.
// Cancelling the awaiting task does not stop a running job (as in asyncio);
// its result is dropped.
#pragma once

#include <uv.h>

#include <functional>
#include <string>

#include "coro.hpp"

namespace loopscope {

class PoolJob : public Future {
 public:
  PoolJob(Loop& loop, std::function<Value()> fn, const char* label);
  int32_t job_id() const { return job_; }
  // Queues the job on libuv's pool (to_thread does this at once).
  void submit();
  // Called on the loop thread after the result is delivered (used by sqlite's per-connection queue).
  std::function<void()> on_done;

 private:
  static void work_cb(uv_work_t* req);
  static void after_work_cb(uv_work_t* req, int status);
  static void deliver_cb(void* job, void*);

  uv_work_t req_{};
  std::function<Value()> fn_;
  Value value_out_;
  std::exception_ptr error_out_;
  Trace* trace_;
  uint8_t loop_id_;
  uint32_t submit_it_ = 0;
  int32_t job_, task_;
  const char* job_label_;
};

// `asyncio.to_thread(fn)`: fn runs on a pool worker; its return value (or
// exception) is the job's result.
PoolJob& to_thread(std::function<Value()> fn, std::string label = "to_thread");

// "" when libuv's pool can start its threads, else CPython's "can't start new
// thread (...)". Tried once per process, before the pool's first use: libuv
// itself abort()s silently when a pool thread fails to start.
std::string thread_pool_unavailable();

inline FutureAwaiter at(PoolJob& j, int line) { return at(j, line, Wait::pool); }
inline FutureAwaiter operator co_await(PoolJob& j) { return at(j, 0); }

// Which worker of the pool this thread is, for trace `t` (0, 1, ... in order of
// first use), and its own single-producer stream in that trace. Worker threads only.
struct PoolWorker {
  Trace::Stream* stream;
  int number;
};
PoolWorker pool_worker(Trace& t);

}  // namespace loopscope
