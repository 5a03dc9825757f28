// The toolbar's open server mode controls (concurrent-server only; `--listen`
// on the command line): the toggle, the port and how long to listen, and the
// clock of a server that listens, for its "s left".
#pragma once

#include <chrono>

namespace loopscope::gui {

class OpenServerControls {
 public:
  bool on = false;
  int port = 8000;     // 0: any free port
  float duration = 60;  // seconds

  // A server starts listening with these settings: the controls show them.
  void started(int p, double seconds);
  double seconds_left(double seconds) const;  // of a server started `seconds` long
  // The toggle, then the port and the duration while it is on; disabled while a run is live.
  void draw(float px, bool live);

 private:
  std::chrono::steady_clock::time_point started_;
};

}  // namespace loopscope::gui
