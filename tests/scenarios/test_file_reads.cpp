// file-reads: the reads go to the thread pool together and the loop waits for
// none of them before submitting the next.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
// The reader tasks are the ones whose first step submits a pool job.
std::vector<int32_t> readers(const ScenarioRun& r) {
  std::vector<int32_t> out;
  for (const Event& e : r.events)
    if (e.kind == Ev::pool_submit) out.push_back(e.task);
  return out;
}
}  // namespace

TEST_CASE("every read is submitted to the pool in one iteration, before any result comes back") {
  ScenarioRun r = run_scenario_id("file-reads", {"files=4", "kib=64"});
  std::vector<int32_t> tasks = readers(r);
  REQUIRE(tasks.size() == 4);
  uint32_t submit_it = 0;
  size_t last_submit = 0;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::pool_submit) {
      if (!submit_it) submit_it = r.events[i].it;
      CHECK(r.events[i].it == submit_it);
      last_submit = i;
    }
  CHECK(submit_it == 2);  // main's gather in iteration 1; every reader's first step in iteration 2
  // No reader resumes (its result delivered) before the last read was submitted.
  std::map<int32_t, int> steps;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::step_begin && ++steps[r.events[i].task] == 2) CHECK(i > last_submit);
  // Each reader waited on the pool at `await asyncio.to_thread(...)`.
  for (const Event& e : r.events)
    if (e.kind == Ev::step_end && std::find(tasks.begin(), tasks.end(), e.task) != tasks.end() &&
        e.code != uint8_t(Wait::none)) {
      CHECK(e.code == uint8_t(Wait::pool));
      CHECK(e.line == 13);
    }
}

TEST_CASE("each read runs on a pool worker, not on the loop thread") {
  ScenarioRun r = run_scenario_id("file-reads", {"files=3", "kib=64"});
  std::map<int32_t, int> started, ended;  // job -> worker
  for (const Event& e : r.events) {
    if (e.kind == Ev::pool_start) started[e.id] = e.ref;
    if (e.kind == Ev::pool_end) ended[e.id] = e.ref;
  }
  CHECK(started.size() == 3);
  CHECK(started == ended);  // a job starts and ends on the same worker lane
  for (auto [job, worker] : started) CHECK(worker >= 0);
  auto p = r.prints();
  REQUIRE(p.size() == 6);
  CHECK(p[3] == "part1.txt: 65536 characters");
  CHECK(p[5] == "part3.txt: 196608 characters");
}

TEST_CASE("the scenario writes its files to a temporary directory and removes it afterwards") {
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / ("loopscope-test-file-reads-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);  // both tempfile and std::filesystem honour TMPDIR
  ScenarioRun r = run_scenario_id("file-reads", {"files=2", "kib=1"});
  if (old) ::setenv("TMPDIR", saved.c_str(), 1);
  else ::unsetenv("TMPDIR");
  CHECK(r.prints().size() == 4);
  CHECK(fs::is_empty(tmp));
  fs::remove_all(tmp);
}
