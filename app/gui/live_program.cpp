// A user's own .py program in the window: run under CPython with the recorder
// on the session's thread (cli::follow_program feeds its trace, line by line,
// into the Trace the view reads), so events appear while it runs. Stop sends
// SIGINT, as Ctrl-C would: the program sees KeyboardInterrupt and the recorder
// ends the trace with run.end how "sigint".
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "cli/python_program.hpp"
#include "session.hpp"

namespace loopscope::gui {

void Session::start_program(const std::string& file, const std::vector<std::string>& args,
                            const std::string& python) {
  reset();
  program_ = file;
  // The trace file the recorder writes, and a file for its stderr (read here
  // while it grows, then unlinked: only the two open descriptors keep it).
  char events[] = "/tmp/loopscope-live-XXXXXX.jsonl";
  int efd = ::mkostemps(events, 6, O_CLOEXEC);
  char errs[] = "/tmp/loopscope-live-XXXXXX.stderr";
  int wfd = ::mkostemps(errs, 7, O_CLOEXEC);
  if (wfd >= 0) {
    program_err_fd_ = ::open(errs, O_RDONLY | O_CLOEXEC);
    ::unlink(errs);
  }
  if (efd >= 0) ::close(efd);
  cli::ProgramOptions o;
  o.python = python;
  o.args = args;
  o.events = efd >= 0 ? events : "";
  o.stderr_fd = wfd;
  launch(nullptr, {}, "", [file, o, state = state_](Trace& t, RunOptions) {
    RunResult r;
    std::string err = o.events.empty() ? "cannot create a temporary trace file" : cli::check_python(o.python);
    if (err.empty()) err = cli::check_program_file(file);
    int status = -1;
    if (err.empty()) status = cli::follow_program(file, o, t, state->pid, err);
    if (o.stderr_fd >= 0) ::close(o.stderr_fd);
    if (!o.events.empty()) ::unlink(o.events.c_str());  // the trace lives on in memory; Save trace writes it
    state->exit_status = status;
    r.ok = status == 0 && err.empty();
    if (!err.empty()) r.error = err;
    else if (status != 0) r.error = "exit status " + std::to_string(status);
    return r;
  });
}

void Session::poll_program_stderr() {
  if (program_err_fd_ < 0) return;
  char buf[4096];
  // A regular file: read returns 0 at its current end, never blocks. Capped: a
  // program that floods stderr keeps only its first megabyte on screen.
  for (ssize_t n; program_err_.size() < (1u << 20) && (n = ::read(program_err_fd_, buf, sizeof buf)) > 0;)
    program_err_.append(buf, size_t(n));
}

void Session::interrupt_program(RunState& st) {
  if (st.done.load(std::memory_order_acquire)) return;
  pid_t pid = st.pid.load();
  if (pid > 0) ::kill(pid, SIGINT);
  else st.interrupt_pending = true;  // not started yet (its python3 is being checked): delivered once it is
}

void Session::signal_program(RunState& st, int sig) {
  if (st.done.load(std::memory_order_acquire)) return;
  if (pid_t pid = st.pid.load(); pid > 0) ::kill(pid, sig);
}

void Session::deliver_pending_interrupts() {
  auto deliver = [](RunState& st) {
    if (!st.interrupt_pending || st.done.load(std::memory_order_acquire)) return;
    if (pid_t pid = st.pid.load(); pid > 0) ::kill(pid, SIGINT), st.interrupt_pending = false;
  };
  deliver(*state_);
  for (Retired& r : retired_) deliver(*r.state);
}

void Session::end_programs() {
  std::vector<RunState*> running;
  if (thread_.joinable()) running.push_back(state_.get());
  for (Retired& r : retired_) running.push_back(r.state.get());
  for (RunState* st : running) interrupt_program(*st);
  // Three seconds to finish the trace as Ctrl-C would; a program that catches
  // KeyboardInterrupt and goes on is killed, so closing the window never hangs.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  auto all_done = [&] {
    for (RunState* st : running)
      if (!st->done.load(std::memory_order_acquire)) return false;
    return true;
  };
  while (!all_done()) {
    deliver_pending_interrupts();
    if (std::chrono::steady_clock::now() > until) {
      for (RunState* st : running)
        if (pid_t pid = st->pid.load(); pid > 0 && !st->done.load(std::memory_order_acquire)) ::kill(pid, SIGKILL);
      until = std::chrono::steady_clock::time_point::max();  // killed: the threads end at once
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace loopscope::gui
