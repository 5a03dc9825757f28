#include "loop_tracer.hpp"

#include <algorithm>

#include <sys/resource.h>

#include "trace_schema.hpp"

namespace loopscope {

void LoopTracer::push(int32_t handle, int32_t task, const char* label, Cause cause, HandleFn fn) {
  // A task queueing its own next step right after the step ended: the push
  // joins the step's packed record (same instant, no clock read).
  Event* r = held(task, packed::step);
  if (r && (r->flags & (packed::kHasEnd | packed::kHasPush)) == packed::kHasEnd && packed::push_fits(fn, cause)) {
    packed::push_into(*r, handle, label, cause, fn);
    return;
  }
  Event e = hot_event(Ev::ready_push);
  e.id = handle;
  e.task = task;
  e.s1 = label;
  e.code = uint8_t(cause);
  e.line = int32_t(fn);  // trace_schema.hpp: ready.push's fn
  stream_->append(e);
}

void LoopTracer::poll_begins(size_t ready, bool may_sleep) {
  poll_t0_ = last_t_;
  Event it = hot_event(Ev::loop_iter);
  it.num = int64_t(ready);
  // Otherwise loop.iter and loop.poll share a record (packed::iter).
  if (may_sleep) {
    stream_->append(it);
    held_iter_ = nullptr;
  } else {
    held_iter_ = stream_->hold(it);
  }
}

void LoopTracer::poll_ends(bool may_sleep, int timeout_ms) {
  const int64_t waited = stamp() - poll_t0_;
  // A poll that may have slept leaves voluntary switches behind: start a new CPU checkpoint after it.
  if (may_sleep || last_t_ - mark_.t_ns > kCheckpointAge) checkpoint();
  if (held_iter_ && stream_->held() == held_iter_) {
    packed::add_poll(*held_iter_, timeout_ms, waited);
    stream_->publish();
  } else {
    Event p = event_at(Ev::loop_poll, poll_t0_);  // events traced during the poll published loop.iter
    p.ref = timeout_ms;
    p.num = waited;
    stream_->append(p);
  }
  held_iter_ = nullptr;
}

void LoopTracer::step_end_record(int32_t task, int32_t line, int64_t t_begin, int64_t t_end, Wait wait, AwaitOn on,
                                 int32_t target, bool long_step) {
  // A held packed step is published as ready.run + step.begin first (append publishes it).
  const StepVerdict verdict = long_step ? judge_step(t_begin, t_end) : StepVerdict{};
  Event e = event_at(Ev::step_end, t_end);
  ev::StepEnd v;
  v.task = task;
  v.line = line;
  v.wait = wait;
  v.dur_ns = t_end - t_begin;
  v.slow = verdict.slow;
  v.preempted = verdict.preempted;
  v.cpu_ns = verdict.cpu_us > 0 ? verdict.cpu_us * 1000 : 0;
  v.on = on;
  v.target = target;
  put(e, v);
  stream_->append(e);
}

namespace {
struct ThreadUsage {
  int64_t cpu_us, nvcsw, nivcsw;
};
ThreadUsage thread_usage() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return {int64_t(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000 + u.ru_utime.tv_usec + u.ru_stime.tv_usec,
          u.ru_nvcsw, u.ru_nivcsw};
}
}  // namespace

void LoopTracer::checkpoint() {
  ThreadUsage u = thread_usage();
  mark_ = {last_t_, u.cpu_us, u.nvcsw, u.nivcsw};
}

LoopTracer::StepVerdict LoopTracer::judge_step(int64_t t_begin, int64_t t_end) {
  StepVerdict v;
  const int64_t wall = t_end - t_begin;
  if (wall <= slow_step_ns_) return v;
  v.slow = true;
  if (last_block_end_ns_ >= t_begin) return v;  // it made a blocking call: slow, whatever the machine did
  ThreadUsage u = thread_usage();
  // The window since the checkpoint holds this step and the handles before it
  // in this iteration (no sleeping poll: the checkpoint follows those), so its
  // CPU time bounds the step's from above.
  const int64_t cpu_us = std::min(u.cpu_us - mark_.cpu_us, wall / 1000);
  const bool slept = u.nvcsw != mark_.nvcsw;  // a voluntary switch: the thread waited for something
  const bool pushed_off = u.nivcsw != mark_.nivcsw;
  v.cpu_us = cpu_us;
  if (!slept && pushed_off && cpu_us * 1000 * 2 <= wall) {
    v.slow = false;  // mostly waiting for a CPU: the machine was busy, the loop was not blocked
    v.preempted = true;
  }
  mark_ = {t_end, u.cpu_us, u.nvcsw, u.nivcsw};
  return v;
}

}  // namespace loopscope
