// What a clip draws around and over the view. The recorder asks area() for
// the rectangle the view may use (the frame minus the header and caption
// bands), lets App::frame() build the view in it, then calls draw(), in the
// same ImGui frame, which adds:
// - the title card (the scenario's title and lesson, large and calm), faded out
//   into the view;
// - a header over the toolbar: a clip has no use for Run/Play buttons, but
//   the viewer wants the run's name, its parameters, the time and iteration;
// - with captions, the Why panel's narration of the current event (model::why_at)
//   in a band at the bottom;
// - in a compare clip, over the held end, this run's line of the compare summary,
//   in the Code panel's place.
// The bands have their own room (area() leaves it), so captions never cover
// the console; the view knows nothing of clips but the rectangle it is given.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "gui/app.hpp"
#include "gui/compare.hpp"

struct ImFont;

namespace loopscope::rec {

struct TitleCard {
  std::string kicker;  // small line above the title ("loopscope · concurrent-server")
  std::string title, lesson, params;
};

class Overlay {
 public:
  // Call in the App's ImGui context before App::init_context(): registers
  // the larger sizes of the view's fonts (built with the view's atlas).
  // init_context() then fails when the fonts are missing.
  bool install(gui::App& app);
  // Inside a frame (the display sized, the fonts built): the rectangle the
  // view is laid out in, under the header and above the caption band.
  gui::ViewArea area() const;
  // Inside the same frame, after App::frame(): the header, captions, divider, summary and card.
  void draw();

  // The caption for the event at `index`: the Why panel's text (model::why_at),
  // both its paragraphs, so caption and panel say the same at the same moment.
  std::string caption_at(size_t index) const;
  // Inside a frame: whether `text` fits the band whole at caption_lines (no "…").
  bool caption_fits(const std::string& text) const { return fit_caption(text).whole; }
  // What the caption band says at `index`: caption_at() when it fits the band
  // whole; else, as the Why panel does at its floor, without the other loop's
  // line; else the story up to its last whole sentence that fits.
  std::string caption_fitted(size_t index) const;
  // The caption the last frame drew ("" without captions), and whether it
  // fitted whole (false: its last line ended in "…"). Tests compare it with the Why panel.
  const std::string& caption_drawn() const { return caption_; }
  bool caption_whole() const { return caption_whole_; }
  // Where the last frame drew the compare summary (empty when it drew none): the Code panel's box.
  const gui::Box& summary_drawn() const { return summary_box_; }

  // What the next frames show.
  TitleCard card;
  float card_alpha = 0;  // 0: no card, 1: the card covers the view
  float card_top = -1;   // where the card's text starts, as a fraction of the height; < 0: centred
  std::string label;     // header: the run's name
  std::string params;    // header: its parameters, shown faint
  double speed = 1;      // header: shown when not 1x
  bool captions = false;
  int caption_lines = 3;  // lines of the view's text the caption band holds (the recorder raises it to fit the clip's longest caption)
  bool divider = false;  // compare clips: a rule on the right edge between the halves
  gui::SummaryLine summary;  // compare clips: this run's line of the compare summary...
  float summary_alpha = 0;   // ...shown over the held end (0: hidden)

 private:
  float band_height() const;
  struct CaptionFit {
    ImFont* font;
    float px, leading;
    std::vector<std::pair<const char*, const char*>> lines;  // into the text
    bool whole;
    size_t rows = 0;  // lines the band holds at this size
  };
  CaptionFit fit_caption(const std::string& text) const;
  std::string caption_;
  bool caption_whole_ = true;
  gui::Box summary_box_;
  float header_height() const;  // the room App::frame keeps free above the view
  bool one_line_header(float width) const;
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
