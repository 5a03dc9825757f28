// sqlite-api: SQL runs on pool workers; concurrent requests queue for the one
// connection, as with aiosqlite.
#include <map>

#include "support/scenario_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
bool starts_with(const char* s, const char* prefix) { return s && std::string(s).rfind(prefix, 0) == 0; }
}  // namespace

TEST_CASE("a TaskGroup creates both tables before anything else is inserted") {
  ScenarioRun r = run_scenario_id("sqlite-api");
  std::vector<int32_t> creators;
  for (const Event& e : r.events)
    if (e.kind == Ev::task_new && starts_with(e.s1, "create ")) creators.push_back(e.task);
  REQUIRE(creators.size() == 2);
  // Both creators end before the startup print, and no INSERT is submitted before it.
  size_t startup = 0;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::print && starts_with(r.events[i].s1, "startup")) startup = i;
  REQUIRE(startup > 0);
  for (size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    if (e.kind == Ev::task_done && (e.task == creators[0] || e.task == creators[1])) CHECK(i < startup);
    if (e.kind == Ev::pool_submit && starts_with(e.s1, "INSERT")) CHECK(i > startup);
  }
}

TEST_CASE("every statement runs on a pool worker, one at a time on the connection") {
  ScenarioRun r = run_scenario_id("sqlite-api", {"rows=3"});
  int inserts = 0, running = 0, max_running = 0;
  std::map<int32_t, int> worker_of;
  for (const Event& e : r.events) {
    inserts += e.kind == Ev::pool_submit && starts_with(e.s1, "INSERT");
    if (e.kind == Ev::pool_start) {
      max_running = std::max(max_running, ++running);
      worker_of[e.id] = e.ref;
      CHECK(e.ref >= 0);
    }
    if (e.kind == Ev::pool_end) --running;
  }
  CHECK(inserts == 6);
  CHECK(max_running == 1);  // aiosqlite's rule: one call at a time per connection
  CHECK(r.count(Ev::block_begin) == 0);  // the loop thread never runs SQL
  CHECK(worker_of.size() == r.count(Ev::pool_submit));
}

TEST_CASE("the inserts are fired together: all wait in the same iteration, queued for the connection") {
  ScenarioRun r = run_scenario_id("sqlite-api", {"rows=2"});
  std::map<int32_t, uint32_t> first_wait;  // insert task -> iteration it first waited on the pool
  std::map<int32_t, bool> inserting;
  for (const Event& e : r.events) {
    if (e.kind == Ev::task_new && starts_with(e.s1, "insert ")) inserting[e.task] = true;
    if (e.kind == Ev::step_end && inserting.count(e.task) && !first_wait.count(e.task)) {
      CHECK(e.code == uint8_t(Wait::pool));
      CHECK(e.line == 16);  // at `await asyncio.to_thread(...)`
      first_wait[e.task] = e.it;
    }
  }
  REQUIRE(first_wait.size() == 4);
  for (auto [task, it] : first_wait) CHECK(it == first_wait.begin()->second);
  auto p = r.prints();
  REQUIRE(p.size() == 5);
  CHECK(p[1] == "POST: 4 rows inserted");
  CHECK(p[2] == "GET /books: Dune (1965), Neuromancer (1948)");
  CHECK(p[4] == "after PUT and DELETE: Dune (1965), Neuromancer (1984) | Gattaca (1997)");
}
