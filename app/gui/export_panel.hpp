// The toolbar's Save trace / Record clip controls, their dialogs, the clip's
// progress and the toolbar's status line (export.hpp does the work). The panel
// reads the runs under view; saving writes a file and recording starts a
// ClipJob, neither of which moves the playhead, so it asks the App for nothing.
#pragma once

#include <string>
#include <utility>

#include "export.hpp"
#include "run_view.hpp"
#include "theme.hpp"

namespace loopscope::gui {

// The fill of the toolbar's clip progress bar.
ImU32 clip_bar_colour(const Theme& th);

class ExportPanel {
 public:
  // What the panel reads this frame: run 1, compare mode's run (null when
  // off), the theme and the toolbar's text size.
  struct View {
    const RunView& run1;
    const RunView* run2;
    const Theme& th;
    bool dark, presenter;
    float px;
  };

  // Save: a run that has events and is not live. Record: the same, and no clip running.
  void open_save(const View& v);
  void open_record(const View& v);
  bool dialog_open() const { return save_open_ || record_open_; }
  std::string& save_path() { return save_path_; }
  ClipRequest& clip_request() { return req_; }
  // Saves run 1 to save_path(); records clip_request(). Both report through status().
  void save_now(const View& v);
  void record_now(const View& v);
  ClipJob& clip_job() { return clip_; }
  const ClipJob& clip_job() const { return clip_; }

  // The last save / record outcome (or another toolbar message), "" when none.
  const std::string& status() const { return status_; }
  bool status_is_error() const { return error_; }
  void set_status(std::string text, bool error);
  // The loopscope executable that records clips (default: this process's own).
  void set_program(std::string path) { program_ = std::move(path); }

  // A clip's progress or a status line is shown in the toolbar (not the buttons).
  bool busy() const { return clip_.running() || !status_.empty(); }
  // Something changes on screen without input: a clip records, a status line times out.
  bool animating() const { return clip_.running() || (!status_.empty() && !error_); }
  float controls_width(float px) const;
  // The right end of the toolbar: Save / Record, or the clip's progress, or the status.
  void draw_controls(const View& v);
  // The open dialog; `close` is the Esc key's CloseDialog this frame.
  void draw_dialogs(const View& v, bool close);

 private:
  ClipJob clip_;
  ClipRequest req_;
  std::string program_ = self_program(), save_path_, status_;
  bool error_ = false, save_open_ = false, record_open_ = false;
  double status_age_ = 0;  // wall seconds the status has been shown
  double story_s_ = 0;     // the record dialog's run length in story seconds
};

}  // namespace loopscope::gui
