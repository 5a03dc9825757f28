// The scenario gallery: every lesson as a card (title, lesson, parameters,
// Run, and Compare for the natural pairs).
#include "gallery.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "draw.hpp"

namespace loopscope::gui {

namespace {
// Runs a lesson is best seen against: (scenario, partner, the partner's k=v).
constexpr ComparePartner kPairs[] = {
    {"sequential-server", "concurrent-server", "", "Compare with concurrent-server"},
    {"concurrent-server", "sequential-server", "", "Compare with sequential-server"},
    {"gather-errors", "taskgroup-cancel", "", "Compare with taskgroup-cancel"},
    {"taskgroup-cancel", "gather-fail", "", "Compare with gather-fail"},
    {"gather-fail", "taskgroup-cancel", "", "Compare with taskgroup-cancel"},
    {"blocking-call", "blocking-call", "mode=asyncio.sleep", "Compare with asyncio.sleep"},
    {"web-scraper", "web-scraper", "mode=sequential", "Compare with one by one"},
};
}  // namespace

const ComparePartner* compare_partner(const std::string& id) {
  for (const ComparePartner& p : kPairs)
    if (id == p.id) return &p;
  return nullptr;
}

Commands Gallery::draw(const Scenario* running, ParamWidgets& params, const Fonts& fonts, const Theme& th) {
  Commands out;
  const auto& all = scenarios();
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& st = ImGui::GetStyle();
  float px = fonts.px;
  ImVec2 size(std::floor(io.DisplaySize.x * 0.94f), std::floor(io.DisplaySize.y * 0.9f));
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(0.98f);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, th.bg);
  bool open = true;
  ImGui::Begin("Scenarios: pick a lesson", &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                                       ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  ImGui::PopStyleColor();
  if (!open) open_ = false;

  // Cards in columns of at least ~21 em; each row as tall as its tallest card.
  float avail = ImGui::GetContentRegionAvail().x;
  int cols = std::clamp(int(avail / (px * 21)), 1, 4);
  float gap = px * 0.8f, pad = px * 0.7f;
  float card_w = std::floor((avail - gap * float(cols - 1)) / float(cols));
  float inner = card_w - pad * 2;
  float line = ImGui::GetFrameHeightWithSpacing();
  auto params_lines = [&](const Scenario& s) {
    int lines = s.params.empty() ? 0 : 1;
    float x = 0;
    for (const Param& p : s.params) {
      float w = param_item_w(p, px);
      if (x > 0 && x + w > inner) ++lines, x = 0;
      x += w;
    }
    return lines;
  };
  auto card_h = [&](const Scenario& s) {
    float title = fonts.bold->CalcTextSizeA(fonts.bold->FontSize, FLT_MAX, inner, s.title.c_str()).y;
    float lesson = ImGui::CalcTextSize(s.lesson.c_str(), nullptr, false, inner).y;
    return pad * 2 + title + st.ItemSpacing.y + ImGui::GetTextLineHeightWithSpacing() + lesson + st.ItemSpacing.y * 2 +
           line * float(params_lines(s)) + line;
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float y = origin.y;
  for (size_t row = 0; row * size_t(cols) < all.size(); ++row) {
    float row_h = 0;
    for (size_t c = 0; c < size_t(cols) && row * cols + c < all.size(); ++c) row_h = std::max(row_h, card_h(all[row * cols + c]));
    for (size_t c = 0; c < size_t(cols) && row * cols + c < all.size(); ++c) {
      size_t i = row * cols + c;
      const Scenario& s = all[i];
      ImVec2 a(origin.x + float(c) * (card_w + gap), y), b(a.x + card_w, y + row_h);
      bool current = running == &s;
      dl->AddRectFilled(a, b, th.panel, px * 0.35f);
      dl->AddRect(a, b, current ? th.playhead : th.panel_border, px * 0.35f, 0, current ? 2.0f : 1.0f);
      ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + pad));
      ImGui::PushID(int(i));
      ImGui::BeginGroup();
      ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + inner);  // window-local x
      ImGui::PushFont(fonts.bold);
      ImGui::TextUnformatted(s.title.c_str());
      ImGui::PopFont();
      ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
      ImGui::TextUnformatted(s.id.c_str());
      ImGui::PopStyleColor();
      ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
      ImGui::TextUnformatted(s.lesson.c_str());
      ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      ImGui::EndGroup();
      // Parameters and buttons at the card's bottom, aligned across the row.
      float bottom = b.y - pad - line * float(params_lines(s) + 1) + st.ItemSpacing.y;
      ImGui::SetCursorScreenPos(ImVec2(a.x + pad, bottom));
      ImGui::PushClipRect(a, b, true);
      if (!s.params.empty()) {
        // Flow within the card: wrap against the card's right edge, not the window's.
        ImGui::BeginChild("params", ImVec2(inner, line * float(params_lines(s))), false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
        params.draw(int(i), px);
        ImGui::EndChild();
        ImGui::SetCursorScreenPos(ImVec2(a.x + pad, ImGui::GetCursorScreenPos().y));  // a new line starts at the window's edge
      }
      if (ImGui::Button("Run")) out.push_back(cmd::RunCard{int(i), false});
      if (const ComparePartner* p = compare_partner(s.id)) {
        ImGui::SameLine();
        if (ImGui::Button(p->label)) out.push_back(cmd::RunCard{int(i), true});
      }
      ImGui::PopClipRect();
      ImGui::PopID();
    }
    y += row_h + gap;
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
  ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
  ImGui::TextUnformatted("Each scenario runs on a real libuv loop; its Python listing runs unchanged under python3. "
                         "G or Esc closes this.");
  ImGui::PopStyleColor();
  ImGui::End();
  return out;
}

}  // namespace loopscope::gui
