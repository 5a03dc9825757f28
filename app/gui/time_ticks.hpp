// The ticks of the Timeline's real-time axis: where they go and what they say.
//
// The step is round (1, 2 or 5 x 10^k ns) and the smallest at which each label
// keeps a gap to the next, so a narrow plot (a compare clip's half, about 120
// px for 4 s) still gets "0 s", "2 s", "4 s" instead of one lone label. A
// label is the run time at its tick, in one unit for the whole axis (the unit
// the far end of the view reaches) with the decimals the step needs: "2.020 s",
// "2.021 s" when zoomed to a few milliseconds two seconds in, never "2021 ms"
// or "0.0 s". No ImGui here: the caller measures text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace loopscope::gui {

struct Tick {
  int64_t t;          // axis time (ns), on the clock of `origin`
  std::string label;  // the time since origin at t
};

// `since` ns after the run's start, in the unit the axis reaches (s when
// `reach`, the largest time it shows, is at least 1 s or the step 100 ms; ms
// likewise; then µs, ns), with as many decimals as `step` needs. Exact (integer
// arithmetic): a tick at 2.021 s is never "2.020 s".
std::string tick_label(int64_t since, int64_t step, int64_t reach);

// The ticks in [t0, t1] at every multiple of the step after `origin` (none
// before it: the run starts there). `px_per_ns`: the plot's scale; the step is
// the smallest round one at which the widest label, `width(label)` px, plus
// `gap` px fits between two ticks.
std::vector<Tick> time_ticks(int64_t origin, int64_t t0, int64_t t1, double px_per_ns, float gap,
                             const std::function<float(const std::string&)>& width);

}  // namespace loopscope::gui
