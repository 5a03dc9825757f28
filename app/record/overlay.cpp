// [SECTION] index
// - Fonts and the layout
// - Wrapped, centred text
// - Header, captions, title card
#include "overlay.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "gui/app.hpp"
#include "gui/draw.hpp"
#include "model/model.hpp"
#include "model/why.hpp"

namespace loopscope::rec {

using gui::Theme;

// [SECTION] Fonts and the layout

namespace {
// A larger size of a face the view already loaded (same file data, same
// glyph ranges and oversampling), so the card is set in the view's type.
ImFont* larger(const char* file, float px, const ImWchar* ranges = nullptr) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  std::string prefix = std::string(file) + ",";  // ImGui names a font "file.ttf, 18px"
  for (int i = 0; i < atlas->ConfigData.Size; ++i) {
    if (std::strncmp(atlas->ConfigData[i].Name, prefix.c_str(), prefix.size()) != 0) continue;
    ImFontConfig cfg = atlas->ConfigData[i];
    cfg.FontDataOwnedByAtlas = false;  // the view's entry owns the data
    cfg.DstFont = nullptr;
    cfg.SizePixels = px;
    if (ranges) cfg.GlyphRanges = ranges;
    cfg.Name[0] = 0;
    return atlas->AddFont(&cfg);
  }
  return nullptr;
}
}  // namespace

bool Overlay::install(gui::App& app) {
  app_ = &app;
  // The view rebuilds its atlas whenever its text size changes (presenter
  // text follows the frame's height), which frees these faces: the App adds
  // them again after every rebuild, at sizes that follow the new text size.
  app.set_extra_fonts([this] {
    float px = app_->appearance().font_px();
    // The title is set large: only Latin and punctuation, so the atlas stays small.
    static const ImWchar kTitleRanges[] = {0x0020, 0x017F, 0x2010, 0x205E, 0};
    title_ = larger("DejaVuSans-Bold.ttf", px * 2.2f, kTitleRanges);
    body_ = larger("DejaVuSans.ttf", px * 1.3f);
    label_ = larger("DejaVuSans-Bold.ttf", px * 1.3f);
    return title_ && body_ && label_;
  });
  return true;
}

float Overlay::band_height() const {
  if (!captions) return 0;
  float ui = ImGui::GetFont()->FontSize;
  float inner = std::max(2 * body_->FontSize * 1.25f, float(caption_lines) * ui * 1.15f);
  return std::floor(inner + 2 * body_->FontSize * 0.6f);
}

gui::ViewArea Overlay::area() const {
  ImVec2 size = ImGui::GetIO().DisplaySize;
  // One item spacing between the header's band and the view's first panel.
  float top = std::floor(header_height() + ImGui::GetStyle().ItemSpacing.y);  // whole pixels, as ImGui places windows
  // Presenter text follows the height above the caption band (the view's room).
  return {{0, top, size.x, size.y - band_height()}, false, size.y};
}

// The name and the readout on one line when both fit the width (the readout
// at its widest), else on two. header_height() and draw_header() both ask.
bool Overlay::one_line_header(float width) const {
  ImFont* ui = ImGui::GetFont();
  float pad = ImGui::GetStyle().WindowPadding.x;
  float lw = label_->CalcTextSizeA(label_->FontSize, FLT_MAX, 0, label.c_str()).x;
  float rw = ui->CalcTextSizeA(ui->FontSize, FLT_MAX, 0, "t = 000.000 s   iteration 0000   0.25x").x;
  return pad + lw + ui->FontSize + rw + pad <= width;
}

float Overlay::header_height() const {
  // No more room than the header's lines, so the view starts right under it.
  ImFont* ui = ImGui::GetFont();
  bool one_line = one_line_header(ImGui::GetIO().DisplaySize.x);
  return std::floor(one_line ? label_->FontSize * 1.5f : label_->FontSize + ui->FontSize + 12);
}

void Overlay::draw() {
  if (!app_) return;
  draw_header();
  if (captions) draw_captions();
  if (divider) {
    ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::GetForegroundDrawList()->AddRectFilled(ImVec2(size.x - 2, 0), size, app_->theme().panel_border);
  }
  summary_box_ = {};
  if (summary_alpha > 0 && !summary.text.empty()) draw_summary();
  if (card_alpha > 0) draw_card();
}

// [SECTION] Wrapped, centred text

namespace {

ImU32 faded(ImU32 c, float a) {
  return (c & ~IM_COL32_A_MASK) | (ImU32(float((c >> IM_COL32_A_SHIFT) & 0xff) * a + 0.5f) << IM_COL32_A_SHIFT);
}

// Splits `text` into lines no wider than `wrap` at the font's size, between
// words as the view wraps (gui::wrap_row: "6.02 s" and "asyncio.sleep" stay whole).
std::vector<std::pair<const char*, const char*>> wrap_lines(ImFont* f, const std::string& text, float wrap, float px = 0) {
  if (px <= 0) px = f->FontSize;
  std::vector<std::pair<const char*, const char*>> lines;
  const char* s = text.c_str();
  const char* end = s + text.size();
  while (s < end) {
    const char* next = end;
    const char* e = gui::wrap_row(f, px, s, end, wrap, &next);
    if (next <= s) next = e > s ? e : s + 1;  // never loop forever
    const char* trim = e;
    while (trim > s && trim[-1] == ' ') --trim;
    lines.emplace_back(s, trim);
    s = next;
    while (s < end && (*s == ' ' || *s == '\n')) ++s;
  }
  return lines;
}

// Draws lines centred on `cx` from `y`; returns the y below them.
float centred(ImDrawList* dl, ImFont* f, const std::vector<std::pair<const char*, const char*>>& lines, float cx,
              float y, ImU32 col, float leading = 1.25f, float px = 0) {
  if (px <= 0) px = f->FontSize;
  for (auto [a, b] : lines) {
    float w = f->CalcTextSizeA(px, FLT_MAX, 0, a, b).x;
    dl->AddText(f, px, ImVec2(std::floor(cx - w / 2), std::floor(y)), col, a, b);
    y += px * leading;
  }
  return y;
}

float block_height(ImFont* f, size_t lines, float leading = 1.25f) { return f->FontSize * leading * float(lines); }

}  // namespace

// [SECTION] Header, captions, title card

void Overlay::draw_header() {
  const gui::Geometry& g = app_->geometry();
  if (g.stage.y0 <= 0) return;
  const Theme& th = app_->theme();
  const model::Model& m = app_->session().model();
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  ImVec2 size = ImGui::GetIO().DisplaySize;
  float bottom = g.stage.y0 - ImGui::GetStyle().ItemSpacing.y * 0.5f;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, bottom), th.bg);
  float pad = ImGui::GetStyle().WindowPadding.x;
  float y = std::floor((bottom - label_->FontSize) / 2);

  // Right: where the playhead is, in run time and loop iterations.
  char right[96] = "";
  if (m.size()) {
    // The playhead's run time: it moves on through a block, not only from event to event.
    const gui::Playback& pb = app_->playback();
    int64_t now = pb.size() ? pb.trace_now() : m.events()[pb.index()].t_ns;
    int n = std::snprintf(right, sizeof right, "t = %s   iteration %u", gui::format_clock(now - m.begin_ns()).c_str(),
                          app_->state().it);
    if (speed != 1.0 && n > 0) std::snprintf(right + n, sizeof right - size_t(n), "   %gx", speed);
  }
  ImFont* ui = ImGui::GetFont();
  float rw = ui->CalcTextSizeA(ui->FontSize, FLT_MAX, 0, right).x;
  float lw = label_->CalcTextSizeA(label_->FontSize, FLT_MAX, 0, label.c_str()).x;
  float ry = std::floor((bottom - ui->FontSize) / 2);
  if (!one_line_header(size.x)) {
    // Too narrow for one line (as header_height() decided): the name above, the readout below.
    float top = std::floor((bottom - label_->FontSize - ui->FontSize - 4) / 2);
    y = top;
    ry = top + label_->FontSize + 4;
    if (ry + ui->FontSize > bottom) right[0] = 0;
    std::string name = gui::elide(label_, label_->FontSize, label, size.x - 2 * pad);  // never cut mid-letter
    dl->AddText(label_, label_->FontSize, ImVec2(pad, y), th.text, name.c_str());
    dl->AddText(ui, ui->FontSize, ImVec2(pad, ry), th.text_dim, right);
    return;
  }
  dl->AddText(ui, ui->FontSize, ImVec2(size.x - pad - rw, ry), th.text_dim, right);

  // Left: the run's name, then its parameters, as far as they fit.
  float x = pad;
  dl->AddText(label_, label_->FontSize, ImVec2(x, y), th.text, label.c_str());
  x += lw + ui->FontSize;
  float room = size.x - pad - rw - ui->FontSize - x;
  if (!params.empty() && ui->CalcTextSizeA(ui->FontSize, FLT_MAX, 0, params.c_str()).x <= room)
    dl->AddText(ui, ui->FontSize, ImVec2(x, ry), th.text_faint, params.c_str());
}

std::string Overlay::caption_at(size_t index) const {
  const model::Model& m = app_->session().model();
  if (m.size() == 0) return "";
  // The Why panel's text, both of its paragraphs in its order (loop 0's
  // story, then another loop's event at the playhead): caption and panel agree.
  model::Why why = model::why_at(m, std::min(index, m.size() - 1));
  if (why.text.empty()) return why.other_loop;
  return why.other_loop.empty() ? why.text : why.text + "\n" + why.other_loop;
}

// The larger face in two lines when it fits, else the view's face in as many
// lines as the band holds, smaller if need be (down to the text floor); lines
// that still do not fit are left out (draw_captions ends the last in "…").
Overlay::CaptionFit Overlay::fit_caption(const std::string& text) const {
  ImVec2 size = ImGui::GetIO().DisplaySize;
  const float h = band_height(), pad = body_->FontSize * 0.6f, wrap = size.x - 4 * pad;
  CaptionFit c{body_, body_->FontSize, 1.25f, {}, true};
  c.lines = wrap_lines(c.font, text, wrap);
  if (c.lines.size() > 2) {
    c.font = ImGui::GetFont(), c.leading = 1.15f, c.px = c.font->FontSize;
    c.lines = wrap_lines(c.font, text, wrap);
    // The floor of the whole frame's height, not of the view above the band.
    const float room = h - 2 * pad,
                floor_px = app_->appearance().presenter ? size.y / 36.0f : app_->appearance().floor_px();
    while (float(c.lines.size()) * c.px * c.leading > room && c.px * 0.95f >= floor_px) {
      c.px *= 0.95f;
      c.lines = wrap_lines(c.font, text, wrap, c.px);
    }
  }
  c.rows = size_t(std::max(1.0f, std::floor((h - 2 * pad) / (c.px * c.leading) + 0.01f)));
  c.whole = c.lines.size() <= c.rows;
  return c;
}

std::string Overlay::caption_fitted(size_t index) const {
  const model::Model& m = app_->session().model();
  std::string full = caption_at(index);
  if (full.empty() || caption_fits(full)) return full;
  // As the Why panel does at its floor: the other loop's line gives way first.
  model::Why why = model::why_at(m, std::min(index, m.size() - 1));
  std::string text = why.text.empty() ? why.other_loop : why.text;
  // Then the story's last sentences, whole: a shorter true caption, never a cut one.
  for (size_t end = text.size();;) {
    std::string head = text.substr(0, end);
    if (caption_fits(head)) return head;
    size_t dot = end > 1 ? text.rfind(". ", end - 2) : std::string::npos;
    if (dot == std::string::npos) return head;  // one sentence too long: the ellipsis is the last resort
    end = dot + 1;
  }
}

void Overlay::draw_captions() {
  const Theme& th = app_->theme();
  ImVec2 size = ImGui::GetIO().DisplaySize;
  float h = band_height(), pad = body_->FontSize * 0.6f;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddRectFilled(ImVec2(0, size.y - h), size, th.panel);
  dl->AddRectFilled(ImVec2(0, size.y - h), ImVec2(size.x, size.y - h + 2), th.panel_border);
  caption_ = caption_fitted(app_->playback().index());
  if (caption_.empty()) return;
  CaptionFit c = fit_caption(caption_);
  caption_whole_ = c.whole;
  std::string last;
  if (!c.whole) {
    // Still too long: the last line that fits ends in an ellipsis, never a cut word.
    last = gui::elide(c.font, c.px, std::string(c.lines[c.rows - 1].first, caption_.c_str() + caption_.size()),
                      size.x - 4 * pad);
    c.lines.resize(c.rows);
    c.lines.back() = {last.c_str(), last.c_str() + last.size()};
  }
  float y = size.y - h / 2 - c.px * c.leading * float(c.lines.size()) / 2;
  centred(dl, c.font, c.lines, size.x / 2, y, th.text, c.leading, c.px);
}

void Overlay::draw_card() {
  const Theme& th = app_->theme();
  ImVec2 size = ImGui::GetIO().DisplaySize;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  float a = std::clamp(card_alpha, 0.0f, 1.0f);
  dl->AddRectFilled(ImVec2(0, 0), size, faded(th.bg, a));

  auto kicker = wrap_lines(body_, card.kicker, size.x * 0.86f);
  auto title = wrap_lines(title_, card.title, size.x * 0.86f);
  auto lesson = wrap_lines(body_, card.lesson, size.x * 0.72f);
  auto params = wrap_lines(body_, card.params, size.x * 0.86f);
  float gap = body_->FontSize;
  float rule = 4;
  float total = block_height(body_, kicker.size()) + gap * 0.5f + block_height(title_, title.size(), 1.15f) + gap +
                rule + gap + block_height(body_, lesson.size(), 1.35f) +
                (params.empty() ? 0 : gap + block_height(body_, params.size()));
  float cx = size.x / 2;
  // Compare clips start both halves' cards at one height, so the titles line up.
  float y = std::floor(card_top >= 0 ? size.y * card_top : (size.y - total) / 2);
  y = centred(dl, body_, kicker, cx, y, faded(th.text_faint, a));
  y += gap * 0.5f;
  y = centred(dl, title_, title, cx, y, faded(th.text, a), 1.15f);
  y += gap;
  // A short rule in the first task's hue: the colour the view starts with.
  float rw = title_->FontSize * 2.5f;
  dl->AddRectFilled(ImVec2(std::floor(cx - rw / 2), y), ImVec2(std::floor(cx + rw / 2), y + rule),
                    faded(th.task(0), a));
  y += rule + gap;
  y = centred(dl, body_, lesson, cx, y, faded(th.text_dim, a), 1.35f);
  if (!params.empty()) centred(dl, body_, params, cx, y + gap, faded(th.text_faint, a));
}

void Overlay::draw_summary() {
  // The run's total, the time its loop was blocked, each reply, in the summary
  // strip's colours. Over the held end it takes the Code panel's place whole
  // (the run is over: its listing has the least left to say), so it covers no
  // other panel and no heading; the view's panels are outlined, not filled,
  // so the card is opaque and nothing of the listing shows through it.
  const Theme& th = app_->theme();
  ImVec2 size = ImGui::GetIO().DisplaySize;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  float a = std::clamp(summary_alpha, 0.0f, 1.0f);
  float pad = body_->FontSize * 0.6f;
  const gui::Box& code = app_->geometry().code;
  gui::Box box = code;
  if (code.x1 <= code.x0 || code.y1 <= code.y0) {
    // No Code panel drawn: a card low over the view, above the caption band.
    float h = block_height(body_, wrap_lines(body_, summary.text, size.x * 0.86f - 2 * pad).size()) + 2 * pad;
    float bottom = size.y - band_height() - body_->FontSize;
    box = {std::floor(size.x * 0.07f), std::floor(bottom - h), std::floor(size.x * 0.93f), std::floor(bottom)};
  }
  // The larger face where the lines fit the card's height, else the view's.
  ImFont* f = body_;
  auto lines = wrap_lines(f, summary.text, box.x1 - box.x0 - 2 * pad);
  if (block_height(f, lines.size()) > box.y1 - box.y0 - 2 * pad) {
    f = ImGui::GetFont();
    lines = wrap_lines(f, summary.text, box.x1 - box.x0 - 2 * pad);
  }
  ImVec2 p0(box.x0, box.y0), p1(box.x1, box.y1);
  float round = ImGui::GetStyle().ChildRounding;
  // The panel under it fades out over the first half of the fade, the card in
  // over the second: the listing and the summary never show through each other.
  const float out = std::min(1.0f, a * 2), in = std::max(0.0f, a * 2 - 1);
  dl->AddRectFilled(p0, p1, faded(th.bg, out));
  dl->AddRectFilled(p0, p1, faded(th.panel, in), round);
  dl->AddRect(p0, p1, faded(summary.warn ? th.error : th.panel_border, in), round, 0, summary.warn ? 3.0f : 1.0f);
  float y = (box.y0 + box.y1 - block_height(f, lines.size())) * 0.5f;
  centred(dl, f, lines, (box.x0 + box.x1) * 0.5f, y, faded(summary.warn ? th.error : th.text, in));
  summary_box_ = box;
}

}  // namespace loopscope::rec
