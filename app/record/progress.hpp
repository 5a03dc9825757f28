// Progress of a clip on stderr: one line, redrawn in place on a terminal
// (frames done / total, a bar, an estimate of the time left); on a pipe or a
// file, a line at each quarter so logs stay short; with `lines` (record
// --progress-lines, what the GUI reads), a line at each percent.
#pragma once

#include <chrono>
#include <string>

namespace loopscope::rec {

class Progress {
 public:
  Progress(std::string what, int total, bool enabled, bool lines = false);
  void update(int done);
  // Ends the line (call before printing anything else on stderr).
  void end();

 private:
  std::string what_;
  int total_ = 0, last_step_ = -1;
  bool enabled_ = false, tty_ = false, open_ = false, lines_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace loopscope::rec
