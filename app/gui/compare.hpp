// Compare mode's numbers: what a run cost, read from its trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace loopscope::gui {

struct RunSummary {
  int64_t total_ns = 0;    // first event to last
  int64_t blocked_ns = 0;  // loop 0 between block.begin and block.end, summed
  // Server scenarios: each client's reply print, as (the printed text, time since the run's first event).
  std::vector<std::pair<std::string, int64_t>> replies;
};
RunSummary summarize(const model::Model& m);

// The compare summary, one line per run (run 1's, then run 2's), and whether
// it is bad news (the loop was blocked). The GUI's summary strip and a compare
// clip's closing summary both show exactly these lines.
struct SummaryLine {
  std::string text;
  bool warn = false;
};
std::vector<SummaryLine> compare_summary(const model::Model& run1, const model::Model& run2);

}  // namespace loopscope::gui
