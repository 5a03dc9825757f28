#include "session.hpp"

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

Session::~Session() {
  if (thread_.joinable()) thread_.join();
}

void Session::reset() {
  if (thread_.joinable()) thread_.join();
  model_.clear();
  reader_.reset();
  trace_.reset();
  result_ = {};
  changed_from_ = 0;
  done_ = false;
  ++generation_;
}

void Session::start(const Scenario& s, const Params& p, double time_scale) {
  reset();
  scenario_ = &s;
  params_ = p;
  listing_ = s.source(p);
  trace_ = std::make_unique<Trace>();
  reader_ = std::make_unique<TraceReader>(*trace_);
  RunOptions opts;
  opts.time_scale = time_scale;
  thread_ = std::thread([this, &s, p, opts] {
    result_ = run_scenario(s, p, *trace_, opts);
    done_.store(true, std::memory_order_release);
  });
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
    try {
      params_ = scenario_->resolve(params_as_sets(begin ? begin->s2 : nullptr));
    } catch (const std::exception&) {
      params_ = scenario_->resolve({});
    }
    listing_ = scenario_->source(params_);
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
