#include "why.hpp"

#include "model/elide.hpp"

namespace loopscope::model {

Why why_at(const Model& m, size_t i) {
  Why w;
  const auto& ev = m.events();
  if (i >= ev.size()) return w;
  // Loop 0's latest event first, so the panel never says "the loop sleeps in
  // epoll" while the stage shows loop 0 blocked; another loop's event second.
  size_t main_i = i;
  if (ev[i].loop != 0) {
    w.other_loop =
        elide((ev[i].loop == 1 && !m.recorded_under_cpython() ? "On the client loop: "
                                                               : "On loop " + std::to_string(ev[i].loop) + ": ") +
                  narrate(m, i),
              limits::kShownParagraphChars);
    size_t j = i, limit = i > 100000 ? i - 100000 : 0;
    while (j > limit && ev[j].loop != 0) --j;
    main_i = ev[j].loop == 0 ? j : SIZE_MAX;
  }
  // Narration quotes labels and prints from the trace: bounded for drawing (core/limits.hpp).
  if (main_i != SIZE_MAX) w.text = elide(narrate(m, main_i), limits::kShownParagraphChars);
  return w;
}

}  // namespace loopscope::model
