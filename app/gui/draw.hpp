// Small drawing helpers shared by the panels: panel frames, chips, hatching,
// text that picks a readable ink for its background.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

#include "model/model.hpp"
#include "model/elide.hpp"
#include "theme.hpp"

namespace loopscope::gui {

// A bordered child window with a heading; returns the content origin. Always pair with end_panel().
void begin_panel(const char* id, const char* title, const ImVec2& size, const Fonts& f, const Theme& th,
                 ImGuiWindowFlags flags = 0);
void end_panel();
// The current window's rectangle (call between begin_panel and end_panel).
void window_box(float& x0, float& y0, float& x1, float& y1);

// Black or white, whichever reads better on `bg`.
ImU32 ink_on(ImU32 bg);
// Diagonal stripes clipped to a rectangle (blocked loop, ready segments).
void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing, float thickness);
// The second cue of a task whose palette index repeats a hue (index >=
// model::kTaskHues): dots, bars or a grid over its fill, so two live tasks
// never look alike. Draws nothing for the first kTaskHues tasks.
void task_pattern(ImDrawList* dl, ImVec2 a, ImVec2 b, int color, ImU32 fill, float px);
// A chip's patterned tab at its left end, for tasks that repeat a hue (text
// never sits on the pattern). Returns where the chip's text area starts (a.x
// when no tab is drawn); task_tab_w() is the room it takes, for layouts.
float task_tab(ImDrawList* dl, ImVec2 a, ImVec2 b, int color, ImU32 fill, float px);
inline float task_tab_w(int color, float chip_h) { return color >= model::kTaskHues ? chip_h * 0.9f : 0.0f; }
// Text centred in a box, clipped to it.
void text_centered(ImDrawList* dl, ImFont* font, float px, ImVec2 a, ImVec2 b, ImU32 col, const char* text);
// "1.25 s", "340 ms", "12 µs": durations as a teacher would say them.
std::string format_duration(int64_t ns);
// The playhead's time since the run's start, as the toolbar and a clip's
// header say it: "1.3 ms" under a second, "2.014 s" from there (the unit picked
// after rounding: never "1000.0 ms").
std::string format_clock(int64_t ns);
float ease_in_out(float t);
// `text` shortened to end in an ellipsis so it is at most `max_w` wide at `px`
// (whole UTF-8 characters): a text that does not fit is elided, never cut mid-letter.
std::string elide(ImFont* font, float px, const std::string& text, float max_w);
// Wrapping for prose and prints: the row that starts at `p` ends at the last
// space (or after a ',' or ';') that fits in `max_w`; a '.' or '_' inside a
// word ("asyncio.sleep", "3.0 s", "client_1") never breaks it. Only a word
// wider than the whole row is broken: after its last '.' or '_' or before a
// capital after a small letter that fits ("StreamReader" / "Protocol." /
// "connection_made"), else where the row is full. A newline ends a
// row. Returns the row's end; `*next` is where the next row starts (the
// spaces at the break skipped), `end` when none.
const char* wrap_row(ImFont* font, float px, const char* p, const char* end, float max_w, const char** next);
// The width ImGui::Button(label) takes at the current font.
float button_w(const char* label);

}  // namespace loopscope::gui
