// Predict mode: playback stops before each scheduling decision, the Why panel
// asks which handle the loop runs first in the coming iteration, then moves
// the playhead to the answer and explains it (model/predict.hpp).
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <string>

#include "app.hpp"
#include "draw.hpp"

namespace loopscope::gui {

PredictQuiz::Playhead App::quiz_playhead() const {
  const Playback& p = run1_.playback();
  return {p.index(), p.size(), p.playing, p.at_end()};
}

void App::toggle_predict() { apply(quiz_.toggle(quiz_playhead())); }

void App::predict_gate() {
  apply(quiz_.gate(run1_, quiz_playhead()));
}

void App::answer(int choice) { apply(quiz_.answer(run1_.model(), choice)); }

void App::continue_after_answer() { apply(quiz_.continue_after_answer(run1_.model())); }

namespace {
constexpr const char* kContinue = "Continue (Space)";
}

float App::predict_height(const PredictBody& b, float s, float w) const {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float ui = fonts_.ui->FontSize * s, bold = fonts_.bold->FontSize * s, px = fonts_.px;
  auto text_h = [&](ImFont* f, float fpx, const std::string& t) { return f->CalcTextSizeA(fpx, FLT_MAX, w, t.c_str()).y; };
  auto text_w = [&](const std::string& t) { return fonts_.ui->CalcTextSizeA(ui, FLT_MAX, 0, t.c_str()).x; };
  float h = 0;
  int items = 0;
  auto item = [&](float ih) { h += ih, ++items; };
  if (!b.question.empty()) item(text_h(fonts_.bold, bold, b.question));
  // The buttons flow in rows, as draw_predict_choices places them.
  int rows = 0;
  float x = w + 1;
  auto flow = [&](float bw, float gap) {
    if (rows > 0 && x + gap + bw < w) x += gap + bw;
    else ++rows, x = bw;
  };
  for (const std::string& l : b.labels) flow(text_w(l) + st.FramePadding.x * 2, st.ItemSpacing.x);
  if (!b.reveal.empty()) {
    flow(text_w(kContinue) + st.FramePadding.x * 2 + px, st.ItemSpacing.x);
    if (!b.score.empty()) flow(text_w(b.score), px);
  }
  for (int r = 0; r < rows; ++r) item(ui + st.FramePadding.y * 2);
  if (!b.hint.empty()) item(text_h(fonts_.ui, ui, b.hint));
  if (!b.context.empty()) item(text_h(fonts_.ui, ui, b.context));
  if (!b.reveal.empty()) item(px * 0.1f), item(text_h(fonts_.ui, ui, b.reveal));
  return h + float(std::max(items - 1, 0)) * st.ItemSpacing.y;
}

// What the Predict panel needs at body size, for the layout (which takes
// room from the Code and Console panels for it): worked out before the frame
// is drawn, so the buttons never move under the pointer.
float App::predict_need(float panel_w) const {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float chrome = st.WindowPadding.y * 2 + fonts_.bold->FontSize + st.ItemSpacing.y;
  return chrome + predict_height(predict_body(), 1, panel_w - st.WindowPadding.x * 2) + fonts_.px * 0.2f;
}

void App::draw_predict() {
  const Theme& th = theme();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  PredictBody b = predict_body();
  // The largest text that fits, down to the floor; then the context gives way.
  const float floor_scale = std::min(1.0f, look_.floor_px() / fonts_.ui->FontSize);
  float scale = 1;
  auto fit = [&] {
    for (scale = 1; scale > floor_scale && predict_height(b, scale, avail.x) > avail.y; scale *= 0.96f) {}
    scale = std::max(scale, floor_scale);
    return predict_height(b, scale, avail.x) <= avail.y;
  };
  if (!fit() && !b.context.empty()) {
    b.context.clear();
    fit();
  }
  ImGui::BeginChild("predict", avail, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  window_box(geo_.predict_body.x0, geo_.predict_body.y0, geo_.predict_body.x1, geo_.predict_body.y1);
  ImGui::SetWindowFontScale(scale);
  geo_.predict_px = fonts_.ui->FontSize * scale;
  ImGui::PushTextWrapPos(0);
  if (!b.question.empty()) {
    geo_.why_text = b.question;
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted(b.question.c_str());
    ImGui::PopFont();
  }
  // The choices come right after the question (or first, after the reveal):
  // the hint, the context and the explanation follow.
  draw_predict_choices(b);
  if (quiz_.revealed() && b.reveal.empty()) b = predict_body();  // answered by a click just now: the rest tells the answer
  if (!b.hint.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextUnformatted(b.hint.c_str());
    ImGui::PopStyleColor();
  }
  if (!b.context.empty()) {
    // The question's context: what just happened, as the Why panel told it.
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
    ImGui::TextUnformatted(b.context.c_str());
    ImGui::PopStyleColor();
  }
  if (!b.reveal.empty()) {
    geo_.why_text = b.reveal;
    ImGui::Dummy(ImVec2(1, fonts_.px * 0.1f));
    ImGui::TextUnformatted(b.reveal.c_str());
  }
  geo_.predict_bottom = ImGui::GetItemRectMax().y;
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void App::draw_predict_choices(const PredictBody& b) {
  const Theme& th = theme();
  const model::Model& m = run1_.model();
  const model::Question& q = *quiz_.question();
  const std::vector<int>& picked = quiz_.picked();
  float px = fonts_.px;
  // Each choice in its task's colour (a plain callback's: the callback colour);
  // after the reveal the answer stays bright, the others fade, a wrong guess is outlined.
  auto same_line_if_fits = [&](float w, float gap) {
    float right = ImGui::GetItemRectMax().x + gap + w;
    if (right < ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine(0, gap);
  };
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  for (size_t k = 0; k < q.choices.size(); ++k) {
    const model::Choice& c = q.choices[k];
    const model::TaskInfo* t = c.task >= 0 ? m.task(c.task, 0) : nullptr;
    ImU32 col = t ? th.task(t->color) : th.callback;
    const bool order = q.kind == model::Question::Kind::order;
    if (quiz_.revealed() && int(k) != q.answer && !order) col = mix(col, th.bg, 0.7f);
    // An order question: a choice already placed fades until the reveal.
    if (!quiz_.revealed() && order && std::find(picked.begin(), picked.end(), int(k)) != picked.end())
      col = mix(col, th.bg, 0.5f);
    const char* label = b.labels[k].c_str();
    float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
    if (k > 0) same_line_if_fits(w, gap);
    ImGui::PushID(int(k));
    ImGui::PushStyleColor(ImGuiCol_Button, col);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, mix(col, th.text, 0.2f));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, mix(col, th.text, 0.3f));
    ImGui::PushStyleColor(ImGuiCol_Text, ink_on(col));
    if (ImGui::Button(label)) answer(int(k));
    ImGui::PopStyleColor(4);
    bool wrong = quiz_.revealed() && int(k) == quiz_.chosen() && quiz_.chosen() != q.answer;
    if (order && quiz_.revealed() && !picked.empty()) {  // outlined: each one the student put in the wrong place
      auto at = std::find(picked.begin(), picked.end(), int(k));
      wrong = at != picked.end() && q.order[k] != int(at - picked.begin());
    }
    const ImVec2 b0 = ImGui::GetItemRectMin(), b1 = ImGui::GetItemRectMax();
    if (wrong) ImGui::GetWindowDrawList()->AddRect(b0, b1, th.error, ImGui::GetStyle().FrameRounding, 0, 2.5f);
    geo_.predict_choices.push_back({int(k), {b0.x, b0.y, b1.x, b1.y}, col, wrong});
    ImGui::PopID();
  }
  if (!quiz_.revealed()) return;
  same_line_if_fits(ImGui::CalcTextSize(kContinue).x + ImGui::GetStyle().FramePadding.x * 2 + px, gap);
  if (ImGui::Button(kContinue)) continue_after_answer();
  if (!b.score.empty()) {
    same_line_if_fits(ImGui::CalcTextSize(b.score.c_str()).x, px);
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextUnformatted(b.score.c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace loopscope::gui
