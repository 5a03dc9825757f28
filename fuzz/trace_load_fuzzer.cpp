// libFuzzer target: the trace loader must survive any bytes. Small limits so
// the fuzzer reaches every cap quickly; a crash, a leak or a hang is a bug.
#include <cstddef>
#include <cstdint>

#include "core/trace_load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  loopscope::TraceLoadLimits lim;
  lim.max_line_bytes = 4096;
  lim.max_events = 256;
  lim.max_string_bytes = 512;
  lim.max_depth = 8;
  loopscope::Trace trace;
  std::string err = loopscope::load_trace_bytes("fuzz.jsonl", reinterpret_cast<const char*>(data), size, trace, lim);
  // The contract: success, or exactly one line.
  if (err.find('\n') != std::string::npos) __builtin_trap();
  return 0;
}
