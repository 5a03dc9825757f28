// Saving and recording from the GUI: the run under view as a JSON Lines file
// (the documented trace format), and as a clip.
//
// A clip is made by a child `loopscope record` process fed the run's own
// trace, saved to a temporary file first: the clip shows exactly the run on
// screen (not a new run with other timings), and the recorder's off-screen
// EGL and ImGui contexts never meet the window's (ImGui's current context is
// process-global, so a recorder thread would fight the window for it). The
// child's --progress-lines drive the progress bar; Cancel sends SIGINT, so the
// recorder stops after the current frame and removes its partial output, as
// on Ctrl-C.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "session.hpp"

namespace loopscope::gui {

// Writes the session's events to `path` through OutputFile (core/output_file.hpp).
// Returns "" or a one-line error.
// `bookmarks` (event indexes) are appended as `bookmark` events, after the
// run's own (marks already in a loaded trace are replaced by these).
std::string save_trace(const Session& s, const std::string& path, const std::vector<size_t>& bookmarks = {});

// A name for a new file in the current directory: "loopscope-ID" (+ "-vs-ID2")
// + ext, numbered (-2, -3 ...) so an existing file is never overwritten.
std::string default_output(const Session& s, const Session* compare, const std::string& ext);

// This program's own executable, for the child recorder ("" when unknown).
std::string self_program();

// A clip's length or time left as "m:ss" (the Record dialog, a clip's progress, record's progress line).
std::string clock_text(double s);

// A clip's parts around its playback (app/record, docs/clips.md): the title
// card and the default hold of the last frame, in seconds. Here, under the
// view, because the Record dialog estimates a clip's length (record depends
// on gui, never the reverse).
constexpr double kClipTitleSeconds = 2.5;
constexpr double kClipHoldSeconds = 3.0;

struct ClipRequest {
  std::string out;  // .mp4, .gif, .webm or a directory (PNG frames)
  int fps = 30, w = 1280, h = 720;
  double speed = 1;
  bool captions = false;
  bool dark = true, presenter = false;  // the view's theme and text size
};

class ClipJob {
 public:
  enum class State { idle, running, done, failed, cancelled };
  ClipJob() = default;
  ~ClipJob();  // a running child is cancelled and reaped
  ClipJob(const ClipJob&) = delete;
  ClipJob& operator=(const ClipJob&) = delete;

  // Saves the run(s) to temporary traces and starts `program record ...`.
  // Returns "" or a one-line error (and stays idle).
  std::string start(const std::string& program, const ClipRequest& r, const Session& run, const Session* compare);
  // Reads the child's progress; reaps it when it has exited. Call once a frame.
  void poll();
  // Stops the child (SIGINT: it removes its partial output).
  void cancel();
  // Back to idle after the result was shown.
  void dismiss();

  State state() const { return state_; }
  bool running() const { return state_ == State::running; }
  int done() const { return done_; }
  int total() const { return total_; }
  double fraction() const { return total_ > 0 ? double(done_) / total_ : 0.0; }
  double elapsed_s() const;
  double eta_s() const;  // < 0 until a frame is done
  const std::string& out() const { return out_; }
  // The child's last line: its summary when done, its error when failed.
  const std::string& message() const { return last_line_; }
  const std::vector<std::string>& argv() const { return argv_; }  // for tests and the tooltip

 private:
  void finish(int status);
  void remove_temps();
  pid_t pid_ = -1;
  int fd_ = -1;
  State state_ = State::idle;
  int done_ = 0, total_ = 0;
  std::string out_, buf_, last_line_;
  std::vector<std::string> argv_, temps_;
  std::chrono::steady_clock::time_point start_, end_;
};

}  // namespace loopscope::gui
