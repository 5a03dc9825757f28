#include "view_args.hpp"

#include <sys/stat.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "python_program.hpp"
#include "scenarios/scenario.hpp"

namespace loopscope::cli {

const char* const ViewArgs::kHelp =
    "  ID                a scenario id (loopscope list), run for real to completion first; or a saved\n"
    "                    trace F.jsonl (loopscope run ID --events F.jsonl, or Save in the GUI), replayed:\n"
    "                    a file gives the same picture every time; or a .py program, recorded under\n"
    "                    CPython first (loopscope run FILE.py)\n"
    "  --duration S      a .py program that has not ended after S seconds is stopped as Ctrl-C would\n"
    "                    (KeyboardInterrupt) and what it did so far is shown (default 60)\n"
    "  --compare ID2     a second run (scenario id or trace) on the same real-time axis, with the\n"
    "                    compare summary (total time, time the loop was blocked, each client's reply)\n"
    "  --set k=v         a parameter, for every run whose scenario has it (an unknown key is an error)\n"
    "  --set2 k=v        a parameter for the --compare run only (wins over --set)\n"
    "  --size WxH        frame size (default 1280x720)\n"
    "  --theme T         dark (default) or light\n"
    "  --presenter       presenter mode: text 1/28 of the height, as on a projector\n";

namespace {
bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
}  // namespace

namespace {
// Whether the trace's run.end says --duration stopped the program.
bool stopped_by_duration(const std::string& trace) {
  FILE* f = std::fopen(trace.c_str(), "rb");
  if (!f) return false;
  char tail[512] = {};
  std::fseek(f, -long(sizeof tail - 1), SEEK_END);  // a short file: stays at its start
  size_t n = std::fread(tail, 1, sizeof tail - 1, f);
  std::fclose(f);
  return std::string_view(tail, n).find("\"how\":\"duration\"") != std::string_view::npos;
}

// A .py program's trace: recorded headlessly under CPython first, kept in a
// temporary file removed at exit.
std::string record_program(const std::string& cmd, const std::string& file, double duration) {
  std::string bad = check_program_file(file);
  if (!bad.empty()) throw UsageError(cmd + ": " + bad);
  std::string py = check_python("python3");
  if (!py.empty()) throw UsageError(cmd + ": " + py);
  static std::vector<std::string> temporaries;
  static const bool cleanup = [] {
    std::atexit([] {
      for (const std::string& t : temporaries) std::remove(t.c_str());
    });
    return true;
  }();
  (void)cleanup;
  ProgramOptions o;
  o.duration = duration > 0 ? duration : ViewArgs::kProgramSeconds;
  o.events = "/tmp/loopscope-" + cmd + "-" + std::to_string(::getpid()) + "-" + std::to_string(temporaries.size()) +
             ".jsonl";
  temporaries.push_back(o.events);
  RecorderRun run = run_recorder(file, o);
  if (run.status < 0) throw UsageError(cmd + ": " + run.error);
  if (!run.error.empty()) std::fprintf(stderr, "%s: %s\n", cmd.c_str(), run.error.c_str());
  if (run.crash_signal) end_crashed_trace(o.events, run.crash_signal);
  if (stopped_by_duration(o.events))
    std::fprintf(stderr, "%s: %s was stopped after %g s (--duration), as Ctrl-C would; its trace is shown\n",
                 cmd.c_str(), file.c_str(), o.duration);
  else
    std::fprintf(stderr, "%s: %s exited with status %d; its trace is shown\n", cmd.c_str(), file.c_str(),
                 run.status);
  return o.events;
}
}  // namespace

RunInput resolve_input(const std::string& cmd, const std::string& what, const std::vector<std::string>& sets,
                       double duration) {
  RunInput r;
  const Scenario* s = find_scenario(what);
  if (!s && is_python_program(what)) {
    r.trace = record_program(cmd, what, duration);
    return r;
  }
  if (!s && (is_file(what) || what.find('/') != std::string::npos || what.ends_with(".jsonl"))) {
    if (!is_file(what)) throw UsageError(cmd + ": no such trace file '" + what + "'");
    r.trace = what;
    return r;
  }
  if (!s) throw UsageError(cmd + ": unknown scenario '" + what + "' (loopscope list shows the ids)");
  r.scenario = what;
  for (const std::string& kv : sets) {
    std::string key = kv.substr(0, kv.find('='));
    for (const Param& p : s->params)
      if (p.key == key) r.sets.push_back(kv);
  }
  try {
    (void)s->resolve(r.sets);
  } catch (const std::invalid_argument& e) {
    throw UsageError(cmd + ": " + e.what());
  }
  return r;
}

bool ViewArgs::take(Args& a, const std::string& t) {
  if (t == "--compare") id2 = a.value(t);
  else if (t == "--set") sets.push_back(a.value(t));
  else if (t == "--set2") sets2.push_back(a.value(t));
  else if (t == "--size") a.size(t, w, h);
  else if (t == "--theme") dark = a.dark_theme(t);
  else if (t == "--presenter") presenter = true;
  else if (t == "--duration") duration = a.number(t, 0.1, 24 * 3600);
  else if (!a.is_option(t) && t.rfind("-", 0) != 0 && id.empty()) id = t;
  else return false;
  return true;
}

std::vector<RunInput> ViewArgs::resolve(const std::string& cmd) const {
  if (id.empty()) throw UsageError(cmd + ": which scenario or trace? (loopscope list shows the ids)");
  if (!sets2.empty() && id2.empty()) throw UsageError(cmd + ": --set2 is for the --compare run; there is none");
  for (const auto* list : {&sets, &sets2})
    for (const std::string& kv : *list)
      if (kv.find('=') == std::string::npos || kv.front() == '=')
        throw UsageError(cmd + ": " + (list == &sets ? "--set" : "--set2") + " needs k=v, got '" + kv + "'");
  std::vector<RunInput> runs{resolve_input(cmd, id, sets, duration)};
  if (!id2.empty()) {
    std::vector<std::string> both = sets;
    both.insert(both.end(), sets2.begin(), sets2.end());  // later values win
    runs.push_back(resolve_input(cmd, id2, both, duration));
  }
  // Every value must be used by some run: a typo is an error, not silently ignored.
  auto used = [](const std::string& kv, const RunInput& r) {
    for (const std::string& s : r.sets)
      if (s == kv) return true;
    return false;
  };
  for (const std::string& kv : sets) {
    bool any = false;
    for (const RunInput& r : runs) any = any || used(kv, r);
    if (!any) throw UsageError(cmd + ": --set " + kv + ": no scenario here has that parameter (a saved trace keeps its own)");
  }
  for (const std::string& kv : sets2)
    if (!used(kv, runs[1]))
      throw UsageError(cmd + ": --set2 " + kv + ": the --compare scenario has no such parameter");
  return runs;
}

}  // namespace loopscope::cli
