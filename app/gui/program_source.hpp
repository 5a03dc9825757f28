// Your own program's source, around the run under view: the built-in editor
// (Save & Run), the file watch (saved in another editor, it runs again), the
// toolbar's program bar (its name, Stop / Run again, Edit) and the Code
// panel's file tabs with their failure marks. It reads the run (a RunView:
// its program files and failures are scanned there) and returns commands
// (command.hpp); App::apply starts and stops runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "command.hpp"
#include "run_view.hpp"
#include "theme.hpp"

namespace loopscope::gui {

class ProgramSource {
 public:
  // A program run started (from here, the Open dialog, a drop or the command
  // line): the watch follows its file, the tabs follow its running task again.
  void started(const std::string& file, const std::vector<std::string>& args, int64_t mtime_ns);
  // The program under view again, with the arguments it had.
  Commands rerun(const RunView& run) const;

  // Re-run on save: the file's mtime, checked twice a second (dt: wall seconds since the last frame).
  Commands watch(const RunView& run, float dt);
  bool watching() const { return watch_.on; }
  void set_watching(bool on) { watch_.on = on; }

  // The built-in editor (toolbar "Edit", Ctrl+E) on the program's file.
  void open_editor(const RunView& run);
  bool editor_open() const { return editor_.open; }
  std::string& editor_text() { return editor_.text; }
  // Writes the file and runs it again; on a failure editor_error() says why and nothing runs.
  Commands save_and_run();
  const std::string& editor_error() const { return editor_.error; }
  Commands draw_editor(const Fonts& fonts, const Theme& th, float px);

  // The toolbar while a .py is under view. `note` records each control drawn (Geometry::toolbar).
  Commands draw_bar(const RunView& run, const Fonts& fonts, const Theme& th, float px,
                    const std::function<void(const std::string&)>& note);

  // The Code panel's file: the running task's, a new failure's, or the tab the user picked.
  const std::string& code_file() const { return code_file_; }
  void set_code_file(const std::string& f) { code_file_ = f, pinned_ = true; }
  // The Code panel's file tabs (a program's files that have a task in them)
  // for run 1 with the loop's state `cur` at its playhead.
  void draw_tabs(RunView& run, const model::LoopState& cur, const Theme& th, float px,
                 const std::function<void(const std::string&)>& note);

 private:
  std::vector<std::string> args_;  // the program's arguments, for a re-run
  std::string code_file_;
  bool pinned_ = false;  // the user (or a failure) picked the tab
  struct {
    bool on = true;
    std::string path;
    int64_t mtime_ns = 0;
    double age = 0;
  } watch_;
  struct {
    bool open = false, focus = false;
    std::string text, path, error;
  } editor_;
};

// A file's modification time in ns (0: not a regular file).
int64_t file_mtime_ns(const std::string& path);

}  // namespace loopscope::gui
