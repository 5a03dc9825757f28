// A user's own .py program, run under CPython with the recorder
// (core/cpython/loopscope_recorder.py) writing its trace: for `loopscope run
// FILE.py` and for the GUI, which follows the trace file while it grows.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loopscope {
class Trace;
}

namespace loopscope::cli {

// True for an argument that names a Python program rather than a scenario id.
bool is_python_program(const std::string& arg);

// The recorder script, found relative to the running binary: next to it (the
// build tree) or in ../share/loopscope (the install prefix). "" if missing.
std::string recorder_script();

struct ProgramOptions {
  std::string python = "python3";  // --python: looked up on PATH unless it has a '/'
  std::string events;              // where the recorder writes the trace
  double duration = 0;             // > 0: stopped as Ctrl-C would after this many seconds
  long limit = 0;                  // > 0: events before the trace is capped
  std::vector<std::string> args;   // the program's sys.argv[1:]
  int stderr_fd = -1;              // >= 0: the program's stderr goes there (the GUI's Console), else inherited
};

// "" when `file` is a readable regular file, else a one-line reason.
std::string check_program_file(const std::string& file);
// "" when `python` runs and is 3.11 or newer, else one line saying what is needed.
std::string check_python(const std::string& python);

// One run of the recorder on `file` (stdin/stdout/stderr inherited; SIGINT
// and SIGTERM at their defaults in the child). It sends compact records
// through a pipe (record_stream.hpp); they become the JSON Lines trace in
// o.events, written as they arrive, and each chunk of whole lines is also
// handed to `lines` when given (false from it stops the handing, not the run).
// `pid` (when given) holds the child while it runs, for a Stop that sends SIGINT.
struct RecorderRun {
  int status = -1;        // as a shell shows it (128 + signal when killed); -1: it did not start
  int crash_signal = 0;   // set when the interpreter died of a signal other than SIGINT/SIGTERM/SIGKILL
  std::string error;      // why it did not start, or where its stream went wrong (the trace stops there)
};
RecorderRun run_recorder(const std::string& file, const ProgramOptions& o,
                         const std::function<bool(const char*, size_t)>& lines = {},
                         std::atomic<pid_t>* pid = nullptr);

// After a crash the trace has no run.end: drop a cut last line and append one
// (how "crash"), so the partial trace loads and says how it ended.
std::string end_crashed_trace(const std::string& path, int signal);

// Runs the program and loads its trace into `into` while it is written (a
// live view reads `into` meanwhile); `pid` holds the child while it runs (for
// a Stop that sends SIGINT). Returns the program's exit status (as RecorderRun::status),
// or -1 with `err` when it did not start or the trace did not load.
int follow_program(const std::string& file, const ProgramOptions& o, Trace& into,
                   std::atomic<pid_t>& pid, std::string& err);

// `loopscope run FILE.py ...`: argv is everything after FILE.py.
int cmd_run_program(const std::string& file, const std::vector<std::string>& argv);

}  // namespace loopscope::cli
