#include "trace.hpp"

#include "clock.hpp"
#include "reserve.hpp"

#include <uv.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include <sys/mman.h>

namespace loopscope {

// [SECTION] Names

namespace {
// string_views (of literals, so NUL-terminated): the loader parses every kind
// and enum of a trace through these, and a length compare is cheaper than strlen.
constexpr std::string_view kEvNames[] = {
    "run.begin",  "run.end",     "loop.iter",   "loop.poll",    "ready.push",  "ready.run",
    "task.new",   "step.begin",  "step.end",    "task.done",    "task.cancel", "timer.arm",
    "timer.fire", "timer.cancel", "io.wait",    "io.done",      "pool.submit", "pool.start",
    "pool.end",   "block.begin", "block.end",   "print",        "task.unretrieved", "deadlock",
    "source",     "truncated",   "bookmark",
    "queue.put",  "queue.get",   "loop.close",  "ready.cancel", "loop.abort"};
static_assert(std::size(kEvNames) == size_t(Ev::count_));
constexpr std::string_view kCauseNames[] = {"new",  "yield",  "timer",     "io",        "future",
                                       "pool", "cancel", "call_soon", "threadsafe"};
constexpr std::string_view kWaitNames[] = {"none", "sleep", "io",    "future", "task",  "gather",   "taskgroup",
                                      "pool", "queue", "event", "lock",   "yield", "semaphore"};
constexpr std::string_view kOutcomeNames[] = {"result", "error", "cancelled"};
constexpr std::string_view kIoKindNames[] = {"accept", "read", "write", "connect", "fs", "close"};
constexpr std::string_view kBlockKindNames[] = {"sleep", "cpu", "syscall"};
// Optional enums: index 0 (unset) has no name and never parses.
constexpr std::string_view kHandleFnNames[] = {"",
                                          "task.step",
                                          "task.wakeup",
                                          "sleep.set_result",
                                          "gather.done_callback",
                                          "taskgroup.on_task_done",
                                          "timeout.on_timeout",
                                          "wait_for.release_waiter",
                                          "run_until_complete_cb",
                                          "io.callback",
                                          "pool.done",
                                          "callback",
                                          "waiter.set_result"};
constexpr std::string_view kAwaitOnNames[] = {"",           "sleep",        "task",           "gather",
                                         "taskgroup",  "wait_for",     "timeout",        "queue.get",
                                         "queue.put",  "queue.join",   "event.wait",     "lock.acquire",
                                         "semaphore.acquire", "io.accept", "io.read",    "io.write",
                                         "io.connect", "io.drain",     "pool",           "future",
                                         "yield"};
constexpr std::string_view kEntryNames[] = {"", "asyncio.run", "asyncio.Runner", "run_until_complete", "none"};
constexpr std::string_view kEngineNames[] = {"", "loopscope", "cpython"};
constexpr std::string_view kEndHowNames[] = {"", "return", "exception", "sigint", "sigterm", "duration", "crash"};
constexpr std::string_view kQueueOrderNames[] = {"", "lifo", "priority"};
static_assert(std::size(kHandleFnNames) == size_t(HandleFn::waiter_set_result) + 1);
static_assert(std::size(kAwaitOnNames) == size_t(AwaitOn::yield) + 1);

template <class E, size_t N>
const char* name_of(E e, const std::string_view (&names)[N]) {
  size_t i = size_t(e);
  return i < N ? names[i].data() : "?";
}
template <class E, size_t N>
bool parse_of(std::string_view s, E& out, const std::string_view (&names)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (!names[i].empty() && names[i].size() == s.size() && names[i][0] == s[0] && s == names[i]) {  // an optional enum's unset ("") never parses
      out = E(i);
      return true;
    }
  return false;
}
}  // namespace

const char* name(Ev e) { return name_of(e, kEvNames); }
const char* name(Cause c) { return name_of(c, kCauseNames); }
const char* name(Wait w) { return name_of(w, kWaitNames); }
const char* name(Outcome o) { return name_of(o, kOutcomeNames); }
const char* name(IoKind k) { return name_of(k, kIoKindNames); }
const char* name(BlockKind k) { return name_of(k, kBlockKindNames); }
const char* name(HandleFn f) { return name_of(f, kHandleFnNames); }
const char* name(AwaitOn o) { return name_of(o, kAwaitOnNames); }
const char* name(Entry x) { return name_of(x, kEntryNames); }
const char* name(EngineKind x) { return name_of(x, kEngineNames); }
const char* name(EndHow x) { return name_of(x, kEndHowNames); }
const char* name(QueueOrder x) { return name_of(x, kQueueOrderNames); }
bool parse(std::string_view s, Ev& out) { return parse_of(s, out, kEvNames); }
bool parse(std::string_view s, Cause& out) { return parse_of(s, out, kCauseNames); }
bool parse(std::string_view s, Wait& out) { return parse_of(s, out, kWaitNames); }
bool parse(std::string_view s, Outcome& out) { return parse_of(s, out, kOutcomeNames); }
bool parse(std::string_view s, IoKind& out) { return parse_of(s, out, kIoKindNames); }
bool parse(std::string_view s, BlockKind& out) { return parse_of(s, out, kBlockKindNames); }
bool parse(std::string_view s, HandleFn& out) { return parse_of(s, out, kHandleFnNames); }
bool parse(std::string_view s, AwaitOn& out) { return parse_of(s, out, kAwaitOnNames); }
bool parse(std::string_view s, Entry& out) { return parse_of(s, out, kEntryNames); }
bool parse(std::string_view s, EngineKind& out) { return parse_of(s, out, kEngineNames); }
bool parse(std::string_view s, EndHow& out) { return parse_of(s, out, kEndHowNames); }
bool parse(std::string_view s, QueueOrder& out) { return parse_of(s, out, kQueueOrderNames); }

// [SECTION] Stream

Trace::Stream::Stream(size_t capacity)
    : chunks_(new std::atomic<Event*>[kMaxChunks]), capacity_(std::clamp<size_t>(capacity, 1, kStreamCapacity)) {
  for (size_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  grow(0);
}

bool Trace::Stream::slow_slot(size_t n, const Event& e) {
  if (full_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if ((n & (kChunkSize - 1)) == 0) {  // the first slot of a chunk
    size_t c = n >> kChunkBits;
    chunk_ = chunks_[c].load(std::memory_order_relaxed);
    if (!chunk_) chunk_ = grow(c);
  }
  if (n + 1 < capacity_) {
    next_check_ = std::min(((n >> kChunkBits) + 1) << kChunkBits, capacity_ - 1);
    return true;
  }
  // The last slot: say that the stream is full, then drop everything after it.
  Event& t = chunk_[n & (kChunkSize - 1)];
  t = Event{};
  t.kind = Ev::truncated;
  t.t_ns = e.t_ns;
  t.it = e.it;
  t.loop = e.loop;
  t.s1 = "stream full";
  t.num = int64_t(capacity_);
  written_ = n + 1;
  next_check_ = written_;
  full_ = true;
  publish();
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

Trace::Stream::~Stream() {
  for (size_t i = 0; i < kMaxChunks; ++i) std::free(chunks_[i].load(std::memory_order_relaxed));
}

void Trace::Stream::release_events() {
  for (size_t i = 0; i < kMaxChunks; ++i) std::free(chunks_[i].exchange(nullptr, std::memory_order_acq_rel));
  chunk_ = nullptr;
  full_ = true;  // a late append would find no chunk: it is dropped, not written into freed memory
  next_check_ = written_;
}

Event* Trace::Stream::grow(size_t c) {
  // Raw, huge-page-aligned memory: no value-initialisation pass, and one page
  // fault per 2 MiB instead of one per 4 KiB (THP is `madvise` on Debian).
  // Event is an implicit-lifetime aggregate, so writing into it creates it.
  constexpr size_t kBytes = kChunkSize * sizeof(Event);
  static_assert(kBytes % (2u << 20) == 0);
  void* mem = std::aligned_alloc(2u << 20, kBytes);
  if (!mem) throw std::bad_alloc();
  madvise(mem, kBytes, MADV_HUGEPAGE);
  Event* chunk = static_cast<Event*>(mem);
  chunks_[c].store(chunk, std::memory_order_release);
  return chunk;
}

const char* Trace::Stream::intern(std::string_view s) {
  constexpr size_t kBlock = 64 * 1024;
  size_t need = s.size() + 1;
  if (arena_used_ + need > arena_cap_) {
    size_t cap = std::max(kBlock, need);
    arena_.emplace_back(new char[cap]);
    arena_used_ = 0;
    arena_cap_ = cap;
  }
  char* p = arena_.back().get() + arena_used_;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  arena_used_ += need;
  return p;
}

// [SECTION] Trace

Trace::Trace(size_t stream_capacity) : origin_ns_(clock::now_ns()), stream_capacity_(stream_capacity) { add_stream(); }
Trace::~Trace() = default;

Trace::Stream& Trace::add_stream() {
  std::lock_guard<std::mutex> lock(register_mutex_);
  int n = nstreams_.load(std::memory_order_relaxed);
  if (n >= kMaxStreamBlocks * kStreamBlock)
    throw std::length_error("trace: more than " + std::to_string(n) + " producer threads");
  const size_t b = size_t(n / kStreamBlock);
  if (!blocks_[b].load(std::memory_order_relaxed)) {
    auto& block = owned_blocks_.emplace_back(new std::atomic<Stream*>[kStreamBlock]);
    for (int i = 0; i < kStreamBlock; ++i) block[i].store(nullptr, std::memory_order_relaxed);
    blocks_[b].store(block.get(), std::memory_order_release);
  }
  owned_.push_back(std::make_unique<Stream>(stream_capacity_));
  slot(n).store(owned_.back().get(), std::memory_order_release);
  nstreams_.store(n + 1, std::memory_order_release);
  return *owned_.back();
}

void Trace::release_events() {
  for (int i = 0, m = stream_count(); i < m; ++i) slot(i).load(std::memory_order_acquire)->release_events();
}

size_t Trace::dropped() const {
  size_t n = 0;
  for (int i = 0, m = stream_count(); i < m; ++i) n += stream(i).dropped();
  return n;
}

const char* Trace::intern(std::string_view s) {
  std::lock_guard<std::mutex> lock(register_mutex_);
  auto& p = strings_.emplace_back(new char[s.size() + 1]);
  std::memcpy(p.get(), s.data(), s.size());
  p[s.size()] = '\0';
  return p.get();
}

size_t Trace::size() const {
  size_t n = 0;
  for (int i = 0, m = stream_count(); i < m; ++i) n += stream(i).size();
  return n;
}

// [SECTION] Packed records

namespace {
// loop.iter + loop.poll of an iteration whose poll was skipped (packed::kIterStart).
void expand_iter_start(const Event& r, int64_t left, std::vector<Event>& out) {
  Event e;
  e.t_ns = r.t_ns;
  e.it = r.it;
  e.loop = r.loop;
  Event& it = out.emplace_back(e);
  it.kind = Ev::loop_iter;
  it.num = left + 1;
  Event& poll = out.emplace_back(e);
  poll.kind = Ev::loop_poll;
  poll.ref = 0;
  poll.num = 0;
}
}  // namespace

void expand(const Event& r, std::vector<Event>& out) {
  if (r.kind == Ev::ready_run && (r.flags & packed::kIterStart)) {
    expand_iter_start(r, r.num, out);
    out.emplace_back(r).flags = 0;
    return;
  }
  using namespace packed;
  if (r.kind == packed::step) {
    if (r.flags & packed::kIterStart) expand_iter_start(r, r.ref, out);
    Event e;
    e.t_ns = r.t_ns;
    e.it = r.it;
    e.loop = r.loop;
    e.task = r.task;
    Event& run = out.emplace_back(e);
    run.kind = Ev::ready_run;
    run.id = r.id;
    run.s1 = r.s1;
    run.num = r.ref;
    const uint64_t w = uint64_t(r.num);
    run.line = int32_t((w >> kRunFnShift) & 0xF);
    Event& begin = out.emplace_back(e);
    begin.kind = Ev::step_begin;
    begin.line = r.line;
    if (!(r.flags & packed::kHasEnd)) return;
    e.t_ns = int64_t(r.seq);
    Event& end = out.emplace_back(e);
    end.kind = Ev::step_end;
    end.line = int32_t(w & ((1u << kLineBits) - 1));
    end.code = r.code;
    end.num = e.t_ns - r.t_ns;
    end.flags = uint8_t((r.flags & kFlagSlow) | ((w >> kOnShift) & 0x1F) << 2);
    if (!(r.flags & packed::kHasPush)) return;
    Event& push = out.emplace_back(e);
    push.kind = Ev::ready_push;
    push.id = int32_t(uint32_t(w >> 32));
    push.s1 = r.s2;
    push.code = uint8_t(r.flags >> 4);
    push.line = int32_t((w >> kPushFnShift) & 0x7);
    return;
  }
  if (r.kind == packed::iter) {
    Event& it = out.emplace_back(r);
    it.kind = Ev::loop_iter;
    it.seq = 0;
    it.ref = -1;
    Event& poll = out.emplace_back(r);
    poll.kind = Ev::loop_poll;
    poll.seq = 0;
    poll.num = int64_t(r.seq);
    return;
  }
  out.push_back(r);
}

// [SECTION] Merging

size_t TraceReader::poll() {
  const int ns = trace_->stream_count();
  read_.resize(size_t(ns), 0);
  const size_t before = events_.size();
  int64_t min_new_t = INT64_MAX;
  size_t coming = 0;  // records; a packed one expands to a few events, so this is a floor
  for (int s = 0; s < ns; ++s) coming += trace_->stream(s).size() - read_[size_t(s)];
  reserve_for(events_, before + coming);
  for (int s = 0; s < ns; ++s) {
    const Trace::Stream& st = trace_->stream(s);
    size_t n = st.size();
    const size_t from = events_.size();
    for (size_t i = read_[size_t(s)]; i < n; ++i) expand(st.at(i), events_);
    for (size_t i = from; i < events_.size(); ++i) min_new_t = std::min(min_new_t, events_[i].t_ns);
    read_[size_t(s)] = n;
  }
  if (events_.size() == before) return before;
  // Everything before `first` is older than every new event and stays put.
  auto first = std::upper_bound(events_.begin(), events_.begin() + ptrdiff_t(before), min_new_t,
                                [](int64_t t, const Event& e) { return t < e.t_ns; });
  // A loaded file (one stream, in order) is sorted already: stable_sort's buffer would be a second copy.
  auto by_time = [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; };
  if (!std::is_sorted(first, events_.end(), by_time)) std::stable_sort(first, events_.end(), by_time);
  size_t changed = size_t(first - events_.begin());
  for (size_t i = changed; i < events_.size(); ++i) events_[i].seq = i;
  return changed;
}

std::vector<Event> merged_events(const Trace& t) {
  TraceReader r(t);
  r.poll();
  return std::move(r.events());
}

}  // namespace loopscope
