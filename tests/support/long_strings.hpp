// A small trace whose strings are as long as the loader allows where it hurts
// the view: a 12,000-character task name, 20,000-character handle and timer
// labels, and a 64 KiB print (issue 12, item 2). Written with the real writer.
#pragma once

#include <string>
#include <vector>

#include "core/trace_json.hpp"

namespace loopscope::test {

inline std::vector<Event> long_strings_trace(Trace& strings) {
  const char* name = strings.intern(std::string(12000, 'N'));
  const char* label = strings.intern(std::string(20000, 'L'));
  const char* text = strings.intern(std::string(65536, 'P'));
  std::vector<Event> ev;
  auto add = [&](Ev kind, int32_t task = -1) -> Event& {
    Event e;
    e.kind = kind;
    e.seq = ev.size();
    e.t_ns = int64_t(ev.size()) * 1'000'000;
    e.it = 1;
    e.task = task;
    ev.push_back(e);
    return ev.back();
  };
  add(Ev::run_begin).s1 = strings.intern("long-strings");
  ev.back().s2 = strings.intern("{}");
  Event& t = add(Ev::task_new, 0);
  t.s1 = name;
  Event& p = add(Ev::ready_push, 0);
  p.id = 0, p.s1 = label, p.code = uint8_t(Cause::new_);
  Event& cb = add(Ev::ready_push);
  cb.id = 1, cb.s1 = label, cb.code = uint8_t(Cause::call_soon);
  Event& r = add(Ev::ready_run, 0);
  r.id = 0, r.s1 = label, r.num = 1;
  add(Ev::step_begin, 0).line = 1;
  Event& pr = add(Ev::print, 0);
  pr.line = 1, pr.s1 = text;
  Event& tm = add(Ev::timer_arm, 0);
  tm.id = 0, tm.num = 50'000'000, tm.s1 = label;
  Event& se = add(Ev::step_end, 0);
  se.line = 1, se.code = uint8_t(Wait::sleep), se.num = 1000;
  return ev;
}

}  // namespace loopscope::test
