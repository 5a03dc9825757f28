// libFuzzer target: the trace loader must survive any bytes, and whatever it
// accepts must (a) save and load back to the same bytes and (b) feed the view
// model, which then seeks, narrates and steps through it without a crash, a
// hang or memory out of proportion to the input. Small limits so the fuzzer
// reaches every cap quickly; a crash, a leak or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "core/trace_json.hpp"
#include "core/trace_load.hpp"
#include "model/model.hpp"

namespace {

std::string jsonl(const std::vector<loopscope::Event>& events) {
  std::ostringstream out;
  loopscope::write_jsonl(out, events);
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loopscope;
  TraceLoadLimits lim;
  lim.max_line_bytes = 4096;
  lim.max_events = 256;
  lim.max_string_bytes = 512;
  lim.max_depth = 8;
  lim.max_tasks = 64;
  Trace trace;
  std::string err = load_trace_bytes("fuzz.jsonl", reinterpret_cast<const char*>(data), size, trace, lim);
  // The contract: success, or exactly one line.
  if (err.find('\n') != std::string::npos) __builtin_trap();
  if (!err.empty()) return 0;
  std::vector<Event> events = merged_events(trace);

  // Round trip: what was accepted saves, loads back and saves to the same bytes.
  std::string first = jsonl(events);
  Trace again;
  if (!load_trace_bytes("again.jsonl", first.data(), first.size(), again).empty()) __builtin_trap();
  if (jsonl(merged_events(again)) != first) __builtin_trap();

  // The view model: fed at once, then in two halves with a late rollback, as a live view is.
  model::Model m;
  m.update(events, 0);
  const size_t n = m.size();
  for (size_t i = 0; i < n; ++i) {
    model::LoopState s = m.state_at(i, events[i].loop);
    if (s.event_index != i) __builtin_trap();
    (void)model::narrate(m, i);
  }
  for (size_t i = n; i-- > 0;) (void)m.state_at(i);
  for (size_t i = 0; i < n; i = m.next_step(i) > i ? m.next_step(i) : n) (void)m.prev_step(i);
  std::vector<Event> half(events.begin(), events.begin() + ptrdiff_t(n / 2));
  model::Model live;
  live.update(half, 0);
  live.update(events, n / 4);
  for (size_t i = 0; i < n; ++i) {
    model::LoopState a = m.state_at(i), b = live.state_at(i);
    if (a.ready.size() != b.ready.size() || a.timers.size() != b.timers.size() || a.phase != b.phase) __builtin_trap();
  }
  // Snapshots stay within their budget (model.hpp): one element per two events, plus one state.
  if (m.snapshot_elements() > n / 2 + model::Model::kSnapshotEvery + 64) __builtin_trap();
  return 0;
}
