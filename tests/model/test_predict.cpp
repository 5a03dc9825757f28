// Predict mode's questions and answers, derived from real runs.
#include <doctest/doctest.h>

#include "model/predict.hpp"
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;

namespace {
int choice_of(const Question& q, const std::string& label) {
  for (size_t k = 0; k < q.choices.size(); ++k)
    if (q.choices[k].label == label) return int(k);
  return -1;
}
}  // namespace

TEST_CASE("every question is asked before its iteration starts, so the answer is not on screen yet") {
  auto sm = test::run_scenario_model("gather");
  std::vector<size_t> ds = decisions(sm->model);
  REQUIRE(ds.size() >= 4);
  for (size_t d : ds) {
    Question q = question_for(sm->model, d);
    CHECK(q.ask_at < q.answer_at);
    CHECK(sm->events[q.answer_at].kind == Ev::ready_run);
    // Nothing of the iteration has happened at the question.
    for (size_t i = q.ask_at + 1; i < q.answer_at; ++i) CHECK(sm->events[i].kind != Ev::ready_run);
    LoopState s = sm->model.state_at(q.ask_at);
    CHECK(s.running.handle == -1);
    REQUIRE(q.choices.size() >= 2);
    REQUIRE(q.answer >= 0);
  }
}

TEST_CASE("when nothing is ready the soonest timer decides, and the explanation says so") {
  auto sm = test::run_scenario_model("gather");  // A sleeps 0.3 s, B 0.1 s, C 0.2 s
  int32_t b = sm->task_id("B");
  // The iteration where B's timer fires: its callback is the first handle run.
  size_t fire = sm->find([&](const Event& e) { return e.kind == Ev::timer_fire && e.task == b; });
  size_t run = sm->find([](const Event& e) { return e.kind == Ev::ready_run; }, fire);
  Question q = question_for(sm->model, run);
  for (const char* name : {"main", "A", "B", "C"}) CHECK(choice_of(q, name) >= 0);
  CHECK(q.choices[size_t(q.answer)].label == "B");
  std::string wrong = explain(sm->model, q, choice_of(q, "A"));
  CHECK(wrong.find("Not this time: B runs first, not A.") == 0);
  CHECK(wrong.find("soonest timer") != std::string::npos);
  std::string right = explain(sm->model, q, q.answer);
  CHECK(right.find("Right: B.") == 0);
}

TEST_CASE("a handle left in the ready queue runs before anything the poll wakes: first in, first out") {
  auto sm = test::run_scenario_model("cooperative-yield");
  bool seen_leftover = false;
  for (size_t d : decisions(sm->model)) {
    Question q = question_for(sm->model, d);
    std::string text = explain(sm->model, q, -1);
    if (text.find("already in the ready queue") == std::string::npos) continue;
    seen_leftover = true;
    // The answer is the front of the queue at the question.
    LoopState s = sm->model.state_at(q.ask_at);
    REQUIRE_FALSE(s.ready.empty());
    CHECK(s.ready.front().handle == sm->events[q.answer_at].id);
  }
  CHECK(seen_leftover);
}
