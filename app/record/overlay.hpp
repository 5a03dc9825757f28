// What a clip draws over the view. An ImGui context hook runs at the end of
// every frame, after App::frame() has built the screen, and adds:
// - the title card (the scenario's title and lesson, large and calm), faded out
//   into the view;
// - a header over the toolbar: a clip has no use for Run/Play buttons, but
//   the viewer wants the run's name, its parameters, the time and iteration;
// - with captions, the Why panel's narration of the current event (model::why_at)
//   in a band at the bottom;
// - in a compare clip, over the held end, this run's line of the compare summary.
//   The band has its own room: a second hook, at the start of the frame, lays
//   the view out in the display minus the band (App::frame sizes its root
//   window from io.DisplaySize), so captions never cover the console.
// The view's code is untouched: the hooks only resize and draw on the foreground.
#pragma once

#include <string>

#include "gui/compare.hpp"

struct ImFont;
struct ImGuiContext;
struct ImGuiContextHook;

namespace loopscope::gui {
class App;
}

namespace loopscope::rec {

struct TitleCard {
  std::string kicker;  // small line above the title ("loopscope · concurrent-server")
  std::string title, lesson, params;
};

class Overlay {
 public:
  // Call in the App's ImGui context before App::init_context(): registers
  // the larger sizes of the view's fonts (built with the view's atlas) and
  // installs the hooks. init_context() then fails when the fonts are missing.
  bool install(gui::App& app);

  // What the next frames show.
  TitleCard card;
  float card_alpha = 0;  // 0: no card, 1: the card covers the view
  float card_top = -1;   // where the card's text starts, as a fraction of the height; < 0: centred
  std::string label;     // header: the run's name
  std::string params;    // header: its parameters, shown faint
  double speed = 1;      // header: shown when not 1x
  bool captions = false;
  int caption_lines = 3;  // lines of the view's text the caption band holds (a narrow compare half: 4)
  bool divider = false;  // compare clips: a rule on the right edge between the halves
  gui::SummaryLine summary;  // compare clips: this run's line of the compare summary...
  float summary_alpha = 0;   // ...shown over the held end (0: hidden)

 private:
  static void hook(ImGuiContext* ctx, ImGuiContextHook* h);
  static void reserve(ImGuiContext* ctx, ImGuiContextHook* h);
  float band_height() const;
  float header_height() const;  // the room App::frame keeps free above the view
  bool one_line_header(float width) const;
  void draw();
  void draw_header();
  void draw_captions();
  void draw_card();
  void draw_summary();

  gui::App* app_ = nullptr;
  ImFont* title_ = nullptr;  // bold, for the card's title
  ImFont* body_ = nullptr;   // regular, for the lesson and captions
  ImFont* label_ = nullptr;  // bold, the header's name
};

}  // namespace loopscope::rec
