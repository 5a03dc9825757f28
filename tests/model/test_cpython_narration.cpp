// The "Why" panel's sentences about runs that CPython itself recorded
// (core/cpython/loopscope_recorder.py through `loopscope run FILE.py`): the
// reference programs, the programs written for the recorder and every
// scenario's Python listing run under python3, each loaded like a saved trace
// and checked event by event with the same checker as the engine's traces.
// Labels there are CPython's own, so only the events' fields can make a
// sentence true.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <glob.h>
#include <map>

#include "core/trace_load.hpp"
#include "model/why.hpp"
#include "narration_check.hpp"
#include "predict_check.hpp"
#include "recorded_program.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
const std::string src = LOOPSCOPE_SOURCE_DIR;

struct Recording {
  std::string name, dir, file, python, extra;  // extra: options before `--`, e.g. --duration
};

// The interpreter itself: pyenv's shim is a shell script that costs a second a start.
std::string real_python(const std::string& cmd) {
  Process p = run(cmd + " -c 'import sys; print(sys.executable)'");
  return p.code == 0 && !p.out.empty() ? p.out.substr(0, p.out.find('\n')) : std::string();
}

bool has_modules(const std::string& py, const std::string& mods) {
  return !py.empty() && run(py + " -c 'import " + mods + "'").code == 0;
}

std::string python_3_12_or_later() {
  glob_t g{};
  std::string found;
  const char* home = std::getenv("HOME");
  for (const char* v : {"3.12", "3.13", "3.14"}) {
    std::string pattern = std::string(home ? home : "/root") + "/.pyenv/versions/" + v + ".*/bin/python3";
    if (found.empty() && ::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
    ::globfree(&g);
  }
  return found;
}

// Every recordable program: what the repository ships for CPython to run.
std::vector<Recording> programs(const std::string& tmp) {
  const std::string py = real_python("python3");
  REQUIRE_MESSAGE(!py.empty(), "python3 is a test dependency (scripts/deps.sh)");
  std::vector<Recording> out;
  for (const char* f : {"gather_demo.py", "gather_fail_demo.py", "taskgroup_demo.py"})
    out.push_back({f, src + "/tests/reference", f, py, ""});
  for (const char* f : {"loop_34_style.py", "run_twice.py", "threads_and_subprocess.py", "to_thread_work.py",
                        "cancel_chain.py", "queue_workers.py", "deadline_and_pool.py",
                        "condition_and_done_gather.py", "handoff.py", "gather_children.py",
                        "runner_left_over.py", "sock_calls.py", "process_pool.py",
                        "loop_in_thread.py", "self_cancel.py", "future_cancel.py", "sys_exit_in_task.py",
                        "done_before_awaited.py", "async_generator.py", "wait_for_gives_up.py",
                        "wait_for_cancelled.py", "taskgroup_aborts.py", "callback_chain.py", "timeout_retry.py",
                        "subprocess_stdin.py", "executor_raises.py", "executor_cancelled.py", "main_raises_caught.py",
                        "create_server_inside.py"})
    out.push_back({f, src + "/tests/programs", f, py, ""});
  out.push_back({"two_files/main.py", src + "/tests/programs/two_files", "main.py", py, ""});
  out.push_back({"bad/raises.py", src + "/tests/programs/bad", "raises.py", py, ""});
  out.push_back({"bad/forever.py", src + "/tests/programs/bad", "forever.py", py, "--duration 0.6"});
  // The Debian packages (python3-aiohttp ...) are installed for Debian's python3.
  const std::string debian = "/usr/bin/python3";
  if (has_modules(debian, "aiofiles, aiosqlite"))
    out.push_back({"files_and_db.py", src + "/tests/programs", "files_and_db.py", debian, ""});
  else
    MESSAGE("python3-aiofiles / python3-aiosqlite are not installed: files_and_db.py is not recorded");
  if (has_modules(debian, "aiohttp, httpx"))
    out.push_back({"http_clients.py", src + "/tests/programs", "http_clients.py", debian, ""});
  else
    MESSAGE("python3-aiohttp / python3-httpx are not installed: http_clients.py is not recorded");
  const std::string py312 = python_3_12_or_later();
  if (!py312.empty())
    out.push_back({"eager_tasks.py", src + "/tests/programs", "eager_tasks.py", py312, ""});
  else
    MESSAGE("no Python 3.12 or later under ~/.pyenv: eager_tasks.py (eager_task_factory) is not recorded");
  // echo_server.py waits for clients that tests/recorder drives; it is not recorded here.
  // Every scenario's listing is a plain asyncio program too.
  Process list = run(loopscope_cmd("list"));
  REQUIRE(list.code == 0);
  for (const std::string& line : lines(list.out)) {
    std::string id = line.substr(0, line.find('\t'));
    // Recorded above: tests/reference's demos are these scenarios' listings.
    if (id == "gather-errors" || id == "taskgroup-cancel" || id == "gather-fail") continue;
    std::string file = "scenario_" + id + ".py";
    // The servers' two seconds of work per request only stretch the wall time.
    const bool server = id == "sequential-server" || id == "concurrent-server";
    Process listing = run(loopscope_cmd("source " + id + (server ? " --set work=0.2" : "")));
    REQUIRE(listing.code == 0);
    std::ofstream(tmp + "/" + file) << listing.out;
    out.push_back({"scenario " + id, tmp, file, py, ""});
  }
  return out;
}
}  // namespace

TEST_CASE("every sentence about a CPython-recorded run agrees with its events") {
  const std::string tmp = temp_path("cpython");
  REQUIRE(run("mkdir -p " + tmp).code == 0);
  const std::vector<Recording> progs = programs(tmp);
  // All at once: the programs mostly sleep, and one by one they would take a minute.
  std::string script;
  for (size_t i = 0; i < progs.size(); ++i) {
    const Recording& r = progs[i];
    const std::string base = tmp + "/" + std::to_string(i);
    script += "(cd '" + r.dir + "' && " +
              loopscope_cmd("run " + r.file + " --python " + r.python + " --events " + base + ".jsonl " + r.extra) +
              " >" + base + ".out 2>" + base + ".err; echo $? >" + base + ".rc) &\n";
  }
  script += "wait\n";
  REQUIRE(run(script).code == 0);

  size_t checked_events = 0, finished_wakeups = 0;
  int order_questions_checked = 0, handles_named = 0;
  std::map<std::string, int> kinds_seen;
  for (size_t i = 0; i < progs.size(); ++i) {
    const Recording& r = progs[i];
    CAPTURE(r.name);
    const std::string base = tmp + "/" + std::to_string(i);
    CHECK_MESSAGE(slurp(base + ".err").find("trace: ") != std::string::npos, slurp(base + ".err"));
    Trace trace;
    REQUIRE(load_trace_file(base + ".jsonl", trace) == "");
    std::vector<Event> events = merged_events(trace);
    CHECK_MESSAGE(events.size() > 20, slurp(base + ".err"));
    CHECK(as<ev::RunBegin>(events[0]).engine == EngineKind::cpython);
    model::Model m;
    m.update(events, 0);
    // asyncio.timeout()'s block: the recorder marks its awaits as the engine does (on: timeout).
    if (r.name == "scenario timeout") {
      int in_block = 0;
      for (const Event& e : events) in_block += e.kind == Ev::step_end && as<ev::StepEnd>(e).on == AwaitOn::timeout;
      CHECK(in_block == 1);
    }
    for (const NarrationProblem& p : check_narration(m))
      FAIL_CHECK(r.name << " event " << p.event << ": " << p.problem << "\n  \"" << p.sentence << "\"");
    checked_events += events.size();
    // Predict's order questions hold for CPython's own order too.
    order_questions_checked += check_order_questions(m);
    handles_named += check_handle_names(m);
    // A task that awaited another: CPython queues the wakeup before the
    // recorder writes the awaited task's end, and the sentence still says it finished.
    for (size_t k = 0; k < events.size(); ++k)
      if (events[k].kind == Ev::ready_push && as<ev::ReadyPush>(events[k]).fn == HandleFn::task_wakeup)
        finished_wakeups += model::narrate(m, k).find(" has finished, which completes what ") != std::string::npos;
  }
  MESSAGE(finished_wakeups << " wakeups narrated as an awaited task having finished");
  CHECK(finished_wakeups >= 2);  // create-task's and producer-consumer's main at least
  MESSAGE(checked_events << " events of " << progs.size() << " CPython runs checked");
  MESSAGE(order_questions_checked << " predict order questions checked against CPython's order");
  CHECK(order_questions_checked > 0);
  MESSAGE(handles_named << " predict texts name a callback by what it is, not CPython's function name");
  CHECK(handles_named > 0);
  CHECK(checked_events > 1000);
  run("rm -rf " + tmp);
}

TEST_CASE("a print of the program's top-level code between its loop's runs is not told as a callback's") {
  const auto r = record_program("loop_34_style.py");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  int top_level = 0;
  for (size_t i = 0; i < ev.size(); ++i)
    if (ev[i].kind == Ev::print && ev[i].s1 && std::string(ev[i].s1) == "result 3") {
      const std::string s = model::narrate(m, i);
      CAPTURE(s);
      CHECK(s.find("The program's top-level code (no event loop is running it) prints") == 0);
      ++top_level;
    }
  CHECK(top_level == 1);
}

TEST_CASE("a second loop that a program's thread runs is loop 1, not the engine's client loop") {
  const auto r = record_program("loop_in_thread.py");
  CHECK(r->out == "side loop finished its job\nmain loop got [7]\n");
  const model::Model& m = r->model;
  bool lane = false;
  for (const model::Lane& l : m.lanes())
    if (l.kind == model::LaneKind::loop && l.loop == 1) {
      CHECK(l.label == "loop 1");
      lane = true;
    }
  CHECK(lane);
  size_t other = 0;
  for (size_t i = 0; i < r->events.size(); ++i)
    if (r->events[i].loop == 1) {
      const std::string s = model::why_at(m, i).other_loop;
      CAPTURE(s);
      CHECK(s.rfind("On loop 1: ", 0) == 0);
      ++other;
    }
  CHECK(other > 0);
}

TEST_CASE("a task that returns while nothing waits on it is not said to have a callback queued") {
  const auto r = record_program("done_before_awaited.py");
  CHECK(r->out == "True True\n10 20\n");
  std::map<std::string, std::string> said;
  for (size_t i = 0; i < r->events.size(); ++i)
    if (r->events[i].kind == Ev::task_done) said[r->model.task(r->events[i].task)->name] = model::narrate(r->model, i);
  for (const char* t : {"Task-3", "Task-4"}) {  // leaf(1), leaf(2): main awaits them only later
    CAPTURE(said[t]);
    CHECK(said[t].find("nothing waits on it") != std::string::npos);
  }
  CAPTURE(said["Task-2"]);
  CHECK(said["Task-2"].find("has its callback queued now") != std::string::npos);  // main awaits middle()
}
