// One run under view: the scenario running on its own thread (never the GUI
// thread: a scenario that blocks its loop must not freeze the window), or a
// trace loaded from a file. The view sees only the trace, through the model.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/trace.hpp"
#include "model/model.hpp"
#include "scenarios/open_server.hpp"
#include "scenarios/scenario.hpp"

namespace loopscope::gui {

class Session {
 public:
  // A live program's trace stops at the recorder's event limit (1,000,000 by
  // default; the window passes none) plus its truncated and run.end events.
  // The reader's list (and the view's playback clock) get room for all of it
  // when the run starts: address space only, whose pages are touched as events
  // arrive, instead of a copy of the whole list each time it grows by half
  // (one frame's CPU time: the reader's list 50-120 ms at 200k-440k events,
  // the playback clock 18-89 ms at 157k-796k; the live latency's tail,
  // docs/performance.md).
  static constexpr size_t kLiveProgramEvents = 1'000'000 + 16;

  Session() = default;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts `s` with `p` on a new thread. A previous run still going is asked to
  // stop and left to end on its own thread: the GUI thread never joins a live run.
  void start(const Scenario& s, const Params& p, double time_scale = 1.0);
  // concurrent-server in open server mode: listening on 127.0.0.1:port (0: any free
  // port) for outside clients (curl, a browser) for `duration` seconds, or
  // until stop(). The listing is the open server mode's own.
  void start_open(const Params& p, int port, double duration);
  // A user's own .py program under CPython with the recorder
  // (cli/python_program.hpp), followed on the session's thread while its trace
  // grows (live_program.cpp). Its stderr (a traceback) goes to program_stderr().
  void start_program(const std::string& file, const std::vector<std::string>& args = {},
                     const std::string& python = "python3");
  bool is_program() const { return !program_.empty(); }
  const std::string& program() const { return program_; }  // the .py path ("" for scenarios)
  const std::string& program_stderr() const { return program_err_; }
  int exit_status() const { return state_->exit_status; }  // the program's, once !live()
  // Asks the live run to stop, as Ctrl-C would (returns at once): a program
  // gets SIGINT (KeyboardInterrupt), a scenario its loop's stop. A program that
  // goes on (it catches KeyboardInterrupt, or ignores SIGINT) gets SIGTERM at
  // the second call (the recorder still finishes its trace) and SIGKILL at the
  // third (the trace ends where it was).
  void stop();
  int stops() const { return state_->stops; }  // stop() calls for this run so far
  bool open_mode() const { return open_mode_; }
  int open_port() const { return open_port_ ? open_port_->load(std::memory_order_acquire) : 0; }  // 0 until it listens
  double open_duration() const { return open_duration_; }
  // Replays a saved JSON Lines trace. Returns "" or a one-line error.
  std::string load(const std::string& path);
  // Feeds newly published events to the model. True when anything arrived.
  bool poll();
  size_t changed_from() const { return changed_from_; }  // of the last poll that changed anything
  // Blocks until the run's thread has finished, then polls the rest (headless
  // rendering; the window never calls it).
  void wait();

  bool live() const { return thread_.joinable() && !state_->done.load(std::memory_order_acquire); }
  bool loaded() const { return trace_ != nullptr; }
  const model::Model& model() const { return model_; }
  const Scenario* scenario() const { return scenario_; }
  const Params& params() const { return params_; }
  const std::string& listing() const { return listing_; }
  const RunResult& result() const { return state_->result; }  // valid once !live()
  uint64_t generation() const { return generation_; }  // bumps on every start/load

 private:
  // What the run's thread writes; shared with it, so a retired run may outlive the session's interest.
  struct RunState {
    RunResult result;
    std::atomic<bool> done{false};
    std::atomic<pid_t> pid{-1};  // a program's interpreter while it runs
    int exit_status = 0;
    bool interrupt_pending = false;  // GUI thread only: Stop came before the interpreter started
    int stops = 0;                   // GUI thread only: Stop presses so far (stop())
  };
  void poll_program_stderr();
  void deliver_pending_interrupts();  // each poll: a Stop that came before the interpreter's pid
  static void interrupt_program(RunState& st);  // SIGINT to its interpreter, if one runs
  static void signal_program(RunState& st, int sig);  // `sig` to its interpreter, if one runs
  void end_programs();  // closing: SIGINT to every program still running, SIGKILL to those that ignore it
  void reset();
  // Joins the retired runs that have ended (their join returns at once); `all`: every one, waiting.
  void reap(bool all);
  // Runs `run` on the session's thread, tracing into a new trace the view reads.
  void launch(const Scenario* s, const Params& p, std::string listing,
              std::function<RunResult(Trace&, RunOptions)> run);
  std::shared_ptr<Trace> trace_;
  std::unique_ptr<TraceReader> reader_;
  std::thread thread_;
  std::shared_ptr<RunState> state_ = std::make_shared<RunState>();
  std::shared_ptr<RunStop> stop_;
  struct Retired {
    std::thread thread;
    std::shared_ptr<RunState> state;
    std::shared_ptr<Trace> trace;
  };
  std::vector<Retired> retired_;
  model::Model model_;
  const Scenario* scenario_ = nullptr;
  Params params_;
  std::string listing_;
  uint64_t generation_ = 0;
  bool open_mode_ = false;
  double open_duration_ = 0;
  std::shared_ptr<std::atomic<int>> open_port_;  // shared with the run's on_listening
  size_t changed_from_ = 0;
  std::string program_, program_err_;
  int program_err_fd_ = -1;  // reads what the program writes to stderr
};

}  // namespace loopscope::gui
