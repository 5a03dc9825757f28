// A scenario: one lesson, as a Python listing and the C++ coroutines that
// mirror it line by line. Every scenario is one file, registered in registry.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/aio.hpp"

namespace loopscope {

struct Param {
  std::string key;
  std::string def;                   // default, as text
  double min = 0, max = 0;           // numeric range (when choices is empty)
  std::vector<std::string> choices;  // a mode switch
  std::string help;
  bool integer = false;              // whole numbers only (counts, ports): "2.5" is refused
};

// A whole-number parameter: `integer_param("clients", "3", 1, 16, "clients that connect at once")`.
inline Param integer_param(std::string key, std::string def, int min, int max, std::string help) {
  return Param{std::move(key), std::move(def), double(min), double(max), {}, std::move(help), true};
}

// A finite decimal number as people write it ("2", "0.5", "-1e3"): nan, inf,
// hex and spaces are refused, which strtod alone would accept.
bool parse_decimal(const std::string& text, double& out);
// The shortest text that reads back as `x` ("0.5", "2", "1e-07").
std::string decimal_text(double x);
// A value quoted for a one-line error message: 'v', control bytes as '?', cut at 40 characters.
std::string shown(const std::string& v);

// Parameter values of one run, as text (what --set k=v gives).
class Params {
 public:
  std::map<std::string, std::string> values;
  double num(const std::string& k) const;
  int integer(const std::string& k) const { return int(num(k)); }
  const std::string& text(const std::string& k) const;
  std::string json() const;  // {"k": v, ...} for run.begin
};

// A scenario's Python listing with its line markers. A trailing `# @name`
// (several: `# @a @b`) names its line for the C++, which asks for
// `listing.line("name")` once, at start-up, never writes a number: editing
// the listing moves the marker with its line. The markers are stripped from
// text(), what the view shows and python3 runs. A name that is not in the
// listing, or marks two lines, throws std::logic_error naming the scenario,
// so the programs and the tests stop at start-up instead of pointing at a
// wrong line.
class Listing {
 public:
  Listing(std::string scenario, std::string_view marked);
  const std::string& text() const { return text_; }
  int line(std::string_view name) const;

 private:
  std::string scenario_, text_;
  std::vector<std::pair<std::string, int>> marks_;
};

struct Scenario {
  std::string id, title, lesson;
  // Titles that hold only for one value of a mode switch ("mode=asyncio.sleep"
  // -> its own title): two runs of one scenario compared side by side each get
  // a title that is true of them. title_for() picks; `title` is the fallback.
  std::vector<std::pair<std::string, std::string>> mode_titles;
  // The Python listing. `${key}` is replaced by the parameter's value, so the
  // listing always shows the run's numbers; substitution never adds lines.
  std::string listing;
  std::vector<Param> params;
  std::function<Coroutine(const Params&)> main;
  // How the listing runs its loop (run.begin's `entry`).
  Entry entry = Entry::asyncio_run;

  // Defaults merged with `sets` (k=v). Throws std::invalid_argument with a one-line message.
  Params resolve(const std::vector<std::string>& sets) const;
  // The same, but the defaults alone when a value is refused (the GUI's widgets and saved traces).
  Params resolve_or_defaults(const std::vector<std::string>& sets) const;
  std::string source(const Params& p) const;
  const std::string& title_for(const Params& p) const;
};

const std::vector<Scenario>& scenarios();
const Scenario* find_scenario(const std::string& id);

// [SECTION] Running one

// Stops a run from another thread (the window's Stop, a new run, closing the
// window): request() is thread-safe and does what Ctrl-C does
// (Loop::request_stop). A request made before the run's loop exists stops it
// as soon as it starts.
class RunStop {
 public:
  void request(StopReason why = StopReason::sigint);
  void attach(Loop* loop);  // run_scenario: the run's loop, then nullptr before it closes

 private:
  std::mutex m_;
  Loop* loop_ = nullptr;
  StopReason pending_ = StopReason::none;
};

struct RunOptions {
  double time_scale = 1.0;
  bool echo_prints = false;
  std::shared_ptr<RunStop> stop;  // optional: stop the run from another thread
};

struct RunResult {
  bool ok = false;
  std::string error;     // what main raised, or the deadlock
  std::string value;     // repr of main's result
  int loop_close_rc = 0; // uv_loop_close(): 0 when every handle was closed
  int64_t duration_ns = 0;
  StopReason stopped_by = StopReason::none;  // a stop request (signal, Stop button) ended it
};

// Runs a scenario on a fresh loop on the calling thread, tracing into `trace`
// (run.begin ... run.end). Every handle is closed before it returns.
RunResult run_scenario(const Scenario& s, const Params& p, Trace& trace, RunOptions opts = {});

}  // namespace loopscope
