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

TEST_CASE("when nothing is ready the soonest timer decides: the answer is B's timer, among the other timers") {
  auto sm = test::run_scenario_model("gather");  // A sleeps 0.3 s, B 0.1 s, C 0.2 s
  int32_t b = sm->task_id("B");
  // The iteration where B's timer fires: its callback is the first handle run.
  size_t fire = sm->find([&](const Event& e) { return e.kind == Ev::timer_fire && e.task == b; });
  size_t run = sm->find([](const Event& e) { return e.kind == Ev::ready_run; }, fire);
  Question q = question_for(sm->model, run);
  for (const char* name : {"A's timer", "B's timer", "C's timer"}) {
    bool found = false;
    for (const Choice& c : q.choices) found |= c.label.rfind(name, 0) == 0 && c.kind == Choice::Kind::timer;
    CHECK_MESSAGE(found, name);
  }
  const Choice& answer = q.choices[size_t(q.answer)];
  CHECK(answer.kind == Choice::Kind::timer);
  CHECK(answer.task == b);
  int a_timer = -1;
  for (size_t k = 0; k < q.choices.size(); ++k)
    if (q.choices[k].label.rfind("A's timer", 0) == 0) a_timer = int(k);
  std::string wrong = explain(sm->model, q, a_timer);
  CHECK(wrong.find("Not this time: " + answer.label + " runs first") == 0);
  CHECK(wrong.find("soonest timer") != std::string::npos);
  CHECK(explain(sm->model, q, q.answer).find("Right: " + answer.label) == 0);
}

TEST_CASE("for every question of every scenario, the right answer is the handle that ran and every choice could run") {
  for (const char* id : {"gather", "gather-errors", "taskgroup-cancel", "timeout", "producer-consumer", "cooperative-yield"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    for (const Question& q : questions(sm->model)) {
      CAPTURE(q.it);
      REQUIRE(q.answer >= 0);
      const Event& r = sm->events[q.answer_at];
      const Choice& a = q.choices[size_t(q.answer)];
      const LoopState s = sm->model.state_at(q.ask_at);
      if (a.kind == Choice::Kind::ready) CHECK(a.handle == r.id);
      if (a.kind == Choice::Kind::timer) {  // the timer whose firing queued the handle that ran
        bool fired = false;
        for (size_t i = q.ask_at; i < q.answer_at; ++i)
          fired |= sm->events[i].kind == Ev::timer_fire && sm->events[i].id == a.timer;
        CHECK(fired);
      }
      for (const Choice& c : q.choices) {
        CAPTURE(c.label);
        bool plausible = false;
        if (c.kind == Choice::Kind::ready)
          for (const ReadyChip& x : s.ready) plausible |= x.handle == c.handle;
        if (c.kind == Choice::Kind::timer)
          for (const TimerChip& x : s.timers) plausible |= x.timer == c.timer;
        if (c.kind == Choice::Kind::io)
          for (const IoChip& x : s.io) plausible |= x.op == c.op;
        if (c.kind == Choice::Kind::pool)
          for (const WorkerChip& x : s.workers) plausible |= x.job == c.op;
        plausible |= &c == &a;  // the answer is always a real handle
        CHECK(plausible);
      }
    }
  }
}

TEST_CASE("taskgroup-cancel does not ask which cancelled task runs first: CPython cancels in set order") {
  auto sm = test::run_scenario_model("taskgroup-cancel");
  for (const Question& q : questions(sm->model)) CHECK(determined(sm->model, q));
  size_t asked = questions(sm->model).size(), all = 0;
  uint32_t last = 0;
  for (size_t i = 0; i < sm->events.size(); ++i)
    if (sm->events[i].kind == Ev::ready_run && sm->events[i].loop == 0 && sm->events[i].it != last) {
      last = sm->events[i].it;
      all += question_for(sm->model, i).choices.size() >= 2;
    }
  CHECK(asked < all);
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
