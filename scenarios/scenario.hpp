// A scenario: one lesson, as a Python listing and the C++ coroutines that
// mirror it line by line. Every scenario is one file, registered in registry.cpp.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/aio.hpp"

namespace loopscope {

struct Param {
  std::string key;
  std::string def;                   // default, as text
  double min = 0, max = 0;           // numeric range (when choices is empty)
  std::vector<std::string> choices;  // a mode switch
  std::string help;
};

// Parameter values of one run, as text (what --set k=v gives).
class Params {
 public:
  std::map<std::string, std::string> values;
  double num(const std::string& k) const;
  int integer(const std::string& k) const { return int(num(k)); }
  const std::string& text(const std::string& k) const;
  std::string json() const;  // {"k": v, ...} for run.begin
};

struct Scenario {
  std::string id, title, lesson;
  // The Python listing. `${key}` is replaced by the parameter's value, so the
  // listing always shows the run's numbers; substitution never adds lines.
  std::string listing;
  std::vector<Param> params;
  std::function<Coro(const Params&)> main;
  // How the listing runs its loop (run.begin's `entry`).
  Entry entry = Entry::asyncio_run;

  // Defaults merged with `sets` (k=v). Throws std::invalid_argument with a one-line message.
  Params resolve(const std::vector<std::string>& sets) const;
  // The same, but the defaults alone when a value is refused (the GUI's widgets and saved traces).
  Params resolve_or_defaults(const std::vector<std::string>& sets) const;
  std::string source(const Params& p) const;
};

const std::vector<Scenario>& scenarios();
const Scenario* find_scenario(const std::string& id);

// [SECTION] Running one

struct RunOptions {
  double time_scale = 1.0;
  bool echo_prints = false;
};

struct RunResult {
  bool ok = false;
  std::string error;     // what main raised, or the deadlock
  std::string value;     // repr of main's result
  int loop_close_rc = 0; // uv_loop_close(): 0 when every handle was closed
  int64_t duration_ns = 0;
};

// Runs a scenario on a fresh loop on the calling thread, tracing into `trace`
// (run.begin ... run.end). Every handle is closed before it returns.
RunResult run_scenario(const Scenario& s, const Params& p, Trace& trace, RunOptions opts = {});

// Helpers for listings that count iterations (shared/reference): `[it N] msg`.
std::string it_prefix();

}  // namespace loopscope
