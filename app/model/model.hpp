// The view model: what the screen shows, derived from the trace alone.
//
// The view never touches the engine. It feeds events to a Model, which keeps
// (a) the timeline's lanes as state segments and (b) snapshots of the loop
// state, so that the state after any event is rebuilt by replaying the events
// since the nearest snapshot: seeking and stepping backwards cost the same as
// stepping forwards. Snapshots are spaced by the state's size (at least
// kSnapshotEvery events, and at least twice as many events as the state has
// elements), so all of them together hold at most about one element per two
// events: memory stays bounded by the trace, whatever the state's size, and a
// seek costs O(kSnapshotEvery + the state's size).
//
// No ImGui, GLFW or GL here: the model is plain data, unit-tested headless.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/limits.hpp"
#include "core/trace.hpp"
#include "model/chunked_vector.hpp"

namespace loopscope::model {

// [SECTION] Tasks and lanes

enum class TaskState : uint8_t { unborn, ready, running, waiting, done };

// Hues in the view's task palette (Okabe-Ito without black).
constexpr int kTaskHues = 7;

struct TaskInfo {
  int32_t id = -1;
  std::string name;  // as drawn: elided past limits::kShownNameChars (the trace keeps it whole: full_name())
  int32_t parent = -1;
  uint8_t loop = 0;
  // Index into the view's task palette, stable per task: the lowest index no
  // live task holds when this one is created (any loop), so tasks alive at the
  // same time never share one. Indexes past kTaskHues repeat a hue with a
  // pattern (hue = color % kTaskHues, pattern = color / kTaskHues).
  int color = 0;
  size_t created_at = 0;  // event index of task.new
  int32_t lane = -1;      // index into Model::lanes(); -1: none (a thread's own code, below)
  bool thread = false;    // not an asyncio task: the code of a thread that runs no event loop
};

// One stretch of a lane in one state, in trace time.
struct Segment {
  int64_t t0 = 0, t1 = 0;
  TaskState state = TaskState::waiting;  // for loop lanes: running = running a handle, waiting = polling
  Wait wait = Wait::none;                // what a waiting task awaits
  Outcome outcome = Outcome::result;     // for done
  bool blocked = false;                  // the loop thread was blocked (block.begin..end, or a slow step)
  uint32_t first_event = 0, last_event = 0;  // the event that opened it / closed it (open: the last one seen)
  int32_t task = -1;                     // loop lane: the task of the handle run; worker lane: the job's task
};

// A point on a lane: task.cancel (on the cancelled task's lane; `by` the
// canceller's task id), block.begin and deadlock (loop lane), print and
// task.done with an error (task lane).
struct Mark {
  int64_t t = 0;
  Ev kind = Ev::task_cancel;
  uint32_t event = 0;
  int32_t by = -1;
};

enum class LaneKind : uint8_t { loop, task, worker };

// One per task (a 10^6-task trace has 10^6 lanes): marks live in the model's
// one table (Model::marks_of), as most lanes have none.
struct Lane {
  int32_t id = -1;  // loop id / task id / worker id
  LaneKind kind = LaneKind::task;
  uint8_t loop = 0;
  std::string label;
  // Sorted by t0, non-overlapping; the last may be open (t1 = last event's t).
  // Chunked: a live run's long lanes grow without a copy of the whole list in one frame.
  ChunkedVector<Segment> segments;
  std::vector<uint32_t> wakeups_in;  // indexes into Model::wakeups() of the arrows ending here, in time order
  size_t created_at = 0;          // event index that created the lane
};

// An arrow on the timeline: `cause` woke `task` (timer fired, I/O done, child finished, cancel...).
// Model::wakeups() is sorted by t_to (the ready.push that queued the wakeup).
struct Wakeup {
  int64_t t_from = 0, t_to = 0;
  int32_t from_lane = -1, to_lane = -1;  // indexes into lanes()
  Cause cause = Cause::future;
  uint32_t event = 0;  // the ready.push
};

// What the timeline draws for one lane in a visible range: segments narrower
// than the fold width merge into one counted mark.
struct DrawItem {
  int64_t t0 = 0, t1 = 0;
  TaskState state = TaskState::waiting;
  Wait wait = Wait::none;
  bool blocked = false;
  uint32_t folded = 1;  // how many segments this item stands for
  uint32_t first_event = 0;  // of the first segment (for hover details)
  int32_t task = -1;         // of the first segment
};

// [SECTION] The loop's state at one point

// closed: loop.close() ran (its ready queue and timers dropped); done: the run ended.
enum class Phase : uint8_t { idle, polling, running, blocked, closed, done };

struct ReadyChip {
  int32_t handle = -1, task = -1;
  const char* label = nullptr;
  Cause cause = Cause::call_soon;
  HandleFn fn = HandleFn::unset;
  uint32_t it = 0;  // the iteration that queued it
};

// Whether a handle runs a task's own coroutine (Task.__step / __wakeup), as
// opposed to a callback queued on a task's behalf (a sleep's set_result
// carries the sleeping task's id too). Traces without `fn` (before December
// 2026) cannot tell: any handle with a task counts.
inline bool runs_task(HandleFn fn, int32_t task) {
  if (task < 0) return false;
  return fn == HandleFn::unset || fn == HandleFn::task_step || fn == HandleFn::task_wakeup;
}
struct TimerChip {
  int32_t timer = -1, task = -1;
  int64_t due_ns = 0;
  const char* label = nullptr;
  HandleFn fn = HandleFn::unset;
};
// What a timer is for, as a student reads the listing: "sleep", "wait_for
// deadline", "timeout() deadline"; else the callback's label ("on_tick"), else "".
std::string timer_purpose(const TimerChip& t);
struct IoChip {
  int32_t op = -1, task = -1;
  IoKind kind = IoKind::read;
  const char* target = nullptr;
  int64_t since_ns = 0;
};
struct WorkerChip {
  int32_t job = -1, task = -1, worker = -1;
  const char* label = nullptr;
  int64_t started_ns = 0;
  bool running = false;  // false: submitted, waiting for a free worker
};
// An asyncio.Queue's contents (from queue.put / queue.get), front first.
struct QueueChip {
  int32_t queue = -1;
  int maxsize = 0;  // 0: unbounded
  std::vector<const char*> items;  // reprs, as the trace wrote them, in the order they were put
  QueueOrder order = QueueOrder::unset;  // which one get() takes: unset, the first (a FIFO)
};
// Fields ordered by size: 40 bytes, not 48 (every state copy holds one per task).
struct TaskSnapshot {
  const char* file = nullptr;  // ...in this program file (CPython recorder traces; null: the scenario's listing)
  int64_t since_ns = 0;     // when it entered its current state (step.end for a wait, ready.push for ready)
  int32_t id = -1;
  int line = 0;  // listing line the task stands at
  int32_t target = -1;          // step.end's `target`: the task awaited (on = task / wait_for)
  TaskState state = TaskState::unborn;
  Wait wait = Wait::none;
  Outcome outcome = Outcome::result;
  AwaitOn on = AwaitOn::unset;  // step.end's `on`: exactly what it awaits (unset in older traces)
  const char* via = nullptr;    // step.end's `via`: the asyncio call of its line whose own await `on` is
  bool cancelling = false;  // cancel() was called: CancelledError arrives at its next step
};

// The state of one loop after `event_index` has been applied.
struct LoopState {
  size_t event_index = 0;
  int64_t t_ns = 0;
  uint32_t it = 0;
  uint8_t loop = 0;
  Phase phase = Phase::idle;
  int poll_timeout_ms = 0;
  std::deque<ReadyChip> ready;   // FIFO, front first (a deque: runs pop the front)
  // How many of `ready` (from the front) run in this iteration: asyncio's
  // ntodo minus those already run. The rest were queued while this
  // iteration's handles ran, and wait for the next one.
  size_t this_iter = 0;
  ReadyChip running;             // handle being run (handle == -1: none)
  int32_t running_task = -1;
  std::vector<TimerChip> timers;  // sorted by due time
  std::vector<IoChip> io;
  std::vector<WorkerChip> workers;
  std::vector<QueueChip> queues;  // every queue that has held an item, in order of first use
  std::vector<TaskSnapshot> tasks;  // indexed like Model::tasks()
  bool blocked = false;
  bool closed = false;  // loop.close() ran since this loop number's last iteration
  int blocked_line = 0;
  const char* blocked_file = nullptr;
};

// [SECTION] Model

class Model {
 public:
  static constexpr size_t kSnapshotEvery = limits::kSnapshotEvery;

  // Feed the events list as TraceReader keeps it: `changed_from` is what
  // TraceReader::poll() returned (everything before it is unchanged). Cost is
  // proportional to the new events, except after out-of-order arrivals.
  void update(const std::vector<Event>& events, size_t changed_from);
  void clear();

  // Empty before the first update() and after clear() (a view may ask between a run's start and its first event).
  const std::vector<Event>& events() const { return events_ ? *events_ : no_events(); }
  size_t size() const { return events_ ? events_->size() : 0; }
  const std::vector<TaskInfo>& tasks() const { return tasks_; }
  const TaskInfo* task(int32_t id, uint8_t loop = 0) const;
  // The name as the trace has it, whole (up to the loader's string cap): for tooltips.
  const char* full_name(const TaskInfo& t) const;
  int32_t task_index(int32_t id, uint8_t loop = 0) const;  // index into tasks(), -1 if unknown
  int32_t loop_lane(uint8_t loop = 0) const;                // index into lanes(), -1 if not seen yet
  const std::vector<Lane>& lanes() const { return lanes_; }
  std::vector<Mark> marks_of(const Lane& lane) const;  // its marks, sorted by t
  const std::vector<Wakeup>& wakeups() const { return wakeups_; }
  int64_t begin_ns() const;
  int64_t end_ns() const;
  bool finished() const { return finished_; }  // run.end seen
  const char* scenario() const { return scenario_; }
  // run.begin's `entry` is `none`: the code under study runs no event loop on
  // loop 0's thread (sequential-server). Its lane and narration say "thread".
  bool no_event_loop() const { return no_event_loop_; }
  // run.begin's `engine` is `cpython`: a user's program recorded under CPython.
  bool recorded_under_cpython() const { return cpython_; }

  // State of `loop` after event `event_index` (clamped). O(kSnapshotEvery + the state's size).
  LoopState state_at(size_t event_index, uint8_t loop = 0) const;
  // Applies event `i` to `s` when it is of s.loop's: a pass that starts from
  // LoopState{} (its loop set) and advances over every event in order sees each
  // state state_at would give, without a seek per stop (predict's quiz).
  void advance(LoopState& s, size_t i) const {
    if (events()[i].loop == s.loop) step_state(s, events()[i], i);
  }

  // [SECTION] Navigation (all return an event index; clamp at the ends)
  size_t index_at_time(int64_t t_ns) const;  // last event with t <= t_ns
  size_t next_event(size_t i) const;
  size_t prev_event(size_t i) const;
  size_t next_step(size_t i) const;  // next step.begin
  size_t prev_step(size_t i) const;
  size_t next_iteration(size_t i) const;  // next loop.iter of loop 0
  size_t prev_iteration(size_t i) const;
  size_t next_notable(size_t i) const;  // block.begin, slow step, task.cancel, error outcome, deadlock
  size_t prev_notable(size_t i) const;
  bool is_notable(size_t i) const;  // playback holds here with --pause-at-notable

  // Timeline query: items of `lane` overlapping [t0, t1], folding segments
  // narrower than min_ns into counted marks. Binary search, then O(visible).
  // `out` is cleared first.
  void visible(const Lane& lane, int64_t t0, int64_t t1, int64_t min_ns, std::vector<DrawItem>& out) const;
  // The arrows into `lane` arriving in [t0, t1]: a range [first, last) of lane.wakeups_in. Binary search.
  std::pair<size_t, size_t> wakeups_into(const Lane& lane, int64_t t0, int64_t t1) const;
  // The longest arrow (t_to - t_from) so far: arrows arriving up to this much after a range can still cross it.
  int64_t max_wakeup_span() const { return max_wakeup_span_; }

  // What the snapshots cost: how many there are, and the elements they hold together (bounded by size() / 2 + a few).
  size_t snapshot_count() const { return checkpoints_.size(); }
  size_t snapshot_elements() const;

 private:
  // Where a wake-up came from, carried along the handles it schedules: a
  // timer's callback sets a future, whose done-callback wakes the task.
  struct Origin {
    int32_t lane = -1;
    int64_t t = 0;
    Cause cause = Cause::future;
  };
  struct Pending {
    int32_t handle = -1;
    Origin origin;
  };
  struct LoopCursor {
    int32_t lane = -1;
    std::deque<Pending> pending;   // like LoopState::ready
    Origin current;                // of the handle being run
    int32_t current_task = -1;     // task index when the handle is a task's step/wakeup
    uint32_t handle_seg = 0;       // loop lane segment where the current handle began
  };
  // Everything replay needs besides the lanes: copied into each snapshot.
  struct Cursor {
    std::vector<LoopState> loops;  // by loop id
    std::vector<LoopCursor> lc;
    std::vector<Origin> pool_done;  // by task index: the worker that finished its last job
    std::vector<int32_t> live_colors;  // by color: how many live (created, not done) tasks hold it
    // A min-heap of the colours whose count fell to 0 (entries may be stale:
    // taken again since): the lowest free colour in O(log n), where a scan of
    // live_colors made 10^6 live tasks quadratic.
    std::vector<int32_t> free_colors;
    size_t weight() const;          // elements a copy holds (what a snapshot costs)
  };
  struct Checkpoint {
    size_t next = 0;  // the state after events [0, next)
    Cursor cur;
  };
  struct FlagUndo {
    uint32_t event = 0;
    int32_t lane = -1;
    uint32_t seg = 0;
    bool old = false;
  };

  void apply(const Event& e, size_t i);
  void step_state(LoopState& s, const Event& e, size_t i) const;
  void rollback(size_t changed_from);
  size_t checkpoints_upto(size_t n) const;  // how many checkpoints have next <= n
  int32_t add_lane(LaneKind kind, int32_t id, uint8_t loop, std::string label, size_t i);
  void open_seg(int32_t lane, const Event& e, size_t i, TaskState st, Wait w = Wait::none,
                Outcome o = Outcome::result, bool blocked = false, int32_t task = -1);
  void close_seg(int32_t lane, int64_t t, size_t i);
  void flag_blocked(int32_t lane, uint32_t seg, size_t i);
  LoopState& loop_state(uint8_t loop, size_t i);

  const std::vector<Event>* events_ = nullptr;
  static const std::vector<Event>& no_events() {
    static const std::vector<Event> none;
    return none;
  }
  std::vector<TaskInfo> tasks_;
  std::vector<Lane> lanes_;
  std::vector<uint8_t> lane_open_;  // by lane: its last segment is open
  std::vector<Wakeup> wakeups_;
  int64_t max_wakeup_span_ = 0;  // never lowered on rollback: a bound is enough
  Cursor cur_;
  std::vector<Checkpoint> checkpoints_;  // by next, increasing
  struct LaneMark {
    int32_t lane = -1;
    Mark mark;
  };
  std::vector<LaneMark> marks_;      // every lane's, in event order
  std::vector<FlagUndo> undo_;       // blocked flags set on segments opened earlier
  std::unordered_map<uint64_t, int32_t> task_index_;  // (loop << 32 | id) -> index into tasks_
  std::vector<int32_t> worker_lane_;                  // by worker id
  std::vector<uint32_t> steps_, iterations_, notable_;  // event indexes, for navigation
  size_t applied_ = 0;
  size_t finished_at_ = 0;
  bool finished_ = false;
  const char* scenario_ = nullptr;
  bool no_event_loop_ = false;
  bool cpython_ = false;
};

// [SECTION] Narration

// The "Why" panel: what happened at this event and why the loop did it, in
// plain language, naming tasks by name ("B's timer fired; the timer callback
// sets the sleep future's result, so B's wakeup joins the ready queue and runs
// in the next iteration").
std::string narrate(const Model& m, size_t event_index);
// narrate() for loop 0's events when it runs no event loop (narration_thread.cpp).
std::string narrate_thread(const Model& m, size_t event_index);

}  // namespace loopscope::model
