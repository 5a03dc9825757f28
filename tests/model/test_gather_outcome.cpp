// What an await of gather() gives its task after a child fails: the trace's
// step.begin `thrown` (the exception Task.__step throws into the coroutine),
// written by the engine and by the CPython recorder, and predict mode's
// gather question built on it. The answers are checked against what python3
// prints for the scenario's listing.
#include <doctest/doctest.h>

#include <fstream>

#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "model/predict.hpp"
#include "scenario_model.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::model;
using namespace loopscope::test;

namespace {
// gather-errors: C fails under return_exceptions=True, E under the default False.
struct Expect {
  const char* child;
  GatherOutcome outcome;
};
constexpr Expect kExpected[] = {{"C", GatherOutcome::returns_list}, {"E", GatherOutcome::raises}};

// The listing names no task, so CPython calls them Task-N: find each child by
// its first print ("C: start"), and main as the parent of A.
int32_t task_named(const Model& m, const std::string& name) {
  const std::string first = (name == "main" ? std::string("A") : name) + ": start";
  for (const Event& e : m.events())
    if (e.kind == Ev::print && e.loop == 0 && e.s1 && first == e.s1) {
      if (name != "main") return e.task;
      const TaskInfo* a = m.task(e.task, 0);
      return a ? a->parent : -1;
    }
  return -1;
}

// The gather questions of a trace, checked against the events and against kExpected.
void check_gather_questions(const Model& m) {
  const std::vector<Event>& ev = m.events();
  const std::vector<Question> qs = gather_questions(m);
  REQUIRE(qs.size() == 2);
  const int32_t main_task = task_named(m, "main");
  for (size_t k = 0; k < qs.size(); ++k) {
    const Question& q = qs[k];
    CAPTURE(kExpected[k].child);
    const Event& failed = ev[q.ask_at];
    REQUIRE(failed.kind == Ev::task_done);
    CHECK(failed.task == task_named(m, kExpected[k].child));
    CHECK(Outcome(failed.code) == Outcome::error);
    const Event& resumed = ev[q.answer_at];
    REQUIRE(resumed.kind == Ev::step_begin);
    CHECK(resumed.task == main_task);
    REQUIRE(q.answer >= 0);
    const GatherOutcome o = GatherOutcome(q.choices[size_t(q.answer)].op);
    CHECK(o == kExpected[k].outcome);
    const char* thrown = as<ev::StepBegin>(resumed).thrown;
    if (o == GatherOutcome::raises) {
      REQUIRE(thrown != nullptr);
      CHECK(std::string(thrown) == "ValueError");
    } else {
      CHECK(thrown == nullptr);
    }
    // main does not run between the failure and the answer: the answer is not on screen yet.
    for (size_t i = q.ask_at + 1; i < q.answer_at; ++i) CHECK_FALSE((ev[i].kind == Ev::step_begin && ev[i].task == main_task));
    for (const Choice& c : q.choices) CHECK(c.task == main_task);
    CHECK(q.choices[size_t(GatherOutcome::raises)].label == "raises ValueError");
    CHECK(prompt(m, q).find(m.task(failed.task, 0)->name + " failed with ValueError('" + kExpected[k].child + "')") == 0);
    CHECK(explain(m, q, q.answer).find("Right: ") == 0);
    const int wrong = int(GatherOutcome::cancels_first);
    CHECK(explain(m, q, wrong).find("what a TaskGroup does, not gather") != std::string::npos);
  }
  // main's `await g` after g.cancel(): CancelledError is thrown into main, which was not cancelled itself.
  bool cancelled_outer = false;
  for (const Event& e : ev) {
    if (e.kind != Ev::step_begin || e.task != main_task) continue;
    const char* thrown = as<ev::StepBegin>(e).thrown;
    cancelled_outer |= thrown && std::string(thrown) == "CancelledError";
  }
  CHECK(cancelled_outer);
  // F and G, cancelled by the outer gather, get CancelledError thrown in at their sleep.
  for (const char* name : {"F", "G"}) {
    CAPTURE(name);
    const int32_t t = task_named(m, name);
    int thrown = 0;
    for (const Event& e : ev)
      if (e.kind == Ev::step_begin && e.task == t && as<ev::StepBegin>(e).thrown) {
        CHECK(std::string(as<ev::StepBegin>(e).thrown) == "CancelledError");
        ++thrown;
      }
    CHECK(thrown == 1);
  }
}
}  // namespace

TEST_CASE("the listing under python3 prints what the gather questions' answers say") {
  // The ground truth: C's failure comes back in the list, E's is raised.
  Process p = run(loopscope_cmd("source gather-errors") + " | python3");
  REQUIRE(p.code == 0);
  CHECK(p.out.find("main: results=['A', 'B', ValueError('C')]") != std::string::npos);
  CHECK(p.out.find("main: gather raised ValueError('E')") != std::string::npos);
}

TEST_CASE("the engine's gather-errors: a failed child's exception is thrown into main only without return_exceptions") {
  auto sm = run_scenario_model("gather-errors");
  check_gather_questions(sm->model);
}

TEST_CASE("CPython's gather-errors, recorded: the same questions, the same answers") {
  const std::string dir = temp_path("gather_outcome");
  REQUIRE(run("mkdir -p " + dir).code == 0);
  Process listing = run(loopscope_cmd("source gather-errors"));
  REQUIRE(listing.code == 0);
  std::ofstream(dir + "/gather_errors.py") << listing.out;
  Process rec = run("cd " + dir + " && " + loopscope_cmd("run gather_errors.py --events trace.jsonl --quiet"));
  REQUIRE_MESSAGE(rec.code == 0, rec.err);
  Trace trace;
  REQUIRE(load_trace_file(dir + "/trace.jsonl", trace) == "");
  std::vector<Event> events = merged_events(trace);
  REQUIRE(as<ev::RunBegin>(events[0]).engine == EngineKind::cpython);
  Model m;
  m.update(events, 0);
  check_gather_questions(m);
  run("rm -rf " + dir);
}

TEST_CASE("a trace that never records thrown (written before the field) asks no gather question") {
  auto sm = run_scenario_model("gather-errors");
  std::vector<Event> old = sm->events;
  for (Event& e : old)
    if (e.kind == Ev::step_begin) e.s1 = nullptr;  // as older engines wrote it
  Model m;
  m.update(old, 0);
  CHECK(gather_questions(m).empty());
}
