#include "session.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#if __has_include("core/trace_load.hpp")
#include "core/trace_load.hpp"
#define LOOPSCOPE_HAVE_TRACE_LOAD 1
#endif

namespace loopscope::gui {

namespace {
// run.begin's params object ({"a": 0.3, "mode": "x"}) as k=v pairs for Scenario::resolve.
std::vector<std::string> params_as_sets(const char* json) {
  std::vector<std::string> sets;
  if (!json) return sets;
  std::string s(json), key, cur;
  bool in_str = false, have_key = false;
  auto flush = [&] {
    if (have_key) sets.push_back(key + "=" + cur);
    key.clear(), cur.clear(), have_key = false;
  };
  for (char c : s) {
    if (c == '"') {
      in_str = !in_str;
    } else if (in_str) {
      cur += c;
    } else if (c == ':') {
      key = cur, cur.clear(), have_key = true;
    } else if (c == ',' || c == '}') {
      flush();
    } else if (c != ' ' && c != '{') {
      cur += c;
    }
  }
  return sets;
}
}  // namespace

Session::~Session() { reset(); }

void Session::reset() {
  if (program_pid_.load() > 0) {  // a program still running: Ctrl-C, then kill after 5 s
    stop_program();
    for (int i = 0; i < 250 && !done_.load(); ++i) ::usleep(20'000);
    pid_t pid = program_pid_.load();
    if (pid > 0) ::kill(pid, SIGKILL);
  }
  if (thread_.joinable()) thread_.join();
  model_.clear();
  reader_.reset();
  trace_.reset();
  result_ = {};
  changed_from_ = 0;
  open_mode_ = false;
  open_port_ = 0;
  open_stop_.reset();
  program_.clear();
  program_trace_.clear();
  done_ = false;
  ++generation_;
}

void Session::start(const Scenario& s, const Params& p, double time_scale) {
  reset();
  RunOptions opts;
  opts.time_scale = time_scale;
  launch(s, p, s.source(p), [&s, p, opts](Trace& t) { return run_scenario(s, p, t, opts); });
}

void Session::launch(const Scenario& s, const Params& p, std::string listing, std::function<RunResult(Trace&)> run) {
  scenario_ = &s;
  params_ = p;
  listing_ = std::move(listing);
  trace_ = std::make_unique<Trace>();
  reader_ = std::make_unique<TraceReader>(*trace_);
  thread_ = std::thread([this, run = std::move(run)] {
    result_ = run(*trace_);
    done_.store(true, std::memory_order_release);
  });
}

void Session::start_open(const Params& p, int port, double duration) {
  reset();
  const Scenario* s = find_scenario("concurrent-server");
  if (!s) return;
  OpenServerOptions o;
  o.port = port;
  o.duration = duration;
  o.stop_on_sigint = false;  // the window's Stop button instead
  o.stopper = open_stop_ = std::make_shared<OpenServerStop>();
  o.on_listening = [this](int bound) { open_port_.store(bound, std::memory_order_release); };
  open_mode_ = true;
  open_duration_ = duration;
  Params shown = open_server_params(p, o);
  launch(*s, shown, open_server_scenario().source(shown),
         [s, p, o](Trace& t) { return run_open_server(*s, p, t, o); });
}

void Session::stop_open() {
  if (open_stop_) open_stop_->request();
}

void Session::start_program(const std::string& file, cli::ProgramOptions o) {
  reset();
  scenario_ = nullptr;
  params_ = {};
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  listing_ = text.str();  // the main file; the trace's source events hold every file
  if (o.events.empty())
    o.events = "/tmp/loopscope-live-" + std::to_string(::getpid()) + "-" + std::to_string(generation_) + ".jsonl";
  program_ = file;
  program_trace_ = o.events;
  trace_ = std::make_unique<Trace>();
  reader_ = std::make_unique<TraceReader>(*trace_);
  thread_ = std::thread([this, file, o] {
    std::string err;
    int status = cli::follow_program(file, o, *trace_, program_pid_, err);
    result_.ok = status == 0;
    result_.error = status < 0 ? err : err.empty() ? "exit status " + std::to_string(status) : err;
    done_.store(true, std::memory_order_release);
  });
}

void Session::stop_program() {
  pid_t pid = program_pid_.load();
  if (pid > 0) ::kill(pid, SIGINT);
}

std::string Session::load(const std::string& path) {
  reset();
#ifdef LOOPSCOPE_HAVE_TRACE_LOAD
  trace_ = std::make_unique<Trace>();
  std::string err = load_trace_file(path, *trace_);
  if (!err.empty()) {
    trace_.reset();
    return err;
  }
  reader_ = std::make_unique<TraceReader>(*trace_);
  done_ = true;
  poll();
  scenario_ = model_.scenario() ? find_scenario(model_.scenario()) : nullptr;
  listing_.clear();
  if (scenario_) {
    const Event* begin = nullptr;
    for (const Event& e : model_.events())
      if (e.kind == Ev::run_begin) begin = &e;
    // An open-mode run (run.begin params mode=listen) has the open mode's listing.
    std::vector<std::string> sets = params_as_sets(begin ? begin->s2 : nullptr);
    bool open = std::find(sets.begin(), sets.end(), "mode=listen") != sets.end();
    const Scenario& shown = open ? open_server_scenario() : *scenario_;
    params_ = shown.resolve_or_defaults(sets);
    listing_ = shown.source(params_);
    open_mode_ = open;
  }
  result_.ok = true;
  return "";
#else
  (void)params_as_sets;
  return "view: cannot read '" + path + "': this build has no trace loader yet";
#endif
}

bool Session::poll() {
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
