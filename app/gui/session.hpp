// One run under view: the scenario running on its own thread (never the GUI
// thread: a scenario that blocks its loop must not freeze the window), or a
// trace loaded from a file. The view sees only the trace, through the model.
#pragma once

#include "cli/python_program.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/trace.hpp"
#include "model/model.hpp"
#include "scenarios/open_server.hpp"
#include "scenarios/scenario.hpp"

namespace loopscope::gui {

class Session {
 public:
  Session() = default;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts `s` with `p` on a new thread; the previous run (if any) is joined first.
  void start(const Scenario& s, const Params& p, double time_scale = 1.0);
  // concurrent-server in open mode: listening on 127.0.0.1:port (0: any free
  // port) for outside clients (curl, a browser) for `duration` seconds, or
  // until stop_open(). The listing is the open mode's own.
  void start_open(const Params& p, int port, double duration);
  void stop_open();
  bool open_mode() const { return open_mode_; }
  // A user's .py program under CPython with the recorder; its trace streams
  // into the view while it runs. Stop sends it SIGINT, as Ctrl-C does.
  void start_program(const std::string& file, cli::ProgramOptions o = {});
  void stop_program();
  bool program_mode() const { return !program_.empty(); }
  const std::string& program() const { return program_; }
  const std::string& program_trace() const { return program_trace_; }  // the trace file it writes
  int open_port() const { return open_port_.load(std::memory_order_acquire); }  // 0 until it listens
  double open_duration() const { return open_duration_; }
  // Replays a saved JSON Lines trace. Returns "" or a one-line error.
  std::string load(const std::string& path);
  // Feeds newly published events to the model. True when anything arrived.
  bool poll();
  size_t changed_from() const { return changed_from_; }  // of the last poll that changed anything
  // Blocks until the run's thread has finished, then polls the rest.
  void wait();

  bool live() const { return thread_.joinable() && !done_.load(std::memory_order_acquire); }
  bool loaded() const { return trace_ != nullptr; }
  const model::Model& model() const { return model_; }
  const Scenario* scenario() const { return scenario_; }
  const Params& params() const { return params_; }
  const std::string& listing() const { return listing_; }
  const RunResult& result() const { return result_; }  // valid once !live()
  uint64_t generation() const { return generation_; }  // bumps on every start/load

 private:
  void reset();
  // Runs `run` on the session's thread, tracing into a new trace the view reads.
  void launch(const Scenario& s, const Params& p, std::string listing, std::function<RunResult(Trace&)> run);
  std::unique_ptr<Trace> trace_;
  std::unique_ptr<TraceReader> reader_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  model::Model model_;
  const Scenario* scenario_ = nullptr;
  Params params_;
  std::string listing_;
  RunResult result_;
  uint64_t generation_ = 0;
  bool open_mode_ = false;
  double open_duration_ = 0;
  std::atomic<int> open_port_{0};
  std::shared_ptr<OpenServerStop> open_stop_;
  std::string program_, program_trace_;
  std::atomic<pid_t> program_pid_{-1};
  size_t changed_from_ = 0;
};

}  // namespace loopscope::gui
