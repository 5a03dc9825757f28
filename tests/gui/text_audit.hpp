// The lecture-hall checks of one drawn frame, read from ImGui's draw data
// (draw_audit.hpp): no text under the floor, no glyph cut by its panel, and no
// "…" where the view promises text whole. The window's matrix
// (gui/test_lecture_hall) and the clip matrix (record/matrix.hpp) both use it.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gui/app.hpp"
#include "gui/draw_audit.hpp"

namespace loopscope::gui::test {

struct TextFindings {
  std::vector<std::string> small, cut, elided;
};

// Where a "…" is a finding: a stage chip takes a shorter form instead; a
// Console row and a code row wrap (a lane label or a header may elide).
struct WholeIn {
  bool stage = true, console = false, code = false;
};

// `floor_px`: the smallest text allowed (0: not checked, as at the desk).
inline void audit_text(const App& app, float floor_px, const std::string& where, TextFindings& f, WholeIn whole) {
  const Geometry& g = app.geometry();
  auto in = [](const Box& b, const DrawnGlyph& d) {
    return b.x1 > b.x0 && d.x0 >= b.x0 - 0.5f && d.x1 <= b.x1 + 0.5f && d.y0 >= b.y0 - 0.5f && d.y1 <= b.y1 + 0.5f;
  };
  // At the desk a code row may scroll sideways on purpose (with its scroll bar): its glyphs are not
  // checked for cuts there. In presenter mode the listing reads whole (it shrinks, then wraps).
  const float code_body_y = g.code_rows.empty() || app.appearance().presenter ? 1e9f : g.code_rows.front().y0;
  for (const DrawnGlyph& d : drawn_glyphs()) {
    char at[96];
    std::snprintf(at, sizeof at, " at (%.0f, %.0f), U+%04X", d.x0, d.y0, d.codepoint);
    if (!d.cut && d.px < floor_px - 0.5f)
      f.small.push_back(where + ": " + std::to_string(d.px) + " px < " + std::to_string(floor_px) + at);
    const bool in_code_body = d.x0 >= g.code.x0 && d.x1 <= g.code.x1 && d.y0 >= code_body_y - 1 && d.y1 <= g.code.y1;
    if (d.cut && !in_code_body) f.cut.push_back(where + ": text cut" + at);
    if (d.codepoint != 0x2026) continue;
    const bool stage = whole.stage && in(g.stage, d), console = whole.console && in(g.console, d),
               code = whole.code && in(g.code, d);
    if (!stage && !console && !code) continue;
    // The Console's last resort: a print taller than the whole panel at the floor face ends in "…".
    if (console && floor_px > 0 && d.px <= floor_px + 0.5f) continue;
    // A trailing comment takes two rows at most, then ends in "…" (the code keeps the panel's rows): by design.
    if (code && std::any_of(g.code_rows.begin(), g.code_rows.end(), [&](const Geometry::CodeRow& r) {
          return r.comment && d.y0 >= r.y0 - 1 && d.y1 <= r.y1 + 1;
        }))
      continue;
    std::string what;
    auto elided = [&](const std::string& s) { return s.find("\xe2\x80\xa6") != std::string::npos ? " '" + s + "'" : ""; };
    if (stage)
      for (const std::string& c : g.stage_chips) what += elided(c);
    if (console)
      for (const std::string& r : g.console_rows) what += elided(r);
    if (code)
      for (const auto& r : g.code_rows) what += elided(r.text);
    const char* panel = stage ? "the stage" : console ? "the Console" : "the Code panel";
    f.elided.push_back(where + ": '\xe2\x80\xa6' in " + panel + at + what);
  }
}

// The first 12 findings as test messages (LOOPSCOPE_MATRIX_ALL=1: all of them on stderr).
inline void report(const char* what, const std::vector<std::string>& v) {
  if (!v.empty()) MESSAGE(std::string(what) << ": " << v.size() << " in all, the first 12:");
  if (std::getenv("LOOPSCOPE_MATRIX_ALL"))
    for (const std::string& l : v) std::fprintf(stderr, "%s: %s\n", what, l.c_str());
  for (size_t k = 0; k < v.size() && k < 12; ++k) {
    std::string line = std::string(what) + ": " + v[k];
    MESSAGE(line);
  }
}

}  // namespace loopscope::gui::test
