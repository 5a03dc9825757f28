// [SECTION] index
//   Writer: one Chrome trace event as a JSON object
//   Export: a pass over the merged events, closing slices as they end
//   Saving: through OutputFile (core/output_file.hpp)
#include "chrome_trace.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "output_file.hpp"
#include "trace_json.hpp"

namespace loopscope {

namespace {

constexpr int kLoopTid = 1;
int worker_tid(int32_t w) { return 2 + w; }
int task_tid(int32_t t) { return 2000 + t; }

// [SECTION] Writer

class Out {
 public:
  std::string s = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";

  // Starts one event: ph, pid, tid, name, and ts when t >= 0. Ends with end().
  Out& begin(char ph, int pid, int tid, const char* name, int64_t t = -1) {
    if (!first_) s += ",\n";
    first_ = false;
    s += "{\"ph\": \"";
    s += ph;
    s += "\", \"pid\": " + std::to_string(pid) + ", \"tid\": " + std::to_string(tid) + ", \"name\": ";
    append_json_string(s, name);
    // Flow ends bind to the slice or instant with the same ts, tid and cat
    // (Chrome DevTools' rule) or to the enclosing slice (Perfetto's, "bp": "e").
    if (ph != 'M') s += ", \"cat\": \"loopscope\"";
    if (t >= 0) us("ts", t);
    return *this;
  }
  Out& us(const char* key, int64_t ns) {  // microseconds with 3 decimals, exact
    if (ns < 0) ns = 0;
    char buf[48];
    std::snprintf(buf, sizeof buf, ", \"%s\": %lld.%03lld", key, (long long)(ns / 1000), (long long)(ns % 1000));
    s += buf;
    return *this;
  }
  Out& str(const char* key, const char* v) {
    this->key(key);
    append_json_string(s, v);
    return *this;
  }
  Out& num(const char* key, int64_t v) {
    this->key(key);
    s += std::to_string(v);
    return *this;
  }
  // args: a nested object built with the same calls between args_begin/args_end.
  Out& args_begin() {
    s += ", \"args\": {";
    first_arg_ = true;
    return *this;
  }
  Out& args_end() {
    s += '}';
    return *this;
  }
  void end() { s += '}'; }
  std::string finish() {
    s += "\n]}\n";
    return std::move(s);
  }

 private:
  void key(const char* k) {
    if (!first_arg_) s += ", ";
    first_arg_ = false;
    s += '"';
    s += k;
    s += "\": ";
  }
  bool first_ = true;
  bool first_arg_ = false;  // inside args, before its first key
};

// [SECTION] Export

struct TaskState {
  std::string name;
  int64_t step_t = -1, step_end_t = -1, push_t = -1, block_t = -1;
  int32_t step_line = 0;
  Wait wait = Wait::none;
  BlockKind block = BlockKind::sleep;
  int waker_tid = -1;  // who queued the handle that will run the next step
};

struct LoopState {
  int64_t iter_t = -1, handle_t = -1, last_t = 0, block_t = -1, poll_end = -1, mono_t = INT64_MIN;
  uint32_t it = 0;
  int64_t ready = 0;
  std::string handle_label;
  int32_t stepping = -1;  // the task inside a step, if any
  std::map<int32_t, TaskState> tasks;
};

struct Job {
  std::string label;
  int pid = 1, submit_tid = kLoopTid;
  int64_t submit_t = -1, start_t = -1;
};

class Exporter {
 public:
  std::string run(const std::vector<Event>& events) {
    for (const Event& e : events) event(e);
    for (auto& [loop, L] : loops_) close_loop(loop, L);
    return out_.finish();
  }

 private:
  LoopState& loop_of(const Event& e) {
    auto [it, fresh] = loops_.try_emplace(e.loop);
    if (fresh) {
      int pid = e.loop + 1;
      out_.begin('M', pid, 0, "process_name").args_begin()
          .str("name", e.loop == 0 ? "loop 0 (the loop under study)" : "loop 1 (client driver)").args_end().end();
      out_.begin('M', pid, 0, "process_sort_index").args_begin().num("sort_index", e.loop).args_end().end();
      thread_name(pid, kLoopTid, "loop", 0);
    }
    return it->second;
  }
  void thread_name(int pid, int tid, const std::string& name, int sort) {
    out_.begin('M', pid, tid, "thread_name").args_begin().str("name", name.c_str()).args_end().end();
    out_.begin('M', pid, tid, "thread_sort_index").args_begin().num("sort_index", sort).args_end().end();
  }
  // `trim` ns come off the end of a slice that the next one starts at: viewers
  // add ts + dur in floating point, and touching slices must not overlap.
  void slice(int pid, int tid, const char* name, int64_t from, int64_t to, const char* cname = nullptr,
             int64_t trim = 0) {
    out_.begin('X', pid, tid, name, from).us("dur", std::max<int64_t>(0, to - from - trim));
    if (cname) out_.str("cname", cname);
    out_.end();
  }
  void instant(int pid, int tid, const char* name, int64_t t, char scope = 't') {
    out_.begin('I', pid, tid, name, t).str("s", std::string(1, scope).c_str());
  }
  // A flow arrow. Each end has a slice or an instant starting at its time stamp.
  void flow(const char* name, int pid, int from_tid, int64_t from, int to_tid, int64_t to) {
    ++flow_id_;
    out_.begin('s', pid, from_tid, name, from).num("id", flow_id_).str("bp", "e").end();
    out_.begin('f', pid, to_tid, name, to).num("id", flow_id_).str("bp", "e").end();
  }

  void close_handle(int pid, LoopState& L, int64_t t) {
    if (L.handle_t < 0) return;
    slice(pid, kLoopTid, L.handle_label.c_str(), L.handle_t, t, nullptr, 2);
    L.handle_t = -1;
  }
  void close_iteration(int pid, LoopState& L, int64_t t) {
    close_handle(pid, L, t);
    if (L.iter_t < 0) return;
    std::string name = "iteration " + std::to_string(L.it);
    out_.begin('X', pid, kLoopTid, name.c_str(), L.iter_t).us("dur", std::max<int64_t>(0, t - L.iter_t - 1))
        .args_begin().num("ready", L.ready).args_end().end();
    L.iter_t = -1;
  }
  void close_loop(int loop, LoopState& L) {
    int pid = loop + 1;
    int64_t t = L.last_t;
    close_iteration(pid, L, t);
    for (auto& [id, T] : L.tasks) {
      if (T.step_t >= 0) slice(pid, task_tid(id), "step (unfinished)", T.step_t, t);
    }
  }

  void event(const Event& raw) {
    LoopState& L = loop_of(raw);
    // Events that share one clock read (docs/trace-format.md) are spread 1 ns
    // apart in emission order, so viewers nest and link them as they happened.
    Event e = raw;
    if (e.t_ns <= L.mono_t) e.t_ns = L.mono_t + 1;
    L.mono_t = e.t_ns;
    const int pid = e.loop + 1;
    L.last_t = std::max(L.last_t, e.t_ns);
    TaskState* T = nullptr;
    if (e.task >= 0) {
      auto [it, fresh] = L.tasks.try_emplace(e.task);
      T = &it->second;
      if (fresh) {
        T->name = e.kind == Ev::task_new && e.s1 ? e.s1 : "task " + std::to_string(e.task);
        thread_name(pid, task_tid(e.task), T->name + " (task " + std::to_string(e.task) + ")", 100 + e.task);
      }
    }
    const int tid = e.task >= 0 ? task_tid(e.task) : kLoopTid;
    switch (e.kind) {
      case Ev::run_begin:
        instant(pid, kLoopTid, e.s1 ? e.s1 : "run", e.t_ns, 'g');
        out_.args_begin().str("scenario", e.s1).str("params", e.s2).args_end().end();
        break;
      case Ev::run_end:
        close_iteration(pid, L, e.t_ns);
        instant(pid, kLoopTid, e.code == 0 ? "run end: ok" : "run end: error", e.t_ns, 'g');
        out_.args_begin().str("error", e.s1).args_end().end();
        break;
      case Ev::loop_iter:
        close_iteration(pid, L, e.t_ns);
        L.iter_t = e.t_ns;
        L.it = e.it;
        L.ready = e.num;
        break;
      case Ev::loop_poll: {
        // At least 1 ns long (a poll that did not wait), or viewers do not nest it.
        int64_t ts = e.t_ns, dur = std::max<int64_t>(e.num, 1);
        L.mono_t = std::max(L.mono_t, ts + dur);
        L.last_t = std::max(L.last_t, ts + dur + 2);  // a last iteration must still enclose its poll
        L.poll_end = ts + dur;
        std::string name = e.ref < 0 ? "poll (no timeout)" : "poll (timeout " + std::to_string(e.ref) + " ms)";
        out_.begin('X', pid, kLoopTid, name.c_str(), ts).us("dur", dur)
            .args_begin().num("timeout_ms", e.ref).num("waited_ns", e.num).args_end().end();
        break;
      }
      case Ev::ready_push:
        if (T) {
          T->push_t = e.t_ns;
          T->waker_tid = L.stepping >= 0 ? task_tid(L.stepping) : kLoopTid;
          std::string name = std::string("queue ") + (e.s1 ? e.s1 : "handle");
          instant(pid, T->waker_tid, name.c_str(), e.t_ns);
          out_.args_begin().num("handle", e.id).str("cause", loopscope::name(Cause(e.code))).args_end().end();
        }
        break;
      case Ev::ready_run:
        close_handle(pid, L, e.t_ns);
        L.handle_t = std::max(e.t_ns, L.poll_end);  // after the poll it may share a clock read with
        L.handle_label = e.s1 ? e.s1 : "handle " + std::to_string(e.id);
        break;
      case Ev::step_begin:
        if (!T) break;
        if (T->step_end_t >= 0) {  // the wait since the last step, then the time queued
          int64_t woke = T->push_t >= T->step_end_t ? T->push_t : T->step_end_t;
          std::string name = std::string("await ") + loopscope::name(T->wait);
          if (T->wait != Wait::none) slice(pid, tid, name.c_str(), T->step_end_t, woke, nullptr, 1);
          slice(pid, tid, "ready (queued)", woke, e.t_ns, nullptr, 1);
        } else if (T->push_t >= 0) {
          slice(pid, tid, "ready (queued)", T->push_t, e.t_ns, nullptr, 1);
        }
        if (T->waker_tid >= 0 && T->push_t >= 0) flow("wakeup", pid, T->waker_tid, T->push_t, tid, e.t_ns);
        T->step_t = e.t_ns;
        T->step_line = e.line;
        L.stepping = e.task;
        break;
      case Ev::step_end:
        if (!T || T->step_t < 0) break;
        out_.begin('X', pid, tid,
                   (e.flags & kFlagSlow) ? "step (slow)" : (e.flags & kFlagPreempted) ? "step (preempted)" : "step",
                   T->step_t)
            .us("dur", std::max<int64_t>(0, e.t_ns - T->step_t - 1));
        if (e.flags & kFlagSlow) out_.str("cname", "terrible");
        out_.args_begin().num("from_line", T->step_line).num("to_line", e.line)
            .str("awaits", loopscope::name(Wait(e.code))).args_end().end();
        T->step_t = -1;
        T->step_end_t = e.t_ns;
        T->wait = Wait(e.code);
        T->waker_tid = -1;
        L.stepping = -1;
        break;
      case Ev::task_done: {
        std::string name = std::string("done: ") + loopscope::name(Outcome(e.code));
        instant(pid, tid, name.c_str(), e.t_ns);
        out_.args_begin().str(Outcome(e.code) == Outcome::result ? "value" : "error", e.s1).args_end().end();
        if (T) T->step_end_t = -1;  // no wait after the end
        break;
      }
      case Ev::task_cancel:
        instant(pid, tid, "cancel requested", e.t_ns);
        out_.args_begin().num("by", e.ref).args_end().end();
        break;
      case Ev::print:
        instant(pid, tid, e.s1 ? e.s1 : "print", e.t_ns);
        out_.args_begin().num("line", e.line).str("text", e.s1).args_end().end();
        break;
      case Ev::block_begin:
        L.block_t = e.t_ns;
        if (T) {
          T->block_t = e.t_ns;
          T->block = BlockKind(e.code);
        }
        break;
      case Ev::block_end: {
        std::string name = std::string("BLOCKED (") + loopscope::name(BlockKind(e.code)) + ")";
        if (e.s1) name += ": " + std::string(e.s1);  // e.g. the time.sleep(2) call
        if (T && T->block_t >= 0) slice(pid, tid, name.c_str(), T->block_t, e.t_ns, "terrible");
        if (L.block_t >= 0) slice(pid, kLoopTid, "loop BLOCKED", L.block_t, e.t_ns, "terrible");
        L.block_t = -1;
        if (T) T->block_t = -1;
        break;
      }
      case Ev::pool_submit: {
        Job& j = jobs_[{e.loop, e.id}];
        j.label = e.s1 ? e.s1 : "job " + std::to_string(e.id);
        j.pid = pid;
        j.submit_tid = tid;
        j.submit_t = e.t_ns;
        instant(pid, tid, ("submit " + j.label).c_str(), e.t_ns);
        out_.end();
        break;
      }
      case Ev::pool_start: {
        Job& j = jobs_[{e.loop, e.id}];
        j.start_t = e.t_ns;
        if (workers_.insert({pid, e.ref}).second)
          thread_name(pid, worker_tid(e.ref), "pool worker " + std::to_string(e.ref), 10 + e.ref);
        break;
      }
      case Ev::pool_end: {
        Job& j = jobs_[{e.loop, e.id}];
        if (j.start_t < 0) break;
        slice(pid, worker_tid(e.ref), j.label.empty() ? "pool job" : j.label.c_str(), j.start_t, e.t_ns);
        if (j.submit_t >= 0) flow("pool", pid, j.submit_tid, j.submit_t, worker_tid(e.ref), j.start_t);
        break;
      }
      case Ev::timer_fire: instant(pid, kLoopTid, "timer due", e.t_ns); out_.end(); break;
      case Ev::io_done: {
        std::string name = std::string("io done: ") + loopscope::name(IoKind(e.code));
        instant(pid, kLoopTid, name.c_str(), e.t_ns);
        out_.args_begin().str("status", e.s1).num("bytes", e.num).args_end().end();
        break;
      }
      case Ev::task_unretrieved:
        instant(pid, tid, "Task exception was never retrieved", e.t_ns, 'p');
        out_.args_begin().str("error", e.s1).args_end().end();
        break;
      case Ev::deadlock: instant(pid, kLoopTid, "DEADLOCK: nothing can wake the loop", e.t_ns, 'p'); out_.end(); break;
      case Ev::task_new: case Ev::timer_arm: case Ev::timer_cancel: case Ev::io_wait: case Ev::source:
      case Ev::truncated: case Ev::bookmark: case Ev::count_: break;
      case Ev::ready_cancel: break;  // the handle never runs: no slice to draw
      case Ev::loop_abort:
        instant(pid, kLoopTid, "loop left by an exception", e.t_ns, 'p');
        out_.args_begin().str("error", e.s1).args_end().end();
        break;
      case Ev::loop_close:
        instant(pid, kLoopTid, "loop.close()", e.t_ns, 'p');
        out_.args_begin().num("dropped", e.num).num("timers", e.ref).args_end().end();
        break;
      case Ev::queue_put: case Ev::queue_get: break;  // the stage's business; DevTools shows the steps around them
    }
  }

  Out out_;
  std::map<int, LoopState> loops_;
  std::map<std::pair<int, int32_t>, Job> jobs_;
  std::set<std::pair<int, int32_t>> workers_;
  int64_t flow_id_ = 0;
};

}  // namespace

std::string to_chrome_trace(const std::vector<Event>& events) { return Exporter().run(events); }

// [SECTION] Saving

std::string save_chrome_trace(const std::string& path, const std::vector<Event>& events) {
  OutputFile f;
  std::string err = f.open(path);
  if (err.empty()) err = f.write(to_chrome_trace(events));
  return err.empty() ? f.commit() : err;
}

}  // namespace loopscope
