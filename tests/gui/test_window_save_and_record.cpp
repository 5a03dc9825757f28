// Saving and recording from the real window (GLFW under Xvfb): Ctrl+S and
// Ctrl+R open their dialogs, Enter confirms, the toolbar shows the clip's
// progress and the outcome; the files are real (a trace loopscope view opens,
// an mp4 with every frame) and Cancel leaves nothing behind.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "gui/theme.hpp"
#include "window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
namespace fs = std::filesystem;

namespace {
// A finished gather run in a window, in a fresh working directory (the
// dialogs suggest file names there).
struct Dir {
  fs::path dir, old_cwd = fs::current_path();
  Dir() {
    char tmpl[] = "/tmp/loopscope-export-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    dir = tmpl;
    fs::current_path(dir);
  }
  ~Dir() {
    fs::current_path(old_cwd);
    fs::remove_all(dir);
  }
};
struct Rig : Dir, test::WindowRig {
  Rig() : WindowRig("gather", {"a=0.03", "b=0.01", "c=0.02"}) {
    app.set_program(LOOPSCOPE_BINARY);
    app.toggle_play();  // hold still
  }
  // Frames until the clip job has finished (the child recorder runs on its own).
  void frames_until_clip_ends(int* max_done = nullptr, int* total = nullptr) {
    for (int n = 0; app.clip_job().running() && n < 200000; ++n) {
      REQUIRE(w->frame(app));
      if (max_done) *max_done = std::max(*max_done, app.clip_job().done());
      if (total) *total = std::max(*total, app.clip_job().total());
      ::usleep(2000);
    }
  }
};
}  // namespace

TEST_CASE("Ctrl+S opens the save dialog with a file name, and Enter writes a trace that loopscope view opens") {
  Rig r;
  r.key(GLFW_KEY_S, GLFW_MOD_CONTROL);
  REQUIRE(r.app.dialog_open());
  CHECK(r.app.save_path() == "loopscope-gather.jsonl");
  r.key(GLFW_KEY_ENTER);
  CHECK_FALSE(r.app.dialog_open());
  CHECK_FALSE(r.app.status_is_error());
  CHECK(r.app.status().find("Saved loopscope-gather.jsonl") == 0);
  REQUIRE(fs::exists(r.dir / "loopscope-gather.jsonl"));

  App viewer;
  std::string err = viewer.load((r.dir / "loopscope-gather.jsonl").string());
  CHECK(err == "");
  CHECK(viewer.session().model().size() == r.app.session().model().size());
  // A second save does not overwrite the first.
  r.key(GLFW_KEY_S, GLFW_MOD_CONTROL);
  CHECK(r.app.save_path() == "loopscope-gather-2.jsonl");
  r.key(GLFW_KEY_ESCAPE);
  CHECK_FALSE(r.app.dialog_open());
  CHECK_FALSE(fs::exists(r.dir / "loopscope-gather-2.jsonl"));
}

TEST_CASE("Ctrl+R records the run on screen as a clip, with progress in the toolbar, and says where it is") {
  Rig r;
  r.key(GLFW_KEY_R, GLFW_MOD_CONTROL);
  REQUIRE(r.app.dialog_open());
  CHECK(r.app.clip_request().out == "loopscope-gather.mp4");
  r.capture("record-dialog");
  r.app.clip_request().fps = 10;  // a short clip (the path field keeps its suggestion: Enter takes it)
  r.key(GLFW_KEY_ENTER);
  CHECK_FALSE(r.app.dialog_open());
  REQUIRE_MESSAGE(r.app.clip_job().running(), r.app.status());
  for (int n = 0; r.app.clip_job().done() < 5 && r.app.clip_job().running() && n < 200000; ++n) {
    REQUIRE(r.w->frame(r.app));
    ::usleep(2000);
  }
  // The toolbar's progress bar, in the first task hue, at the top right.
  test::Frame f = r.capture("recording");
  CHECK(f.count(f.w * 0.5f, 0, float(f.w), 90, clip_bar_colour(theme(true)), 30) > 20);
  // The child replays the run's own trace: the same events as on screen.
  const auto argv = r.app.clip_job().argv();
  REQUIRE(argv.size() > 3);
  CHECK(argv[1] == "record");
  CHECK(argv[2].find(".jsonl") != std::string::npos);
  int max_done = 0, total = 0;
  r.frames_until_clip_ends(&max_done, &total);
  CHECK(total > 0);
  CHECK(max_done == total);
  CHECK_FALSE(r.app.status_is_error());
  CHECK(r.app.status() == "Clip written: loopscope-gather.mp4");
  // The video has every frame the progress counted: fps * (title + run + hold).
  REQUIRE(fs::exists(r.dir / "loopscope-gather.mp4"));
  std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                    "-of csv=p=0 loopscope-gather.mp4";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  int frames = 0;
  CHECK(std::fscanf(p, "%d", &frames) == 1);
  ::pclose(p);
  CHECK(frames == total);
  // The temporary trace is gone.
  CHECK_FALSE(fs::exists(argv[2]));
}

TEST_CASE("Cancel stops a clip being recorded and leaves no file under its name") {
  Rig r;
  r.key(GLFW_KEY_R, GLFW_MOD_CONTROL);
  r.app.clip_request().speed = 0.1;  // ten times slower: hundreds of frames
  r.key(GLFW_KEY_ENTER);
  REQUIRE(r.app.clip_job().running());
  for (int n = 0; r.app.clip_job().done() < 3 && r.app.clip_job().running() && n < 200000; ++n) {
    REQUIRE(r.w->frame(r.app));
    ::usleep(2000);
  }
  REQUIRE(r.app.clip_job().running());
  CHECK(r.app.clip_job().eta_s() > 0);
  r.app.clip_job().cancel();  // what the toolbar's Cancel button does
  r.frames_until_clip_ends();
  CHECK(r.app.status().find("cancelled") != std::string::npos);
  CHECK_FALSE(fs::exists(r.dir / "loopscope-gather.mp4"));
  CHECK(fs::is_empty(r.dir));  // no .part either
}
