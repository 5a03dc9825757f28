// Compare mode: a second run under the first, on the same real-time axis, and
// a strip of what each run cost (total time, each client's reply, time the
// loop was blocked).
#include "compare.hpp"

#include <imgui.h>

#include <cstring>

#include "app.hpp"
#include "draw.hpp"

namespace loopscope::gui {

RunSummary summarize(const model::Model& m) {
  RunSummary r;
  if (m.size() == 0) return r;
  r.total_ns = m.end_ns() - m.begin_ns();
  int64_t open = -1;
  for (const Event& e : m.events()) {
    if (e.loop == 0 && e.kind == Ev::block_begin) open = e.t_ns;
    if (e.loop == 0 && e.kind == Ev::block_end && open >= 0) r.blocked_ns += e.t_ns - open, open = -1;
    if (e.kind == Ev::print && e.s1 && std::strstr(e.s1, "reply")) r.replies.push_back({e.s1, e.t_ns - m.begin_ns()});
  }
  if (open >= 0) r.blocked_ns += m.end_ns() - open;
  return r;
}

std::vector<SummaryLine> compare_summary(const model::Model& run1, const model::Model& run2) {
  std::vector<SummaryLine> out;
  int n = 1;
  for (const model::Model* m : {&run1, &run2}) {
    RunSummary r = summarize(*m);
    std::string line = std::to_string(n++) + ": total " + format_duration(r.total_ns) + ", loop blocked " +
                       format_duration(r.blocked_ns);
    if (!r.replies.empty()) {
      // The clients print their own latency ("... after 0.6 s"); else the print's time.
      line += ", replies:";
      for (const auto& rep : r.replies) {
        size_t at = rep.first.find(" after ");
        line += " " + (at != std::string::npos ? rep.first.substr(at + 7) : format_duration(rep.second));
      }
    }
    out.push_back({line, r.blocked_ns > 0});
  }
  return out;
}

std::string App::run_label(const Session& s) {
  if (!s.scenario()) return "(saved trace)";
  std::string out = s.scenario()->id;
  for (const auto& [k, v] : s.params().values) out += "  " + k + "=" + v;
  return out;
}

void App::start_compare(const Scenario& s, const Params& p) {
  compare_.start(s, p);
  compare_on_ = true;
  timeline_.fit = true;
}

std::string App::load_compare(const std::string& path) {
  std::string err = compare_.load(path);
  if (!err.empty()) return err;
  compare_on_ = true;
  timeline_.fit = true;
  return "";
}

void App::stop_compare() {
  compare_on_ = false;
  timeline_.axis_auto = true;
}

void App::draw_summary(const ImVec2& size) {
  const Theme& th = theme();
  begin_panel("summary", "Compare", size, fonts_, th);
  window_box(geo_.summary.x0, geo_.summary.y0, geo_.summary.x1, geo_.summary.y1);
  std::vector<SummaryLine> lines = compare_summary(session_.model(), compare_.model());
  for (size_t k = 0; k < lines.size(); ++k) {
    const Session& s = k == 0 ? session_ : compare_;
    std::string line = lines[k].text + (s.live() ? "  (running...)" : "");
    ImGui::PushStyleColor(ImGuiCol_Text, lines[k].warn ? th.error : th.text);
    ImGui::TextUnformatted(model::elide(line).c_str());
    ImGui::PopStyleColor();
  }
  end_panel();
}

}  // namespace loopscope::gui
