// The round-trip property of the trace format: whatever the loader accepts,
// written out, loads back and writes out to the same bytes. Checked over a
// real run of every scenario and over every file of the fuzz corpus (the
// fuzz target checks it on each input it accepts, too).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/trace_json.hpp"
#include "core/trace_load.hpp"
#include "scenarios/scenario.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
namespace fs = std::filesystem;

namespace {

std::string jsonl(const std::vector<Event>& events) {
  std::ostringstream out;
  write_jsonl(out, events);
  return out.str();
}

// write(load(bytes)); "" with `err` set when the loader refuses them.
std::string reload(const std::string& name, const std::string& bytes, std::string& err) {
  Trace t;
  err = load_trace_bytes(name, bytes.data(), bytes.size(), t);
  return err.empty() ? jsonl(merged_events(t)) : "";
}

}  // namespace

TEST_CASE("every scenario's real trace saves, loads and saves again to the same bytes") {
  for (const Scenario& s : scenarios()) {
    CAPTURE(s.id);
    Trace trace;
    RunOptions opts;
    opts.time_scale = 0.05;  // the bytes are compared, not the timing: a fast run is enough
    RunResult r = run_scenario(s, s.resolve({}), trace, opts);
    CHECK(r.loop_close_rc == 0);
    CHECK(live_frames().load() == 0);
    std::string first = jsonl(merged_events(trace));
    std::string err;
    std::string second = reload(s.id + ".jsonl", first, err);
    REQUIRE_MESSAGE(err.empty(), err);
    CHECK(second == first);
  }
}

TEST_CASE("every fuzz corpus file the loader accepts writes out a fixed point of load and write") {
  const fs::path corpus = fs::path(LOOPSCOPE_SOURCE_DIR) / "fuzz" / "corpus";
  REQUIRE(fs::is_directory(corpus));
  int accepted = 0, refused = 0;
  for (const auto& f : fs::directory_iterator(corpus)) {
    CAPTURE(f.path().filename().string());
    std::ifstream in(f.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string err;
    std::string first = reload(f.path().filename().string(), bytes, err);
    if (!err.empty()) {  // a refused file: one line, and nothing to round-trip
      CHECK(err.find('\n') == std::string::npos);
      ++refused;
      continue;
    }
    ++accepted;
    // The corpus's own spacing and unknown fields may differ from the writer's; its first write is the fixed point.
    std::string second = reload("again.jsonl", first, err);
    REQUIRE_MESSAGE(err.empty(), err);
    CHECK(second == first);
  }
  CHECK(accepted >= 2);  // gather.jsonl and cooperative-yield-head.jsonl are good traces
  CHECK(refused >= 1);
}
