// The keyboard shortcuts' one table (gui/shortcuts.hpp) against the real
// window (GLFW under Xvfb): every row's key, pressed through GLFW's callback
// path and the platform's translation, fires the row's action; the help
// overlay lists every row, so the shortcuts shown are the shortcuts handled.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <imgui.h>

#include "gui/window_rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using loopscope::gui::test::WindowRig;

namespace {

// Runs a small program of its own (a copy in /tmp: Save & Run writes it) and
// opens the built-in editor on it, its text box focused.
void open_editor_on_program(WindowRig& r) {
  std::string dir = "/tmp/loopscope-keys-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string file = dir + "/hello.py";
  std::ofstream(file) << "import asyncio\n\nasync def main():\n    print('hello')\n\nasyncio.run(main())\n";
  r.app.start_program(file);
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 100000; ++n) {
    r.frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE_FALSE(r.app.session().live());
  r.app.open_editor();
  // The text box takes the keyboard a frame or two after the window appears.
  for (int n = 0; n < 10 && !ImGui::GetIO().WantTextInput; ++n) r.frame();
  REQUIRE(r.app.editor_open());
}

// Puts the rig where `s` works: the usual view, a predict question open, or the gallery.
void enter_context(std::unique_ptr<WindowRig>& r, const Shortcut& s) {
  auto swallowed = [&] {  // a dialog, a text box, another page or predict mode left open by the last shortcut
    return r->app.dialog_open() || r->app.editor_open() || r->app.gallery_open() || r->app.predict_on() ||
           ImGui::GetIO().WantTextInput;
  };
  if (r && (s.where & kView) && swallowed()) r.reset();
  if (!r) r = std::make_unique<WindowRig>("gather");
  if ((s.where & (kView | kQuestion)) == kQuestion && !r->app.question()) {
    if (r->app.gallery_open()) r->app.act(Action::CloseGallery);
    if (!r->app.predict_on()) r->app.toggle_predict();
    r->app.seek(0);
    if (!r->app.playback().playing) r->app.toggle_play();
    for (int n = 0; !r->app.question() && n < 20000 && !r->app.playback().at_end(); ++n) r->frame();
    REQUIRE(r->app.question());
  }
  if (s.where == kGallery && !r->app.gallery_open()) {
    r->app.open_gallery();
    r->frame();
  }
  if (s.where == kDialog && !r->app.dialog_open()) {
    r.reset();  // one window at a time (one ImGui platform backend)
    r = std::make_unique<WindowRig>("gather");
    r->app.act(Action::Save);  // the Save trace dialog, its file field focused
    r->frame();
    REQUIRE(r->app.dialog_open());
  }
  if (s.where == kEditor && !r->app.editor_open()) {
    r.reset();
    r = std::make_unique<WindowRig>("gather");
    open_editor_on_program(*r);
  }
}

}  // namespace

TEST_CASE("every shortcut in the table fires its action when its key comes through the window's GLFW path") {
  std::unique_ptr<WindowRig> r;
  for (const Shortcut& s : shortcuts()) {
    enter_context(r, s);
    std::string key = key_name(s.key), help = s.help;
    CAPTURE(key);
    CAPTURE(int(s.mods));
    CAPTURE(help);
    r->w->press(s.key, s.mods);
    REQUIRE(r->w->frame(r->app));
    const auto& fired = r->app.fired();
    CHECK(std::any_of(fired.begin(), fired.end(), [&](Fired f) { return f.action == s.action && f.arg == s.arg; }));
    // Exactly these modifiers: Ctrl+R records, it does not also run the scenario again.
    for (Fired f : fired) {
      bool same_chord = false;
      for (const Shortcut& o : shortcuts())
        same_chord |= o.action == f.action && o.arg == f.arg && o.key == s.key && o.mods == s.mods;
      CHECK(same_chord);
    }
    REQUIRE(r->w->frame(r->app));  // the release
    // What a shortcut opens or starts (a dialog, a new run, full screen) is not undone here: a fresh window goes on.
    for (Action opens : {Action::Rerun, Action::Open, Action::Edit, Action::Save, Action::Record, Action::Fullscreen,
                         Action::Presenter})
      if (s.action == opens) r.reset();
  }
}

TEST_CASE("Tab switches the compare focus without focusing a text box that would swallow the next keys") {
  WindowRig r("gather");
  r.w->press(Key::Tab, kNoMods);
  for (int k = 0; k < 3; ++k) r.frame();
  CHECK_FALSE(ImGui::GetIO().WantTextInput);
  bool dark = r.app.appearance().dark;
  r.w->press(Key::T, kNoMods);
  r.frame();
  r.frame();
  CHECK(r.app.appearance().dark != dark);
}

TEST_CASE("the keys do what the table says: T, F7, 2, Space and Right through the window") {
  WindowRig r("gather");
  auto press = [&](Key k, uint8_t mods = kNoMods) {
    r.w->press(k, mods);
    r.frame();
    r.frame();
  };
  bool dark = r.app.appearance().dark;
  press(Key::T);
  CHECK(r.app.appearance().dark != dark);
  press(Key::F7);
  CHECK(r.app.appearance().presenter);
  CHECK(r.app.appearance().show[1]);
  press(Key::D2);
  CHECK_FALSE(r.app.appearance().show[1]);
  if (r.app.playback().playing) press(Key::Space);
  CHECK_FALSE(r.app.playback().playing);
  press(Key::Home);
  CHECK(r.index() == 0);
  press(Key::Right);
  CHECK(r.index() == 1);
  press(Key::Right, kAlt);  // pans the timeline, does not step
  CHECK(r.index() == 1);
  CHECK_FALSE(r.app.timeline().fit);
}

TEST_CASE("every action has a shortcut, and the help overlay lists every row of the table as it is handled") {
  std::set<Action> bound;
  for (const Shortcut& s : shortcuts())
    if (s.listed) bound.insert(s.action);
  for (int a = 0; a < int(Action::Count); ++a) {
    CAPTURE(a);
    CHECK(bound.count(Action(a)));
  }
  for (bool presenter : {false, true}) {
    CAPTURE(presenter);
    WindowRig r("gather");
    if (presenter) {
      Appearance look = r.app.appearance();
      look.presenter = true;
      r.app.set_appearance(look);
      r.frame();
    }
    r.w->press(Key::F1, kNoMods);
    r.frame();
    r.frame();
    REQUIRE(r.app.help_open());
    r.frame();  // the overlay sized to its rows
    auto f = r.capture(presenter ? "shortcuts_help_presenter" : "shortcuts_help");
    const auto& rows = r.app.geometry().help_rows;
    auto all = shortcuts();
    size_t table_rows = 0;
    for (size_t i = 0, next = 0; i < all.size(); i = next) {
      std::string keys = row_keys(i, &next);
      REQUIRE(!keys.empty());
      ++table_rows;
      CAPTURE(keys);
      CHECK(std::count(rows.begin(), rows.end(), std::make_pair(keys, std::string(all[i].help))) == 1);
    }
    CHECK(rows.size() == table_rows + 2);  // and the mouse's wheel and drag
    // The overlay fits the window: nothing listed is cut off.
    const Box& box = r.app.geometry().help;
    CHECK(box.x0 >= 0);
    CHECK(box.y0 >= 0);
    CHECK(box.x1 <= float(f.w));
    CHECK(box.y1 <= float(f.h));
  }
}

TEST_CASE("the labels read as a keyboard says them") {
  CHECK(keys_of(Action::Save) == "Ctrl+S");
  CHECK(keys_of(Action::Step, -1) == "Left");
  CHECK(keys_of(Action::Help) == "F1");
  CHECK(with_keys("Start", Action::Start) == "Start (Home)");
  std::vector<std::string> labels;
  for (size_t i = 0, next = 0; i < shortcuts().size(); i = next) labels.push_back(row_keys(i, &next));
  for (const char* want : {"1 - 6", "1 - 9", "+ / - / 0", "B / Shift+B", "F1 / ?", "Shift+Right / Left", "Space / Enter"}) {
    CAPTURE(want);
    CHECK(std::count(labels.begin(), labels.end(), want) == 1);
  }
}

TEST_CASE("Esc closes each dialog and Ctrl+Enter in the editor's text box saves and runs the program, through the table") {
  WindowRig r("gather");
  // Save trace and Record clip: Esc is Cancel, whether or not the file field has the keyboard.
  for (Action opens : {Action::Save, Action::Record}) {
    CAPTURE(int(opens));
    r.app.act(opens);
    r.frame();
    REQUIRE(r.app.dialog_open());
    r.w->press(Key::Escape, kNoMods);
    r.frame();
    CHECK(r.app.fired(Action::CloseDialog));
    r.frame();
    CHECK_FALSE(r.app.dialog_open());
  }
  // While a dialog is open, the view's keys do nothing: T does not change the theme under it.
  r.app.act(Action::Save);
  r.frame();
  bool dark = r.app.appearance().dark;
  r.w->press(Key::T, kNoMods);
  r.frame();
  r.frame();
  CHECK(r.app.appearance().dark == dark);
  r.w->press(Key::Escape, kNoMods);
  r.frame();
  r.frame();
  CHECK_FALSE(r.app.dialog_open());
  // Open a program: the same Esc.
  r.app.open_program_dialog();
  r.frame();
  REQUIRE(r.app.dialog_open());
  r.w->press(Key::Escape, kNoMods);
  r.frame();
  r.frame();
  CHECK_FALSE(r.app.dialog_open());

  // The editor: its text box has the keyboard, and Ctrl+Enter still saves and runs (a new run).
  open_editor_on_program(r);
  CHECK(ImGui::GetIO().WantTextInput);
  uint64_t gen = r.app.session().generation();
  r.w->press(Key::Enter, kCtrl);
  r.frame();
  CHECK(r.app.fired(Action::SaveAndRun));
  CHECK(r.app.session().generation() != gen);
  for (int n = 0; (r.app.session().live() || r.app.following_live()) && n < 100000; ++n) {
    r.frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // And the help overlay lists both keys under their own headings.
  CHECK(keys_of(Action::CloseDialog) == "Esc");
  CHECK(keys_of(Action::SaveAndRun) == "Ctrl+Enter");
}
