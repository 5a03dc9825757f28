// Loading a JSON Lines trace (the format trace_json.cpp writes, documented in
// docs/trace-format.md) back into a Trace, for `loopscope view F.jsonl` and
// for tests. Files are untrusted: every size and count is capped, every field
// checked, and any problem is one line naming the file (and the line), never
// a crash or a hang.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "limits.hpp"
#include "trace.hpp"

namespace loopscope {

// Defaults from the one table of caps (core/limits.hpp); tests and the fuzzer lower them.
struct TraceLoadLimits {
  uint64_t max_file_bytes = limits::kFileBytes;  // checked before reading
  size_t max_line_bytes = limits::kLineBytes;
  size_t max_events = limits::kEvents;
  size_t max_string_bytes = limits::kStringBytes;  // any one string field
  int max_depth = limits::kDepth;                  // nesting inside params / unknown fields
  int64_t max_id = limits::kIds;                   // task/handle/timer/op/job/worker ids are below this
  int32_t max_line_number = limits::kLineNumber;   // Python listing line
  size_t max_tasks = limits::kTasks;               // task.new events
};

// Loads `path` into `into`, which must be a fresh Trace (no events). Every
// event goes into the primary stream in file order, so merged_events(into)
// gives them back in file order with the same seq. Strings are interned in
// that stream. Returns "" on success, else one line: "path:17: problem" or
// "path: problem". On error `into` may hold the events before the bad line:
// discard it.
std::string load_trace_file(const std::string& path, Trace& into, const TraceLoadLimits& limits = {});

// The same for bytes in memory (the fuzzer's entry point); `name` is used in
// messages in place of the path.
std::string load_trace_bytes(const std::string& name, const char* data, size_t size, Trace& into,
                             const TraceLoadLimits& limits = {});

// The fields of one JSON object (run.begin's `params`: {"a": 0.3, "mode": "x"})
// read with the loader's strict JSON reader: strings decoded, other values as
// written. Empty when `json` is not one valid object.
std::vector<std::pair<std::string, std::string>> json_object_fields(std::string_view json);

// A trace that is still being written (the CPython recorder's file, read while
// the program runs): whole lines are loaded as they arrive, a partial last line
// waits for the rest. Same checks and messages as load_trace_file.
class TraceFeeder {
 public:
  TraceFeeder(const std::string& name, Trace& into, const TraceLoadLimits& limits = {});
  ~TraceFeeder();
  // False on the first bad line; error() says which.
  bool feed(const char* data, size_t size);
  // The writer is done: a last line without its newline must be a whole event.
  bool finish();
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loopscope
