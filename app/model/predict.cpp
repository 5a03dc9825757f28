#include "predict.hpp"

namespace loopscope::model {

namespace {
std::string task_name(const Model& m, int32_t task) {
  const TaskInfo* t = task >= 0 ? m.task(task, 0) : nullptr;
  return t ? t->name : std::string();
}

// The ready.push that queued `handle`, searching back from `before`.
size_t push_of(const Model& m, int32_t handle, size_t before) {
  const auto& ev = m.events();
  for (size_t j = before; j-- > 0;)
    if (ev[j].kind == Ev::ready_push && ev[j].loop == 0 && ev[j].id == handle) return j;
  return SIZE_MAX;
}
}  // namespace

std::vector<Question> questions(const Model& m) {
  std::vector<Question> out;
  const auto& ev = m.events();
  uint32_t last_it = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    const Event& e = ev[i];
    if (e.kind != Ev::ready_run || e.loop != 0 || e.it == last_it) continue;
    last_it = e.it;
    Question q = question_for(m, i);
    if (q.choices.size() >= 2) out.push_back(std::move(q));
  }
  return out;
}

std::vector<size_t> decisions(const Model& m) {
  std::vector<size_t> out;
  for (const Question& q : questions(m)) out.push_back(q.answer_at);
  return out;
}

Question question_for(const Model& m, size_t answer_at) {
  const auto& ev = m.events();
  Question q;
  q.answer_at = answer_at;
  const Event& r = ev[answer_at];
  q.it = r.it;
  // Back to the last event of loop 0 before this iteration...
  size_t j = answer_at;
  while (j > 0 && !(ev[j - 1].loop == 0 && ev[j - 1].it < r.it)) --j;
  q.ask_at = j > 0 ? j - 1 : 0;
  // Better: at the iteration's loop.iter, when the last iteration's handle has finished.
  for (size_t k = j; k < answer_at; ++k)
    if (ev[k].loop == 0 && ev[k].kind == Ev::loop_iter) {
      q.ask_at = k;
      break;
    }

  LoopState s = m.state_at(q.ask_at, 0);
  const auto& tasks = m.tasks();
  for (size_t k = 0; k < s.tasks.size() && k < tasks.size(); ++k) {
    TaskState st = s.tasks[k].state;
    if (tasks[k].loop == 0 && st != TaskState::unborn && st != TaskState::done)
      q.choices.push_back({tasks[k].id, tasks[k].name});
  }
  for (const ReadyChip& c : s.ready)
    if (c.task < 0 && c.label) {
      bool dup = false;
      for (const Choice& ch : q.choices) dup |= ch.task < 0 && ch.label == c.label;
      if (!dup) q.choices.push_back({-1, c.label});
    }
  auto is_answer = [&](const Choice& ch) {
    return r.task >= 0 ? ch.task == r.task : ch.task < 0 && r.s1 && ch.label == r.s1;
  };
  for (size_t k = 0; k < q.choices.size(); ++k)
    if (is_answer(q.choices[k])) q.answer = int(k);
  if (q.answer < 0) {  // a handle nobody could see coming (e.g. a task created in this very iteration)
    q.choices.push_back({r.task, r.task >= 0 ? task_name(m, r.task) : std::string(r.s1 ? r.s1 : "a callback")});
    q.answer = int(q.choices.size()) - 1;
  }
  return q;
}

std::string explain(const Model& m, const Question& q, int chosen) {
  const auto& ev = m.events();
  const Event& r = ev[q.answer_at];
  std::string who = q.choices[size_t(q.answer)].label;
  std::string label = r.s1 ? r.s1 : "a handle";
  std::string out;
  if (chosen == q.answer) out = "Right: " + who + ". ";
  else if (chosen >= 0) out = "Not this time: " + who + " runs first, not " + q.choices[size_t(chosen)].label + ". ";
  else out = who + " runs first. ";

  size_t push = push_of(m, r.id, q.answer_at);
  if (push == SIZE_MAX) return out + "The loop ran '" + label + "', the first handle of iteration " + std::to_string(q.it) + ".";
  const Event& p = ev[push];
  std::string name = task_name(m, r.task);
  if (push <= q.ask_at)
    return out + "'" + label + "' was already in the ready queue, queued in iteration " + std::to_string(p.it) +
           ". The loop still polls (without waiting: work is ready) and checks its timers, but anything they "
           "wake joins the back of the queue. Ready handles run first in, first out.";
  switch (Cause(p.code)) {
    case Cause::timer:
      return out + "Nothing was ready, so the loop slept in its poll until the soonest timer was due" +
             (name.empty() ? "" : ": " + name + "'s") + ". The timer's callback ('" + label + "') was queued and runs first.";
    case Cause::io:
      return out + "Nothing was ready, so the loop waited in its poll until the operating system reported I/O" +
             (name.empty() ? "" : " for " + name) + ". Its callback ('" + label + "') was queued and runs first.";
    case Cause::pool:
      return out + "Nothing was ready, so the loop waited in its poll until a thread-pool worker finished a job" +
             (name.empty() ? "" : " of " + name) + ". The completion ('" + label + "') was queued and runs first.";
    default:
      return out + narrate(m, push);
  }
}

}  // namespace loopscope::model
