// A user's program in the view, rendered headless: the toolbar's program bar
// (its name, Run again, Edit, re-run on save, how it ended) fits the window in
// presenter mode at 1280x720 and in the light theme, and a program that
// raised shows its traceback at the Console's foot and its failing line in
// the Code panel, with real pixels of the error colour there.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/trace_schema.hpp"
#include "gui/pixels.hpp"
#include "gui/screenshot.hpp"
#include "support/model_prints.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using loopscope::gui::test::Frame;

namespace {
struct ProgramShot {
  std::unique_ptr<Headless> h;
  std::unique_ptr<App> app;
  Frame f;
  ProgramShot(const char* program, Appearance look) {
    std::string err;
    h = Headless::create(1280, 720, err);
    REQUIRE_MESSAGE(h, err);
    look.display_h = 720;
    app = std::make_unique<App>(look);
    REQUIRE(app->init_context());
    app->start_program(program);
    // Frames while it runs, as the window draws them; then the replay starts.
    for (int n = 0; (app->session().live() || app->following_live()) && n < 100000; ++n) {
      h->frame(*app, 0.016f);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE_FALSE(app->session().live());
    app->seek(app->session().model().size() - 1);  // the end: the traceback belongs there
    settle(*h, *app);
    h->frame(*app, 0.1f, &f.rgba);
    f.w = 1280, f.h = 720;
  }
  const Box* control(const std::string& name) const {
    for (const auto& [n, b] : app->geometry().toolbar)
      if (n == name) return &b;
    return nullptr;
  }
  void save(const char* name) const {
    if (const char* d = std::getenv("LOOPSCOPE_SHOTS")) write_png(std::string(d) + "/" + name + ".png", f.w, f.h, f.rgba);
  }
};
}  // namespace

TEST_CASE("a program that raised: the program bar fits in presenter mode, the failing line and the traceback are on screen") {
  for (bool dark : {true, false}) {
    for (bool presenter : {false, true}) {
      CAPTURE(dark);
      CAPTURE(presenter);
      Appearance look;
      look.dark = dark, look.presenter = presenter;
      ProgramShot s(LOOPSCOPE_SOURCE_DIR "/tests/programs/bad/raises.py", look);
      std::string name = std::string("program-raises-") + (dark ? "dark" : "light") + (presenter ? "-presenter" : "");
      s.save(name.c_str());
      CHECK(s.app->session().exit_status() == 1);
      for (const char* c : {"Open", "program", "Run", "Edit", "re-run on save", "exit"}) {
        CAPTURE(c);
        const Box* b = s.control(c);
        REQUIRE(b);
        CHECK(b->x0 >= 0);
        CHECK(b->x1 <= 1280);
        CHECK(b->y1 <= s.app->geometry().stage.y0);  // the toolbar, above the panels
      }
      // Both tasks failed in raises.py: main's ValueError at line 10, lost()'s KeyError at line 5.
      REQUIRE(s.app->failures().size() == 2);
      CHECK(s.app->failures()[0].line == 5);
      CHECK(s.app->failures()[1].line == 10);
      CHECK(s.app->failures()[1].what.find("ValueError('main failed')") != std::string::npos);
      // The failing line is drawn, with the error colour on its row.
      const Theme& th = s.app->theme();
      bool drawn = false;
      for (const auto& row : s.app->geometry().code_rows) {
        if (row.line != 10 || row.comment) continue;
        drawn = true;
        CHECK(s.f.count(s.app->geometry().code.x0, row.y0, s.app->geometry().code.x1, row.y1, th.error) > 100);
      }
      CHECK(drawn);
      CHECK(s.app->session().program_stderr().find("ValueError: main failed") != std::string::npos);
    }
  }
}

TEST_CASE("saving the program runs it again: in another editor (re-run on save) and in the built-in one (Save & Run)") {
  std::string dir = "/tmp/loopscope-edit-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string file = dir + "/hello.py";
  std::ofstream(file) << "import asyncio\n\nasync def main():\n    print('first version')\n\nasyncio.run(main())\n";
  Appearance look;
  ProgramShot s(file.c_str(), look);
  auto printed = [&](const char* text) { return loopscope::test::printed(s.app->session().model(), text); };
  auto run_until_done = [&] {
    for (int n = 0; (s.app->session().live() || s.app->following_live()) && n < 100000; ++n) {
      s.h->frame(*s.app, 0.016f);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };
  CHECK(printed("first version"));
  REQUIRE(s.app->watching());
  uint64_t gen = s.app->session().generation();

  // Another editor saves the file (a new mtime): within the next checks (twice a second) it runs again.
  std::ofstream(file) << "import asyncio\n\nasync def main():\n    print('second version')\n\nasyncio.run(main())\n";
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  for (int n = 0; s.app->session().generation() == gen && n < 200; ++n) s.h->frame(*s.app, 0.1f);
  CHECK(s.app->session().generation() != gen);
  run_until_done();
  CHECK(printed("second version"));

  // The built-in editor: it opens on the file's text; Save & Run writes it and runs it.
  s.app->open_editor();
  REQUIRE(s.app->editor_open());
  CHECK(s.app->editor_text().find("second version") != std::string::npos);
  s.h->frame(*s.app, 0.1f, &s.f.rgba);
  s.save("program-editor");
  std::string& text = s.app->editor_text();
  text.replace(text.find("second version"), 14, "third version");
  gen = s.app->session().generation();
  CHECK(s.app->save_and_run() == "");
  CHECK(s.app->session().generation() != gen);
  run_until_done();
  CHECK(printed("third version"));
  std::ifstream in(file);
  std::string saved((std::istreambuf_iterator<char>(in)), {});
  CHECK(saved.find("third version") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a failure in another file than the one shown brings its tab forward, and marks the tab when the user picks another") {
  Appearance look;
  // helper.broken raises in helper.py while main goes on in main.py.
  ProgramShot s(LOOPSCOPE_SOURCE_DIR "/tests/programs/two_files_fail/main.py", look);
  s.save("program-failure-other-file");
  REQUIRE(s.app->failures().size() == 1);
  const auto& fail = s.app->failures()[0];
  CHECK(fail.file == "helper.py");
  CHECK(fail.line == 9);
  const Theme& th = s.app->theme();
  auto red_line_drawn = [&] {
    for (const auto& row : s.app->geometry().code_rows)
      if (row.line == 9 && !row.comment)
        return s.f.count(s.app->geometry().code.x0, row.y0, s.app->geometry().code.x1, row.y1, th.error) > 100;
    return false;
  };
  auto frame = [&] {
    s.h->frame(*s.app, 0.1f, &s.f.rgba);
    s.h->frame(*s.app, 0.1f, &s.f.rgba);
  };
  // At the end main is the file that ran last; the failure's file is shown, with its red line.
  CHECK(s.app->code_file() == "helper.py");
  CHECK(red_line_drawn());

  // The user had picked main.py before the failure: it appears, and its tab comes forward.
  s.app->seek(0);
  frame();
  s.app->set_code_file("main.py");
  frame();
  CHECK(s.app->code_file() == "main.py");
  s.app->seek(s.app->session().model().size() - 1);
  frame();
  CHECK(s.app->code_file() == "helper.py");
  CHECK(red_line_drawn());

  // The user picks main.py again: it stays, and helper.py's tab is marked in the error colour.
  s.app->set_code_file("main.py");
  frame();
  CHECK(s.app->code_file() == "main.py");
  s.save("program-failure-other-file-badge");
  const Box* tab = s.control("tab helper.py");
  REQUIRE(tab);
  CHECK(s.f.count(int(tab->x0), int(tab->y0), int(tab->x1), int(tab->y1), th.error) > 10);
  const Box* shown = s.control("tab main.py");
  REQUIRE(shown);
  CHECK(s.f.count(int(shown->x0), int(shown->y0), int(shown->x1), int(shown->y1), th.error) == 0);
}
