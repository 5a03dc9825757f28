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

}  // namespace loopscope::gui
