// The one table from event kind to documented fields, and the typed views
// over Event built on it.
//
// Event (trace.hpp) is a fixed 64-byte record whose generic slots mean
// different fields for different kinds. This table says, for each kind, which
// JSON field lives in which slot (or which bits of a slot), how it is checked
// and when it is written. The JSON writer (trace_json.cpp), the loader
// (trace_load.cpp) and the typed views below all read it, so a field's slot
// is written down exactly once.
//
// Typed views: `as<Poll>(e).timeout_ms`, `as<StepEnd>(e).on`. Each view
// lists its members in the table's order; a static_assert checks the names.
// `put(e, view)` writes a view back into an event.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>

#include "trace.hpp"

namespace loopscope {

// [SECTION] The table

// Which Event member a field lives in; `shift`/`bits` pick bits of it (bits 0: all of it).
// s1/s2 may also hold an int64 and num a string pointer (std::bit_cast): the
// view hides it.
enum class Slot : uint8_t { task, id, ref, line, num, s1, s2, code, flags };

enum class Type : uint8_t {
  id,       // integer 0..max_id or null (-1)
  line,     // integer 0..max_line_number
  timeout,  // integer -1..INT32_MAX
  count,    // integer >= 0
  i64,      // any integer
  i32,      // any int32
  str,      // string or null
  object,   // a JSON object, kept as raw text (params); null is written as {}
  enum_,    // one of FieldSpec::names
  flag,     // boolean
};

// When a field is written, and whether the loader requires it.
enum class Presence : uint8_t {
  always,     // written every time; required on load (the format's original fields)
  if_set,     // written when not its default (id >= 0, enum != unset, string non-null, flag true, int != 0); optional
  has_bit,    // written when flags bit `cond` is set; optional (loading it sets the bit)
  when_code,  // written when code == `cond`; optional, and refused with another code
  unless_bit, // written when set and flags bit `cond` is clear: it shares its slot with that bit's field;
              // optional, and refused together with that field
};

struct EnumNames {
  const char* (*name)(uint8_t);
  bool (*parse)(std::string_view, uint8_t&);
  uint8_t count;
};

struct FieldSpec {
  const char* name;
  Slot slot;
  Type type;
  Presence presence = Presence::always;
  uint8_t shift = 0, bits = 0;
  uint8_t cond = 0;
  const EnumNames* names = nullptr;
};

namespace schema_detail {
template <class E>
constexpr EnumNames names_of(uint8_t count) {
  return {[](uint8_t v) { return name(E(v)); },
          [](std::string_view s, uint8_t& out) {
            E e{};
            if (!parse(s, e)) return false;
            out = uint8_t(e);
            return true;
          },
          count};
}
inline constexpr EnumNames kCause = names_of<Cause>(uint8_t(Cause::threadsafe) + 1);
inline constexpr EnumNames kWait = names_of<Wait>(uint8_t(Wait::semaphore) + 1);
inline constexpr EnumNames kOutcome = names_of<Outcome>(uint8_t(Outcome::cancelled) + 1);
inline constexpr EnumNames kIoKind = names_of<IoKind>(uint8_t(IoKind::close) + 1);
inline constexpr EnumNames kBlockKind = names_of<BlockKind>(uint8_t(BlockKind::syscall) + 1);
inline constexpr EnumNames kHandleFn = names_of<HandleFn>(uint8_t(HandleFn::waiter_set_result) + 1);
inline constexpr EnumNames kAwaitOn = names_of<AwaitOn>(uint8_t(AwaitOn::yield) + 1);
inline constexpr EnumNames kEntry = names_of<Entry>(uint8_t(Entry::none) + 1);
inline constexpr EnumNames kEngine = names_of<EngineKind>(uint8_t(EngineKind::cpython) + 1);
inline constexpr EnumNames kEndHow = names_of<EndHow>(uint8_t(EndHow::crash) + 1);
inline constexpr EnumNames kQueueOrder = names_of<QueueOrder>(uint8_t(QueueOrder::priority) + 1);
inline constexpr EnumNames kStatus = {[](uint8_t v) { return v == 0 ? "ok" : "error"; },
                                      [](std::string_view s, uint8_t& out) {
                                        if (s != "ok" && s != "error") return false;
                                        out = s == "ok" ? 0 : 1;
                                        return true;
                                      },
                                      2};

constexpr FieldSpec F(const char* n, Slot s, Type t, Presence p = Presence::always) { return {n, s, t, p}; }
constexpr FieldSpec E(const char* n, Slot s, const EnumNames& names, Presence p = Presence::always, uint8_t shift = 0,
                      uint8_t bits = 0) {
  return {n, s, Type::enum_, p, shift, bits, 0, &names};
}
constexpr FieldSpec bit(const char* n, uint8_t b) { return {n, Slot::flags, Type::flag, Presence::if_set, b, 1}; }

// step.end's flags: slow (bit 0), preempted (bit 1), on (bits 2-6), cpu_ns present (bit 7).
// run.end's flags: how (bits 0-2), exit_code present (bit 7).
inline constexpr uint8_t kStepCpuBit = 7, kEndExitBit = 7;

inline constexpr FieldSpec kTask = F("task", Slot::task, Type::id);
inline constexpr FieldSpec kLine = F("line", Slot::line, Type::line);
inline constexpr FieldSpec kFile = F("file", Slot::s2, Type::str, Presence::if_set);
inline constexpr FieldSpec kFn = E("fn", Slot::line, kHandleFn, Presence::if_set);

inline constexpr FieldSpec kRunBegin[] = {F("scenario", Slot::s1, Type::str), F("params", Slot::s2, Type::object),
                                          E("entry", Slot::code, kEntry, Presence::if_set),
                                          E("engine", Slot::flags, kEngine, Presence::if_set),
                                          F("python", Slot::num, Type::str, Presence::if_set)};
inline constexpr FieldSpec kRunEnd[] = {E("status", Slot::code, kStatus), F("error", Slot::s1, Type::str),
                                        E("how", Slot::flags, kEndHow, Presence::if_set, 0, 3),
                                        {"exit_code", Slot::ref, Type::i32, Presence::has_bit, 0, 0, kEndExitBit}};
inline constexpr FieldSpec kLoopIter[] = {F("ready", Slot::num, Type::count)};
inline constexpr FieldSpec kLoopPoll[] = {F("timeout_ms", Slot::ref, Type::timeout), F("waited_ns", Slot::num, Type::count)};
// future_cancelled: a task's wakeup by a future that was cancelled (Future.cancel()) while the task was not.
inline constexpr FieldSpec kReadyPush[] = {F("handle", Slot::id, Type::id), kTask, F("label", Slot::s1, Type::str),
                                           E("cause", Slot::code, kCause), kFn, bit("future_cancelled", 0)};
inline constexpr FieldSpec kReadyRun[] = {F("handle", Slot::id, Type::id), kTask, F("label", Slot::s1, Type::str),
                                          F("left", Slot::num, Type::count), kFn};
inline constexpr FieldSpec kTaskNew[] = {kTask, F("name", Slot::s1, Type::str), F("parent", Slot::ref, Type::id)};
// thrown: the exception type Task.__step throws into the coroutine (coro.throw) as it resumes; absent: send(None).
inline constexpr FieldSpec kStepBegin[] = {kTask, kLine, kFile, F("thrown", Slot::s1, Type::str, Presence::if_set)};
inline constexpr FieldSpec kStepEnd[] = {kTask,
                                         kLine,
                                         E("wait", Slot::code, kWait),
                                         F("dur_ns", Slot::num, Type::count),
                                         bit("slow", 0),
                                         E("on", Slot::flags, kAwaitOn, Presence::if_set, 2, 5),
                                         F("target", Slot::ref, Type::id, Presence::if_set),
                                         bit("preempted", 1),
                                         {"cpu_ns", Slot::s1, Type::count, Presence::has_bit, 0, 0, kStepCpuBit},
                                         kFile,
                                         // via: the asyncio call the user's line made, when the task waits inside it
                                         // on that call's own inner await (CPython recorder; never with cpu_ns, the
                                         // engine's, whose slot it shares)
                                         {"via", Slot::s1, Type::str, Presence::unless_bit, 0, 0, kStepCpuBit}};
// returned: (cancelled) the coroutine returned, but cancel() was called during that step.
inline constexpr FieldSpec kTaskDone[] = {kTask, E("outcome", Slot::code, kOutcome),
                                          {"value", Slot::s1, Type::str, Presence::when_code, 0, 0, uint8_t(Outcome::result)},
                                          {"error", Slot::s1, Type::str, Presence::when_code, 0, 0, uint8_t(Outcome::error)},
                                          bit("returned", 0)};
inline constexpr FieldSpec kTaskCancel[] = {kTask, F("by", Slot::ref, Type::id)};
// fn: what the timer's callback is (sleep's set_result, wait_for's or timeout()'s deadline, a plain callback).
inline constexpr FieldSpec kTimer[] = {F("timer", Slot::id, Type::id), F("due_ns", Slot::num, Type::i64), kTask,
                                       F("label", Slot::s1, Type::str, Presence::if_set), kFn};
inline constexpr FieldSpec kIoWait[] = {F("op", Slot::id, Type::id), kTask, E("kind", Slot::code, kIoKind),
                                        F("target", Slot::s1, Type::str)};
inline constexpr FieldSpec kIoDone[] = {F("op", Slot::id, Type::id), kTask, E("kind", Slot::code, kIoKind),
                                        F("status", Slot::s1, Type::str), F("bytes", Slot::num, Type::i64)};
inline constexpr FieldSpec kPoolSubmit[] = {F("job", Slot::id, Type::id), kTask, F("label", Slot::s1, Type::str)};
inline constexpr FieldSpec kPoolRun[] = {F("job", Slot::id, Type::id), kTask, F("worker", Slot::ref, Type::id)};
// raised: (pool.end) the job's function raised: its exception, not a result, goes back to the loop.
inline constexpr FieldSpec kPoolEnd[] = {F("job", Slot::id, Type::id), kTask, F("worker", Slot::ref, Type::id),
                                         bit("raised", 0)};
inline constexpr FieldSpec kBlockBegin[] = {kTask, E("kind", Slot::code, kBlockKind), kLine,
                                            F("label", Slot::s1, Type::str, Presence::if_set), kFile};
inline constexpr FieldSpec kBlockEnd[] = {kTask, E("kind", Slot::code, kBlockKind), kLine,
                                          F("dur_ns", Slot::num, Type::count),
                                          F("label", Slot::s1, Type::str, Presence::if_set)};
inline constexpr FieldSpec kPrint[] = {kTask, kLine, F("text", Slot::s1, Type::str), kFile};
inline constexpr FieldSpec kUnretrieved[] = {kTask, F("error", Slot::s1, Type::str)};
inline constexpr FieldSpec kDeadlock[] = {kTask};
inline constexpr FieldSpec kSource[] = {F("file", Slot::s2, Type::str), F("text", Slot::s1, Type::str)};
inline constexpr FieldSpec kTruncated[] = {F("reason", Slot::s1, Type::str), F("limit", Slot::num, Type::i64)};
inline constexpr FieldSpec kBookmark[] = {F("at", Slot::num, Type::count), F("label", Slot::s1, Type::str)};
// queue.put / queue.get: maxsize 0 = unbounded; order (a LifoQueue's, a PriorityQueue's) absent for a FIFO.
inline constexpr FieldSpec kQueue[] = {F("queue", Slot::id, Type::id), kTask, F("item", Slot::s1, Type::str),
                                       F("size", Slot::num, Type::count), F("maxsize", Slot::ref, Type::i32),
                                       E("order", Slot::code, kQueueOrder, Presence::if_set)};
// loop.close: handles still in the ready queue and timers still scheduled, dropped unrun.
// ready.cancel: a handle waiting in the ready queue was cancelled (Handle.cancel()); it never runs.
inline constexpr FieldSpec kReadyCancel[] = {F("handle", Slot::id, Type::id), kTask, F("label", Slot::s1, Type::str)};
inline constexpr FieldSpec kLoopClose[] = {F("dropped", Slot::num, Type::count), F("timers", Slot::ref, Type::i32)};
// loop.abort: an exception (SystemExit, KeyboardInterrupt) raised out of a handle (task: whose step) or the poll.
inline constexpr FieldSpec kLoopAbort[] = {kTask, F("error", Slot::s1, Type::str)};
}  // namespace schema_detail

// The fields of `kind`, in the order the writer writes them.
constexpr std::span<const FieldSpec> fields_of(Ev kind) {
  using namespace schema_detail;
  switch (kind) {
    case Ev::run_begin: return kRunBegin;
    case Ev::run_end: return kRunEnd;
    case Ev::loop_iter: return kLoopIter;
    case Ev::loop_poll: return kLoopPoll;
    case Ev::ready_push: return kReadyPush;
    case Ev::ready_run: return kReadyRun;
    case Ev::task_new: return kTaskNew;
    case Ev::step_begin: return kStepBegin;
    case Ev::step_end: return kStepEnd;
    case Ev::task_done: return kTaskDone;
    case Ev::task_cancel: return kTaskCancel;
    case Ev::timer_arm: case Ev::timer_fire: case Ev::timer_cancel: return kTimer;
    case Ev::io_wait: return kIoWait;
    case Ev::io_done: return kIoDone;
    case Ev::pool_submit: return kPoolSubmit;
    case Ev::pool_start: return kPoolRun;
    case Ev::pool_end: return kPoolEnd;
    case Ev::block_begin: return kBlockBegin;
    case Ev::block_end: return kBlockEnd;
    case Ev::print: return kPrint;
    case Ev::task_unretrieved: return kUnretrieved;
    case Ev::deadlock: return kDeadlock;
    case Ev::source: return kSource;
    case Ev::truncated: return kTruncated;
    case Ev::bookmark: return kBookmark;
    case Ev::queue_put: case Ev::queue_get: return kQueue;
    case Ev::loop_close: return kLoopClose;
    case Ev::ready_cancel: return kReadyCancel;
    case Ev::loop_abort: return kLoopAbort;
    case Ev::count_: break;
  }
  return {};
}

// The listing line an event names (step.begin/end, print, block.begin/end),
// 0 for a kind without one: ready.push, ready.run and the timers keep their
// `fn` in the same slot.
constexpr bool has_line(Ev kind) {
  for (const FieldSpec& f : fields_of(kind))
    if (f.slot == Slot::line && std::string_view(f.name) == "line") return true;
  return false;
}
// By kind, worked out at compile time: line_of runs in per-frame walks over thousands of events.
inline constexpr auto kHasLine = [] {
  std::array<bool, size_t(Ev::count_)> a{};
  for (size_t k = 0; k < a.size(); ++k) a[k] = has_line(Ev(k));
  return a;
}();
inline int32_t line_of(const Event& e) {
  return size_t(e.kind) < kHasLine.size() && kHasLine[size_t(e.kind)] && e.line > 0 ? e.line : 0;
}

// [SECTION] Reading and writing one field's bits

// The slot's bits (pointers as their bits, int32 slots sign-extended).
inline uint64_t slot_bits(const Event& e, Slot s) {
  switch (s) {
    case Slot::task: return uint64_t(int64_t(e.task));
    case Slot::id: return uint64_t(int64_t(e.id));
    case Slot::ref: return uint64_t(int64_t(e.ref));
    case Slot::line: return uint64_t(int64_t(e.line));
    case Slot::num: return uint64_t(e.num);
    case Slot::s1: return std::bit_cast<uint64_t>(e.s1);
    case Slot::s2: return std::bit_cast<uint64_t>(e.s2);
    case Slot::code: return e.code;
    case Slot::flags: return e.flags;
  }
  return 0;
}
inline void set_slot_bits(Event& e, Slot s, uint64_t v) {
  switch (s) {
    case Slot::task: e.task = int32_t(v); break;
    case Slot::id: e.id = int32_t(v); break;
    case Slot::ref: e.ref = int32_t(v); break;
    case Slot::line: e.line = int32_t(v); break;
    case Slot::num: e.num = int64_t(v); break;
    case Slot::s1: e.s1 = std::bit_cast<const char*>(v); break;
    case Slot::s2: e.s2 = std::bit_cast<const char*>(v); break;
    case Slot::code: e.code = uint8_t(v); break;
    case Slot::flags: e.flags = uint8_t(v); break;
  }
}
// The field's value: an integer (ids, counts, enums, flags) or a string pointer's bits.
inline uint64_t get(const Event& e, const FieldSpec& f) {
  uint64_t v = slot_bits(e, f.slot);
  return f.bits ? (v >> f.shift) & ((uint64_t(1) << f.bits) - 1) : v;
}
inline void set(Event& e, const FieldSpec& f, uint64_t v) {
  if (f.bits) {
    const uint64_t mask = ((uint64_t(1) << f.bits) - 1) << f.shift;
    v = (slot_bits(e, f.slot) & ~mask) | ((v << f.shift) & mask);
  }
  set_slot_bits(e, f.slot, v);
  if (f.presence == Presence::has_bit) e.flags |= uint8_t(1u << f.cond);
}
// Whether the writer writes the field for this event.
inline bool present(const Event& e, const FieldSpec& f) {
  switch (f.presence) {
    case Presence::always: return true;
    case Presence::has_bit: return (e.flags >> f.cond) & 1;
    case Presence::when_code: return e.code == f.cond;
    case Presence::unless_bit: return !((e.flags >> f.cond) & 1) && get(e, f) != 0;
    case Presence::if_set: {
      const uint64_t v = get(e, f);
      return f.type == Type::id ? int64_t(v) >= 0 : v != 0;
    }
  }
  return false;
}

// [SECTION] Typed views

// A member of a view, bound by position to its kind's table and checked by name.
template <class V, class M>
struct Member {
  const char* name;
  M V::*ptr;
};

namespace schema_detail {
constexpr bool same(const char* a, const char* b) { return std::string_view(a) == std::string_view(b); }
template <class V>
constexpr bool matches_table() {
  constexpr auto spec = fields_of(V::kind);
  return std::apply(
      [&](auto... m) {
        size_t i = 0;
        return sizeof...(m) == spec.size() && (same(m.name, spec[i++].name) && ...);
      },
      V::members());
}
template <class M>
M from_bits(uint64_t v) {
  if constexpr (std::is_pointer_v<M>) return std::bit_cast<M>(v);
  else if constexpr (std::is_same_v<M, bool>) return v != 0;
  else return M(int64_t(v));
}
template <class M>
uint64_t to_bits(M v) {
  if constexpr (std::is_pointer_v<M>) return std::bit_cast<uint64_t>(v);
  else return uint64_t(int64_t(v));
}
}  // namespace schema_detail

// The fields of `e` as the view V (e.kind must be one of V's kinds). Fields
// that the event does not carry (optional and absent) keep V's defaults.
template <class V>
V as(const Event& e) {
  static_assert(schema_detail::matches_table<V>(), "a view's members must be its kind's fields, in the table's order");
  V out{};
  constexpr auto spec = fields_of(V::kind);
  [&]<size_t... I>(std::index_sequence<I...>) {
    auto one = [&](const FieldSpec& f, auto member) {
      using M = std::remove_reference_t<decltype(out.*(member.ptr))>;
      if (f.presence == Presence::always || f.presence == Presence::if_set || present(e, f))
        out.*(member.ptr) = schema_detail::from_bits<M>(get(e, f));
    };
    (one(spec[I], std::get<I>(V::members())), ...);
  }(std::make_index_sequence<spec.size()>{});
  return out;
}

// Writes the view's fields into `e` (kind, time and iteration are the caller's).
template <class V>
void put(Event& e, const V& v) {
  static_assert(schema_detail::matches_table<V>());
  constexpr auto spec = fields_of(V::kind);
  [&]<size_t... I>(std::index_sequence<I...>) {
    auto one = [&](const FieldSpec& f, auto member) {
      if (f.presence == Presence::when_code && e.code != f.cond) return;
      auto x = v.*(member.ptr);
      if (f.presence == Presence::has_bit && schema_detail::to_bits(x) == 0) return;
      if (f.presence == Presence::unless_bit && (((e.flags >> f.cond) & 1) || schema_detail::to_bits(x) == 0)) return;
      set(e, f, schema_detail::to_bits(x));
    };
    (one(spec[I], std::get<I>(V::members())), ...);
  }(std::make_index_sequence<spec.size()>{});
}

namespace ev {

#define LOOPSCOPE_VIEW_MEMBER(V, m) Member<V, decltype(V::m)>{#m, &V::m}

struct RunBegin {
  static constexpr Ev kind = Ev::run_begin;
  const char* scenario = nullptr;
  const char* params = nullptr;
  Entry entry = Entry::unset;
  EngineKind engine = EngineKind::unset;
  const char* python = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(RunBegin, scenario), LOOPSCOPE_VIEW_MEMBER(RunBegin, params),
                      LOOPSCOPE_VIEW_MEMBER(RunBegin, entry), LOOPSCOPE_VIEW_MEMBER(RunBegin, engine),
                      LOOPSCOPE_VIEW_MEMBER(RunBegin, python)};
  }
};
struct RunEnd {
  static constexpr Ev kind = Ev::run_end;
  uint8_t status = 0;  // 0 ok, 1 error
  const char* error = nullptr;
  EndHow how = EndHow::unset;
  int32_t exit_code = 0;  // meaningful when has_exit_code
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(RunEnd, status), LOOPSCOPE_VIEW_MEMBER(RunEnd, error),
                      LOOPSCOPE_VIEW_MEMBER(RunEnd, how), LOOPSCOPE_VIEW_MEMBER(RunEnd, exit_code)};
  }
};
struct Iter {
  static constexpr Ev kind = Ev::loop_iter;
  int64_t ready = 0;
  static constexpr auto members() { return std::tuple{LOOPSCOPE_VIEW_MEMBER(Iter, ready)}; }
};
struct Poll {
  static constexpr Ev kind = Ev::loop_poll;
  int32_t timeout_ms = 0;
  int64_t waited_ns = 0;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Poll, timeout_ms), LOOPSCOPE_VIEW_MEMBER(Poll, waited_ns)};
  }
};
struct ReadyPush {
  static constexpr Ev kind = Ev::ready_push;
  int32_t handle = -1, task = -1;
  const char* label = nullptr;
  Cause cause = Cause::call_soon;
  HandleFn fn = HandleFn::unset;
  bool future_cancelled = false;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(ReadyPush, handle), LOOPSCOPE_VIEW_MEMBER(ReadyPush, task),
                      LOOPSCOPE_VIEW_MEMBER(ReadyPush, label), LOOPSCOPE_VIEW_MEMBER(ReadyPush, cause),
                      LOOPSCOPE_VIEW_MEMBER(ReadyPush, fn), LOOPSCOPE_VIEW_MEMBER(ReadyPush, future_cancelled)};
  }
};
struct ReadyRun {
  static constexpr Ev kind = Ev::ready_run;
  int32_t handle = -1, task = -1;
  const char* label = nullptr;
  int64_t left = 0;
  HandleFn fn = HandleFn::unset;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(ReadyRun, handle), LOOPSCOPE_VIEW_MEMBER(ReadyRun, task),
                      LOOPSCOPE_VIEW_MEMBER(ReadyRun, label), LOOPSCOPE_VIEW_MEMBER(ReadyRun, left),
                      LOOPSCOPE_VIEW_MEMBER(ReadyRun, fn)};
  }
};
struct TaskNew {
  static constexpr Ev kind = Ev::task_new;
  int32_t task = -1;
  const char* name = nullptr;
  int32_t parent = -1;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(TaskNew, task), LOOPSCOPE_VIEW_MEMBER(TaskNew, name),
                      LOOPSCOPE_VIEW_MEMBER(TaskNew, parent)};
  }
};
struct StepBegin {
  static constexpr Ev kind = Ev::step_begin;
  int32_t task = -1, line = 0;
  const char* file = nullptr;
  const char* thrown = nullptr;  // null: the coroutine resumes normally
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(StepBegin, task), LOOPSCOPE_VIEW_MEMBER(StepBegin, line),
                      LOOPSCOPE_VIEW_MEMBER(StepBegin, file), LOOPSCOPE_VIEW_MEMBER(StepBegin, thrown)};
  }
};
struct StepEnd {
  static constexpr Ev kind = Ev::step_end;
  int32_t task = -1, line = 0;
  Wait wait = Wait::none;
  int64_t dur_ns = 0;
  bool slow = false;
  AwaitOn on = AwaitOn::unset;
  int32_t target = -1;
  bool preempted = false;
  int64_t cpu_ns = 0;  // 0 when not measured
  const char* file = nullptr;
  const char* via = nullptr;  // null: the wait is the user's own await (or not known)
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(StepEnd, task),      LOOPSCOPE_VIEW_MEMBER(StepEnd, line),
                      LOOPSCOPE_VIEW_MEMBER(StepEnd, wait),      LOOPSCOPE_VIEW_MEMBER(StepEnd, dur_ns),
                      LOOPSCOPE_VIEW_MEMBER(StepEnd, slow),      LOOPSCOPE_VIEW_MEMBER(StepEnd, on),
                      LOOPSCOPE_VIEW_MEMBER(StepEnd, target),    LOOPSCOPE_VIEW_MEMBER(StepEnd, preempted),
                      LOOPSCOPE_VIEW_MEMBER(StepEnd, cpu_ns),    LOOPSCOPE_VIEW_MEMBER(StepEnd, file),
                      LOOPSCOPE_VIEW_MEMBER(StepEnd, via)};
  }
};
struct TaskDone {
  static constexpr Ev kind = Ev::task_done;
  int32_t task = -1;
  Outcome outcome = Outcome::result;
  const char* value = nullptr;  // outcome result
  const char* error = nullptr;  // outcome error
  bool returned = false;        // outcome cancelled: the coroutine returned, cancel() came during that step
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(TaskDone, task), LOOPSCOPE_VIEW_MEMBER(TaskDone, outcome),
                      LOOPSCOPE_VIEW_MEMBER(TaskDone, value), LOOPSCOPE_VIEW_MEMBER(TaskDone, error),
                      LOOPSCOPE_VIEW_MEMBER(TaskDone, returned)};
  }
};
struct TaskCancel {
  static constexpr Ev kind = Ev::task_cancel;
  int32_t task = -1, by = -1;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(TaskCancel, task), LOOPSCOPE_VIEW_MEMBER(TaskCancel, by)};
  }
};
struct Timer {  // timer.arm, timer.fire, timer.cancel
  static constexpr Ev kind = Ev::timer_arm;
  int32_t timer = -1;
  int64_t due_ns = 0;
  int32_t task = -1;
  const char* label = nullptr;
  HandleFn fn = HandleFn::unset;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Timer, timer), LOOPSCOPE_VIEW_MEMBER(Timer, due_ns),
                      LOOPSCOPE_VIEW_MEMBER(Timer, task), LOOPSCOPE_VIEW_MEMBER(Timer, label),
                      LOOPSCOPE_VIEW_MEMBER(Timer, fn)};
  }
};
struct IoWait {
  static constexpr Ev kind = Ev::io_wait;
  int32_t op = -1, task = -1;
  IoKind io = IoKind::read;
  const char* target = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(IoWait, op), LOOPSCOPE_VIEW_MEMBER(IoWait, task),
                      Member<IoWait, IoKind>{"kind", &IoWait::io}, LOOPSCOPE_VIEW_MEMBER(IoWait, target)};
  }
};
struct IoDone {
  static constexpr Ev kind = Ev::io_done;
  int32_t op = -1, task = -1;
  IoKind io = IoKind::read;
  const char* status = nullptr;
  int64_t bytes = 0;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(IoDone, op), LOOPSCOPE_VIEW_MEMBER(IoDone, task),
                      Member<IoDone, IoKind>{"kind", &IoDone::io}, LOOPSCOPE_VIEW_MEMBER(IoDone, status),
                      LOOPSCOPE_VIEW_MEMBER(IoDone, bytes)};
  }
};
struct PoolSubmit {
  static constexpr Ev kind = Ev::pool_submit;
  int32_t job = -1, task = -1;
  const char* label = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(PoolSubmit, job), LOOPSCOPE_VIEW_MEMBER(PoolSubmit, task),
                      LOOPSCOPE_VIEW_MEMBER(PoolSubmit, label)};
  }
};
struct PoolRun {  // pool.start (and pool.end's first fields)
  static constexpr Ev kind = Ev::pool_start;
  int32_t job = -1, task = -1, worker = -1;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(PoolRun, job), LOOPSCOPE_VIEW_MEMBER(PoolRun, task),
                      LOOPSCOPE_VIEW_MEMBER(PoolRun, worker)};
  }
};
struct PoolEnd {
  static constexpr Ev kind = Ev::pool_end;
  int32_t job = -1, task = -1, worker = -1;
  bool raised = false;  // the job's function raised
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(PoolEnd, job), LOOPSCOPE_VIEW_MEMBER(PoolEnd, task),
                      LOOPSCOPE_VIEW_MEMBER(PoolEnd, worker), LOOPSCOPE_VIEW_MEMBER(PoolEnd, raised)};
  }
};
struct BlockBegin {
  static constexpr Ev kind = Ev::block_begin;
  int32_t task = -1;
  BlockKind block = BlockKind::sleep;
  int32_t line = 0;
  const char* label = nullptr;
  const char* file = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(BlockBegin, task), Member<BlockBegin, BlockKind>{"kind", &BlockBegin::block},
                      LOOPSCOPE_VIEW_MEMBER(BlockBegin, line), LOOPSCOPE_VIEW_MEMBER(BlockBegin, label),
                      LOOPSCOPE_VIEW_MEMBER(BlockBegin, file)};
  }
};
struct BlockEnd {
  static constexpr Ev kind = Ev::block_end;
  int32_t task = -1;
  BlockKind block = BlockKind::sleep;
  int32_t line = 0;
  int64_t dur_ns = 0;
  const char* label = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(BlockEnd, task), Member<BlockEnd, BlockKind>{"kind", &BlockEnd::block},
                      LOOPSCOPE_VIEW_MEMBER(BlockEnd, line), LOOPSCOPE_VIEW_MEMBER(BlockEnd, dur_ns),
                      LOOPSCOPE_VIEW_MEMBER(BlockEnd, label)};
  }
};
struct Print {
  static constexpr Ev kind = Ev::print;
  int32_t task = -1, line = 0;
  const char* text = nullptr;
  const char* file = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Print, task), LOOPSCOPE_VIEW_MEMBER(Print, line),
                      LOOPSCOPE_VIEW_MEMBER(Print, text), LOOPSCOPE_VIEW_MEMBER(Print, file)};
  }
};
struct Unretrieved {
  static constexpr Ev kind = Ev::task_unretrieved;
  int32_t task = -1;
  const char* error = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Unretrieved, task), LOOPSCOPE_VIEW_MEMBER(Unretrieved, error)};
  }
};
struct Deadlock {
  static constexpr Ev kind = Ev::deadlock;
  int32_t task = -1;
  static constexpr auto members() { return std::tuple{LOOPSCOPE_VIEW_MEMBER(Deadlock, task)}; }
};
struct Source {
  static constexpr Ev kind = Ev::source;
  const char* file = nullptr;
  const char* text = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Source, file), LOOPSCOPE_VIEW_MEMBER(Source, text)};
  }
};
struct Truncated {
  static constexpr Ev kind = Ev::truncated;
  const char* reason = nullptr;
  int64_t limit = 0;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Truncated, reason), LOOPSCOPE_VIEW_MEMBER(Truncated, limit)};
  }
};
struct Bookmark {
  static constexpr Ev kind = Ev::bookmark;
  int64_t at = 0;
  const char* label = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(Bookmark, at), LOOPSCOPE_VIEW_MEMBER(Bookmark, label)};
  }
};

struct QueueChange {  // queue.put, queue.get
  static constexpr Ev kind = Ev::queue_put;
  int32_t queue = -1, task = -1;
  const char* item = nullptr;
  int64_t size = 0;
  int32_t maxsize = 0;
  QueueOrder order = QueueOrder::unset;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(QueueChange, queue), LOOPSCOPE_VIEW_MEMBER(QueueChange, task),
                      LOOPSCOPE_VIEW_MEMBER(QueueChange, item), LOOPSCOPE_VIEW_MEMBER(QueueChange, size),
                      LOOPSCOPE_VIEW_MEMBER(QueueChange, maxsize), LOOPSCOPE_VIEW_MEMBER(QueueChange, order)};
  }
};
struct ReadyCancel {
  static constexpr Ev kind = Ev::ready_cancel;
  int32_t handle = -1, task = -1;
  const char* label = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(ReadyCancel, handle), LOOPSCOPE_VIEW_MEMBER(ReadyCancel, task),
                      LOOPSCOPE_VIEW_MEMBER(ReadyCancel, label)};
  }
};
struct LoopAbort {
  static constexpr Ev kind = Ev::loop_abort;
  int32_t task = -1;
  const char* error = nullptr;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(LoopAbort, task), LOOPSCOPE_VIEW_MEMBER(LoopAbort, error)};
  }
};
struct LoopClose {
  static constexpr Ev kind = Ev::loop_close;
  int64_t dropped = 0;
  int32_t timers = 0;
  static constexpr auto members() {
    return std::tuple{LOOPSCOPE_VIEW_MEMBER(LoopClose, dropped), LOOPSCOPE_VIEW_MEMBER(LoopClose, timers)};
  }
};

#undef LOOPSCOPE_VIEW_MEMBER

}  // namespace ev

// run.end's exit_code is optional (0 is a real exit code): whether this event carries it, and setting it.
inline bool has_exit_code(const Event& e) { return (e.flags >> schema_detail::kEndExitBit) & 1; }
inline void set_exit_code(Event& e, int32_t code) { set(e, schema_detail::kRunEnd[3], uint64_t(int64_t(code))); }

}  // namespace loopscope
