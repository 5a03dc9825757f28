// Checks the claims of the "Why" panel's sentences against the trace they
// narrate. It reads only the events (through the Model, which is built from
// the events alone) and the sentence, so the same walk serves a trace
// recorded from CPython (the recorder) as well as the engine's.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/trace_schema.hpp"
#include "model/model.hpp"

namespace loopscope::test {

struct NarrationProblem {
  size_t event = 0;
  std::string sentence, problem;
};

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The number right before `suffix` in s ("3 more handles" -> 3), or -1.
inline long number_before(const std::string& s, const std::string& suffix) {
  size_t at = s.find(suffix);
  if (at == std::string::npos || at == 0) return -1;
  size_t b = at;
  while (b > 0 && s[b - 1] == ' ') --b;
  size_t e = b;
  while (b > 0 && std::isdigit(static_cast<unsigned char>(s[b - 1]))) --b;
  return b == e ? -1 : std::stol(s.substr(b, e - b));
}

// Every problem found with the sentence of every event.
inline std::vector<NarrationProblem> check_narration(const model::Model& m) {
  std::vector<NarrationProblem> out;
  const std::vector<Event>& ev = m.events();
  auto name_of = [&](int32_t task, uint8_t loop) {
    const model::TaskInfo* t = m.task(task, loop);
    return t ? t->name : std::string();
  };
  // The end of the handle running at event i: the next ready.run or loop.iter of its loop.
  auto handle_end = [&](size_t i, uint8_t loop) {
    size_t j = i + 1;
    while (j < ev.size() && !(ev[j].loop == loop && (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter))) ++j;
    return j;
  };
  // Finished by event i, or later in the handle running at i (CPython
  // schedules a task's done-callbacks before the recorder writes its task.done).
  auto finished_by = [&](const std::string& name, size_t i, uint8_t loop) {
    const size_t end = handle_end(i, loop);
    for (size_t j = 0; j < end; ++j)
      if (ev[j].kind == Ev::task_done && ev[j].loop == loop && name_of(ev[j].task, loop) == name) return true;
    return false;
  };
  // The task whose own step the handle running at event i is (-1: none).
  auto running_task = [&](size_t i, uint8_t loop) -> int32_t {
    for (size_t j = i + 1; j-- > 0;)
      if (ev[j].loop == loop && (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::loop_iter))
        return ev[j].kind == Ev::ready_run && model::runs_task(as<ev::ReadyRun>(ev[j]).fn, ev[j].task) ? ev[j].task : -1;
    return -1;
  };
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    const std::string s = model::narrate(m, i);
    auto bad = [&](const std::string& what) { out.push_back({i, s, what}); };
    // A sentence starts with a name or a capital: never with "a callback" or "an item" in lower case.
    if (s.rfind("a ", 0) == 0 || s.rfind("an ", 0) == 0) bad("starts with a lower-case word");
    // "X has finished": X has a task.done at or before this event.
    for (size_t at = s.find(" has finished"); at != std::string::npos; at = s.find(" has finished", at + 1)) {
      size_t b = s.rfind(' ', at - 1);
      std::string who = s.substr(b == std::string::npos ? 0 : b + 1, at - (b == std::string::npos ? 0 : b + 1));
      bool is_task = false;
      for (const model::TaskInfo& t : m.tasks()) is_task |= t.loop == e.loop && t.name == who;
      if (is_task && !finished_by(who, i, e.loop)) bad("'" + who + " has finished' without task.done");
    }
    // "It runs later in this same iteration" / "in the next iteration": where the pushed handle ran.
    // Not checked: a push from outside the handles (another thread, a signal handler) before this
    // iteration's first run, which can come just after _run_once counted its handles: the trace
    // cannot say which side of that count it fell (the view counts it in, as it usually is).
    const Cause cause = e.kind == Ev::ready_push ? Cause(e.code) : Cause::call_soon;
    const bool after_poll = cause == Cause::timer || cause == Cause::io || cause == Cause::pool;
    const model::Phase phase = e.kind == Ev::ready_push ? m.state_at(i, e.loop).phase : model::Phase::idle;
    const bool in_handles = phase == model::Phase::running || phase == model::Phase::blocked;
    if (e.kind == Ev::ready_push && (after_poll || in_handles)) {
      const bool same = contains(s, "runs later in this same iteration") || contains(s, "runs in this same iteration") ||
                        contains(s, "runs in this iteration");
      const bool next = contains(s, "runs in the next iteration") || contains(s, "It runs in the next iteration");
      const int32_t handle = as<ev::ReadyPush>(e).handle;
      for (size_t j = i + 1; (same || next) && j < ev.size(); ++j)
        if (ev[j].loop == e.loop && (ev[j].kind == Ev::ready_run || ev[j].kind == Ev::ready_cancel) &&
            ev[j].id == handle) {
          if (ev[j].kind == Ev::ready_run && same && ev[j].it != e.it)
            bad("says it runs in this iteration, it ran in iteration " + std::to_string(ev[j].it));
          if (ev[j].kind == Ev::ready_run && next && !same && ev[j].it != e.it + 1)
            bad("says it runs in the next iteration, it ran in iteration " + std::to_string(ev[j].it));
          break;
        }
    }
    // A thread with no event loop (sequential-server's server thread) is told in
    // its own words, with no loop mechanics to count: test_thread_narration checks those.
    if (e.loop == 0 && m.no_event_loop()) continue;
    const model::LoopState st = m.state_at(i, e.loop);
    if (e.kind == Ev::step_end) {
      const AwaitOn on = as<ev::StepEnd>(e).on;
      const std::pair<const char*, AwaitOn> claims[] = {{"queue.get()", AwaitOn::queue_get},
                                                        {"queue.put()", AwaitOn::queue_put},
                                                        {"queue.join()", AwaitOn::queue_join},
                                                        {"asyncio.wait_for", AwaitOn::wait_for},
                                                        {"inside an async with asyncio.timeout()", AwaitOn::timeout}};
      for (auto [phrase, want] : claims)
        if (contains(s, phrase) != (on == want)) bad(std::string("wait reason '") + phrase + "' disagrees with on=" + name(on));
      // Inside an asyncio call of the line (via): that call is named, and its own await is not the line's.
      const char* via = as<ev::StepEnd>(e).via;
      if (via && e.code != uint8_t(Wait::none) && !contains(s, " is inside " + std::string(via) + "()"))
        bad(std::string("via=") + via + " but the sentence does not say the task is inside that call");
      if (!via && contains(s, ", which itself ")) bad("says the task is inside a call, with no via");
      if (via && contains(s, "awaited asyncio.sleep(0)")) bad("tells the call's own sleep(0) as the line's");
    }
    if (e.kind == Ev::loop_poll) {
      const ev::Poll p = as<ev::Poll>(e);
      if (contains(s, "no timer is armed") || contains(s, "no timer armed"))
        if (!st.timers.empty()) bad("says no timer is armed while " + std::to_string(st.timers.size()) + " are");
      long said = number_before(s, "ms: the soonest timer");
      if (said >= 0 && said != p.timeout_ms) bad("timeout said " + std::to_string(said) + " ms, trace " + std::to_string(p.timeout_ms));
      if (p.timeout_ms > 0 && !st.timers.empty()) {
        const int64_t due_in = st.timers.front().due_ns - e.t_ns;
        if (due_in > (int64_t(p.timeout_ms) + 2) * 1'000'000) bad("the poll's timeout is shorter than the soonest timer");
      }
      // Timeout 0 only when a handle is ready or a timer is already due (what
      // the field says, not the wall clock: a busy machine can stall any poll).
      if (p.timeout_ms == 0 && st.ready.empty() && (st.timers.empty() || st.timers.front().due_ns > e.t_ns + 1'000'000))
        bad("a poll with timeout 0 while nothing is ready and no timer is due");
    }
    if (e.kind == Ev::ready_run) {
      const int64_t left = as<ev::ReadyRun>(e).left;
      long said = number_before(s, "more handle");
      if (said < 0 ? left != 0 : said != left) bad("says " + std::to_string(said) + " more handles, left is " + std::to_string(left));
      const long next = number_before(s, contains(s, "handles are already") ? "handles are already" : "handle is already");
      const long queued_next = long(st.ready.size()) - long(left);
      if ((next < 0 ? 0 : next) != std::max(0L, queued_next))
        bad("says " + std::to_string(next) + " queued for the next iteration, the stage has " + std::to_string(queued_next));
    }
    // "_run_until_complete_cb: X is done": X has finished (CPython's shutdown tasks too, not always main).
    if (e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::run_until_complete_cb) {
      const size_t at = s.find(" is done, so it calls loop.stop()");
      const size_t b = s.rfind(": ", at);
      const std::string who = at == std::string::npos || b == std::string::npos ? "" : s.substr(b + 2, at - b - 2);
      // "the gather()": its last child's done-callback completed it (asyncio.run's shutdown).
      const bool gather = who == "the gather()" && std::any_of(ev.begin(), ev.begin() + long(i), [&](const Event& x) {
        return x.kind == Ev::ready_run && as<ev::ReadyRun>(x).fn == HandleFn::gather_done_callback;
      });
      if (!gather && (who.empty() || !finished_by(who, i, e.loop))) bad("_run_until_complete_cb names '" + who + "', which has not finished");
    }
    // A task that finished in this handle and woke the task awaiting it is
    // named as finished, whichever producer wrote the trace (the engine writes
    // task.done before the wakeup's push, CPython's recorder after it).
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::task_wakeup) {
      const int32_t x = running_task(i, e.loop);
      const int32_t k = m.task_index(e.task, e.loop);
      const AwaitOn on = k >= 0 && size_t(k) < st.tasks.size() ? st.tasks[size_t(k)].on : AwaitOn::unset;
      const bool awaits_task = on == AwaitOn::unset || on == AwaitOn::task || on == AwaitOn::wait_for;
      if (x >= 0 && awaits_task && finished_by(name_of(x, e.loop), i, e.loop) &&
          !(k >= 0 && size_t(k) < st.tasks.size() && st.tasks[size_t(k)].cancelling)) {
        // "X has ended cancelled" (the recorder's future_cancelled wakeup) says it as well.
        if (!contains(s, name_of(x, e.loop) + " has finished") && !contains(s, name_of(x, e.loop) + " has ended cancelled"))
          bad("a task that finished here is not said to have finished");
        if (contains(s, "'s step completed the future")) bad("says a step completed the future where the task finished");
      }
    }
    if (e.kind == Ev::loop_iter && contains(s, "nothing ready") && as<ev::Iter>(e).ready != 0) bad("nothing ready, but ready > 0");
    if (contains(s, "epoll") && contains(s, "sockets and timers")) bad("says epoll waits for timers");
    // A handle with no task in the trace (CPython's timer callbacks) is not a task of its own.
    if (contains(s, "a callback's") || contains(s, "cancels a callback") || s.rfind("a callback ", 0) == 0 ||
        contains(s, " for a callback "))
      bad("names 'a callback' as if it were a task");
  }
  return out;
}

}  // namespace loopscope::test
