// The scenario gallery: every lesson as a card (title, lesson, parameters,
// Run, and Compare for the natural pairs).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app.hpp"
#include "draw.hpp"
#include "param_widgets.hpp"

namespace loopscope::gui {

namespace {
// Runs a lesson is best seen against: (scenario, partner, the partner's k=v).
struct Pair {
  const char* id;
  const char* partner;
  const char* set;  // "" = the partner's defaults
  const char* label;
};
constexpr Pair kPairs[] = {
    {"sequential-server", "concurrent-server", "", "Compare with concurrent-server"},
    {"concurrent-server", "sequential-server", "", "Compare with sequential-server"},
    {"gather-errors", "taskgroup-cancel", "", "Compare with taskgroup-cancel"},
    {"taskgroup-cancel", "gather-fail", "", "Compare with gather-fail"},
    {"gather-fail", "taskgroup-cancel", "", "Compare with taskgroup-cancel"},
    {"blocking-call", "blocking-call", "mode=asyncio.sleep", "Compare with asyncio.sleep"},
    {"web-scraper", "web-scraper", "mode=sequential", "Compare with one by one"},
};

const Pair* pair_of(const std::string& id) {
  for (const Pair& p : kPairs)
    if (id == p.id) return &p;
  return nullptr;
}

}  // namespace

void App::run_card(int scenario, bool compare) {
  const auto& all = scenarios();
  if (scenario < 0 || scenario >= int(all.size())) return;
  gallery_ = false;
  if (compare_on_) stop_compare();
  start_scenario(scenario);
  const Pair* p = compare ? pair_of(all[size_t(scenario)].id) : nullptr;
  if (!p) return;
  const Scenario* partner = find_scenario(p->partner);
  if (!partner) return;
  // The partner shares the card's parameters where it has them (same clients, same work).
  std::vector<std::string> sets;
  for (const std::string& kv : params_.sets(scenario)) {
    std::string key = kv.substr(0, kv.find('='));
    for (const Param& q : partner->params)
      if (q.key == key) sets.push_back(kv);
  }
  if (*p->set) sets.push_back(p->set);
  start_compare(*partner, partner->resolve_or_defaults(sets));
}

void App::draw_gallery() {
  const Theme& th = theme();
  const auto& all = scenarios();
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& st = ImGui::GetStyle();
  float px = fonts_.px;
  ImVec2 size(std::floor(io.DisplaySize.x * 0.94f), std::floor(io.DisplaySize.y * 0.9f));
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(0.98f);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, th.bg);
  bool open = true;
  ImGui::Begin("Scenarios: pick a lesson", &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                                       ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  ImGui::PopStyleColor();
  if (!open) gallery_ = false;

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
    float title = fonts_.bold->CalcTextSizeA(fonts_.bold->FontSize, FLT_MAX, inner, s.title.c_str()).y;
    float lesson = ImGui::CalcTextSize(s.lesson.c_str(), nullptr, false, inner).y;
    return pad * 2 + title + st.ItemSpacing.y + ImGui::GetTextLineHeightWithSpacing() + lesson + st.ItemSpacing.y * 2 +
           line * float(params_lines(s)) + line;
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float y = origin.y;
  const Scenario* running = run1_.session().scenario();
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
      ImGui::PushFont(fonts_.bold);
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
        params_.draw(int(i), px);
        ImGui::EndChild();
        ImGui::SetCursorScreenPos(ImVec2(a.x + pad, ImGui::GetCursorScreenPos().y));  // a new line starts at the window's edge
      }
      if (ImGui::Button("Run")) run_card(int(i));
      if (const Pair* p = pair_of(s.id)) {
        ImGui::SameLine();
        if (ImGui::Button(p->label)) run_card(int(i), true);
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
}

}  // namespace loopscope::gui
