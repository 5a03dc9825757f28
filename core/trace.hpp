// The trace: every scheduler action as one fixed-size event, appended by the
// thread that did it and read concurrently by the view, the exporters and the
// tests. It is the single interface between the engine and everything else.
//
// Concurrency model: a Trace holds several streams. Each stream has exactly
// one producer thread (a loop thread, or a thread-pool worker) and any number
// of readers. Events live in fixed-size chunks that never move; a stream
// publishes its length with a release store after the event is written, so a
// reader that loads the length with acquire sees complete events. A producer
// may keep its last record unpublished for a moment and rewrite it in place
// (Stream::hold: the loop packs a task step into one record). Strings
// (labels, print text) are copied into an append-only arena owned by the
// stream before the event that points to them is published.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "clock.hpp"

namespace loopscope {

// [SECTION] Event kinds and their enumerated payloads

enum class Ev : uint8_t {
  run_begin, run_end,
  loop_iter,   // extra: an iteration starts (`ntodo` is known only after the poll: see ready.run)
  loop_poll,
  ready_push, ready_run,
  task_new, step_begin, step_end, task_done, task_cancel,
  timer_arm, timer_fire, timer_cancel,
  io_wait, io_done,
  pool_submit, pool_start, pool_end,
  block_begin, block_end,
  print,
  task_unretrieved,  // extra: "Task exception was never retrieved"
  deadlock,          // extra: nothing ready, nothing pending, main not done
  source,            // one program file's text (CPython recorder)
  truncated,         // the producer stopped writing events
  bookmark,          // a teacher's mark on an event, appended when a trace is saved
  queue_put,         // an item entered an asyncio.Queue (put / put_nowait)
  queue_get,         // an item left it (get / get_nowait)
  loop_close,        // loop.close(): the ready queue and timers still queued are dropped
  ready_cancel,      // a queued handle was cancelled: _run_once pops it without running it
  loop_abort,        // an exception (SystemExit, KeyboardInterrupt) left the loop from a handle or the poll
  count_
};

enum class Cause : uint8_t { new_, yield, timer, io, future, pool, cancel, call_soon, threadsafe };
enum class Wait : uint8_t {
  none, sleep, io, future, task, gather, taskgroup, pool, queue, event, lock, yield, semaphore
};
enum class Outcome : uint8_t { result, error, cancelled };
enum class IoKind : uint8_t { accept, read, write, connect, fs, close };
enum class BlockKind : uint8_t { sleep, cpu, syscall };
// The optional enums below start with `unset` (0): the field is absent from the JSON line.
// ready.push / ready.run `fn`: what the handle calls, in CPython's terms.
enum class HandleFn : uint8_t {
  unset, task_step, task_wakeup, sleep_set_result, gather_done_callback, taskgroup_on_task_done,
  timeout_on_timeout, wait_for_release_waiter, run_until_complete_cb, io_callback, pool_done, callback,
  waiter_set_result  // futures._set_result_unless_cancelled by call_soon: a transport's connection waiter
};
// step.end `on`: exactly what a suspended task awaits.
enum class AwaitOn : uint8_t {
  unset, sleep, task, gather, taskgroup, wait_for, timeout, queue_get, queue_put, queue_join, event_wait,
  lock_acquire, semaphore_acquire, io_accept, io_read, io_write, io_connect, io_drain, pool, future, yield
};
// run.begin `entry`: how the code under study runs its loop.
enum class Entry : uint8_t { unset, asyncio_run, asyncio_runner, run_until_complete, none };
// run.begin `engine`: who wrote the trace.
enum class EngineKind : uint8_t { unset, loopscope, cpython };
// run.end `how`.
enum class EndHow : uint8_t { unset, return_, exception, sigint, sigterm, duration, crash };
// queue.put / queue.get `order`: which item get() takes next (unset: a FIFO asyncio.Queue's first).
enum class QueueOrder : uint8_t { unset, lifo, priority };

const char* name(Ev e);
const char* name(Cause c);
const char* name(Wait w);
const char* name(Outcome o);
const char* name(IoKind k);
const char* name(BlockKind k);
const char* name(HandleFn f);
const char* name(AwaitOn o);
const char* name(Entry x);
const char* name(EngineKind x);
const char* name(EndHow x);
const char* name(QueueOrder x);
bool parse(std::string_view s, Ev& out);
bool parse(std::string_view s, Cause& out);
bool parse(std::string_view s, Wait& out);
bool parse(std::string_view s, Outcome& out);
bool parse(std::string_view s, IoKind& out);
bool parse(std::string_view s, BlockKind& out);
bool parse(std::string_view s, HandleFn& out);
bool parse(std::string_view s, AwaitOn& out);
bool parse(std::string_view s, Entry& out);
bool parse(std::string_view s, EngineKind& out);
bool parse(std::string_view s, EndHow& out);
bool parse(std::string_view s, QueueOrder& out);

// [SECTION] Event

// One event. Which generic field carries which documented JSON field depends
// on the kind: core/trace_schema.hpp holds the one table (kind -> fields ->
// slots) that the writer, the loader and the typed views (`as<Poll>(e)`) all
// use; read events through those views. -1 in an id field means null.
struct Event {
  int64_t t_ns = 0;     // since the run began
  uint64_t seq = 0;     // assigned when streams are merged (emission order across streams)
  uint32_t it = 0;      // loop iteration
  Ev kind = Ev::run_begin;
  uint8_t loop = 0;
  uint8_t code = 0;     // Cause / Wait / Outcome / IoKind / BlockKind / status, by kind
  uint8_t flags = 0;    // kFlagSlow / kFlagPreempted on step.end
  int32_t task = -1;
  int32_t id = -1;      // handle / timer / op / job
  int32_t line = 0;     // Python listing line, 0 = none
  int32_t ref = -1;     // parent / by / worker / timeout_ms / maxsize
  int64_t num = 0;      // waited_ns / due_ns / bytes / dur_ns / ntodo
  const char* s1 = nullptr;  // label / name / text / value / error / target / scenario
  const char* s2 = nullptr;  // params (JSON object text) / file
};
static_assert(sizeof(Event) == 64, "one cache line: the hot path writes millions of them");
constexpr uint8_t kFlagSlow = 1;
// step.end: long only because the machine was busy (the thread was preempted),
// not a blocking call; never set together with kFlagSlow (trace_schema.hpp's
// `preempted` bit; read cpu_ns through as<ev::StepEnd>).
constexpr uint8_t kFlagPreempted = 2;

// [SECTION] Packed records: the stored form of the hot path

// The loop stores its most frequent events in fewer, denser records, which
// the readers (TraceReader, merged_events) expand back into the documented
// events, so nothing downstream sees them. A packed record is an Event whose
// kind is one of these tags and whose fields are reused as listed.
namespace packed {
// A task step: ready.run + step.begin, then (when nothing else was traced
// during the step) + step.end, then + the ready.push of the task's own next
// step. Fields: t_ns = ready.run and step.begin; seq = step.end's (and
// ready.push's) t_ns; id, task, s1, ref = ready.run's handle, task, label,
// left; line = step.begin's line; num = step.end's line (low 32 bits) and
// ready.push's handle (high 32 bits); code = step.end's wait; s2 =
// ready.push's label; flags = kFlagSlow | kHasEnd | kHasPush | kIterStart |
// cause << 4.
constexpr Ev step = Ev(0xF0);
// An iteration's start with a poll that published nothing: loop.iter +
// loop.poll, both at t_ns. Fields: num = loop.iter's ready; ref = timeout_ms;
// seq = waited_ns.
constexpr Ev iter = Ev(0xF1);
constexpr uint8_t kHasEnd = 2, kHasPush = 4;
// On a ready.run (plain or packed step): the iteration's first handle, after
// a poll that was skipped (libuv had nothing alive). The reader puts
// loop.iter (ready = this handle + those left) and loop.poll (timeout 0,
// waited 0) before it, at its t_ns: the iteration costs no record of its own.
constexpr uint8_t kIterStart = 8;

constexpr int kLineBits = 20, kOnShift = 20, kRunFnShift = 25, kPushFnShift = 29;
// What a packed push can hold (its fn in 3 bits, its cause in 4).
inline bool push_fits(HandleFn fn, Cause cause) { return uint8_t(fn) < 8 && uint8_t(cause) < 16; }
// A held ready.run (its fn in `line`) becomes the step's record when the step begins.
inline void begin_step(Event& run, int32_t line) {
  run.kind = step;
  run.ref = int32_t(run.num);
  run.num = int64_t(uint64_t(uint32_t(run.line) & 0xF) << kRunFnShift);
  run.line = line;
}
inline void end_step(Event& r, int64_t t_end, int32_t line, Wait wait, AwaitOn on, bool slow) {
  r.seq = uint64_t(t_end);
  r.num |= int64_t(uint64_t(uint32_t(line) & ((1u << kLineBits) - 1)) | uint64_t(on) << kOnShift);
  r.code = uint8_t(wait);
  r.flags |= uint8_t(kHasEnd | (slow ? kFlagSlow : 0));
}
inline void push_into(Event& r, int32_t handle, const char* label, Cause cause, HandleFn fn) {
  r.num |= int64_t(uint64_t(uint32_t(handle)) << 32 | uint64_t(fn) << kPushFnShift);
  r.s2 = label;
  r.flags |= uint8_t(kHasPush | (uint8_t(cause) << 4));
}
// A held loop.iter becomes iter + poll when nothing was traced during the poll.
inline void add_poll(Event& iter_ev, int32_t timeout_ms, int64_t waited_ns) {
  iter_ev.kind = iter;
  iter_ev.ref = timeout_ms;
  iter_ev.seq = uint64_t(waited_ns);
}
}  // namespace packed

// Appends the events a stored record stands for (itself, unless packed).
void expand(const Event& record, std::vector<Event>& out);

// [SECTION] Trace

class Trace {
 public:
  static constexpr int kMaxStreams = 64;     // loop ids in a trace file (the `loop` field)
  static constexpr int kStreamBlock = 64;    // streams are registered in blocks that never move
  static constexpr int kMaxStreamBlocks = 64;  // 4096 streams: one per thread, never shared
  static constexpr size_t kChunkBits = 15;  // 2 MiB of events: one transparent huge page
  static constexpr size_t kChunkSize = size_t(1) << kChunkBits;
  static constexpr size_t kMaxChunks = size_t(1) << 11;
  static constexpr size_t kStreamCapacity = kMaxChunks * kChunkSize;  // 64M events per stream

  // One producer's events. Producer-side calls (append, intern) must come
  // from the owning thread; reader-side calls (size, at) from any thread.
  class Stream {
   public:
    // `capacity` events at most (tests use small ones), the last of which is
    // the `truncated` record written when the stream fills up.
    explicit Stream(size_t capacity = kStreamCapacity);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    // Producer side. Returns false (and drops the event) once the stream is
    // full; the stream's last record is then a `truncated` event (never a
    // silent drop), and dropped() counts what came after.
    // Appending also publishes a held record (below) that precedes it.
    bool append(const Event& e) {
      Event* slot = next_slot(e);
      if (!slot) return false;
      *slot = e;
      publish();
      return true;
    }
    // A record written but not yet published: until publish() (or the next
    // append), no reader can see it, so the producer may still rewrite it in
    // place (the loop grows a ready.run into a whole packed step this way).
    // It must be a valid record at every moment, since any append publishes it.
    // Returns null once the stream is full.
    Event* hold(const Event& e) {
      Event* slot = next_slot(e);
      if (slot) {
        *slot = e;
        held_ = slot;
      }
      return slot;
    }
    Event* held() const { return held_; }  // null once published
    void publish() {
      held_ = nullptr;
      size_.store(written_, std::memory_order_release);
    }
    const char* intern(std::string_view s);  // copy into the arena; stable forever
    size_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    // Frees the event chunks of a stream that no producer writes any more and
    // whose events were all read (Trace::release_events). size() stays.
    void release_events();

    // Reader side.
    size_t size() const { return size_.load(std::memory_order_acquire); }
    const Event& at(size_t i) const {
      return chunks_[i >> kChunkBits].load(std::memory_order_acquire)[i & (kChunkSize - 1)];
    }

   private:
    // The fast path compares with one precomputed index: the next chunk's
    // first slot, the stream's last slot, or (once full) the current one.
    Event* next_slot(const Event& e) {
      size_t n = written_;
      if (n == next_check_ && !slow_slot(n, e)) return nullptr;
      written_ = n + 1;
      return &chunk_[n & (kChunkSize - 1)];
    }
    bool slow_slot(size_t n, const Event& e);
    Event* grow(size_t c);
    std::unique_ptr<std::atomic<Event*>[]> chunks_;
    std::atomic<size_t> size_{0};
    std::atomic<size_t> dropped_{0};
    size_t capacity_;
    size_t written_ = 0;        // producer-only: published + the held record
    size_t next_check_ = 0;     // producer-only: see next_slot
    bool full_ = false;         // producer-only
    Event* chunk_ = nullptr;    // producer-only: the chunk written_ points into
    Event* held_ = nullptr;     // producer-only
    std::vector<std::unique_ptr<char[]>> arena_;  // producer-only
    size_t arena_used_ = 0, arena_cap_ = 0;
  };

  // `stream_capacity`: events per stream (tests fill small streams).
  explicit Trace(size_t stream_capacity = kStreamCapacity);
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // The clock every event is stamped with: monotonic ns (clock.hpp) minus the run's start.
  int64_t now() const { return clock::now_ns() - origin_ns_; }
  int64_t origin_ns() const { return origin_ns_; }

  // Stream 0, created with the trace: loop 0's. Read through streams_, not
  // owned_: another thread's add_stream() may be reallocating owned_.
  Stream& primary() { return *slot(0).load(std::memory_order_acquire); }
  // A new stream with a single producer, never shared with another thread.
  // Thread-safe (producers register rarely). Throws std::length_error past
  // kMaxStreamBlocks * kStreamBlock streams.
  Stream& add_stream();
  int stream_count() const { return nstreams_.load(std::memory_order_acquire); }
  const Stream& stream(int i) const { return *slot(i).load(std::memory_order_acquire); }
  // Events dropped by full streams (each full stream ends with a `truncated` record).
  size_t dropped() const;

  // Strings that belong to no stream in particular (loaded traces, metadata).
  // Thread-safe, but slower than Stream::intern.
  const char* intern(std::string_view s);

  // Total events published so far across streams.
  size_t size() const;

  // A loaded file, once a TraceReader holds all its events: frees the chunks
  // (a second copy of every event, 64 bytes each) and keeps the interned
  // strings that the reader's events point to. Only for a trace that no
  // thread writes any more; at() is invalid afterwards, size() unchanged, so
  // the reader's next poll finds nothing new.
  void release_events();

 private:
  std::atomic<Stream*>& slot(int i) const {
    return blocks_[size_t(i / kStreamBlock)].load(std::memory_order_acquire)[i % kStreamBlock];
  }
  int64_t origin_ns_;
  size_t stream_capacity_;
  // Blocks of stream pointers, allocated as streams register and never moved,
  // so readers index them without a lock.
  std::array<std::atomic<std::atomic<Stream*>*>, kMaxStreamBlocks> blocks_{};
  std::vector<std::unique_ptr<std::atomic<Stream*>[]>> owned_blocks_;  // guarded by register_mutex_
  std::atomic<int> nstreams_{0};
  std::mutex register_mutex_;
  std::vector<std::unique_ptr<Stream>> owned_;       // guarded by register_mutex_
  std::vector<std::unique_ptr<char[]>> strings_;   // guarded by register_mutex_
};

// Reads a live trace incrementally and keeps a single time-ordered list.
// Each stream is time-ordered; events of different streams are merged by
// t_ns (ties: lower stream first). Events that arrive late (a worker thread's
// event published after the loop's later ones) are inserted in order; the
// return value of poll() says from which index the list changed, so a
// consumer can drop any state it derived past that point.
class TraceReader {
 public:
  explicit TraceReader(const Trace& t) : trace_(&t) {}
  // Appends newly published events. Returns the first index that changed
  // (== events().size() before the call when nothing arrived out of order).
  size_t poll();
  const std::vector<Event>& events() const { return events_; }
  std::vector<Event>& events() { return events_; }

 private:
  const Trace* trace_;
  std::vector<size_t> read_;  // per stream
  std::vector<Event> events_;
};

// All published events, merged and numbered.
std::vector<Event> merged_events(const Trace& t);

}  // namespace loopscope
