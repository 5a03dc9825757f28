// Colours and type. Both themes must read on a washed-out projector, so they
// keep strong text contrast and use calm surfaces; task hues come from the
// Okabe-Ito palette (colour-blind safe), one hue per task, shared by its lane,
// its stage chips and its code cursor. State is shown by form too, never by
// hue alone.
#pragma once

#include <functional>

#include <imgui.h>

namespace loopscope::gui {

struct Theme {
  bool dark = true;
  ImU32 bg, panel, panel_border, text, text_dim, text_faint, grid, lane_alt;
  ImU32 loop_run, loop_poll;  // the loop lane: running handles / polling
  ImU32 blocked, blocked_text, error, cancelled, done, playhead, highlight, arrow, chip_text;
  ImU32 callback;  // chips of plain callbacks (no task)
  ImU32 task(int color) const;        // solid hue: running
  ImU32 task_light(int color) const;  // the hue mixed toward the background: ready
  ImU32 task_ink(int color) const;    // the hue dark/light enough to read as text on the background
};

const Theme& theme(bool dark);
ImU32 mix(ImU32 a, ImU32 b, float t);  // a*(1-t) + b*t, alpha kept from a

// The ImGui style for a theme at a font size (spacing scales with the font).
void apply_style(bool dark, float font_px);

struct Fonts {
  ImFont* ui = nullptr;    // DejaVu Sans
  ImFont* mono = nullptr;  // DejaVu Sans Mono: code
  ImFont* mono_small = nullptr;  // the same, baked smaller (never under 16 px) for listings too wide for `mono`
  float mono_small_px = 16;
  // Smaller still, at the presenter floor (1/36 of the height: 0.78 of a presenter's `px`; never under 16 px):
  // the last size a listing shrinks to before its rows wrap, in presenter mode and clips.
  ImFont* mono_floor = nullptr;
  float mono_floor_px = 16;
  ImFont* big = nullptr;   // DejaVu Sans, larger: the Why panel, banners
  ImFont* bold = nullptr;  // DejaVu Sans Bold: headings, chips
  float px = 18;
};
// Rebuilds the current context's font atlas at `px`. Returns false when the
// TrueType files are missing (the caller reports it; we never fall back to the
// built-in bitmap font silently).
// `extra` adds more faces (a client's sizes) before the one atlas build.
bool load_fonts(Fonts& out, float px, const std::function<bool()>& extra = {});

}  // namespace loopscope::gui
