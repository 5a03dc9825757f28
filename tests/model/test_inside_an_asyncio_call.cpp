// A task suspended inside an asyncio call that its line made, on that call's
// own await (step.end's `via`): `await asyncio.start_server(...)` runs
// loop.create_server, which ends with its own `await tasks.sleep(0)` and
// first awaits a gather() of its getaddrinfo lookups; `await asyncio.wait(...)`
// awaits a future of its own. The Why panel must not tell those awaits as the
// line's: the program wrote no sleep(0) (tests/programs/create_server_inside.py,
// recorded under CPython through `loopscope run`, and a hand-written trace).
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "model/model.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// One task whose step ends inside asyncio.start_server, on create_server's own sleep(0).
const char* kInsideStartServer =
    R"({"seq":0,"t_ns":0,"loop":0,"it":0,"ev":"run.begin","scenario":"s.py","params":{},"engine":"cpython"}
{"seq":1,"t_ns":0,"loop":0,"it":0,"ev":"task.new","task":0,"name":"Task-1","parent":null}
{"seq":2,"t_ns":0,"loop":0,"it":0,"ev":"ready.push","handle":0,"task":0,"label":"Task-1 step","cause":"new","fn":"task.step"}
{"seq":3,"t_ns":10,"loop":0,"it":1,"ev":"loop.iter","ready":1}
{"seq":4,"t_ns":10,"loop":0,"it":1,"ev":"ready.run","handle":0,"task":0,"label":"Task-1 step","left":0,"fn":"task.step"}
{"seq":5,"t_ns":10,"loop":0,"it":1,"ev":"step.begin","task":0,"line":12}
{"seq":6,"t_ns":20,"loop":0,"it":1,"ev":"step.end","task":0,"line":12,"wait":"yield","dur_ns":10,"on":"yield","via":"asyncio.start_server"}
{"seq":7,"t_ns":20,"loop":0,"it":1,"ev":"ready.push","handle":1,"task":0,"label":"Task-1 step","cause":"yield","fn":"task.step"}
)";

std::string sentence_of(const std::vector<Event>& ev, const model::Model& m, Ev kind) {
  for (size_t i = 0; i < ev.size(); ++i)
    if (ev[i].kind == kind) return model::narrate(m, i);
  return "";
}

}  // namespace

TEST_CASE("a sleep(0) inside asyncio.start_server is told as the call's own, not as the line's") {
  Trace trace;
  REQUIRE(load_trace_bytes("t.jsonl", kInsideStartServer, std::strlen(kInsideStartServer), trace) == "");
  const std::vector<Event> ev = merged_events(trace);
  model::Model m;
  m.update(ev, 0);
  const std::string s = sentence_of(ev, m, Ev::step_end);
  CAPTURE(s);
  CHECK(has(s, "Task-1 is inside asyncio.start_server() (line 12), which itself awaits asyncio.sleep(0)"));
  CHECK(has(s, "its next step is already in the ready queue"));
  CHECK_FALSE(has(s, "awaited asyncio.sleep(0) (line 12)"));
}

TEST_CASE("a recorded start_server and asyncio.wait are told as waits inside those calls") {
  const auto r = record_program("create_server_inside.py");
  CHECK(r->out == "['ONE', 'TWO']\n");
  const std::vector<Event>& ev = r->events;
  const model::Model& m = r->model;
  std::vector<std::string> at_27, at_29;  // main's step ends at start_server's line and asyncio.wait's
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind != Ev::step_end || ev[i].task != 0) continue;
    const ev::StepEnd v = as<ev::StepEnd>(ev[i]);
    if (v.line == 27) {
      CHECK(v.via != nullptr);
      CHECK(std::string(v.via ? v.via : "") == "asyncio.start_server");
      at_27.push_back(model::narrate(m, i));
    }
    if (v.line == 29) {
      CHECK(std::string(v.via ? v.via : "") == "asyncio.wait");
      CHECK(v.on == AwaitOn::future);
      at_29.push_back(model::narrate(m, i));
    }
  }
  REQUIRE(!at_27.empty());
  REQUIRE(at_29.size() == 1);
  bool sleep0 = false;
  for (const std::string& s : at_27) {
    CAPTURE(s);
    CHECK(has(s, "is inside asyncio.start_server() (line 27), which itself "));
    CHECK_FALSE(has(s, "awaited asyncio.sleep(0)"));
    sleep0 |= has(s, "which itself awaits asyncio.sleep(0)");
  }
  CHECK(sleep0);  // create_server's own `await tasks.sleep(0)`, at its end
  CAPTURE(at_29[0]);
  CHECK(has(at_29[0], "Task-1 is inside asyncio.wait() (line 29), which itself awaits a future"));
}

TEST_CASE("the tasks of create_server's own gather are told as made by that gather, not by the line") {
  const auto r = record_program("create_server_inside.py");
  const std::vector<Event>& ev = r->events;
  size_t gathered = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind != Ev::task_new || as<ev::TaskNew>(ev[i]).parent != 0) continue;
    const std::string s = model::narrate(r->model, i);
    CAPTURE(s);
    // Task-1's step that made it: inside start_server (awaiting its gather) or at asyncio.wait (its own create_tasks).
    const Event* end = nullptr;
    for (size_t j = i + 1; j < ev.size() && !end; ++j)
      if (ev[j].kind == Ev::step_end && ev[j].task == 0) end = &ev[j];
    REQUIRE(end);
    if (end->line == 27) {
      ++gathered;
      CHECK(has(s, "created by Task-1, in the gather() that asyncio.start_server() (line 27) runs itself"));
    } else {
      CHECK_FALSE(has(s, "gather()"));
    }
  }
  CHECK(gathered >= 1);  // one getaddrinfo lookup a host
}

TEST_CASE("a step.end may not carry both via and cpu_ns, which share a slot") {
  const std::string both =
      std::string(R"({"seq":0,"t_ns":0,"loop":0,"it":0,"ev":"step.end","task":0,"line":1,"wait":"yield","dur_ns":1,)") +
      R"("cpu_ns":5,"via":"loop.create_server"})" + "\n";
  Trace t1;
  CHECK(has(load_trace_bytes("b.jsonl", both.data(), both.size(), t1), "'via' does not go with 'cpu_ns'"));
  const std::string null_via =
      std::string(R"({"seq":0,"t_ns":0,"loop":0,"it":0,"ev":"step.end","task":0,"line":1,"wait":"yield","dur_ns":1,)") +
      R"("cpu_ns":5,"via":null})" + "\n";
  Trace t2;
  CHECK(load_trace_bytes("n.jsonl", null_via.data(), null_via.size(), t2) == "");
  CHECK(as<ev::StepEnd>(merged_events(t2)[0]).cpu_ns == 5);
  CHECK(as<ev::StepEnd>(merged_events(t2)[0]).via == nullptr);
}
