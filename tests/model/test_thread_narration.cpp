// sequential-server's server thread runs no event loop (a plain
// `serve(listener)`): run.begin says `entry: none`, and the view must not
// speak of an event loop, a task or asyncio.run for that thread.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
std::unique_ptr<ScenarioModel> run_sequential_server() {
  auto sm = std::make_unique<ScenarioModel>();
  const Scenario* s = find_scenario("sequential-server");
  REQUIRE(s);
  sm->result = run_scenario(*s, s->resolve({"clients=2", "work=0.05"}), sm->trace);
  REQUIRE(sm->result.ok);
  REQUIRE(sm->result.loop_close_rc == 0);
  sm->events = merged_events(sm->trace);
  sm->model.update(sm->events, 0);
  return sm;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

void erase_all(std::string& s, const std::string& what) {
  for (size_t p; (p = s.find(what)) != std::string::npos;) s.erase(p, what.size());
}
}  // namespace

TEST_CASE("sequential-server's run says its server thread runs no event loop") {
  auto sm = run_sequential_server();
  CHECK(sm->model.no_event_loop());
  const Event& begin = sm->events.front();
  REQUIRE(begin.kind == Ev::run_begin);
}

TEST_CASE("sequential-server shows a 'server thread (no event loop)' lane and no main task lane") {
  auto sm = run_sequential_server();
  const Model& m = sm->model;
  REQUIRE(m.loop_lane(0) >= 0);
  CHECK(m.lanes()[size_t(m.loop_lane(0))].label == "server thread (no event loop)");
  for (const Lane& l : m.lanes()) CHECK(l.label != "main");
  for (const TaskInfo& t : m.tasks())
    if (t.loop == 0) CHECK(t.thread);  // the thread's code is no asyncio task
}

TEST_CASE("no sentence about sequential-server's server thread claims an event loop, a task or asyncio.run") {
  auto sm = run_sequential_server();
  size_t walked = 0;
  for (size_t i = 0; i < sm->events.size(); ++i) {
    if (sm->events[i].loop != 0) continue;
    std::string text = lower(narrate(sm->model, i));
    CAPTURE(i);
    CAPTURE(text);
    ++walked;
    CHECK(text.find("asyncio.run") == std::string::npos);
    CHECK(text.find("main()") == std::string::npos);
    CHECK(text.find("task") == std::string::npos);
    CHECK(text.find("iteration") == std::string::npos);
    CHECK(text.find("ready queue") == std::string::npos);
    CHECK(text.find("epoll") == std::string::npos);
    CHECK(text.find("the loop") == std::string::npos);
    // "event loop" only where it is denied, or where it is the client thread's.
    erase_all(text, "no event loop");
    erase_all(text, "runs its own event loop");
    CHECK(text.find("event loop") == std::string::npos);
  }
  CHECK(walked > 20);
}

TEST_CASE("the client loop of sequential-server still runs asyncio.run and is narrated as an event loop") {
  auto sm = run_sequential_server();
  CHECK(sm->model.lanes()[size_t(sm->model.loop_lane(1))].label.find("client loop") == 0);
  size_t iter = sm->find([](const Event& e) { return e.loop == 1 && e.kind == Ev::loop_iter; });
  REQUIRE(iter < sm->events.size());
  CHECK(narrate(sm->model, iter).find("Iteration") != std::string::npos);
}
