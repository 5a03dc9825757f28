// Test support: did a run's print reach the view's model? (The GUI tests that
// run a program live poll for it.)
#pragma once

#include <string_view>

#include "model/model.hpp"

namespace loopscope::test {

// True when a print event's text is `text`, or starts with it when `prefix`.
// A model that has seen no event yet has no events list: false.
inline bool printed(const model::Model& m, std::string_view text, bool prefix = false) {
  if (m.size() == 0) return false;
  for (const Event& e : m.events()) {
    if (e.kind != Ev::print || !e.s1) continue;
    std::string_view s(e.s1);
    if (prefix ? s.starts_with(text) : s == text) return true;
  }
  return false;
}

}  // namespace loopscope::test
