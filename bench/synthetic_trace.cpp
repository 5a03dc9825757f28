#include "synthetic_trace.hpp"

#include <algorithm>
#include <map>
#include <random>

#include "core/trace_json.hpp"

namespace loopscope::bench {

namespace {

enum class Run : uint8_t { step, set_result, gather_done };
struct Handle {
  int32_t id = -1, task = -1;
  const char* label = nullptr;
  Run run = Run::step;
};
struct Timer {
  int64_t due = 0;
  int32_t id = -1, task = -1;
  bool operator>(const Timer& o) const { return due != o.due ? due > o.due : id > o.id; }
};
// An I/O or pool completion the loop will see when it polls.
struct Completion {
  int64_t at = 0;
  Cause cause = Cause::io;
  int32_t op = -1, task = -1;
};

class Generator {
 public:
  Generator(const SyntheticShape& shape, SyntheticTrace& out) : shape_(shape), out_(out), rng_(shape.seed) {}

  void run() {
    out_.events.reserve(shape_.events + 64);
    Event& b = emit(Ev::run_begin);
    b.s1 = str(shape_.scenario);
    b.s2 = str("{}");
    names_.push_back("main");
    for (int k = 0; k < shape_.tasks; ++k) {
      std::string n(1, char('A' + k % 26));
      if (k >= 26) n += std::to_string(k / 26);
      names_.push_back(n);
    }
    for (const std::string& n : names_) step_label_.push_back(str(n + " step")), wake_label_.push_back(str(n + " wakeup"));
    Event& nt = emit(Ev::task_new, 0);
    nt.s1 = str("main");
    push(0, step_label_[0], Run::step, Cause::new_);
    workers_free_.assign(size_t(shape_.pool_workers), 0);
    while (!finished_) iteration();
    flush_workers(INT64_MAX);
    Event& end = emit(Ev::run_end);
    end.s1 = nullptr;
    for (size_t i = 0; i < out_.events.size(); ++i) out_.events[i].seq = i;
  }

 private:
  // [SECTION] Emission
  const char* str(std::string s) { return out_.strings.emplace_back(std::move(s)).c_str(); }
  int64_t rand(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  // Time moves on; thread-pool events that happened meanwhile come first (the reader merges streams by time).
  void advance(int64_t dt) {
    flush_workers(t_ + dt);
    t_ += dt;
  }
  Event& emit(Ev kind, int32_t task = -1) {
    advance(rand(150, 900));  // the engine's bookkeeping between two events
    return append(kind, task, t_);
  }
  Event& append(Ev kind, int32_t task, int64_t t) {
    Event e;
    e.t_ns = t;
    e.it = it_;
    e.kind = kind;
    e.task = task;
    out_.events.push_back(e);
    return out_.events.back();
  }
  void flush_workers(int64_t until) {
    while (!worker_events_.empty() && worker_events_.begin()->first < until) {
      auto node = worker_events_.extract(worker_events_.begin());
      Event& e = append(node.mapped().kind, node.mapped().task, node.key());
      e.id = node.mapped().id;
      e.ref = node.mapped().ref;
      e.it = node.mapped().it;
    }
  }
  void push(int32_t task, const char* label, Run run, Cause cause) {
    Handle h{next_handle_++, task, label, run};
    Event& e = emit(Ev::ready_push, run == Run::gather_done ? -1 : task);
    e.id = h.id;
    e.s1 = label;
    e.code = uint8_t(cause);
    ready_.push_back(h);
  }

  // [SECTION] One iteration of _run_once
  void iteration() {
    ++it_;
    emit(Ev::loop_iter).num = int64_t(ready_.size());
    int64_t next = INT64_MAX;
    if (!timers_.empty()) next = timers_.front().due;
    for (const Completion& c : completions_) next = std::min(next, c.at);
    int timeout_ms = !ready_.empty() ? 0 : timers_.empty() ? -1 : int(std::max<int64_t>(0, (timers_.front().due - t_ + 999999) / 1000000));
    Event& poll = emit(Ev::loop_poll);
    int64_t waited = ready_.empty() && next != INT64_MAX ? std::max<int64_t>(next - t_, 2000) : rand(300, 3000);
    poll.ref = timeout_ms;
    poll.num = waited;
    if (ready_.empty() && next == INT64_MAX) {  // nothing can ever wake the loop: the engine reports a deadlock
      emit(Ev::deadlock, 0);
      finished_ = true;
      return;
    }
    advance(waited);
    // I/O phase (pool completions arrive through uv_async), then due timers, as asyncio orders them.
    std::sort(completions_.begin(), completions_.end(), [](const Completion& a, const Completion& b) { return a.at < b.at; });
    size_t n = 0;
    for (; n < completions_.size() && completions_[n].at <= t_; ++n) {
      const Completion& c = completions_[n];
      if (c.cause == Cause::io) {
        Event& d = emit(Ev::io_done, c.task);
        d.id = c.op, d.code = uint8_t(IoKind::read), d.s1 = str_ok_, d.num = rand(7, 4096);
        push(c.task, label_data_, Run::set_result, Cause::io);
      } else {
        push(c.task, label_pool_, Run::set_result, Cause::pool);
      }
    }
    completions_.erase(completions_.begin(), completions_.begin() + ptrdiff_t(n));
    while (!timers_.empty() && timers_.front().due <= t_) {
      std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
      Timer tm = timers_.back();
      timers_.pop_back();
      Event& f = emit(Ev::timer_fire, tm.task);
      f.id = tm.id, f.num = tm.due;
      push(tm.task, label_timer_, Run::set_result, Cause::timer);
    }
    size_t ntodo = ready_.size();
    for (size_t k = 0; k < ntodo && !finished_; ++k) {
      Handle h = ready_.front();
      ready_.pop_front();
      Event& r = emit(Ev::ready_run, h.run == Run::gather_done ? -1 : h.task);
      r.id = h.id, r.s1 = h.label, r.num = int64_t(ntodo - k - 1);
      switch (h.run) {
        case Run::step: step(h.task); break;
        case Run::set_result: push(h.task, wake_label_[size_t(h.task)], Run::step, Cause::future); break;
        case Run::gather_done:
          if (--gathering_ == 0) push(0, wake_label_[0], Run::step, Cause::future);
          break;
      }
    }
  }

  // [SECTION] One task step
  void step(int32_t task) {
    int64_t begin = t_;
    bool main = task == 0;
    bool closing = out_.events.size() + size_t(12 * (shape_.tasks + 1)) >= shape_.events;
    emit(Ev::step_begin, task).line = main ? (started_ ? 12 : 0) : 6;
    auto end = [&](Wait w, int line, bool slow = false) {
      advance(rand(2000, 40000));  // the step's own Python work
      Event& e = emit(Ev::step_end, task);
      e.line = line, e.code = uint8_t(w), e.num = t_ - begin, e.flags = slow ? kFlagSlow : 0;
    };
    if (main) {
      if (!started_) {  // create the workers, gather them
        started_ = true;
        for (int k = 1; k <= shape_.tasks; ++k) {
          Event& nt = emit(Ev::task_new, k);
          nt.s1 = str(names_[size_t(k)]), nt.ref = 0;
          push(k, step_label_[size_t(k)], Run::step, Cause::new_);
        }
        gathering_ = shape_.tasks;
        end(Wait::gather, 12);
        return;
      }
      Event& p = emit(Ev::print, 0);
      p.line = 17, p.s1 = str("main: gather returned");
      end(Wait::none, 17);
      Event& d = emit(Ev::task_done, 0);
      d.s1 = str("None");
      finished_ = true;
      return;
    }
    if (chance(0.3)) {
      Event& p = emit(Ev::print, task);
      p.line = 5, p.s1 = str("[it " + std::to_string(it_) + "] " + names_[size_t(task)] + ": tick");
    }
    if (closing) {  // the run is big enough: every worker returns at its next step
      end(Wait::none, 8);
      Event& d = emit(Ev::task_done, task);
      d.s1 = str("'" + names_[size_t(task)] + "'");
      push(task, label_gather_, Run::gather_done, Cause::future);
      return;
    }
    if (chance(0.01)) {  // time.sleep inside a coroutine: the loop is blocked
      Event& bb = emit(Ev::block_begin, task);
      bb.code = uint8_t(BlockKind::sleep), bb.line = 7, bb.s1 = label_block_;
      int64_t dur = rand(5'000'000, 30'000'000);
      advance(dur);
      Event& be = emit(Ev::block_end, task);
      be.code = uint8_t(BlockKind::sleep), be.line = 7, be.s1 = label_block_, be.num = dur;
      end(Wait::sleep, 6, true);
      arm(task, rand(1'000'000, 20'000'000));
      return;
    }
    double pick = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (pick < 0.5) {
      int64_t d = rand(1'000'000, 20'000'000);
      arm(task, d);
      end(Wait::sleep, 6);
    } else if (pick < 0.65) {
      end(Wait::yield, 6);
      push(task, step_label_[size_t(task)], Run::step, Cause::yield);
    } else if (pick < 0.85) {
      int32_t op = next_op_++;
      Event& w = emit(Ev::io_wait, task);
      w.id = op, w.code = uint8_t(IoKind::read), w.s1 = label_target_;
      end(Wait::io, 6);
      completions_.push_back({t_ + rand(500'000, 5'000'000), Cause::io, op, task});
    } else {
      submit(task);
      end(Wait::pool, 6);
    }
  }
  void arm(int32_t task, int64_t delay) {
    Timer tm{t_ + delay, next_timer_++, task};
    Event& a = emit(Ev::timer_arm, task);
    a.id = tm.id, a.num = tm.due, a.s1 = label_timer_;
    timers_.push_back(tm);
    std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
  }
  // A job for the thread pool: the first free worker takes it.
  void submit(int32_t task) {
    int32_t job = next_job_++;
    Event& s = emit(Ev::pool_submit, task);
    s.id = job, s.s1 = label_job_;
    auto w = std::min_element(workers_free_.begin(), workers_free_.end());
    int64_t start = std::max(t_ + rand(20'000, 200'000), *w), stop = start + rand(1'000'000, 10'000'000);
    *w = stop + 1;
    int32_t worker = int32_t(w - workers_free_.begin());
    worker_events_.insert({start, WorkerEvent{Ev::pool_start, task, job, worker, it_}});
    worker_events_.insert({stop, WorkerEvent{Ev::pool_end, task, job, worker, it_}});
    completions_.push_back({stop + rand(5'000, 50'000), Cause::pool, job, task});
  }

  struct WorkerEvent {
    Ev kind;
    int32_t task, id, ref;
    uint32_t it;
  };

  const SyntheticShape& shape_;
  SyntheticTrace& out_;
  std::mt19937_64 rng_;
  int64_t t_ = 100'000;
  uint32_t it_ = 0;
  bool started_ = false, finished_ = false;
  int gathering_ = 0;
  int32_t next_handle_ = 0, next_timer_ = 0, next_op_ = 0, next_job_ = 0;
  std::vector<std::string> names_;
  std::vector<const char*> step_label_, wake_label_;
  std::deque<Handle> ready_;
  std::vector<Timer> timers_;  // min-heap on due
  std::vector<Completion> completions_;
  std::vector<int64_t> workers_free_;
  std::multimap<int64_t, WorkerEvent> worker_events_;
  const char* label_timer_ = str("sleep timer: set_result");
  const char* label_data_ = str("stream: data_received");
  const char* label_pool_ = str("pool: set_result");
  const char* label_gather_ = str("gather: _done_callback");
  const char* label_block_ = str("time.sleep");
  const char* label_job_ = str("read_text(part.txt)");
  const char* label_target_ = str("127.0.0.1:8080");
  const char* str_ok_ = str("ok");
};

}  // namespace

SyntheticTrace make_synthetic_trace(const SyntheticShape& shape) {
  SyntheticTrace out;
  Generator(shape, out).run();
  return out;
}

std::string write_synthetic_trace(const std::string& path, const SyntheticShape& shape, size_t* events) {
  SyntheticTrace t = make_synthetic_trace(shape);
  if (events) *events = t.events.size();
  return save_jsonl(path, t.events);
}

}  // namespace loopscope::bench
