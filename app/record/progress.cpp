#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "gui/export.hpp"

namespace loopscope::rec {

using gui::clock_text;

Progress::Progress(std::string what, int total, bool enabled, bool lines)
    : what_(std::move(what)), total_(total), enabled_(enabled), tty_(!lines && ::isatty(2) == 1), lines_(lines) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::update(int done) {
  if (!enabled_ || total_ <= 0) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  // Wall time is only the estimate's business: it never reaches a frame.
  std::string left = done > 0 ? clock_text(elapsed / done * (total_ - done)) + " left" : "";
  if (tty_) {
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kBar = 28;
    int fill = int(double(kBar) * done / total_);
    std::string bar(size_t(fill), '#');
    bar.append(size_t(kBar - fill), '-');
    std::fprintf(stderr, "\r%s [%s] %d/%d frames  %s\033[K", what_.c_str(), bar.c_str(), done, total_,
                 left.c_str());
    open_ = true;
  } else {
    int steps = lines_ ? 100 : 4;
    int step = done * steps / total_;
    if (step == last_step_) return;
    last_step_ = step;
    std::fprintf(stderr, "%s %d/%d frames  %s\n", what_.c_str(), done, total_, left.c_str());
  }
  std::fflush(stderr);
}

void Progress::end() {
  if (open_) std::fputc('\n', stderr);
  open_ = false;
}

}  // namespace loopscope::rec
