// Test support for the view model over CPython's own runs: record one of
// tests/programs with `loopscope run FILE.py` (real python3, the real
// recorder), load the trace as the view does and feed it to a Model.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/trace_load.hpp"
#include "model/model.hpp"
#include "support/process.hpp"

namespace loopscope::test {

struct RecordedProgram {
  Trace trace;  // owns the strings the events point to
  std::vector<Event> events;
  model::Model model;  // points into events: the struct stays where record_program made it
  std::string out;     // the program's stdout
};

// `program` is a path under tests/programs; `options` go to `loopscope run` (e.g. --duration).
inline std::unique_ptr<RecordedProgram> record_program(const std::string& program, const std::string& options = "") {
  auto r = std::make_unique<RecordedProgram>();
  const std::string path = temp_path("recorded") + ".jsonl";
  Process p = run("cd '" LOOPSCOPE_SOURCE_DIR "/tests/programs' && " +
                  loopscope_cmd("run " + program + " --quiet --events " + path + " " + options));
  REQUIRE_MESSAGE(p.code == 0, p.err);
  r->out = p.out;
  REQUIRE(load_trace_file(path, r->trace) == "");
  r->events = merged_events(r->trace);
  r->model.update(r->events, 0);
  run("rm -f " + path);
  return r;
}

}  // namespace loopscope::test
