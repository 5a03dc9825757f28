// Compare mode's numbers: what a run cost, read from its trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace loopscope::gui {

// Every number comes from event fields (times, task.new parents, task.done
// outcomes, task.cancel), never from what the program printed, so it holds for
// any pair of runs, the engine's or CPython's.
struct RunSummary {
  int64_t total_ns = 0;    // first event to last
  int64_t blocked_ns = 0;  // loop 0 between block.begin and block.end, summed
  // Server scenarios: how long each client (a task of the client loop, 1, that
  // its main created) took from its creation to its end, in creation order.
  std::vector<int64_t> clients;
  // Tasks of loop 0 that ended with an error, and their siblings (same
  // parent) that ended cancelled: what gather leaves running and TaskGroup cancels.
  int failed = 0;
  int siblings_cancelled = 0;
};
RunSummary summarize(const model::Model& m);
// The summary strip's lines: one per run, then the comparison ("siblings
// cancelled: 0 against 2") where both runs have a failed task. Shared with
// the clip overlay.
std::vector<std::string> summary_lines(const RunSummary& a, const RunSummary& b);

// The compare summary, one line per run (run 1's, then run 2's), and whether
// it is bad news (the loop was blocked). The GUI's summary strip and a compare
// clip's closing summary both show exactly these lines.
struct SummaryLine {
  std::string text;
  bool warn = false;
};
std::vector<SummaryLine> compare_summary(const model::Model& run1, const model::Model& run2);

}  // namespace loopscope::gui
