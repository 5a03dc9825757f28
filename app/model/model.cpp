// The view model's replay: events in, lanes + loop state + checkpoints out.
//
// [SECTION] Helpers
// [SECTION] Loop state: one event at a time (shared by update and state_at)
// [SECTION] Lanes
// [SECTION] Deriving one event
// [SECTION] Update, rollback, queries
#include "model/model.hpp"

#include "core/trace_schema.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

#include "core/reserve.hpp"
#include "core/trace_schema.hpp"
#include "model/elide.hpp"

namespace loopscope::model {

// [SECTION] Helpers

namespace {

// A task's own handle, from the trace's `fn` (see runs_task).
bool is_task_handle(const Event& e) {
  return runs_task(e.kind == Ev::ready_push ? as<ev::ReadyPush>(e).fn : as<ev::ReadyRun>(e).fn, e.task);
}

// run.begin's entry is "none": the code under study runs no event loop.
bool runs_no_event_loop(const Event& e) { return as<ev::RunBegin>(e).entry == Entry::none; }

uint64_t task_key(uint8_t loop, int32_t id) { return uint64_t(loop) << 32 | uint32_t(id); }

// The lowest palette index no live task holds (tasks of every loop share the screen).
template <class Cursor>
int take_color(Cursor& cur) {
  auto& live = cur.live_colors;
  auto& free = cur.free_colors;
  while (!free.empty() && live[size_t(free.front())] != 0) {  // stale: taken again since it was freed
    std::pop_heap(free.begin(), free.end(), std::greater<>());
    free.pop_back();
  }
  size_t c = live.size();
  if (!free.empty()) {
    c = size_t(free.front());
    std::pop_heap(free.begin(), free.end(), std::greater<>());
    free.pop_back();
  } else {
    live.push_back(0);
  }
  ++live[c];
  return int(c);
}

template <class V, class Pred>
void pop_while(V& v, Pred pred) {
  while (!v.empty() && pred(v.back())) v.pop_back();
}

}  // namespace

// [SECTION] Loop state: one event at a time (shared by update and state_at)

void Model::step_state(LoopState& s, const Event& e, size_t i) const {
  s.event_index = i;
  s.t_ns = e.t_ns;
  s.it = e.it;
  auto task_of = [&](int32_t id) -> TaskSnapshot* {
    int32_t k = task_index(id, e.loop);
    if (k < 0) return nullptr;
    if (s.tasks.size() <= size_t(k)) {
      reserve_for(s.tasks, std::max(size_t(k) + 1, tasks_.capacity()));  // update() sized tasks_ for the trace
      s.tasks.resize(size_t(k) + 1);
    }
    return &s.tasks[size_t(k)];
  };
  switch (e.kind) {
    case Ev::run_begin: s.phase = Phase::idle; break;
    case Ev::ready_cancel: {
      // Handle.cancel() on a queued handle: _run_once will pop it and skip it.
      auto it = std::find_if(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) { return c.handle == e.id; });
      if (it != s.ready.end()) {
        if (size_t(it - s.ready.begin()) < s.this_iter) --s.this_iter;
        s.ready.erase(it);
      }
      break;
    }
    case Ev::loop_close:
      // BaseEventLoop.close(): _ready and _scheduled are cleared, the selector closed.
      s.phase = Phase::closed;
      s.closed = true;
      s.ready.clear();
      s.this_iter = 0;
      s.timers.clear();
      s.io.clear();
      s.running = {};
      s.running_task = -1;
      break;
    case Ev::run_end:
    case Ev::deadlock:
      s.phase = Phase::done;
      s.running = {};
      s.running_task = -1;
      break;
    case Ev::loop_abort:
      // SystemExit / KeyboardInterrupt left _run_once mid-iteration: nothing of this iteration runs
      // any more; what is queued (and what is pushed until the loop runs again: asyncio.run's
      // shutdown) runs in the next _run_once. The phase stays, so later pushes do not join this one.
      s.this_iter = 0;
      s.running = {};
      s.running_task = -1;
      break;
    case Ev::loop_iter:
      s.phase = Phase::idle;
      s.closed = false;  // a new loop under the same number (asyncio.run twice)
      s.running = {};
      s.running_task = -1;
      break;
    case Ev::loop_poll:
      s.phase = Phase::polling;
      s.poll_timeout_ms = as<ev::Poll>(e).timeout_ms;
      break;
    case Ev::ready_push:
      s.ready.push_back({e.id, e.task, e.s1, Cause(e.code), as<ev::ReadyPush>(e).fn, e.it});
      // Before the iteration's first handle runs (the poll appends I/O and
      // due timers) a push joins this iteration; after it, the next one.
      if (s.phase != Phase::running && s.phase != Phase::blocked) s.this_iter = s.ready.size();
      if (is_task_handle(e))
        if (TaskSnapshot* t = task_of(e.task)) t->state = TaskState::ready, t->since_ns = e.t_ns;
      break;
    case Ev::ready_run: {
      // FIFO: the run handle is the front; search anyway so a damaged trace cannot derail the view.
      auto it = std::find_if(s.ready.begin(), s.ready.end(), [&](const ReadyChip& c) { return c.handle == e.id; });
      s.running = it != s.ready.end() ? *it : ReadyChip{e.id, e.task, e.s1, Cause::call_soon, as<ev::ReadyRun>(e).fn, e.it};
      // The front pops in O(1); FIXME-PERF: a handle deep in the queue (only a damaged trace) costs O(queue).
      if (it != s.ready.end()) s.ready.erase(it);
      s.this_iter = std::min(s.ready.size(), size_t(std::max<int64_t>(e.num, 0)));
      s.running_task = -1;
      s.phase = s.blocked ? Phase::blocked : Phase::running;
      break;
    }
    case Ev::task_new:
      if (TaskSnapshot* t = task_of(e.task)) {
        *t = {};
        t->id = e.task;
      }
      break;
    case Ev::step_begin:
      if (TaskSnapshot* t = task_of(e.task)) {
        t->state = TaskState::running;
        t->since_ns = e.t_ns;
        t->line = e.line;
        t->file = e.s2;
        t->cancelling = false;  // the CancelledError (if any) is thrown into this step
      }
      s.running_task = e.task;
      break;
    case Ev::step_end:
      if (TaskSnapshot* t = task_of(e.task)) {
        const ev::StepEnd v = as<ev::StepEnd>(e);
        t->state = TaskState::waiting;
        t->wait = v.wait;
        t->on = v.on;
        t->via = v.via;
        t->target = v.target;
        t->since_ns = e.t_ns;
        t->line = e.line;
        t->file = e.s2;
      }
      s.running_task = -1;
      break;
    case Ev::task_done:
      if (TaskSnapshot* t = task_of(e.task)) {
        t->state = TaskState::done;
        t->since_ns = e.t_ns;
        t->wait = Wait::none;
        t->on = AwaitOn::unset;
        t->via = nullptr;
        t->target = -1;
        t->outcome = Outcome(e.code);
      }
      break;
    case Ev::task_cancel:
      if (TaskSnapshot* t = task_of(e.task)) t->cancelling = true;
      break;
    case Ev::timer_arm: {
      const auto t = as<ev::Timer>(e);
      TimerChip c{t.timer, t.task, t.due_ns, t.label, t.fn};
      // Timers are mostly armed in due order: append without a search.
      if (s.timers.empty() || s.timers.back().due_ns <= c.due_ns) {
        s.timers.push_back(c);
        break;
      }
      auto at = std::upper_bound(s.timers.begin(), s.timers.end(), c.due_ns,
                                 [](int64_t due, const TimerChip& x) { return due < x.due_ns; });
      s.timers.insert(at, c);
      break;
    }
    case Ev::timer_fire:
    case Ev::timer_cancel:
      std::erase_if(s.timers, [&](const TimerChip& c) { return c.timer == e.id; });
      break;
    case Ev::io_wait: s.io.push_back({e.id, e.task, IoKind(e.code), e.s1, e.t_ns}); break;
    case Ev::io_done: std::erase_if(s.io, [&](const IoChip& c) { return c.op == e.id; }); break;
    case Ev::pool_submit: s.workers.push_back({e.id, e.task, -1, e.s1, e.t_ns, false}); break;
    case Ev::pool_start: {
      auto it = std::find_if(s.workers.begin(), s.workers.end(), [&](const WorkerChip& c) { return c.job == e.id; });
      if (it == s.workers.end()) it = s.workers.insert(s.workers.end(), {e.id, e.task, -1, nullptr, 0, false});
      it->worker = as<ev::PoolRun>(e).worker;
      it->started_ns = e.t_ns;
      it->running = true;
      break;
    }
    case Ev::pool_end: std::erase_if(s.workers, [&](const WorkerChip& c) { return c.job == e.id; }); break;
    case Ev::block_begin:
      s.blocked = true;
      s.blocked_line = e.line;
      s.blocked_file = e.s2;
      s.phase = Phase::blocked;
      break;
    case Ev::block_end:
      s.blocked = false;
      s.phase = Phase::running;
      break;
    case Ev::print:
      if (TaskSnapshot* t = task_of(e.task)) t->line = e.line, t->file = e.s2;
      break;
    case Ev::queue_put:
    case Ev::queue_get: {
      auto q = std::find_if(s.queues.begin(), s.queues.end(), [&](const QueueChip& c) { return c.queue == e.id; });
      if (q == s.queues.end()) q = s.queues.insert(s.queues.end(), QueueChip{e.id, e.ref, {}, QueueOrder::unset});
      q->order = QueueOrder(e.code);
      if (e.kind == Ev::queue_put) {
        q->items.push_back(e.s1);
      } else if (!q->items.empty()) {  // the item the trace names: a LifoQueue's last, a PriorityQueue's least
        auto item = std::find_if(q->items.begin(), q->items.end(), [&](const char* x) {
          return x == e.s1 || (x && e.s1 && std::strcmp(x, e.s1) == 0);
        });
        q->items.erase(item != q->items.end() ? item : q->items.begin());
      }
      // The trace's size is the truth; a reader that joined late trims or pads to it.
      while (q->items.size() > size_t(std::max<int64_t>(e.num, 0))) q->items.erase(q->items.begin());
      break;
    }
    case Ev::task_unretrieved:
    case Ev::source: case Ev::truncated: case Ev::bookmark:
    case Ev::count_: break;
  }
}

// [SECTION] Lanes

int32_t Model::add_lane(LaneKind kind, int32_t id, uint8_t loop, std::string label, size_t i) {
  Lane l;
  l.kind = kind;
  l.id = id;
  l.loop = loop;
  l.label = std::move(label);
  l.created_at = i;
  lanes_.push_back(std::move(l));
  lane_open_.push_back(0);
  return int32_t(lanes_.size() - 1);
}

void Model::close_seg(int32_t lane, int64_t t, size_t i) {
  if (lane < 0 || !lane_open_[size_t(lane)]) return;
  Segment& s = lanes_[size_t(lane)].segments.back();
  s.t1 = std::max(t, s.t0);
  s.last_event = uint32_t(i);
  lane_open_[size_t(lane)] = 0;
}

void Model::open_seg(int32_t lane, const Event& e, size_t i, TaskState st, Wait w, Outcome o, bool blocked,
                     int32_t task) {
  if (lane < 0) return;
  close_seg(lane, e.t_ns, i);
  Segment s;
  s.t0 = s.t1 = e.t_ns;
  s.state = st;
  s.wait = w;
  s.outcome = o;
  s.blocked = blocked;
  s.first_event = s.last_event = uint32_t(i);
  s.task = task;
  lanes_[size_t(lane)].segments.push_back(s);
  lane_open_[size_t(lane)] = 1;
}

// Marks a segment opened by an earlier event as blocked; journaled so a
// rollback past event i can clear it again.
void Model::flag_blocked(int32_t lane, uint32_t seg, size_t i) {
  if (lane < 0 || seg >= lanes_[size_t(lane)].segments.size()) return;
  Segment& s = lanes_[size_t(lane)].segments[seg];
  if (s.blocked) return;
  undo_.push_back({uint32_t(i), lane, seg, s.blocked});
  s.blocked = true;
}

LoopState& Model::loop_state(uint8_t loop, size_t i) {
  if (cur_.loops.size() <= loop) {
    size_t n = cur_.loops.size();
    cur_.loops.resize(size_t(loop) + 1);
    cur_.lc.resize(size_t(loop) + 1);
    for (size_t l = n; l < cur_.loops.size(); ++l) cur_.loops[l].loop = uint8_t(l);
  }
  LoopCursor& lc = cur_.lc[loop];
  if (lc.lane < 0)
    // The engine's loop 1 is the server scenarios' client loop; a program's is a second loop open at once (a thread's).
    lc.lane = add_lane(LaneKind::loop, loop, loop,
                       loop == 0 ? "event loop" : (cpython_ ? "loop " : "client loop ") + std::to_string(loop), i);
  return cur_.loops[loop];
}

// [SECTION] Deriving one event

void Model::apply(const Event& e, size_t i) {
  LoopState& st = loop_state(e.loop, i);
  LoopCursor& lc = cur_.lc[e.loop];
  const int32_t loop_lane = lc.lane;
  const int32_t ti = e.task >= 0 ? task_index(e.task, e.loop) : -1;
  const int32_t tlane = ti >= 0 ? tasks_[size_t(ti)].lane : -1;
  auto mark = [&](int32_t lane, int32_t by = -1) {
    if (lane >= 0) marks_.push_back({lane, {e.t_ns, e.kind, uint32_t(i), by}});
  };

  switch (e.kind) {
    case Ev::run_begin:
      if (e.loop == 0) {
        scenario_ = e.s1;
        no_event_loop_ = runs_no_event_loop(e);
        cpython_ = as<ev::RunBegin>(e).engine == EngineKind::cpython;
        if (no_event_loop_ && loop_lane >= 0) lanes_[size_t(loop_lane)].label = "server thread (no event loop)";
      }
      break;
    case Ev::run_end:
      close_seg(loop_lane, e.t_ns, i);
      if (e.loop == 0) {
        finished_ = true;
        finished_at_ = i;
      }
      if (e.code != 0) notable_.push_back(uint32_t(i));
      break;
    case Ev::deadlock:
      close_seg(loop_lane, e.t_ns, i);
      mark(loop_lane);
      notable_.push_back(uint32_t(i));
      break;
    case Ev::truncated: notable_.push_back(uint32_t(i)); break;
    case Ev::loop_abort:
      close_seg(loop_lane, e.t_ns, i);
      lc.current = {};
      lc.current_task = -1;
      notable_.push_back(uint32_t(i));
      break;
    case Ev::loop_close:
      close_seg(loop_lane, e.t_ns, i);
      lc.current = {};
      lc.current_task = -1;
      if (as<ev::LoopClose>(e).dropped > 0) notable_.push_back(uint32_t(i));
      break;
    case Ev::loop_iter:
      close_seg(loop_lane, e.t_ns, i);
      lc.current = {};
      lc.current_task = -1;
      if (e.loop == 0) iterations_.push_back(uint32_t(i));
      break;
    case Ev::loop_poll: {
      open_seg(loop_lane, e, i, TaskState::waiting);
      close_seg(loop_lane, e.t_ns + e.num, i);
      break;
    }
    case Ev::ready_push: {
      const Cause cause = Cause(e.code);
      Origin o;
      switch (cause) {
        case Cause::timer:
        case Cause::io:
        case Cause::threadsafe: o = {loop_lane, e.t_ns, cause}; break;
        case Cause::pool:
          o = ti >= 0 && size_t(ti) < cur_.pool_done.size() && cur_.pool_done[size_t(ti)].lane >= 0
                  ? cur_.pool_done[size_t(ti)]
                  : Origin{loop_lane, e.t_ns, cause};
          break;
        case Cause::future:
        case Cause::cancel:
        case Cause::call_soon:
          // Scheduled by the running handle: a task (finishing, or setting a
          // future) is the origin itself; a callback passes on where it came from.
          if (lc.current_task >= 0)
            o = {tasks_[size_t(lc.current_task)].lane, e.t_ns, Cause::future};
          else
            o = lc.current;
          break;
        case Cause::new_:
        case Cause::yield: break;
      }
      lc.pending.push_back({e.id, o});
      if (is_task_handle(e) && tlane >= 0) {
        open_seg(tlane, e, i, TaskState::ready);
        bool wakes = cause == Cause::timer || cause == Cause::io || cause == Cause::future || cause == Cause::pool ||
                     cause == Cause::cancel || cause == Cause::threadsafe;
        if (wakes && o.lane >= 0 && o.lane != tlane) {
          bool cancelling = size_t(ti) < st.tasks.size() && st.tasks[size_t(ti)].cancelling;
          wakeups_.push_back({o.t, e.t_ns, o.lane, tlane, cancelling ? Cause::cancel : o.cause, uint32_t(i)});
          lanes_[size_t(tlane)].wakeups_in.push_back(uint32_t(wakeups_.size() - 1));
          max_wakeup_span_ = std::max(max_wakeup_span_, e.t_ns - o.t);
        }
      }
      break;
    }
    case Ev::ready_run: {
      auto it = std::find_if(lc.pending.begin(), lc.pending.end(), [&](const Pending& p) { return p.handle == e.id; });
      lc.current = it != lc.pending.end() ? it->origin : Origin{};
      if (it != lc.pending.end()) lc.pending.erase(it);
      lc.current_task = is_task_handle(e) ? ti : -1;
      open_seg(loop_lane, e, i, TaskState::running, Wait::none, Outcome::result, st.blocked, e.task);
      lc.handle_seg = uint32_t(lanes_[size_t(loop_lane)].segments.size() - 1);
      if (lc.current_task >= 0) open_seg(tlane, e, i, TaskState::running, Wait::none, Outcome::result, st.blocked);
      break;
    }
    case Ev::task_new: {
      TaskInfo t;
      t.id = e.task;
      t.name = e.s1 ? elide(e.s1, limits::kShownNameChars) : "Task-" + std::to_string(e.task + 1);
      // With no event loop the engine's main task is the thread's own code,
      // not an asyncio task: it is named for the thread and gets no lane (the
      // thread's lane above already shows it).
      bool thread_code = no_event_loop_ && e.loop == 0 && e.ref < 0;
      if (thread_code) t.name = "server thread", t.thread = true;
      t.loop = e.loop;
      // The lowest palette index no live task holds (tasks of every loop share the screen).
      t.color = take_color(cur_);
      t.created_at = i;
      const int32_t parent_id = as<ev::TaskNew>(e).parent;
      int32_t parent = parent_id >= 0 ? task_index(parent_id, e.loop) : -1;
      t.parent = parent >= 0 ? parent_id : -1;
      t.lane = thread_code ? -1 : add_lane(LaneKind::task, e.task, e.loop, t.name, i);
      task_index_[task_key(e.loop, e.task)] = int32_t(tasks_.size());
      tasks_.push_back(std::move(t));
      break;
    }
    case Ev::step_begin:
      steps_.push_back(uint32_t(i));
      if (tlane >= 0 && !(lane_open_[size_t(tlane)] && lanes_[size_t(tlane)].segments.back().state == TaskState::running))
        open_seg(tlane, e, i, TaskState::running, Wait::none, Outcome::result, st.blocked);
      break;
    case Ev::step_end:
      if (e.flags & kFlagSlow) {
        // A slow step held the loop thread: everything since its handle began was blocked.
        notable_.push_back(uint32_t(i));
        if (tlane >= 0 && lane_open_[size_t(tlane)])
          flag_blocked(tlane, uint32_t(lanes_[size_t(tlane)].segments.size() - 1), i);
        for (uint32_t s = lc.handle_seg; s < lanes_[size_t(loop_lane)].segments.size(); ++s)
          flag_blocked(loop_lane, s, i);
      }
      if (Wait(e.code) == Wait::none)
        close_seg(tlane, e.t_ns, i);
      else
        open_seg(tlane, e, i, TaskState::waiting, Wait(e.code));
      break;
    case Ev::task_done:
      if (ti >= 0) {
        auto& live = cur_.live_colors;
        size_t c = size_t(tasks_[size_t(ti)].color);
        if (c < live.size() && live[c] > 0 && --live[c] == 0) {  // its colour is free for tasks created from now on
          cur_.free_colors.push_back(int32_t(c));
          std::push_heap(cur_.free_colors.begin(), cur_.free_colors.end(), std::greater<>());
        }
      }
      open_seg(tlane, e, i, TaskState::done, Wait::none, Outcome(e.code));
      if (Outcome(e.code) == Outcome::error) {
        notable_.push_back(uint32_t(i));
        mark(tlane);
      }
      break;
    case Ev::task_cancel:
      notable_.push_back(uint32_t(i));
      mark(tlane, as<ev::TaskCancel>(e).by);
      break;
    case Ev::block_begin: {
      notable_.push_back(uint32_t(i));
      mark(loop_lane);
      int32_t task = lane_open_[size_t(loop_lane)] ? lanes_[size_t(loop_lane)].segments.back().task : e.task;
      open_seg(loop_lane, e, i, TaskState::running, Wait::none, Outcome::result, true, task);
      if (tlane >= 0 && lane_open_[size_t(tlane)])
        flag_blocked(tlane, uint32_t(lanes_[size_t(tlane)].segments.size() - 1), i);
      break;
    }
    case Ev::block_end: {
      int32_t task = lane_open_[size_t(loop_lane)] ? lanes_[size_t(loop_lane)].segments.back().task : e.task;
      open_seg(loop_lane, e, i, TaskState::running, Wait::none, Outcome::result, false, task);
      break;
    }
    case Ev::pool_start: {
      const int32_t worker = as<ev::PoolRun>(e).worker;
      if (worker < 0) break;
      if (worker_lane_.size() <= size_t(worker)) worker_lane_.resize(size_t(worker) + 1, -1);
      int32_t& wl = worker_lane_[size_t(worker)];
      if (wl < 0) wl = add_lane(LaneKind::worker, worker, e.loop, "worker " + std::to_string(worker), i);
      open_seg(wl, e, i, TaskState::running, Wait::none, Outcome::result, false, e.task);
      break;
    }
    case Ev::pool_end: {
      const int32_t worker = as<ev::PoolRun>(e).worker;
      if (worker < 0 || size_t(worker) >= worker_lane_.size()) break;
      int32_t wl = worker_lane_[size_t(worker)];
      close_seg(wl, e.t_ns, i);
      if (ti >= 0) {
        if (cur_.pool_done.size() <= size_t(ti)) cur_.pool_done.resize(size_t(ti) + 1);
        cur_.pool_done[size_t(ti)] = {wl, e.t_ns, Cause::pool};
      }
      break;
    }
    case Ev::print: mark(tlane); break;
    case Ev::task_unretrieved: notable_.push_back(uint32_t(i)); break;
    case Ev::timer_arm:
    case Ev::timer_fire:
    case Ev::timer_cancel:
    case Ev::io_wait:
    case Ev::io_done:
    case Ev::pool_submit:
    case Ev::queue_put:
    case Ev::queue_get:
    case Ev::source: case Ev::bookmark: case Ev::ready_cancel:  // the stage's business (step_state)
    case Ev::count_: break;
  }
  step_state(st, e, i);
}

// [SECTION] Update, rollback, queries

void Model::clear() { *this = Model(); }

size_t Model::Cursor::weight() const {
  size_t w = pool_done.size() + live_colors.size() + free_colors.size();
  for (const LoopState& s : loops) w += s.ready.size() + s.timers.size() + s.io.size() + s.workers.size() + s.tasks.size();
  for (const LoopCursor& c : lc) w += c.pending.size();
  return w;
}

size_t Model::snapshot_elements() const {
  size_t w = 0;
  for (const Checkpoint& c : checkpoints_) w += c.cur.weight();
  return w;
}

size_t Model::checkpoints_upto(size_t n) const {
  return size_t(std::upper_bound(checkpoints_.begin(), checkpoints_.end(), n,
                                 [](size_t x, const Checkpoint& c) { return x < c.next; }) -
                checkpoints_.begin());
}

// Drops everything derived from events at or after `changed_from` back to the
// last checkpoint at or before it, so that replay can continue from there.
void Model::rollback(size_t changed_from) {
  const size_t n = checkpoints_upto(changed_from);
  checkpoints_.resize(n);
  const size_t restart = n ? checkpoints_.back().next : 0;
  cur_ = n ? checkpoints_.back().cur : Cursor{};
  applied_ = restart;

  const auto late = [restart](size_t idx) { return idx >= restart; };
  pop_while(tasks_, [&](const TaskInfo& t) {
    if (!late(t.created_at)) return false;
    task_index_.erase(task_key(t.loop, t.id));
    return true;
  });
  while (!lanes_.empty() && late(lanes_.back().created_at)) {
    for (int32_t& wl : worker_lane_)
      if (wl == int32_t(lanes_.size() - 1)) wl = -1;
    lanes_.pop_back();
    lane_open_.pop_back();
  }
  // Undo blocked flags in reverse, then cut each lane back.
  while (!undo_.empty() && late(undo_.back().event)) {
    const FlagUndo& u = undo_.back();
    if (size_t(u.lane) < lanes_.size() && u.seg < lanes_[size_t(u.lane)].segments.size())
      lanes_[size_t(u.lane)].segments[u.seg].blocked = u.old;
    undo_.pop_back();
  }
  pop_while(wakeups_, [&](const Wakeup& w) { return late(w.event); });
  pop_while(marks_, [&](const LaneMark& m) { return late(m.mark.event); });
  // FIXME-PERF: O(lanes); a log of touched lanes would make this O(events dropped).
  for (size_t l = 0; l < lanes_.size(); ++l) {
    Lane& lane = lanes_[l];
    size_t before = lane.segments.size();
    pop_while(lane.segments, [&](const Segment& s) { return late(s.first_event); });
    pop_while(lane.wakeups_in, [&](uint32_t w) { return w >= wakeups_.size(); });
    bool popped = lane.segments.size() != before;
    bool reopened = !lane.segments.empty() && late(lane.segments.back().last_event);
    lane_open_[l] = (!popped && lane_open_[l]) || reopened;
    if (lane_open_[l]) lane.segments.back().last_event = uint32_t(restart ? restart - 1 : 0);
  }
  for (auto* v : {&steps_, &iterations_, &notable_}) pop_while(*v, [&](uint32_t idx) { return late(idx); });
  if (finished_ && late(finished_at_)) finished_ = false;
  if (restart == 0) scenario_ = nullptr, cpython_ = false;
}

void Model::update(const std::vector<Event>& events, size_t changed_from) {
  if (events_ != &events && applied_ > 0) changed_from = 0;  // a different list: start over
  events_ = &events;
  if (events.size() < applied_) changed_from = std::min(changed_from, events.size());
  if (changed_from < applied_) rollback(changed_from);
  size_t last = checkpoints_.empty() ? 0 : checkpoints_.back().next;
  {  // room for the new tasks and their lanes at once (reserve.hpp)
    size_t born = 0;
    for (size_t i = applied_; i < events.size(); ++i) born += events[i].kind == Ev::task_new;
    reserve_for(tasks_, tasks_.size() + born);
    reserve_for(lanes_, lanes_.size() + born + 2);
    reserve_for(lane_open_, lanes_.capacity());
    task_index_.reserve(task_index_.size() + born);
  }
  for (size_t i = applied_; i < events.size(); ++i) {
    apply(events[i], i);
    // A snapshot costs its state's size: space them so that all of them
    // together stay within half an element per event (see model.hpp).
    const size_t since = i + 1 - last;
    if (since >= kSnapshotEvery && since >= 2 * cur_.weight()) {
      checkpoints_.push_back({i + 1, cur_});
      last = i + 1;
    }
  }
  applied_ = events.size();
  if (applied_ == 0) return;
  // Open segments reach up to the newest event.
  const int64_t t_end = events.back().t_ns;
  for (size_t l = 0; l < lanes_.size(); ++l)
    if (lane_open_[l]) {
      Segment& s = lanes_[l].segments.back();
      s.t1 = std::max(s.t0, t_end);
      s.last_event = uint32_t(applied_ - 1);
    }
}

const char* Model::full_name(const TaskInfo& t) const {
  const char* s = t.created_at < size() ? events()[t.created_at].s1 : nullptr;
  return s ? s : t.name.c_str();
}

const TaskInfo* Model::task(int32_t id, uint8_t loop) const {
  int32_t k = task_index(id, loop);
  return k < 0 ? nullptr : &tasks_[size_t(k)];
}

std::vector<Mark> Model::marks_of(const Lane& lane) const {
  std::vector<Mark> out;
  const int32_t l = int32_t(&lane - lanes_.data());
  for (const LaneMark& m : marks_)
    if (m.lane == l) out.push_back(m.mark);
  return out;
}

int32_t Model::task_index(int32_t id, uint8_t loop) const {
  auto it = task_index_.find(task_key(loop, id));
  return it == task_index_.end() ? -1 : it->second;
}

int32_t Model::loop_lane(uint8_t loop) const { return loop < cur_.lc.size() ? cur_.lc[loop].lane : -1; }

int64_t Model::begin_ns() const { return size() ? events().front().t_ns : 0; }
int64_t Model::end_ns() const { return size() ? events().back().t_ns : 0; }

LoopState Model::state_at(size_t event_index, uint8_t loop) const {
  LoopState s;
  s.loop = loop;
  if (applied_ == 0) return s;
  const size_t i = std::min(event_index, applied_ - 1);
  const size_t n = checkpoints_upto(i + 1);  // checkpoints at or before i
  size_t from = 0;
  if (n > 0) {
    const Checkpoint& c = checkpoints_[n - 1];
    if (loop < c.cur.loops.size()) s = c.cur.loops[loop];
    from = c.next;
  }
  const std::vector<Event>& ev = events();
  for (size_t j = from; j <= i; ++j)
    if (ev[j].loop == loop) step_state(s, ev[j], j);
  s.event_index = i;
  s.t_ns = ev[i].t_ns;
  // Every task has an entry (unborn until its task.new), so the view can index by tasks().
  s.tasks.reserve(tasks_.size());
  for (size_t k = s.tasks.size(); k < tasks_.size(); ++k) s.tasks.emplace_back().id = tasks_[k].id;
  return s;
}

std::string timer_purpose(const TimerChip& t) {
  switch (t.fn) {
    case HandleFn::sleep_set_result: return "sleep";
    case HandleFn::wait_for_release_waiter: return "wait_for deadline";
    case HandleFn::timeout_on_timeout: return "timeout() deadline";
    default: return t.label ? t.label : "";
  }
}

}  // namespace loopscope::model
