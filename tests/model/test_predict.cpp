// Predict mode's questions and answers, derived from real runs.
#include <doctest/doctest.h>

#include <map>

#include "core/trace_schema.hpp"
#include "model/predict.hpp"
#include "predict_check.hpp"
#include "scenario_model.hpp"

using namespace loopscope;
using namespace loopscope::model;

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
        CHECK((test::on_stage(s, c) || &c == &a));  // the answer is always a real handle
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

TEST_CASE("a cancelled task's question is answered by what its step really did, read from step.end and task.done") {
  std::map<CancelOutcome, int> seen;
  for (const char* id : {"timeout", "taskgroup-cancel", "gather-errors"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    const std::vector<Question> qs = cancel_questions(sm->model);
    CHECK_FALSE(qs.empty());
    for (const Question& q : qs) {
      const Event& b = sm->events[q.ask_at];
      const Event& end = sm->events[q.answer_at];
      REQUIRE(b.kind == Ev::step_begin);
      REQUIRE(end.kind == Ev::step_end);
      CHECK(end.task == b.task);
      // Asked before the step does anything: nothing of it is on screen yet.
      for (size_t i = q.ask_at + 1; i < q.answer_at; ++i) CHECK_FALSE((sm->events[i].kind == Ev::step_end && sm->events[i].task == b.task));
      REQUIRE(q.choices.size() == 4);
      REQUIRE(q.answer >= 0);
      const CancelOutcome o = CancelOutcome(q.choices[size_t(q.answer)].op);
      ++seen[o];
      const size_t done = sm->find([&](const Event& e) { return e.kind == Ev::task_done && e.task == b.task; }, q.answer_at);
      if (as<ev::StepEnd>(end).wait != Wait::none) {
        CHECK(o == CancelOutcome::awaits_again);
      } else {
        REQUIRE(done < sm->events.size());
        const Outcome how = Outcome(sm->events[done].code);
        CHECK(o == (how == Outcome::cancelled ? CancelOutcome::ends_cancelled
                    : how == Outcome::result  ? CancelOutcome::returns
                                              : CancelOutcome::raises_other));
      }
      for (const Choice& c : q.choices) CHECK(c.task == b.task);  // in the cancelled task's colour
      CHECK(prompt(sm->model, q).find("was cancelled") != std::string::npos);
      CHECK(explain(sm->model, q, q.answer).find("Right: ") == 0);
    }
  }
  CHECK(seen[CancelOutcome::ends_cancelled] > 0);
  CHECK(seen[CancelOutcome::returns] > 0);  // timeout's main: __aexit__ turns it into TimeoutError, caught
}

TEST_CASE("asyncio.timeout's cancellation is explained through __aexit__, and a wrong guess names both") {
  auto sm = test::run_scenario_model("timeout");
  bool explained = false;
  for (const Question& q : cancel_questions(sm->model)) {
    if (CancelOutcome(q.choices[size_t(q.answer)].op) != CancelOutcome::returns) continue;
    const int wrong = q.answer == 0 ? 1 : 0;
    const std::string text = explain(sm->model, q, wrong);
    CHECK(text.find("Not this time: " + q.choices[size_t(q.answer)].label + ", not " + q.choices[size_t(wrong)].label) == 0);
    explained |= text.find("Timeout.__aexit__ turned the CancelledError into TimeoutError") != std::string::npos;
  }
  CHECK(explained);
}

TEST_CASE("predict mode's quiz asks every kind, in the order of the run") {
  auto sm = test::run_scenario_model("timeout");
  const std::vector<Question> all = quiz(sm->model);
  CHECK(all.size() == questions(sm->model).size() + cancel_questions(sm->model).size() +
                          gather_questions(sm->model).size());
  bool cancel = false;
  for (size_t k = 0; k < all.size(); ++k) {
    if (k > 0) CHECK(all[k - 1].ask_at <= all[k].ask_at);
    cancel |= all[k].kind == Question::Kind::cancel_outcome;
  }
  CHECK(cancel);
}

TEST_CASE("which handle runs last: the iteration's last ready.run, among every handle queued and what the poll wakes") {
  for (const std::string id : {"cooperative-yield", "gather-errors", "taskgroup-cancel"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    const std::vector<Question> qs = last_handle_questions(sm->model);
    CHECK_FALSE(qs.empty());
    for (const Question& q : qs) {
      CAPTURE(q.it);
      CHECK(q.kind == Question::Kind::last_handle);
      const Event& r = sm->events[q.answer_at];
      REQUIRE(r.kind == Ev::ready_run);
      CHECK(r.it == q.it);
      CHECK(as<ev::ReadyRun>(r).left == 0);  // nothing of this iteration runs after it
      int runs = 0;
      for (const Event& e : sm->events) runs += e.kind == Ev::ready_run && e.loop == 0 && e.it == q.it;
      CHECK(runs >= 2);
      // Asked before the iteration runs anything.
      for (size_t i = q.ask_at + 1; i < q.answer_at; ++i)
        if (sm->events[i].kind == Ev::ready_run) CHECK(sm->events[i].it == q.it);
      CHECK(sm->events[q.ask_at].it < q.it + (sm->events[q.ask_at].kind == Ev::loop_iter ? 1 : 0));
      const LoopState s = sm->model.state_at(q.ask_at);
      REQUIRE(q.answer >= 0);
      const Choice& a = q.choices[size_t(q.answer)];
      if (a.kind == Choice::Kind::ready) CHECK(a.handle == r.id);
      // Every queued handle is a choice (any of them could be last), and every choice could run.
      for (const ReadyChip& c : s.ready) {
        bool offered = false;
        for (const Choice& x : q.choices) offered |= x.kind == Choice::Kind::ready && x.handle == c.handle;
        CHECK(offered);
      }
      for (const Choice& c : q.choices) {
        CAPTURE(c.label);
        CHECK(test::on_stage(s, c));
      }
      CHECK(prompt(sm->model, q).find("Which handle does it run last?") != std::string::npos);
      CHECK(explain(sm->model, q, q.answer).find("Right: " + a.label) == 0);
      const int wrong = q.answer == 0 ? 1 : 0;
      CHECK(explain(sm->model, q, wrong).find("Not this time: " + a.label + " runs last") == 0);
    }
  }
}

TEST_CASE("the quiz asks which handle runs last where the first is simply the front of the ready queue") {
  auto sm = test::run_scenario_model("cooperative-yield");
  const std::vector<Question> all = quiz(sm->model);
  int lasts = 0;
  for (const Question& q : all) {
    if (q.kind != Question::Kind::last_handle) continue;
    ++lasts;
    // The first-handle question it replaced had the front chip as its answer.
    const Question first = question_for(sm->model, sm->find([&](const Event& e) {
      return e.kind == Ev::ready_run && e.loop == 0 && e.it == q.it;
    }));
    CHECK(first.answer == 0);
    CHECK(first.choices[0].kind == Choice::Kind::ready);
  }
  CHECK(lasts > 0);
}

TEST_CASE("an order question's answer is the order the iteration really ran its handles, and every choice ran in it") {
  int asked = 0;
  for (const char* id : {"cooperative-yield", "gather-errors", "taskgroup-cancel", "timeout", "producer-consumer"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    asked += test::check_order_questions(sm->model);
  }
  CHECK(asked > 0);
}

TEST_CASE("taskgroup-cancel asks no order of the handles TaskGroup queued while cancelling: CPython cancels in set order") {
  auto sm = test::run_scenario_model("taskgroup-cancel");
  for (const Question& q : order_questions(sm->model)) {
    CAPTURE(q.it);
    for (size_t i = q.ask_at; i <= q.answer_at; ++i) {
      const Event& r = sm->events[i];
      if (r.kind != Ev::ready_run || r.loop != 0 || r.it != q.it) continue;
      Question one;
      one.answer_at = i;
      CHECK(determined(sm->model, one));
    }
  }
}

TEST_CASE("the quiz asks the order of an iteration that runs three or four handles") {
  int orders = 0;
  for (const char* id : {"cooperative-yield", "gather-errors"}) {
    auto sm = test::run_scenario_model(id);
    for (const Question& q : quiz(sm->model)) orders += q.kind == Question::Kind::order;
  }
  CHECK(orders > 0);
}

TEST_CASE("a timer's button says whose timer it is and what it is for, never its callback's name") {
  // timeout: wait_for's deadline and a sleep; gather: three sleeps.
  for (const char* id : {"timeout", "gather", "taskgroup-cancel"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    int timers = 0;
    for (const Question& q : quiz(sm->model))
      for (const Choice& c : q.choices) {
        if (c.kind != Choice::Kind::timer) continue;
        ++timers;
        CAPTURE(c.label);
        CHECK(c.label.find("'s timer (") != std::string::npos);
        CHECK(c.label.find("set_result") == std::string::npos);
        CHECK(c.label.find("_release_waiter") == std::string::npos);
        CHECK(c.label.find("_on_timeout") == std::string::npos);
        CHECK(c.label.size() <= 36);  // fits a button beside another at a 720p projector's text size
      }
    CHECK(timers > 0);
  }
}

TEST_CASE("a callback in a question or its reveal is named by what it is, never by the engine's label for it") {
  int named = 0;
  for (const char* id : {"timeout", "gather", "taskgroup-cancel", "cooperative-yield", "gather-errors"}) {
    CAPTURE(id);
    auto sm = test::run_scenario_model(id);
    named += test::check_handle_names(sm->model);
  }
  CHECK(named > 0);
}
