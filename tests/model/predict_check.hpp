// Test support for predict mode: the checks every order question must pass,
// over a scenario's run or a CPython-recorded trace alike.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/trace_schema.hpp"
#include "model/predict.hpp"

namespace loopscope::test {

// Whether a handle question's choice is a candidate the stage shows at the
// question: a queued handle, an armed timer, pending I/O or a pool job.
inline bool on_stage(const model::LoopState& s, const model::Choice& c) {
  using K = model::Choice::Kind;
  auto any = [](const auto& v, auto pred) { return std::any_of(v.begin(), v.end(), pred); };
  switch (c.kind) {
    case K::ready: return any(s.ready, [&](const model::ReadyChip& x) { return x.handle == c.handle; });
    case K::timer: return any(s.timers, [&](const model::TimerChip& x) { return x.timer == c.timer; });
    case K::io: return any(s.io, [&](const model::IoChip& x) { return x.op == c.op; });
    case K::pool: return any(s.workers, [&](const model::WorkerChip& x) { return x.job == c.op; });
    default: return false;
  }
}

// Every question of `m`'s quiz names a callback by what it is (a sleep timer,
// wait_for's deadline), never by either engine's label for it (the engine's
// "sleep timer: set_result", CPython's "_set_result_unless_cancelled"): not on a
// button, and not quoted in the reveal, right or wrong (prose may still name
// CPython's functions, as "gather's _done_callback"). Returns how many texts
// named one.
inline int check_handle_names(const model::Model& m) {
  using namespace loopscope::model;
  static const char* const labels[] = {
      "sleep timer: set_result", "gather: _done_callback", "wait_for: _release_waiter",  // the engine's
      "_set_result_unless_cancelled", "gather.<locals>._done_callback", "_release_waiter", "Timeout._on_timeout",
      "TaskGroup._on_task_done", "_run_until_complete_cb"};  // CPython's (the recorder's __qualname__)
  int named = 0;
  for (const Question& q : quiz(m)) {
    std::vector<std::string> reveals;
    for (const Choice& c : q.choices) {
      CAPTURE(c.label);
      for (const char* l : labels) CHECK(c.label.find(l) == std::string::npos);
    }
    if (q.kind == Question::Kind::order) {
      reveals.push_back(explain_order(m, q, {}));
    } else {
      reveals.push_back(explain(m, q, -1));
      for (int k = 0; k < int(q.choices.size()); ++k) reveals.push_back(explain(m, q, k));
    }
    for (const std::string& t : reveals) {
      CAPTURE(t);
      for (const char* l : labels) CHECK(t.find("'" + std::string(l)) == std::string::npos);
      named += t.find("sleep timer") != std::string::npos || t.find("deadline") != std::string::npos;
    }
  }
  return named;
}

// For every order question of `m`: the choices are exactly the handles loop 0
// ran in that iteration (a handle queued before the question, or the timer
// whose firing queued it), listed by name, and the order marked right is the
// order of the iteration's ready.run events. Returns how many were checked.
inline int check_order_questions(const model::Model& m) {
  using namespace loopscope::model;
  const std::vector<Event>& ev = m.events();
  auto find = [&](auto pred, size_t from) {
    for (size_t i = from; i < ev.size(); ++i)
      if (pred(ev[i])) return i;
    return ev.size();
  };
  int asked = 0;
  for (const Question& q : order_questions(m)) {
    CAPTURE(q.it);
    ++asked;
    REQUIRE(q.kind == Question::Kind::order);
    std::vector<size_t> runs;  // the iteration's runs of loop 0, in order
    for (size_t i = 0; i < ev.size(); ++i)
      if (ev[i].kind == Ev::ready_run && ev[i].loop == 0 && ev[i].it == q.it) runs.push_back(i);
    REQUIRE(runs.size() == q.choices.size());
    CHECK(runs.size() >= 2);
    CHECK(runs.size() <= 4);
    CHECK(q.answer_at == runs.back());
    CHECK(q.ask_at < runs.front());
    REQUIRE(q.order.size() == q.choices.size());
    std::vector<int> ran(q.order.size(), -1);  // by run position: the choice shown for it
    for (size_t k = 0; k < q.order.size(); ++k) ran[size_t(q.order[k])] = int(k);
    const LoopState s = m.state_at(q.ask_at);
    for (size_t pos = 0; pos < runs.size(); ++pos) {
      REQUIRE(ran[pos] >= 0);
      const Choice& c = q.choices[size_t(ran[pos])];
      const Event& r = ev[runs[pos]];
      CAPTURE(c.label);
      if (c.kind == Choice::Kind::ready) {
        CHECK(c.handle == r.id);
        bool queued = false;
        for (const ReadyChip& x : s.ready) queued |= x.handle == r.id;
        CHECK(queued);
      } else if (c.kind == Choice::Kind::timer) {
        // The timer fired after the question, and its push queued this very handle.
        size_t fire = find([&](const Event& e) { return e.kind == Ev::timer_fire && e.loop == 0 && e.id == c.timer; }, q.ask_at);
        REQUIRE(fire < runs.front());
        size_t push = find([&](const Event& e) { return e.kind == Ev::ready_push && e.loop == 0 && e.id == r.id; }, fire);
        CHECK(push < runs.front());
      } else {
        REQUIRE(c.kind == Choice::Kind::io);
        CHECK(c.task == r.task);
      }
    }
    CHECK(q.answer == ran[0]);
    for (size_t k = 1; k < q.choices.size(); ++k) CHECK(q.choices[k - 1].label <= q.choices[k].label);  // by name
    CHECK(right_order(q, ran));
    CHECK(explain_order(m, q, ran).find("Right: ") == 0);
    std::vector<int> wrong = ran;
    std::swap(wrong[0], wrong[1]);
    CHECK_FALSE(right_order(q, wrong));
    CHECK(explain_order(m, q, wrong).find("Not this time: the loop ran ") == 0);
    CHECK(prompt(m, q).find("In what order?") != std::string::npos);
  }
  return asked;
}

}  // namespace loopscope::test
