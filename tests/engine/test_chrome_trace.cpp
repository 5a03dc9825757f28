// The Chrome Trace Event export: tasks are named threads, steps and waits are
// complete events, wake-ups are flow arrows, blocked time is marked. (The
// node-based check in tools/chrome-trace-check reads it with a real viewer's
// engine; this checks the structure we promise.)
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/chrome_trace.hpp"
#include "scenarios/scenario.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
namespace dom = simdjson::dom;

namespace {
std::vector<Event> run(const char* id) {
  static std::vector<std::unique_ptr<Trace>> keep;  // strings live in the trace
  keep.push_back(std::make_unique<Trace>());
  const Scenario* s = find_scenario(id);
  REQUIRE(s);
  RunOptions opts;
  opts.time_scale = 0.05;
  RunResult r = run_scenario(*s, s->resolve({}), *keep.back(), opts);
  CHECK(r.loop_close_rc == 0);
  CHECK(live_frames().load() == 0);
  return merged_events(*keep.back());
}

// The export's traceEvents, read with the project's JSON library (the parser owns them).
dom::array trace_events(dom::parser& parser, const std::string& text) {
  return parser.parse(text)["traceEvents"].get_array().value();  // throws on malformed JSON
}

// A field of one exported event: a string ("" when absent) or a number (-1 when absent).
std::string_view str(dom::element e, const char* key) {
  std::string_view s;
  return e.at_key(key).get(s) ? std::string_view() : s;
}
double num(dom::element e, const char* key) {
  double d;
  return e.at_key(key).get(d) ? -1 : d;
}
std::string_view arg_name(dom::element e) {
  std::string_view s;
  return e.at_key("args").at_key("name").get(s) ? std::string_view() : s;
}

size_t count(dom::array events, const std::function<bool(dom::element)>& pred) {
  size_t n = 0;
  for (dom::element e : events) n += pred(e);
  return n;
}
}  // namespace

TEST_CASE("each task becomes a named thread with one complete event per step") {
  std::vector<Event> events = run("gather-errors");
  dom::parser parser;
  dom::array te = trace_events(parser, to_chrome_trace(events));
  std::map<int, std::string> names;
  for (dom::element e : te)
    if (str(e, "ph") == "M" && str(e, "name") == "thread_name") names[int(num(e, "tid"))] = arg_name(e);
  CHECK(names[1] == "loop");
  for (const Event& e : events) {
    if (e.kind != Ev::task_new) continue;
    int tid = 2000 + e.task;
    CHECK(names[tid] == std::string(e.s1) + " (task " + std::to_string(e.task) + ")");
    size_t steps = 0;
    for (const Event& s : events) steps += s.kind == Ev::step_begin && s.task == e.task;
    CHECK(count(te, [&](dom::element j) { return str(j, "ph") == "X" && num(j, "tid") == tid && str(j, "name") == "step"; }) ==
          steps);
  }
}

TEST_CASE("every step is the end of one wake-up arrow, and waits are named by what they await") {
  std::vector<Event> events = run("gather-errors");
  dom::parser parser;
  dom::array te = trace_events(parser, to_chrome_trace(events));
  size_t steps = 0, iterations = 0;
  for (const Event& e : events) {
    steps += e.kind == Ev::step_begin;
    iterations += e.kind == Ev::loop_iter;
  }
  CHECK(count(te, [](dom::element j) { return str(j, "ph") == "s"; }) == steps);
  CHECK(count(te, [](dom::element j) { return str(j, "ph") == "f"; }) == steps);
  CHECK(count(te, [](dom::element j) { return str(j, "name").starts_with("iteration "); }) == iterations);
  CHECK(count(te, [](dom::element j) { return str(j, "name") == "await sleep"; }) > 0);
  CHECK(count(te, [](dom::element j) { return str(j, "name") == "await gather"; }) > 0);
  for (dom::element j : te)
    if (str(j, "ph") == "X") CHECK(num(j, "dur") >= 0);
}

TEST_CASE("blocked time, slow steps, pool jobs and prints are marked") {
  // A hand-built sequence: the events a blocking step and a pool job produce.
  Trace strings;
  auto ev = [&](Ev k, int64_t t, int32_t task = 0) {
    Event e;
    e.kind = k;
    e.t_ns = t;
    e.task = task;
    return e;
  };
  std::vector<Event> events;
  Event n = ev(Ev::task_new, 0);
  n.s1 = strings.intern("main");
  events.push_back(n);
  events.push_back(ev(Ev::loop_iter, 10, -1));
  events.push_back(ev(Ev::ready_run, 20, -1));
  events.push_back(ev(Ev::step_begin, 30));
  events.push_back(ev(Ev::block_begin, 40));
  Event be = ev(Ev::block_end, 200'000'040);
  be.s1 = strings.intern("time.sleep(0.2)");
  events.push_back(be);
  Event p = ev(Ev::print, 200'000'050);
  p.s1 = strings.intern("done \"blocking\"");
  events.push_back(p);
  Event s = ev(Ev::pool_submit, 200'000'060);
  s.id = 0;
  s.s1 = strings.intern("read file");
  events.push_back(s);
  Event end = ev(Ev::step_end, 200'000'070);
  end.flags = kFlagSlow;
  end.code = uint8_t(Wait::pool);
  events.push_back(end);
  Event ps = ev(Ev::pool_start, 200'000'100);
  ps.id = 0;
  ps.ref = 1;
  events.push_back(ps);
  Event pe = ps;
  pe.kind = Ev::pool_end;
  pe.t_ns = 300'000'000;
  events.push_back(pe);
  for (size_t i = 0; i < events.size(); ++i) events[i].seq = i;

  dom::parser parser;
  dom::array te = trace_events(parser, to_chrome_trace(events));
  auto named = [&](const std::string& name) {
    return count(te, [&](dom::element j) { return str(j, "name") == name; });
  };
  CHECK(named("BLOCKED (sleep): time.sleep(0.2)") == 1);
  CHECK(named("loop BLOCKED") == 1);
  CHECK(named("step (slow)") == 1);
  CHECK(named("read file") == 1);     // the job, on its worker's thread
  CHECK(count(te, [](dom::element j) { return str(j, "name") == "thread_name" && arg_name(j) == "pool worker 1"; }) == 1);
  CHECK(named("done \"blocking\"") == 1);
  CHECK(count(te, [](dom::element j) { return str(j, "ph") == "s" && str(j, "name") == "pool"; }) == 1);
}

TEST_CASE("the export is written atomically and a bad path gives one line") {
  std::vector<Event> events = run("gather-errors");
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("loopscope-chrome-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "run.json").string();
  CHECK(save_chrome_trace(path, events) == "");
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".part"));
  dom::parser parser;
  CHECK(parser.load(path)["traceEvents"].get_array().size() > events.size() / 2);
  std::string bad = (dir / "no-such-dir" / "run.json").string();
  std::string err = save_chrome_trace(bad, events);
  CHECK(err.find(bad) == 0);
  CHECK(err.find('\n') == std::string::npos);
  fs::remove_all(dir);
}
