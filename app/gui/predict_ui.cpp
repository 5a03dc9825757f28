// Predict mode: playback stops before each scheduling decision, the Why panel
// asks which handle the loop runs first in the coming iteration, then moves
// the playhead to the answer and explains it (model/predict.hpp).
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "app.hpp"
#include "draw.hpp"

namespace loopscope::gui {

void App::toggle_predict() {
  predict_on_ = !predict_on_;
  ask_ = {};
  predict_last_ = playback_.index();
  if (predict_on_ && playback_.size() && playback_.at_end()) {
    // Started at the end: the quiz starts from the beginning.
    seek(0);
    predict_last_ = 0;
    playback_.playing = true;
  }
}

void App::predict_gate() {
  const model::Model& m = session_.model();
  size_t idx = playback_.index();
  if (!predict_on_ || ask_.open || session_.live() || !m.finished()) {
    predict_last_ = idx;
    return;
  }
  if (questions_gen_ != session_.generation() || questions_n_ != m.size()) {
    if (questions_gen_ != session_.generation()) answered_.clear(), score_right_ = score_asked_ = 0;
    questions_ = model::quiz(m);
    questions_gen_ = session_.generation();
    questions_n_ = m.size();
  }
  if (idx > predict_last_) {
    for (const model::Question& q : questions_) {
      if (q.ask_at <= predict_last_) continue;
      if (q.ask_at > idx) break;
      if (std::binary_search(answered_.begin(), answered_.end(), q.answer_at)) continue;
      bool playing = playback_.playing;
      seek(q.ask_at);
      ask_ = {};
      ask_.open = true;
      ask_.q = q;
      ask_.resume = playing;
      look_.show[3] = true;  // the question lives in the Why panel
      break;
    }
  }
  predict_last_ = playback_.index();
}

void App::answer(int choice) {
  if (!ask_.open || ask_.revealed) return;
  const model::Question& q = ask_.q;
  if (choice >= int(q.choices.size())) return;
  ask_.chosen = choice;
  ask_.revealed = true;
  ask_.text = model::explain(session_.model(), q, choice);
  if (choice >= 0) ++score_asked_, score_right_ += choice == q.answer;
  answered_.insert(std::upper_bound(answered_.begin(), answered_.end(), q.answer_at), q.answer_at);
  // Show the answer happening: the poll, what it woke, the handle running.
  seek(q.answer_at);
  predict_last_ = q.answer_at;
}

void App::continue_after_answer() {
  if (!ask_.open) return;
  if (!ask_.revealed) answer(-1);
  bool resume = ask_.resume;
  ask_ = {};
  if (resume) playback_.playing = true;
}

void App::draw_predict() {
  const Theme& th = theme();
  const model::Model& m = session_.model();
  const model::Question& q = ask_.q;
  float px = fonts_.px;
  ImGui::BeginChild("predict", ImGui::GetContentRegionAvail(), false);
  ImGui::PushTextWrapPos(0);
  if (!ask_.revealed) {
    const std::string head = model::prompt(m, q);
    geo_.why_text = head;
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted(head.c_str());
    ImGui::PopFont();
  }
  // The choices come right after the question (or first, after the reveal), so
  // they never scroll below a short panel: the context and the explanation follow.
  draw_predict_choices();
  if (!ask_.revealed) {
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    const char* hint = "Read the ready queue, then the timers. Click or press a number (Space: show me).";
    if (q.kind == model::Question::Kind::cancel_outcome)
      hint = "Read the code around its await: an except or finally? Click or press a number (Space: show me).";
    else if (q.kind == model::Question::Kind::last_handle)
      hint = "Read the ready queue to its end, then the timers: what the poll wakes joins behind the queue. Click or "
             "press a number (Space: show me).";
    else if (q.kind == model::Question::Kind::gather_error)
      hint = "Read the gather() call: does it pass return_exceptions=True? Click or press a number (Space: show me).";
    ImGui::TextUnformatted(hint);
    ImGui::PopStyleColor();
    // The question's context: what just happened, as the Why panel told it.
    if (m.size()) {
      ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
      std::string ctx = "So far: " + model::narrate(m, std::min(playback_.index(), m.size() - 1));
      ImGui::TextUnformatted(ctx.c_str());
      ImGui::PopStyleColor();
    }
  } else {
    geo_.why_text = model::elide(ask_.text, limits::kShownParagraphChars);
    ImGui::Dummy(ImVec2(1, px * 0.1f));
    ImGui::TextUnformatted(geo_.why_text.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void App::draw_predict_choices() {
  const Theme& th = theme();
  const model::Model& m = session_.model();
  const model::Question& q = ask_.q;
  float px = fonts_.px;
  // Each choice in its task's colour (a plain callback's: the callback colour);
  // after the reveal the answer stays bright, the others fade, a wrong guess is outlined.
  auto same_line_if_fits = [&](float w) {
    float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w;
    if (right < ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
  };
  for (size_t k = 0; k < q.choices.size(); ++k) {
    const model::Choice& c = q.choices[k];
    const model::TaskInfo* t = c.task >= 0 ? m.task(c.task, 0) : nullptr;
    ImU32 col = t ? th.task(t->color) : th.callback;
    if (ask_.revealed && int(k) != q.answer) col = mix(col, th.bg, 0.7f);
    char label[96];
    std::snprintf(label, sizeof label, "%zu  %s", k + 1, c.label.c_str());
    float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
    if (k > 0) same_line_if_fits(w);
    ImGui::PushID(int(k));
    ImGui::PushStyleColor(ImGuiCol_Button, col);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, mix(col, th.text, 0.2f));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, mix(col, th.text, 0.3f));
    ImGui::PushStyleColor(ImGuiCol_Text, ink_on(col));
    if (ImGui::Button(label)) answer(int(k));
    ImGui::PopStyleColor(4);
    const bool wrong = ask_.revealed && int(k) == ask_.chosen && ask_.chosen != q.answer;
    const ImVec2 b0 = ImGui::GetItemRectMin(), b1 = ImGui::GetItemRectMax();
    if (wrong) ImGui::GetWindowDrawList()->AddRect(b0, b1, th.error, ImGui::GetStyle().FrameRounding, 0, 2.5f);
    geo_.predict_choices.push_back({int(k), {b0.x, b0.y, b1.x, b1.y}, col, wrong});
    ImGui::PopID();
  }
  if (!ask_.revealed) return;
  const char* next = "Continue (Space)";
  same_line_if_fits(ImGui::CalcTextSize(next).x + ImGui::GetStyle().FramePadding.x * 2 + px);
  if (ImGui::Button(next)) continue_after_answer();
  if (score_asked_ > 0) {
    ImGui::SameLine(0, px);
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::Text("%d of %d right", score_right_, score_asked_);
    ImGui::PopStyleColor();
  }
}

}  // namespace loopscope::gui
