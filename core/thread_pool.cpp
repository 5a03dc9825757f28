#include "thread_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace loopscope {

// [SECTION] Can the pool start?

std::string thread_pool_unavailable() {
  static std::once_flag once;
  static std::string why;
  std::call_once(once, [] {
    // libuv starts its threads on first use (UV_THREADPOOL_SIZE of them, 4
    // by default, 8 MiB stacks) and abort()s without a word when one cannot
    // start (ulimit -v, ulimit -u). The same threads, tried first, turn that
    // into an error the run can report.
    const char* env = std::getenv("UV_THREADPOOL_SIZE");
    int n = env && std::atoi(env) > 0 ? std::min(std::atoi(env), 1024) : 4;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, size_t(8) << 20);
    std::vector<pthread_t> started;
    for (int i = 0; i < n; ++i) {
      pthread_t t;
      int rc = pthread_create(&t, &attr, [](void*) -> void* { return nullptr; }, nullptr);
      if (rc != 0) {
        why = std::string("can't start new thread (") + std::strerror(rc) + ")";
        break;
      }
      started.push_back(t);
    }
    for (pthread_t t : started) pthread_join(t, nullptr);
    pthread_attr_destroy(&attr);
  });
  return why;
}

// [SECTION] Worker streams

namespace {
// One entry per (trace, worker thread). A trace is identified by its address
// and its origin time together, since a new Trace may reuse a freed address.
struct TraceKey {
  const Trace* trace;
  int64_t origin;
  auto operator<=>(const TraceKey&) const = default;
};
struct Registry {
  std::mutex mutex;
  std::map<TraceKey, std::map<std::thread::id, PoolWorker>> workers;
};
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

PoolWorker pool_worker(Trace& t) {
  // Registration is rare (once per worker per trace); jobs after that hit the thread-local cache.
  thread_local TraceKey cached_key{nullptr, 0};
  thread_local PoolWorker cached{nullptr, -1};
  TraceKey key{&t, t.origin_ns()};
  if (cached_key == key) return cached;
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto& per_thread = r.workers[key];
  auto it = per_thread.find(std::this_thread::get_id());
  if (it == per_thread.end())
    it = per_thread.emplace(std::this_thread::get_id(), PoolWorker{&t.add_stream(), int(per_thread.size())}).first;
  cached_key = key;
  cached = it->second;
  return cached;
}

// [SECTION] Jobs

PoolJob::PoolJob(Loop& loop, std::function<Value()> fn, const char* label)
    : Future(loop, "pool job"),
      fn_(std::move(fn)),
      trace_(&loop.trace()),
      loop_id_(uint8_t(loop.options().loop_id)),
      job_(loop.next_op_id()),
      task_(current_task() ? current_task()->id() : -1),
      job_label_(label) {
  req_.data = this;
}

void PoolJob::submit() {
  Loop& l = loop();
  submit_it_ = l.iteration();
  Event e = l.event(Ev::pool_submit);
  e.id = job_;
  e.task = task_;
  e.s1 = job_label_;
  l.emit(e);
  if (std::string why = thread_pool_unavailable(); !why.empty()) {
    set_exception(std::make_exception_ptr(RuntimeError(why)));
    return;
  }
  if (int rc = uv_queue_work(l.uv(), &req_, &PoolJob::work_cb, &PoolJob::after_work_cb); rc < 0)
    set_exception(std::make_exception_ptr(RuntimeError(std::string("uv_queue_work: ") + uv_strerror(rc))));
}

void PoolJob::work_cb(uv_work_t* req) {
  auto* j = static_cast<PoolJob*>(req->data);
  // Nothing may escape a libuv worker thread: std::terminate would end the
  // process without a word (std::bad_alloc under ulimit -v, from the
  // stream's first chunk). The job fails with the error instead.
  try {
    PoolWorker w = pool_worker(*j->trace_);
    // Built by hand: Loop::event() reads loop state that belongs to the loop thread.
    Event e;
    e.kind = Ev::pool_start;
    e.loop = j->loop_id_;
    e.it = j->submit_it_;
    e.id = j->job_;
    e.task = j->task_;
    e.ref = w.number;
    e.s1 = j->job_label_;
    e.t_ns = j->trace_->now();
    w.stream->append(e);
    try {
      // A stopped run starts no more jobs (the pool's part of Loop::request_stop).
      if (j->loop().stop_requested()) throw CancelledError();
      j->value_out_ = j->fn_();
    } catch (...) {
      j->error_out_ = std::current_exception();
    }
    e.kind = Ev::pool_end;
    e.t_ns = j->trace_->now();
    w.stream->append(e);
  } catch (...) {
    if (!j->error_out_) j->error_out_ = std::current_exception();
  }
}

void PoolJob::after_work_cb(uv_work_t* req, int) {
  auto* j = static_cast<PoolJob*>(req->data);
  ReadyHandle h;
  h.fn = &PoolJob::deliver_cb;
  h.a = j;
  h.task = j->task_;
  h.label = "pool: set_result";
  h.what = HandleFn::pool_done;
  j->loop().queue_io(h, Cause::pool);
}

void PoolJob::deliver_cb(void* job, void*) {
  auto* j = static_cast<PoolJob*>(job);
  if (!j->done()) {  // a cancelled awaiter drops the result, as run_in_executor's future does
    if (j->error_out_) j->set_exception(j->error_out_);
    else j->set_result(std::move(j->value_out_));
  }
  if (j->on_done) j->on_done();
}

PoolJob& to_thread(std::function<Value()> fn, std::string label) {
  Loop& loop = running_loop();
  PoolJob* j = loop.make<PoolJob>(std::move(fn), loop.intern(label));
  j->submit();
  return *j;
}

}  // namespace loopscope
