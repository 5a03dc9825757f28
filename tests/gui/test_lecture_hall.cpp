// The lecture-hall matrix: every scenario, at the desk and in presenter mode,
// alone and compared with its natural partner, at 1280x720 and 1920x1080, at
// three playhead times. Each frame is checked from ImGui's draw data (what was
// really drawn): in presenter mode no text under 1/36 of the window's height,
// no text cut by its panel, and every toolbar control on screen (or in the
// toolbar's "More..." menu). Runs are recorded once and replayed from saved
// traces, so the matrix costs frames, not runs.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/trace_json.hpp"
#include "gui/text_audit.hpp"
#include "gui/screenshot.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {

// Short parameters where the defaults take seconds (the layout does not depend on them).
std::vector<std::string> quick_sets(const std::string& id) {
  if (id == "sequential-server" || id == "concurrent-server") return {"work=0.05"};
  return {};
}

// The compare partner a teacher would pick (else the run beside itself).
std::string partner_of(const std::string& id) {
  static const std::map<std::string, std::string> pairs = {
      {"sequential-server", "concurrent-server"}, {"concurrent-server", "sequential-server"},
      {"gather-errors", "taskgroup-cancel"},      {"taskgroup-cancel", "gather-errors"},
      {"gather", "create-task"},                  {"create-task", "gather"}};
  auto it = pairs.find(id);
  return it == pairs.end() ? id : it->second;
}

struct Traces {
  std::filesystem::path dir;
  std::map<std::string, std::string> path;  // scenario id -> saved trace
  Traces() {
    dir = std::filesystem::temp_directory_path() / ("loopscope-matrix-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string err;
    auto h = Headless::create(640, 360, err);
    REQUIRE_MESSAGE(h, err);
    for (const Scenario& s : scenarios()) {
      App app;
      REQUIRE(app.init_context());
      REQUIRE(run_to_end(*h, app, s, s.resolve(quick_sets(s.id))) == "");
      std::string p = (dir / (s.id + ".jsonl")).string();
      REQUIRE(save_jsonl(p, app.session().model().events()) == "");
      path[s.id] = p;
    }
  }
  ~Traces() { std::filesystem::remove_all(dir); }
};

struct Findings : test::TextFindings {
  std::vector<std::string> toolbar;
};

// Runs recorded once for both cases.
Traces& saved_traces() {
  static Traces t;
  return t;
}

// `stage`: the frame draws the stage (the window's compare mode shows two timelines instead).
void audit(const App& app, int w, int h, const std::string& where, Findings& f, bool toolbar = true, bool stage = true) {
  const Geometry& g = app.geometry();
  test::audit_text(app, app.appearance().presenter ? app.appearance().floor_px() : 0, where, f, {.stage = stage});
  if (!toolbar) return;
  std::set<std::string> seen;
  for (const auto& [name, b] : g.toolbar) {
    seen.insert(name);
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > float(w) + 0.5f || b.y1 > float(h) + 0.5f || b.x1 <= b.x0)
      f.toolbar.push_back(where + ": toolbar control '" + name + "' off screen");
  }
  for (const char* need : {"Scenarios", "scenario", "Run", "Compare", "|<", "<", ">", ">|", "speed", "Predict",
                           "Save trace", "Record clip", "?"})
    if (!seen.count(need)) f.toolbar.push_back(where + ": toolbar control '" + std::string(need) + "' missing");
  if (!seen.count("Play") && !seen.count("Pause")) f.toolbar.push_back(where + ": toolbar control 'Play' missing");
}

using test::report;

}  // namespace

TEST_CASE("every scenario reads on a projector: presenter and desk, alone and compared, 720p and 1080p, three times" *
          doctest::timeout(600)) {
  Traces& traces = saved_traces();
  Findings f;
  int frames = 0;
  for (auto [w, h] : {std::pair{1280, 720}, std::pair{1920, 1080}}) {
    std::string err;
    auto hl = Headless::create(w, h, err);
    REQUIRE_MESSAGE(hl, err);
    for (const Scenario& s : scenarios()) {
      App app;
      REQUIRE(app.init_context());
      REQUIRE(app.load(traces.path[s.id]) == "");
      for (bool presenter : {false, true}) {
        Appearance look = app.appearance();
        look.presenter = presenter;
        app.set_appearance(look);
        for (bool compare : {false, true}) {
          if (compare) REQUIRE(app.load_compare(traces.path[partner_of(s.id)]) == "");
          else app.stop_compare();
          const model::Model& m = app.session().model();
          for (double at : {0.1, 0.5, 0.9}) {
            app.seek_time(m.begin_ns() + int64_t(double(m.end_ns() - m.begin_ns()) * at));
            settle(*hl, app);
            char where[160];
            std::snprintf(where, sizeof where, "%s%s%s %dx%d at %.0f%%", s.id.c_str(), presenter ? " presenter" : "",
                          compare ? (" vs " + partner_of(s.id)).c_str() : "", w, h, at * 100);
            audit(app, w, h, where, f, true, !compare);
            ++frames;
          }
        }
      }
    }
  }
  MESSAGE(frames << " frames checked");
  report("small text", f.small);
  report("cut text", f.cut);
  report("elided on the stage", f.elided);
  report("toolbar", f.toolbar);
  CHECK(f.small.empty());
  CHECK(f.toolbar.empty());
  CHECK(f.cut.empty());
  CHECK(f.elided.empty());
}

// A compare clip draws each run as a view of its own at half the frame's width
// (640x720), under the clip's header instead of the toolbar; with captions its
// Why panel gives way to the caption band (app/record/recorder.cpp). The same
// checks: no text under the floor, none cut.
TEST_CASE("each half of a presenter compare clip reads on a projector at 640x720, with and without captions" *
          doctest::timeout(600)) {
  Traces& traces = saved_traces();
  Findings f;
  std::string err;
  auto hl = Headless::create(640, 720, err);
  REQUIRE_MESSAGE(hl, err);
  int frames = 0;
  for (const Scenario& s : scenarios()) {
    Appearance look;
    look.presenter = true;
    look.display_h = 720;
    App app(look);
    REQUIRE(app.init_context());
    REQUIRE(app.load(traces.path[s.id]) == "");
    for (bool captions : {false, true}) {
      // Under the clip header's two lines at a half's width (a bold line 1.3x the
      // text, a text line, 12 px and an item spacing); with captions, above the
      // tallest caption band the recorder makes (5 rows of the view's text). The
      // text follows the frame's height, band or not (app/record/overlay.cpp).
      const float px = look.font_px(), band = captions ? std::floor(5 * px * 1.15f + 2 * 1.3f * px * 0.6f) : 0;
      hl->set_area({{0, std::floor(2.3f * px + 12 + px * 7 / 18), 640, 720 - band}, false, 0});
      Appearance a = app.appearance();
      a.show[3] = !captions;
      app.set_appearance(a);
      const model::Model& m = app.session().model();
      for (double at : {0.1, 0.5, 0.9}) {
        app.seek_time(m.begin_ns() + int64_t(double(m.end_ns() - m.begin_ns()) * at));
        settle(*hl, app);
        char where[160];
        std::snprintf(where, sizeof where, "%s clip half%s at %.0f%%", s.id.c_str(), captions ? " (captions)" : "", at * 100);
        audit(app, 640, 720, where, f, false);
        ++frames;
      }
    }
  }
  MESSAGE(frames << " frames checked");
  report("small text", f.small);
  report("cut text", f.cut);
  report("elided on the stage", f.elided);
  CHECK(f.small.empty());
  CHECK(f.cut.empty());
  CHECK(f.elided.empty());
}
