// Compare mode: a second run under the first, on the same real-time axis, and
// a strip of what each run cost (total time, each client's reply, time the
// loop was blocked).
#include "compare.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "compare_view.hpp"
#include "draw.hpp"

namespace loopscope::gui {

RunSummary summarize(const model::Model& m) {
  RunSummary r;
  if (m.size() == 0) return r;
  r.total_ns = m.end_ns() - m.begin_ns();
  int64_t open = -1;
  struct T {
    int32_t id, parent;
    uint8_t loop;
    int64_t born, end = -1;
    Outcome outcome = Outcome::result;
  };
  std::vector<T> tasks;
  auto find = [&](int32_t id, uint8_t loop) -> T* {
    for (T& t : tasks)
      if (t.id == id && t.loop == loop) return &t;
    return nullptr;
  };
  for (const Event& e : m.events()) {
    if (e.loop == 0 && e.kind == Ev::block_begin) open = e.t_ns;
    if (e.loop == 0 && e.kind == Ev::block_end && open >= 0) r.blocked_ns += e.t_ns - open, open = -1;
    if (e.kind == Ev::task_new) tasks.push_back({e.task, e.ref, e.loop, e.t_ns});
    if (e.kind == Ev::task_done)
      if (T* t = find(e.task, e.loop)) t->end = e.t_ns, t->outcome = Outcome(e.code);
  }
  if (open >= 0) r.blocked_ns += m.end_ns() - open;
  for (const T& t : tasks) {
    if (t.loop == 1 && t.parent >= 0 && t.end >= 0) r.clients.push_back(t.end - t.born);
    if (t.loop != 0 || t.outcome != Outcome::error || t.end < 0) continue;
    ++r.failed;
    for (const T& s : tasks)
      if (&s != &t && s.loop == 0 && s.parent == t.parent && s.end >= 0 && s.outcome == Outcome::cancelled) ++r.siblings_cancelled;
  }
  return r;
}

std::vector<std::string> summary_lines(const RunSummary& a, const RunSummary& b) {
  std::vector<std::string> out;
  int n = 1;
  bool failures = a.failed > 0 && b.failed > 0;
  for (const RunSummary* r : {&a, &b}) {
    std::string line = std::to_string(n++) + ": total " + format_duration(r->total_ns) +
                       (r->blocked_ns > 0 ? ", blocked " + format_duration(r->blocked_ns) : ", never blocked");
    if (!r->clients.empty()) {
      // One unit for the list ("clients: 106, 210, 310 ms"): a wrapped line never splits a number from its unit.
      bool secs = *std::max_element(r->clients.begin(), r->clients.end()) >= 999500000;
      line += ", clients:";
      for (size_t k = 0; k < r->clients.size(); ++k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, secs ? "%s%.2f" : "%s%.0f", k ? ", " : " ", double(r->clients[k]) / (secs ? 1e9 : 1e6));
        line += buf;
      }
      line += secs ? " s" : " ms";
    }
    if (failures) line += ", siblings cancelled: " + std::to_string(r->siblings_cancelled);
    out.push_back(std::move(line));
  }
  if (failures)
    out.push_back("siblings cancelled: " + std::to_string(a.siblings_cancelled) + " against " +
                  std::to_string(b.siblings_cancelled));
  return out;
}

std::vector<SummaryLine> compare_summary(const model::Model& run1, const model::Model& run2) {
  RunSummary r[2] = {summarize(run1), summarize(run2)};
  std::vector<SummaryLine> out;
  std::vector<std::string> lines = summary_lines(r[0], r[1]);
  for (size_t k = 0; k < lines.size(); ++k) out.push_back({lines[k], k < 2 && r[k].blocked_ns > 0});
  return out;
}

std::string CompareView::title(const RunView& run1, int run, const Fonts& fonts, float width) const {
  // Longest first: every parameter; only those the two runs do not share (the
  // difference is the lesson: "mode=asyncio.sleep"); the id alone; the id elided.
  const Session& s = run == 0 ? run1.session() : run2_.session();
  const Session& o = run == 0 ? run2_.session() : run1.session();
  std::string lead = std::to_string(run + 1) + ": ";
  std::string full = lead + run_label(s);
  float px = fonts.bold->FontSize;
  auto fits = [&](const std::string& t) { return fonts.bold->CalcTextSizeA(px, FLT_MAX, 0, t.c_str()).x <= width; };
  if (fits(full) || !s.scenario()) return elide(fonts.bold, px, full, width);
  std::string diff = lead + s.scenario()->id;
  for (const auto& [k, v] : s.params().values) {
    bool shared = o.scenario() == s.scenario() &&
                  std::any_of(o.params().values.begin(), o.params().values.end(), [&](const auto& kv) { return kv.first == k && kv.second == v; });
    if (!shared) diff += "  " + k + "=" + v;
  }
  if (fits(diff)) return diff;
  return elide(fonts.bold, px, lead + s.scenario()->id, width);
}

void CompareView::start(const Scenario& s, const Params& p) {
  run2_.start(s, p);
  on_ = true;
  focus_ = 0;
}

std::string CompareView::load(const std::string& path) {
  std::string err = run2_.load(path);
  if (!err.empty()) return err;
  on_ = true;
  focus_ = 0;
  return "";
}

void CompareView::draw_summary(const RunView& run1, const Fonts& fonts, const Theme& th, const ImVec2& size, float& x0,
                               float& y0, float& x1, float& y1) const {
  begin_panel("summary", "Compare", size, fonts, th);
  window_box(x0, y0, x1, y1);
  const RunSummary r[2] = {run1.summary(), run2_.summary()};
  std::vector<std::string> lines = summary_lines(r[0], r[1]);
  ImGui::SameLine(0, fonts.px);  // the first line beside the heading: the strip stays short
  for (size_t k = 0; k < lines.size(); ++k) {
    bool run = k < 2;
    if (run && (k == 0 ? run1.session() : run2_.session()).live()) lines[k] += "  (running...)";
    ImGui::PushStyleColor(ImGuiCol_Text, run && r[k].blocked_ns > 0 ? th.error : th.text);
    // Wrapped between words (gui::wrap_row: "4.01" stays whole), each row at the line's own indent.
    const std::string text = model::elide(lines[k]);
    float x = ImGui::GetCursorPosX();
    for (const char *p = text.c_str(), *end = p + text.size(); p < end;) {
      if (p != text.c_str()) ImGui::SetCursorPosX(x);
      const char* next = end;
      const char* row_end = wrap_row(ImGui::GetFont(), ImGui::GetFontSize(), p, end, ImGui::GetContentRegionMax().x - x, &next);
      ImGui::TextUnformatted(p, row_end);
      p = next;
    }
    ImGui::PopStyleColor();
  }
  end_panel();
}

float CompareView::summary_rows(const RunView& run1, float width, float px) const {
  std::vector<std::string> lines = summary_lines(run1.summary(), run2_.summary());
  float room = width - ImGui::GetStyle().WindowPadding.x * 2, rows = 0;
  for (size_t k = 0; k < lines.size(); ++k) {
    // The rows draw_summary wraps this line into: the first line sits beside the heading.
    const bool live = k < 2 && (k == 0 ? run1.session() : run2_.session()).live();
    const std::string text = model::elide(lines[k]) + (live ? "  (running...)" : "");
    float w = std::max(room - (k == 0 ? ImGui::CalcTextSize("Compare").x * 1.1f + px : 0.0f), px);
    for (const char *p = text.c_str(), *end = p + text.size(); p < end; rows += 1) {
      const char* next = end;
      wrap_row(ImGui::GetFont(), ImGui::GetFontSize(), p, end, w, &next);
      if (next <= p) break;
      p = next;
    }
  }
  return std::max(rows, 1.0f);
}

void CompareView::follow(const RunView& run1, int64_t playhead_ns) {
  if (!on_) return;
  const model::Model& m1 = run1.model();
  const model::Model& m2 = run2_.model();
  // Run 2's playhead: the same real time since its first event as run 1's.
  if (m2.size() == 0) run2_.seek(0);
  else if (m1.size() == 0) run2_.seek(m2.size() - 1);
  else run2_.seek(m2.index_at_time(m2.begin_ns() + (playhead_ns - m1.begin_ns())));
}

}  // namespace loopscope::gui
