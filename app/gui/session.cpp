#include "session.hpp"

#include <algorithm>
#include <csignal>

#include "core/trace_load.hpp"

namespace loopscope::gui {

namespace {
// run.begin's params object as k=v pairs for Scenario::resolve.
std::vector<std::string> params_as_sets(const char* json) {
  std::vector<std::string> sets;
  if (json)
    for (auto& [key, value] : json_object_fields(json)) sets.push_back(key + "=" + value);
  return sets;
}
}  // namespace

Session::~Session() {
  // Closing the window: stop the run at once (twice: no grace for an open
  // server's handlers), then wait for it; a stopped run ends within moments.
  if (live() && stop_) {
    stop_->request();
    stop_->request();
  }
  end_programs();
  if (thread_.joinable()) thread_.join();
  reap(true);
  if (program_err_fd_ >= 0) ::close(program_err_fd_);
}

void Session::reap(bool all) {
  std::erase_if(retired_, [all](Retired& r) {
    if (!all && !r.state->done.load(std::memory_order_acquire)) return false;
    r.thread.join();
    return true;
  });
}

void Session::reset() {
  if (thread_.joinable()) {
    if (!state_->done.load(std::memory_order_acquire) && stop_) {
      stop_->request();
      stop_->request();  // a replaced run needs no grace
    }
    interrupt_program(*state_);
    retired_.push_back({std::move(thread_), state_, trace_});
  }
  reap(false);
  model_.clear();
  reader_.reset();
  trace_.reset();
  state_ = std::make_shared<RunState>();
  stop_.reset();
  changed_from_ = 0;
  open_mode_ = false;
  open_port_.reset();
  program_.clear();
  program_err_.clear();
  if (program_err_fd_ >= 0) ::close(program_err_fd_), program_err_fd_ = -1;
  ++generation_;
}

void Session::start(const Scenario& s, const Params& p, double time_scale) {
  reset();
  launch(&s, p, s.source(p), [&s, p, time_scale](Trace& t, RunOptions opts) {
    opts.time_scale = time_scale;
    return run_scenario(s, p, t, opts);
  });
}

void Session::launch(const Scenario* s, const Params& p, std::string listing,
                     std::function<RunResult(Trace&, RunOptions)> run) {
  scenario_ = s;
  params_ = p;
  listing_ = std::move(listing);
  trace_ = std::make_shared<Trace>();
  reader_ = std::make_unique<TraceReader>(*trace_);
  if (is_program()) reader_->events().reserve(kLiveProgramEvents);
  stop_ = std::make_shared<RunStop>();
  RunOptions opts;
  opts.stop = stop_;
  // The thread owns what it writes (the trace, the state): the session may let go of a live run.
  thread_ = std::thread([state = state_, trace = trace_, opts, run = std::move(run)] {
    state->result = run(*trace, opts);
    state->done.store(true, std::memory_order_release);
  });
}

void Session::start_open(const Params& p, int port, double duration) {
  reset();
  const Scenario* s = find_scenario("concurrent-server");
  if (!s) return;
  OpenServerOptions o;
  o.port = port;
  o.duration = duration;
  o.stop_on_sigint = false;  // the window's Stop button instead (Session::stop)
  // The port goes through a shared atomic: the run may outlive this session's interest in it.
  auto port_seen = open_port_ = std::make_shared<std::atomic<int>>(0);
  o.on_listening = [port_seen](int bound) { port_seen->store(bound, std::memory_order_release); };
  open_mode_ = true;
  open_duration_ = duration;
  Params shown = open_server_params(p, o);
  launch(s, shown, open_server_scenario().source(shown),
         [s, p, o](Trace& t, RunOptions opts) { return run_open_server(*s, p, t, o, opts); });
}

void Session::stop() {
  if (stop_) stop_->request();
  const int n = ++state_->stops;
  if (n == 1) interrupt_program(*state_);
  else signal_program(*state_, n == 2 ? SIGTERM : SIGKILL);
}

std::string Session::load(const std::string& path) {
  reset();
  trace_ = std::make_shared<Trace>();
  std::string err = load_trace_file(path, *trace_);
  if (!err.empty()) {
    trace_.reset();
    return err;
  }
  reader_ = std::make_unique<TraceReader>(*trace_);
  state_->done = true;
  // The reader's merged copy is all the view reads: free the loaded chunks
  // before the model is built, so the two never peak together.
  const size_t changed = reader_->poll();
  trace_->release_events();
  model_.update(reader_->events(), changed);
  changed_from_ = changed;
  scenario_ = model_.scenario() ? find_scenario(model_.scenario()) : nullptr;
  listing_.clear();
  if (scenario_) {
    const Event* begin = nullptr;
    for (const Event& e : model_.events())
      if (e.kind == Ev::run_begin) begin = &e;
    // An open server run (run.begin params mode=listen) has the open server mode's listing.
    std::vector<std::string> sets = params_as_sets(begin ? begin->s2 : nullptr);
    bool open = std::find(sets.begin(), sets.end(), "mode=listen") != sets.end();
    const Scenario& shown = open ? open_server_scenario() : *scenario_;
    params_ = shown.resolve_or_defaults(sets);
    listing_ = shown.source(params_);
    open_mode_ = open;
  }
  state_->result.ok = true;
  return "";
}

bool Session::poll() {
  reap(false);
  poll_program_stderr();
  deliver_pending_interrupts();
  if (!reader_) return false;
  size_t before = reader_->events().size();
  size_t changed = reader_->poll();
  if (changed == before && reader_->events().size() == before) return false;
  model_.update(reader_->events(), changed);
  changed_from_ = changed;
  return true;
}

void Session::wait() {
  if (thread_.joinable()) thread_.join();
  poll();
}

}  // namespace loopscope::gui
