// The Timeline: a lane per loop, per task and per pool worker, on real trace
// time. Each frame asks the model only for the visible range, with segments
// narrower than ~2 px folded into counted marks, so a million events cost
// what a thousand do.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.hpp"
#include "draw.hpp"
#include "time_ticks.hpp"

namespace loopscope::gui {

namespace {

// What a lane's label can say, longest first: the label, then without its
// remark ("server thread (no event loop)" -> "server thread").
std::vector<std::string> lane_label_forms(const std::string& label) {
  std::vector<std::string> forms{label};
  if (size_t paren = label.find(" ("); paren != std::string::npos && paren > 0) forms.push_back(label.substr(0, paren));
  return forms;
}

// A squeezed wait's length where the full form does not fit: "2 s", "340ms", "7ms".
std::string short_duration(int64_t ns) {
  char buf[32];
  if (ns >= 999500000) std::snprintf(buf, sizeof buf, "%.0f s", double(ns) / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0fms", double(ns) / 1e6);
  return buf;
}

const char* state_name(model::TaskState s) {
  switch (s) {
    case model::TaskState::unborn: return "not created yet";
    case model::TaskState::ready: return "ready (queued)";
    case model::TaskState::running: return "running";
    case model::TaskState::waiting: return "waiting";
    case model::TaskState::done: return "done";
  }
  return "";
}

// Dotted (timer), dashed (socket/file), double (thread pool), hollow (another
// task or future): what a waiting task awaits, by form as well as by label.
void wait_bar(ImDrawList* dl, ImVec2 a, ImVec2 b, Wait w, ImU32 col, float px) {
  float y = (a.y + b.y) * 0.5f, th = std::max(2.0f, px * 0.14f);
  switch (w) {
    case Wait::sleep:
      for (float x = a.x + th; x < b.x; x += th * 3.2f) dl->AddCircleFilled(ImVec2(x, y), th * 0.85f, col, 8);
      break;
    case Wait::io:
      for (float x = a.x; x < b.x; x += th * 5) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + th * 3, b.x), y), col, th);
      break;
    case Wait::pool:
      dl->AddLine(ImVec2(a.x, y - th), ImVec2(b.x, y - th), col, th * 0.75f);
      dl->AddLine(ImVec2(a.x, y + th), ImVec2(b.x, y + th), col, th * 0.75f);
      break;
    case Wait::task: case Wait::gather: case Wait::taskgroup: case Wait::future:
      dl->AddRect(ImVec2(a.x, y - th * 1.3f), ImVec2(std::max(b.x, a.x + 2), y + th * 1.3f), col, 0, 0, 2.0f);
      break;
    default:
      dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), col, th);
  }
}

// Abutting bars of one colour and height, drawn as one rectangle: the same
// pixels with fewer vertices (zoomed out on a million events, a lane is
// thousands of folded bars side by side). Call flush() before drawing
// anything else, so the order of what overlaps stays as it was.
struct BarRun {
  ImDrawList* dl;
  ImVec2 a, b;
  ImU32 col = 0;
  bool open = false;
  void add(ImVec2 na, ImVec2 nb, ImU32 c) {
    // Opaque bars may overlap too; translucent ones only abut (overlap would blend twice).
    bool joins = open && c == col && na.y == a.y && nb.y == b.y && na.x >= a.x &&
                 (na.x == b.x || (na.x < b.x && (c & IM_COL32_A_MASK) == IM_COL32_A_MASK));
    if (joins) {
      b.x = std::max(b.x, nb.x);
      return;
    }
    flush();
    a = na, b = nb, col = c, open = true;
  }
  void flush() {
    if (open) dl->AddRectFilled(a, b, col);
    open = false;
  }
};

// Wake-up arrows are drawn where they can be told apart: per lane, in strips
// of kArrowStrip px, a strip with more than kArrowsPerStrip arrivals leaves
// its arrows out (zoomed out on a big run they would only grey the lanes; the
// folded bars show that much happened there). Teaching runs stay under it.
constexpr float kArrowStrip = 40;
constexpr size_t kArrowsPerStrip = 4;

}  // namespace

// [SECTION] Axes

// The by-iteration axis (story_axis.hpp): extended over the new events each
// frame of a live run, rebuilt when the run or the story clock changes.
void App::update_axis() const { axis_.update(run1_.model().events(), run1_.playback(), run1_.generation()); }

double App::axis_of(int64_t t) const {
  if (!timeline_.story) return double(t);
  update_axis();
  const auto& ev = run1_.model().events();
  size_t n = axis_.size();
  if (n == 0) return double(t);
  // Piecewise linear through (t_ns[i], start(i)); straight real time outside the run.
  auto it = std::upper_bound(ev.begin(), ev.begin() + ptrdiff_t(n), t, [](int64_t v, const Event& e) { return v < e.t_ns; });
  if (it == ev.begin()) return axis_.start(0) + double(t - ev[0].t_ns);
  size_t i = size_t(it - ev.begin()) - 1;
  double s = axis_.start(i);
  if (i + 1 >= n) return s + double(t - ev[i].t_ns);
  double s1 = axis_.start(i + 1), dt = double(ev[i + 1].t_ns - ev[i].t_ns);
  return dt > 0 ? s + (s1 - s) * double(t - ev[i].t_ns) / dt : s;
}

int64_t App::trace_of(double u) const {
  if (!timeline_.story) return int64_t(u);
  update_axis();
  const auto& ev = run1_.model().events();
  size_t n = axis_.size();
  if (n == 0) return int64_t(u);
  size_t lo = axis_.index_at(u);
  double s = axis_.start(lo);
  if (u < s) return ev[0].t_ns - int64_t(s - u);
  if (lo + 1 >= n) return ev[lo].t_ns + int64_t(u - s);
  double s1 = axis_.start(lo + 1);
  return ev[lo].t_ns + int64_t(double(ev[lo + 1].t_ns - ev[lo].t_ns) * (u - s) / (s1 - s));
}

bool App::crowded_real_axis(float width) {
  const model::Model& m = run1_.model();
  size_t n = m.size();
  int w = int(width);
  if (crowd_.version == run1_.version() && crowd_.w == w) return crowd_.crowded;
  crowd_ = {run1_.version(), w, false};
  // Big traces keep real time: the story axis costs O(visible events) per frame.
  if (n < 8 || n > kStoryAxisMaxEvents || w < 10) return false;
  // Where duration is the lesson (the loop blocked, a server answering
  // clients) the default is real time: by iteration would squeeze the very
  // wait the lesson is about.
  for (const Event& e : m.events())
    if ((e.kind == Ev::block_begin && e.loop == 0) || (e.kind == Ev::io_wait && IoKind(e.code) == IoKind::accept)) return false;
  // Distinct pixel columns the events would fall on; crowded when most events share a few.
  int64_t b = m.begin_ns(), span = std::max<int64_t>(m.end_ns() - b, 1);
  int cols = 0, last = -1;
  for (const Event& e : m.events()) {
    int c = int(double(e.t_ns - b) / double(span) * double(w - 1));
    if (c != last) ++cols, last = c;
  }
  crowd_.crowded = double(cols) < 0.35 * double(std::min<size_t>(n, size_t(w) / 3));
  return crowd_.crowded;
}

void App::toggle_axis() {
  size_t n = run1_.model().size();
  if (!timeline_.story && n > kStoryAxisMaxEvents) {
    set_status("By iteration needs at most " + std::to_string(kStoryAxisMaxEvents / 1000) + "k events; this run has " +
                   std::to_string(n / 1000) + "k: real time it is",
               true);
    return;
  }
  timeline_.axis_auto = false;
  timeline_.story = !timeline_.story;
  timeline_.fit = true;
}

// [SECTION] Timeline

void App::draw_timeline(const ImVec2& size, int which) {
  // which = 1: the compare run, drawn on run 1's clock (its first event at run 1's first event).
  const Theme& th = theme();
  bool primary = which == 0;
  const model::Model& m = primary ? run1_.model() : compare_.run().model();
  int64_t shift = primary ? 0 : run1_.model().begin_ns() - m.begin_ns();
  float px = fonts_.px;
  // A compare title keeps what tells the runs apart when the panel is narrow.
  float title_w = size.x - 2 * ImGui::GetStyle().WindowPadding.x;
  std::string title = compare_active() ? compare_.title(run1_, primary ? 0 : 1, fonts_, title_w) : std::string("Timeline");
  begin_panel(primary ? "timeline" : "timeline2", title.c_str(), size, fonts_, th);
  Box& gbox = primary ? geo_.timeline : geo_.timeline2;
  std::vector<float>& lane_mid = primary ? geo_.lane_mid : geo_.lane_mid2;
  window_box(gbox.x0, gbox.y0, gbox.x1, gbox.y1);
  lane_mid.clear();
  std::vector<std::string>& lane_labels = primary ? geo_.lane_labels : geo_.lane_labels2;
  lane_labels.clear();
  std::vector<std::pair<std::string, Box>>& wait_labels = primary ? geo_.wait_labels : geo_.wait_labels2;
  wait_labels.clear();
  (primary ? geo_.playhead_x : geo_.playhead2_x) = -1;
  // The axis: chosen automatically until the user picks one (A or the button).
  // Compared runs share real time: their story clocks differ.
  float plot_w_guess = ImGui::GetContentRegionAvail().x - px * 6.5f;
  if (compare_active()) timeline_.axis_auto = false, timeline_.story = false;
  if (primary && timeline_.axis_auto) {
    bool story = crowded_real_axis(plot_w_guess);
    if (story != timeline_.story) timeline_.story = story, timeline_.fit = true;
  }
  if (primary && !compare_active()) {  // compared runs always share real time: no axis to pick
    ImGui::SameLine(0, px);
    // A button with a little vertical padding: SmallButton's none clips descenders ("by").
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px * 0.3f, 2));
    if (ImGui::Button(timeline_.story ? "by iteration" : "real time")) toggle_axis();
    ImGui::PopStyleVar();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(timeline_.story ? "Each event gets room; long waits are squeezed and labelled with their real "
                                          "length. Click (or A) for real time."
                                        : "x is real time. Click (or A) to give every event room (by iteration).");
  }
  const char* hint = timeline_.axis_auto ? "(auto)  wheel zooms, drag pans, 0 fits" : "wheel zooms, drag pans, 0 fits";
  // A legend for the end marks, once one is on screen: ✕ failed, ⊘ cancelled.
  bool failed = false, cancelled = false;
  {
    // Run 1: marks up to the playhead; the compared run: its whole run.
    int64_t upto = !primary ? m.end_ns() : m.size() ? m.events()[std::min(run1_.playback().index(), m.size() - 1)].t_ns : 0;
    for (const model::Lane& lane : m.lanes()) {
      if (lane.segments.empty() || lane.segments.back().state != model::TaskState::done || lane.segments.back().t0 > upto) continue;
      failed |= lane.segments.back().outcome == Outcome::error;
      cancelled |= lane.segments.back().outcome == Outcome::cancelled;
    }
  }
  float lpx = px * 0.85f, mark_r = lpx * 0.4f;
  float legend_w = (failed ? fonts_.ui->CalcTextSizeA(lpx, FLT_MAX, 0, "failed").x + lpx * 2.2f : 0) +
                   (cancelled ? fonts_.ui->CalcTextSizeA(lpx, FLT_MAX, 0, "cancelled").x + lpx * 2.2f : 0);
  // The compared run's legend goes on its title's line (the last item drawn), never over the axis row below it.
  const float title_y = ImGui::GetItemRectMin().y, title_end = ImGui::GetItemRectMax().x + px * 0.5f;
  if (primary) ImGui::SameLine(0, px * 0.5f);
  if (legend_w > 0) {
    float ly = primary ? ImGui::GetCursorScreenPos().y : title_y;
    float lx = ImGui::GetWindowPos().x + ImGui::GetWindowSize().x - ImGui::GetStyle().WindowPadding.x - legend_w;
    if (lx > (primary ? ImGui::GetCursorScreenPos().x : title_end)) {
      ImDrawList* ldl = ImGui::GetWindowDrawList();
      float cy = ly + ImGui::GetTextLineHeight() * 0.5f;
      if (failed) {
        float x = lx + mark_r;
        ldl->AddLine(ImVec2(x - mark_r, cy - mark_r), ImVec2(x + mark_r, cy + mark_r), th.error, 2.5f);
        ldl->AddLine(ImVec2(x - mark_r, cy + mark_r), ImVec2(x + mark_r, cy - mark_r), th.error, 2.5f);
        ldl->AddText(fonts_.ui, lpx, ImVec2(x + mark_r + lpx * 0.35f, cy - lpx * 0.5f), th.text_dim, "failed");
        lx += fonts_.ui->CalcTextSizeA(lpx, FLT_MAX, 0, "failed").x + lpx * 2.2f;
      }
      if (cancelled) {
        float x = lx + mark_r;
        ldl->AddCircle(ImVec2(x, cy), mark_r, th.cancelled, 16, 2.0f);
        ldl->AddLine(ImVec2(x - mark_r * 0.7f, cy + mark_r * 0.7f), ImVec2(x + mark_r * 0.7f, cy - mark_r * 0.7f), th.cancelled, 2.0f);
        ldl->AddText(fonts_.ui, lpx, ImVec2(x + mark_r + lpx * 0.35f, cy - lpx * 0.5f), th.text_dim, "cancelled");
      }
    } else {
      legend_w = 0;
    }
  }
  if (primary && ImGui::CalcTextSize(hint).x < ImGui::GetContentRegionAvail().x - legend_w) {
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextUnformatted(hint);
    ImGui::PopStyleColor();
  } else if (primary) {
    ImGui::NewLine();
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  ImVec2 c0 = ImGui::GetCursorScreenPos();
  ImVec2 c1(wp.x + ws.x - ImGui::GetStyle().WindowPadding.x, wp.y + ws.y - ImGui::GetStyle().WindowPadding.y);
  if (m.size() == 0 || c1.x - c0.x < px * 10 || c1.y - c0.y < px * 3) {
    end_panel();
    return;
  }

  // Range: the whole run unless the user zoomed; then keep the playhead in view.
  // t0/t1 (and the view) are axis coordinates; b, e, now and every model time are trace time.
  bool story = timeline_.story;
  int64_t b = m.begin_ns() + shift, e = std::max(m.end_ns() + shift, b + 1000000);
  if (compare_active()) {  // one range for both runs
    b = run1_.model().begin_ns();
    e = std::max({e, run1_.model().end_ns(), b + (compare_.run().model().end_ns() - compare_.run().model().begin_ns())});
  }
  // Each run has its own playhead; run 2's is at the same real time since its start as run 1's.
  // (at that real time, not snapped to its last event: a run that is idle still has its clock moving).
  int64_t now = playhead_ns();
  if (const model::Model& m1 = run1_.model(); !primary && m1.size() == 0) {
    now = m.end_ns();
  } else if (!primary) {
    now = std::min(m.end_ns(), m.begin_ns() + (playhead_ns() - m1.begin_ns()));
  }
  int64_t ab = int64_t(axis_of(b)), ae = story ? int64_t(axis_of(m.end_ns())) : e, anow = int64_t(axis_of(now));
  if (!primary) {
    // The view is run 1's (drawn just before).
  } else if (timeline_.fit) {
    int64_t margin = std::max<int64_t>((ae - ab) / 50, 1);
    timeline_.t0 = ab - margin, timeline_.t1 = ae + margin;
  } else {
    int64_t span = timeline_.t1 - timeline_.t0;
    if (run1_.playback().playing && (anow < timeline_.t0 || anow > timeline_.t1)) {
      timeline_.t0 = anow - span / 10;
      timeline_.t1 = timeline_.t0 + span;
    }
  }
  int64_t t0 = timeline_.t0, t1 = std::max(timeline_.t1, timeline_.t0 + 1);
  int64_t tt0 = trace_of(double(t0)), tt1 = trace_of(double(t1));  // the view in trace time

  const auto& lanes = m.lanes();
  float axis_h = px * 1.5f;
  // Lanes share the height; labels follow the lane height down to the text
  // floor (presenter mode: 1/36 of the window), below which lanes scroll
  // (Shift+wheel) with a count of the lanes out of view.
  const float floor_px = look_.floor_px();
  auto lane_h_of = [&](size_t n) {
    return std::max(std::min((c1.y - c0.y - axis_h) / float(std::max<size_t>(n, 1)), px * 2.6f),
                    std::max(22.0f, std::ceil(floor_px * 1.2f)));
  };
  float lane_h = lane_h_of(lanes.size());
  // Lanes that do not all fit scroll, and a strip of their own under them
  // counts the lanes out of view: the count never covers a label or a lane.
  const float count_px = std::max(floor_px, px * 0.8f), count_h = std::ceil(count_px * 1.4f);
  float count_strip = 0;
  {
    // Scrolling lanes: as many whole lanes as fit, sharing the height (no lane cut in half at the bottom).
    float room = c1.y - c0.y - axis_h;
    if (float(lanes.size()) * lane_h > room + 0.5f) {
      count_strip = std::min(count_h, std::max(room - lane_h, 0.0f));  // one lane stays in view, whatever the room
      room -= count_strip;
      lane_h = room / std::max(1.0f, std::floor(room / lane_h));
    }
  }
  float label_px = std::max(floor_px, std::min(px, lane_h * 0.62f));  // the floor wins over the lane's 62 %
  float& lane_scroll = primary ? timeline_.lane_scroll : timeline_.lane_scroll2;
  lane_scroll = std::clamp(lane_scroll, 0.0f, std::max(0.0f, float(lanes.size()) * lane_h - (c1.y - c0.y - axis_h - count_strip)));
  // The label gutter is as wide as the longest label needs (up to 6.5 em): in
  // presenter mode the plot keeps its room. Past that it is still as wide as
  // every label's shortest form at the text floor ("server thread" of
  // "server thread (no event loop)"), so no label ends in "…". Compared runs
  // share one gutter, so their time axes line up.
  float gutter = px * 2, gutter_min = 0;
  auto widen = [&](const model::Model& mm) {
    float lpx = std::max(floor_px, std::min(px, lane_h_of(mm.lanes().size()) * 0.62f));
    for (const model::Lane& l : mm.lanes()) {
      auto forms = lane_label_forms(l.label.empty() ? std::string("event loop") : l.label);
      gutter = std::max(gutter, fonts_.bold->CalcTextSizeA(lpx, FLT_MAX, 0, forms.front().c_str()).x + px * 0.9f);
      // The label's start and end margins as drawn below (a repeated hue's swatch is wider).
      const model::TaskInfo* ti = l.kind == model::LaneKind::task ? mm.task(l.id, l.loop) : nullptr;
      float margins = (ti && ti->color >= model::kTaskHues ? px * 1.3f : px * 0.8f) + 1;
      gutter_min = std::max(gutter_min, fonts_.bold->CalcTextSizeA(floor_px, FLT_MAX, 0, forms.back().c_str()).x + margins);
    }
  };
  widen(m);
  if (compare_active()) widen(primary ? compare_.run().model() : run1_.model());
  gutter = std::min(std::max(std::min(gutter, px * 6.5f), gutter_min), (c1.x - c0.x) * 0.6f);  // the plot keeps 40 %: whole lane names in a clip half
  ImVec2 plot0(c0.x + gutter, c0.y + axis_h), plot1(c1.x, c1.y - count_strip);
  float w = plot1.x - plot0.x;
  // x of trace time t, and the trace time under x.
  auto x_of = [&](int64_t t) { return plot0.x + float((axis_of(t + shift) - double(t0)) / double(t1 - t0)) * w; };
  auto t_of = [&](float x) { return trace_of(double(t0) + double(x - plot0.x) / w * double(t1 - t0)); };

  auto lane_y = [&](size_t i) { return plot0.y + float(i) * lane_h - lane_scroll; };
  (primary ? geo_.plot : geo_.plot2) = {plot0.x, plot0.y, plot1.x, plot1.y};
  for (size_t i = 0; i < lanes.size(); ++i) lane_mid.push_back(lane_y(i) + lane_h * 0.5f);

  // Axis and grid. The playhead's head (drawn last, in both runs' timelines)
  // keeps its part of the axis row: no label is drawn under it.
  std::pair<float, float> playhead{0, 0};
  if (float xh = x_of(now); xh >= plot0.x && xh <= plot1.x) playhead = {xh - px * 0.5f, xh + px * 0.5f};
  if (!story) {
    // Ticks are axis time, on run 1's clock (b): placed on the axis, not through x_of, which takes this run's trace time.
    const float tpx = px * 0.8f;
    auto text_w = [&](const std::string& s) { return fonts_.ui->CalcTextSizeA(tpx, FLT_MAX, 0, s.c_str()).x; };
    float label_end = -FLT_MAX;
    for (const Tick& k : time_ticks(b, t0, t1, double(w) / double(t1 - t0), tpx, text_w)) {
      float x = plot0.x + float(double(k.t - t0) / double(t1 - t0)) * w;
      dl->AddLine(ImVec2(x, plot0.y - px * 0.3f), ImVec2(x, plot1.y), th.grid, 1.0f);
      // The label stands over its tick (centred, or pushed in from the plot's
      // end), so it never reads as the time of a place beside it.
      float lw = text_w(k.label), lx = std::min(x - lw * 0.5f, plot1.x - lw);
      if (lx < c0.x || lx > x || lx < label_end + tpx * 0.5f) continue;
      if (playhead.second > playhead.first && lx + lw + 3 > playhead.first && lx - 3 < playhead.second) continue;
      dl->AddText(fonts_.ui, tpx, ImVec2(lx, c0.y), th.text_dim, k.label.c_str());
      label_end = lx + lw;
    }
  } else {
    // By iteration: every squeezed wait marked with a break and its real
    // length (these labels win the axis row), then a grid line at each loop-0
    // iteration, "it N" where there is room.
    const auto& ev = m.events();
    size_t i0 = m.index_at_time(tt0), i1 = std::min(m.index_at_time(tt1) + 1, m.size());
    float lpx = px * 0.8f;
    // x spans of the axis row already spoken for: the playhead's head, then each wait label.
    std::vector<std::pair<float, float>> taken;
    if (playhead.second > playhead.first) taken.push_back(playhead);
    auto free_at = [&](float lo, float hi) {
      if (lo < plot0.x - 3 || hi > plot1.x + 3) return false;
      for (auto& t : taken)
        if (hi + px * 0.3f > t.first && lo < t.second + px * 0.3f) return false;
      return true;
    };
    for (size_t i = i0; i + 1 < i1 + (i1 < m.size()); ++i) {
      int64_t gap = ev[i + 1].t_ns - ev[i].t_ns;
      if (gap < 2000000 || double(gap) < 0.04 * double(e - b)) continue;  // worth naming: >= 2 ms and 4% of the run
      if (axis_.blocked_after(i)) continue;  // a block is not squeezed: its bar says its length
      float xa = x_of(ev[i].t_ns), xb = x_of(ev[i + 1].t_ns), xm = (xa + xb) * 0.5f, hh = px * 0.35f;
      if (xm < plot0.x || xm > plot1.x) continue;
      for (float dx : {-3.0f, 3.0f})
        dl->AddLine(ImVec2(xm + dx - hh * 0.5f, plot1.y - 2), ImVec2(xm + dx + hh * 0.5f, plot0.y - px * 0.2f), th.text_faint, 1.5f);
      // The label over its break; where that is taken, the short form; where
      // the playhead is in the way, either beside it (still over the break).
      // A label that fits nowhere is left out: labels never overlap each
      // other or the playhead.
      bool placed = false;
      for (const std::string& lab : {format_duration(gap), short_duration(gap)}) {
        float lw = fonts_.ui->CalcTextSizeA(lpx, FLT_MAX, 0, lab.c_str()).x;
        float want = std::clamp(xm - lw * 0.5f, plot0.x, plot1.x - lw);
        float tries[3] = {want, want, want};
        if (playhead.second > playhead.first) {
          tries[1] = playhead.second + px * 0.3f + 3;
          tries[2] = playhead.first - px * 0.3f - lw - 3;
        }
        for (float lx : tries) {
          bool over_break = lx <= xm - 3 && lx + lw >= xm + 3;
          if ((lx != want && !over_break) || !free_at(lx - 3, lx + lw + 3)) continue;
          dl->AddRectFilled(ImVec2(lx - 3, c0.y), ImVec2(lx + lw + 3, c0.y + lpx * 1.25f), th.highlight, 3);
          dl->AddText(fonts_.ui, lpx, ImVec2(lx, c0.y), th.text, lab.c_str());
          taken.push_back({lx - 3, lx + lw + 3});
          placed = true;
          break;
        }
        if (placed) break;
      }
    }
    float last_label = -1e9f;
    for (size_t i = i0; i < i1; ++i) {
      const Event& ei = ev[i];
      if (ei.kind != Ev::loop_iter || ei.loop != 0) continue;
      float x = x_of(ei.t_ns);
      if (x < plot0.x || x > plot1.x) continue;
      dl->AddLine(ImVec2(x, plot0.y - px * 0.3f), ImVec2(x, plot1.y), th.grid, 1.0f);
      char lab[24];
      std::snprintf(lab, sizeof lab, "it %u", ei.it);
      float lw = fonts_.ui->CalcTextSizeA(lpx, FLT_MAX, 0, lab).x;
      bool clear = x - last_label > lw + px * 0.6f && x + lw + 3 < plot1.x;
      for (auto& t : taken) clear &= x + lw + 3 + px * 0.3f < t.first || x > t.second;
      if (!clear) continue;
      dl->AddText(fonts_.ui, lpx, ImVec2(x + 3, c0.y), th.text_dim, lab);
      last_label = x;
    }
  }

  // Lanes.
  // What a waiting task awaits ("sleep", "queue") is said over the wait's
  // start; those labels are drawn last (below), over the playhead.
  struct WaitLabel {
    const char* text;
    float x, y, px, bar_top;
    ImU32 ground;  // the lane's background
  };
  static thread_local std::vector<WaitLabel> waits;
  waits.clear();
  dl->PushClipRect(ImVec2(c0.x, plot0.y), plot1, true);
  ImVec2 mouse = ImGui::GetIO().MousePos;
  std::string hover;
  int64_t min_ns = story ? 1 : std::max<int64_t>(1, int64_t(2.0 * double(t1 - t0) / w));  // story: few events
  for (size_t li = 0; li < lanes.size(); ++li) {
    const model::Lane& lane = lanes[li];
    float y0 = lane_y(li), y1 = y0 + lane_h;
    if (y1 < plot0.y || y0 > plot1.y) continue;
    if (li % 2) dl->AddRectFilled(ImVec2(c0.x, y0), ImVec2(plot1.x, y1), th.lane_alt);
    const model::TaskInfo* ti = lane.kind == model::LaneKind::task ? m.task(lane.id, lane.loop) : nullptr;  // client loop tasks have ids of their own
    int color = ti ? ti->color : -1;
    ImU32 label_col = color >= 0 ? th.task_ink(color) : th.text;
    std::string label = lane.label;
    if (label.empty()) label = lane.kind == model::LaneKind::loop ? "loop" : "lane";
    float swatch = color >= model::kTaskHues ? px * 0.8f : px * 0.3f;  // wide enough for the pattern of a repeated hue
    if (color >= 0) {
      ImVec2 sa(c0.x, y0 + lane_h * 0.2f), sb(c0.x + swatch, y1 - lane_h * 0.2f);
      dl->AddRectFilled(sa, sb, th.task(color));
      task_pattern(dl, sa, sb, color, th.task(color), px);
    }
    size_t paren = label.find(" (");
    float lx = c0.x + swatch + px * 0.2f;
    if (paren != std::string::npos && lx + fonts_.bold->CalcTextSizeA(label_px, FLT_MAX, 0, label.c_str()).x > plot0.x - px * 0.3f &&
        lane_h > label_px * 1.9f) {
      // A long label with a remark ("server thread (no event loop)"): the remark on a second, smaller line.
      // Each line shrinks to the gutter (down to the floor), then ends in an ellipsis: never cut mid-letter.
      float room = plot0.x - px * 0.3f - lx;
      auto fit = [&](ImFont* f, float lpx, std::string t) {
        float lw = f->CalcTextSizeA(lpx, FLT_MAX, 0, t.c_str()).x;
        if (lw > room) lpx = std::max(floor_px, lpx * room / lw);
        return std::pair{lpx, elide(f, lpx, t, room)};
      };
      auto [hpx, head] = fit(fonts_.bold, label_px, label.substr(0, paren));
      auto [rpx, remark] = fit(fonts_.ui, std::max(floor_px, label_px * 0.78f), label.substr(paren + 1));
      float top = (y0 + y1 - hpx - rpx) * 0.5f;
      dl->AddText(fonts_.bold, hpx, ImVec2(lx, top), label_col, head.c_str());
      dl->AddText(fonts_.ui, rpx, ImVec2(lx, top + hpx), th.text_dim, remark.c_str());
      lane_labels.push_back(head + " (" + remark);
    } else {
      // A label wider than the gutter is drawn smaller to fit (never under the
      // floor); past that its shorter form; only a form that fits nowhere ends
      // in an ellipsis, never cut mid-letter.
      float lpx = label_px, room = plot0.x - px * 0.3f - lx;
      auto forms = lane_label_forms(label);
      for (size_t k = 0; k < forms.size(); ++k) {
        float fpx = label_px, lw = fonts_.bold->CalcTextSizeA(fpx, FLT_MAX, 0, forms[k].c_str()).x;
        if (lw > room) fpx = std::max(floor_px, fpx * room / lw);
        if (fonts_.bold->CalcTextSizeA(fpx, FLT_MAX, 0, forms[k].c_str()).x <= room + 0.5f || k + 1 == forms.size()) {
          lpx = fpx, label = elide(fonts_.bold, fpx, forms[k], room);
          break;
        }
      }
      dl->AddText(fonts_.bold, lpx, ImVec2(lx, (y0 + y1 - lpx) * 0.5f), label_col, label.c_str());
      lane_labels.push_back(label);
    }

    items_.clear();
    m.visible(lane, tt0 - shift, tt1 - shift, min_ns, items_);
    float mid = (y0 + y1) * 0.5f;
    BarRun bars{dl};
    for (const model::DrawItem& it : items_) {
      float xa = std::max(x_of(it.t0), plot0.x - 4), xb = std::min(std::max(x_of(it.t1), xa + 2.0f), plot1.x + 4);
      ImVec2 a, bb;
      bool is_loop = lane.kind == model::LaneKind::loop;
      if (it.blocked && (is_loop || it.state == model::TaskState::running)) {
        bars.flush();
        a = ImVec2(xa, y0 + 2), bb = ImVec2(xb, y1 - 2);
        dl->AddRectFilled(a, bb, mix(th.blocked, th.bg, 0.35f));
        hatch(dl, a, bb, th.blocked, px * 0.6f, 2.5f);
        if (is_loop && it.folded <= 1) {
          // The block's true length on it, on a plain box (never text over the hatching's busy pattern).
          std::string len = format_duration(it.t1 - it.t0);
          float bpx = std::max(floor_px, std::min(px * 0.8f, lane_h * 0.7f));
          ImVec2 ts = fonts_.bold->CalcTextSizeA(bpx, FLT_MAX, 0, len.c_str());
          float cx = (std::max(xa, plot0.x) + std::min(xb, plot1.x)) * 0.5f;
          if (std::min(xb, plot1.x) - std::max(xa, plot0.x) > ts.x + px * 0.8f) {
            ImVec2 la(cx - ts.x * 0.5f - px * 0.2f, mid - ts.y * 0.5f), lb(cx + ts.x * 0.5f + px * 0.2f, mid + ts.y * 0.5f);
            dl->AddRectFilled(la, lb, th.blocked, px * 0.2f);
            dl->AddText(fonts_.bold, bpx, ImVec2(la.x + px * 0.2f, la.y), th.blocked_text, len.c_str());
          }
        }
        if (!is_loop && color >= 0) dl->AddRectFilled(ImVec2(xa, mid - lane_h * 0.12f), ImVec2(xb, mid + lane_h * 0.12f), th.task(color));
      } else if (it.folded > 1) {
        a = ImVec2(xa, mid - lane_h * 0.3f), bb = ImVec2(xb, mid + lane_h * 0.3f);
        bars.add(a, bb, mix(color >= 0 ? th.task(color) : th.loop_run, th.bg, 0.3f));
      } else if (is_loop) {
        if (it.state == model::TaskState::running) {
          a = ImVec2(xa, mid - lane_h * 0.3f), bb = ImVec2(xb, mid + lane_h * 0.3f);
          bars.add(a, bb, th.loop_run);
        } else {
          a = ImVec2(xa, mid - 1.5f), bb = ImVec2(xb, mid + 1.5f);
          bars.add(a, bb, th.loop_poll);
        }
      } else {
        ImU32 hue = color >= 0 ? th.task(color) : th.callback;
        switch (it.state) {
          case model::TaskState::running:
            a = ImVec2(xa, mid - lane_h * 0.33f), bb = ImVec2(xb, mid + lane_h * 0.33f);
            bars.add(a, bb, hue);
            if (color >= model::kTaskHues) bars.flush(), task_pattern(dl, a, bb, color, hue, px);
            break;
          case model::TaskState::ready:
            bars.flush();
            a = ImVec2(xa, mid - lane_h * 0.25f), bb = ImVec2(xb, mid + lane_h * 0.25f);
            dl->AddRectFilled(a, bb, mix(hue, th.bg, 0.55f));
            task_pattern(dl, a, bb, color, mix(hue, th.bg, 0.55f), px);
            dl->AddRect(a, bb, hue, 0, 0, 2.0f);
            break;
          case model::TaskState::waiting: {
            bars.flush();
            a = ImVec2(xa, mid - lane_h * 0.2f), bb = ImVec2(xb, mid + lane_h * 0.2f);
            wait_bar(dl, a, bb, it.wait, hue, px);
            // Say what is awaited where there is room, on the plain background above the bar.
            const char* wn = name(it.wait);
            float wpx = std::min(px * 0.72f, lane_h * 0.32f);
            ImVec2 ts = fonts_.ui->CalcTextSizeA(wpx, FLT_MAX, 0, wn);
            if (xb - xa > ts.x + px && it.wait != Wait::none && wpx >= std::max(11.0f, floor_px))
              waits.push_back({wn, std::max(xa, plot0.x) + px * 0.3f, y0 + 1, wpx, a.y, li % 2 ? th.lane_alt : th.bg});
            break;
          }
          case model::TaskState::done:
            a = ImVec2(xa, mid - 1.5f), bb = ImVec2(xb, mid + 1.5f);
            bars.add(a, bb, th.done);
            break;
          case model::TaskState::unborn:
            a = bb = ImVec2(xa, mid);
            break;
        }
      }
      if (mouse.x >= xa && mouse.x < xb && mouse.y >= y0 && mouse.y < y1 && mouse.x >= plot0.x) {
        char tip[256];
        std::snprintf(tip, sizeof tip, "%s: %s%s%s%s\n%s, from %s to %s", label.c_str(),
                      is_loop ? (it.state == model::TaskState::running ? "running handles" : "polling")
                              : state_name(it.state),
                      it.state == model::TaskState::waiting ? " on " : "",
                      it.state == model::TaskState::waiting ? name(it.wait) : "",
                      it.blocked ? " (LOOP BLOCKED)" : "", format_duration(it.t1 - it.t0).c_str(),
                      format_duration(it.t0 - b).c_str(), format_duration(it.t1 - b).c_str());
        hover = tip;
        if (it.folded > 1) hover += "\n" + std::to_string(it.folded) + " short segments folded together";
      }
    }
    bars.flush();
    // Done marks: an X for an error, a slashed circle for a cancellation.
    if (!lane.segments.empty() && lane.segments.back().state == model::TaskState::done) {
      const model::Segment& d = lane.segments.back();
      float x = x_of(d.t0), r = lane_h * 0.22f;
      if (x >= plot0.x && x <= plot1.x && d.t0 <= now) {
        if (d.outcome == Outcome::error) {
          dl->AddLine(ImVec2(x - r, mid - r), ImVec2(x + r, mid + r), th.error, 3.0f);
          dl->AddLine(ImVec2(x - r, mid + r), ImVec2(x + r, mid - r), th.error, 3.0f);
        } else if (d.outcome == Outcome::cancelled) {
          dl->AddCircle(ImVec2(x, mid), r, th.cancelled, 16, 2.5f);
          dl->AddLine(ImVec2(x - r * 0.7f, mid + r * 0.7f), ImVec2(x + r * 0.7f, mid - r * 0.7f), th.cancelled, 2.5f);
        } else {
          dl->AddCircleFilled(ImVec2(x, mid), r * 0.55f, th.done);
        }
      }
    }
  }

  auto draw_arrow = [&](const model::Wakeup& wk) {
    ImVec2 p0(x_of(wk.t_from), lane_y(size_t(wk.from_lane)) + lane_h * 0.5f);
    ImVec2 p1(x_of(wk.t_to), lane_y(size_t(wk.to_lane)) + lane_h * (wk.to_lane > wk.from_lane ? 0.22f : 0.78f));
    float dy = (p1.y - p0.y) * 0.5f;
    dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + dy), ImVec2(p1.x, p1.y - dy), p1, th.arrow, 2.0f);
    float dir = p1.y > p0.y ? 1.0f : -1.0f, ah = px * 0.35f;
    dl->AddTriangleFilled(p1, ImVec2(p1.x - ah * 0.6f, p1.y - dir * ah), ImVec2(p1.x + ah * 0.6f, p1.y - dir * ah), th.arrow);
  };
  // Wake-up arrows: from the cause's lane to the task it woke, up to the
  // playhead. Each lane's arrivals are looked up strip by strip (binary
  // search), so a frame never walks the run's arrows; they are drawn in the
  // run's order (where arrows cross, the order decides the blended pixels).
  static thread_local std::vector<int64_t> strips;  // model time at each strip's left edge, then the end of what may cross the view
  static thread_local std::vector<uint32_t> arrows;
  strips.clear(), arrows.clear();
  for (float xs = plot0.x; xs < plot1.x; xs += kArrowStrip) strips.push_back(xs == plot0.x ? tt0 - shift : t_of(xs) - shift);
  strips.push_back(tt1 - shift + 1);
  strips.push_back(std::max(tt1 - shift + 1, std::min(now, tt1 - shift + m.max_wakeup_span()) + 1));
  for (const model::Lane& lane : lanes) {
    for (size_t k = 0; k + 1 < strips.size(); ++k) {
      if (strips[k] > now || strips[k + 1] <= strips[k]) continue;
      auto [first, last] = m.wakeups_into(lane, strips[k], strips[k + 1] - 1);
      if (last - first > kArrowsPerStrip) continue;
      for (size_t w = first; w < last; ++w) {
        const model::Wakeup& wk = m.wakeups()[lane.wakeups_in[w]];
        if (wk.t_from > tt1 - shift || wk.from_lane < 0 || wk.to_lane < 0 || wk.from_lane == wk.to_lane) continue;
        if (wk.t_to > now) continue;
        arrows.push_back(lane.wakeups_in[w]);
      }
    }
  }
  std::sort(arrows.begin(), arrows.end());
  for (uint32_t w : arrows) draw_arrow(m.wakeups()[w]);
  dl->PopClipRect();

  // Lanes out of view are counted in their strip under the lanes, left to
  // right: "▲ +2 lanes above", "▼ +3 lanes below", then how to scroll; where
  // the strip is narrow, shorter forms ("▼ +3"), never a cut word.
  {
    int above = std::max(0, int(std::floor(lane_scroll / lane_h + 0.01f)));
    int below = std::max(0, int(lanes.size()) - int(std::floor((lane_scroll + (plot1.y - plot0.y)) / lane_h + 0.01f)));
    (primary ? geo_.lanes_hidden : geo_.lanes_hidden2) = above + below;
    Box& badge = primary ? geo_.lanes_count : geo_.lanes_count2;
    badge = {};
    if (count_strip > 0 && above + below > 0) {
      auto count = [&](int n, const char* arrow, const char* where, bool long_form) {
        if (n <= 0) return std::string();
        return std::string(arrow) + " +" + std::to_string(n) + (long_form ? (n == 1 ? " lane " : " lanes ") + std::string(where) : "");
      };
      const char* up = "\xe2\x96\xb2";
      const char* down = "\xe2\x96\xbc";
      float gap = px * 0.5f, pad = px * 0.3f, room = c1.x - c0.x;
      auto width = [&](const std::string& t) { return t.empty() ? 0.0f : fonts_.bold->CalcTextSizeA(count_px, FLT_MAX, 0, t.c_str()).x + pad * 2 + gap; };
      std::string a = count(above, up, "above", true), bl = count(below, down, "below", true);
      if (width(a) + width(bl) > room) a = count(above, up, "", false), bl = count(below, down, "", false);
      const char* hint = "Shift+wheel scrolls";
      float x = c0.x, y0 = c1.y - count_strip + (count_strip - count_px * 1.25f) * 0.5f, y1 = y0 + count_px * 1.25f;
      for (const std::string& t : {a, bl}) {
        if (t.empty()) continue;
        float w = width(t) - gap;
        dl->AddRectFilled(ImVec2(x, y0), ImVec2(x + w, y1), th.highlight, px * 0.25f);
        dl->AddText(fonts_.bold, count_px, ImVec2(x + pad, y0 + count_px * 0.1f), th.text, t.c_str());
        badge = {badge.x1 > badge.x0 ? badge.x0 : x, y0, x + w, y1};
        x += w + gap;
      }
      if (x + fonts_.ui->CalcTextSizeA(count_px, FLT_MAX, 0, hint).x <= c1.x)
        dl->AddText(fonts_.ui, count_px, ImVec2(x, y0 + count_px * 0.1f), th.text_faint, hint);
    }
  }

  // The future is dimmed: what the playhead has not reached has not happened yet.
  float xp = x_of(now);
  // While a predict question is open it is hidden outright (axis labels
  // included): the lanes past the playhead would give the answer away.
  bool quiz = primary && quiz_.open() && !quiz_.revealed();
  constexpr int kVeilAlpha = 150;  // the future's dimming (of 255)
  if (xp < plot1.x) {
    ImU32 veil = (th.bg & ~IM_COL32_A_MASK) | (ImU32(quiz ? 255 : kVeilAlpha) << IM_COL32_A_SHIFT);
    ImVec2 va(std::max(xp, plot0.x), quiz ? c0.y : plot0.y);
    dl->AddRectFilled(va, plot1, veil);
    const char* note = "hidden until you answer";
    ImVec2 ns = fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, note);
    if (quiz && plot1.x - va.x > ns.x + px)
      dl->AddText(fonts_.ui, px, ImVec2((va.x + plot1.x - ns.x) * 0.5f, (plot0.y + plot1.y - px) * 0.5f), th.text_faint, note);
  }
  if (quiz && !hover.empty() && ImGui::GetIO().MousePos.x > xp) hover.clear();

  // Bookmarks: a flag on the axis row at each marked event (run 1's).
  if (primary) {
    const auto& ev = m.events();
    for (size_t k = 0; k < run1_.bookmarks().size(); ++k) {
      if (run1_.bookmarks()[k] >= m.size()) continue;
      float x = x_of(ev[run1_.bookmarks()[k]].t_ns);
      if (x < plot0.x || x > plot1.x) continue;
      float fh = px * 0.9f;
      dl->AddLine(ImVec2(x, c0.y), ImVec2(x, plot1.y), th.highlight, 2.0f);
      dl->AddTriangleFilled(ImVec2(x, c0.y), ImVec2(x + fh * 0.7f, c0.y + fh * 0.3f), ImVec2(x, c0.y + fh * 0.6f), th.playhead);
    }
  }

  // Playhead.
  if (xp >= plot0.x && xp <= plot1.x) {
    (primary ? geo_.playhead_x : geo_.playhead2_x) = xp;
    dl->AddLine(ImVec2(xp, c0.y + px * 0.2f), ImVec2(xp, plot1.y), th.playhead, 2.0f);
    dl->AddTriangleFilled(ImVec2(xp - px * 0.4f, c0.y), ImVec2(xp + px * 0.4f, c0.y), ImVec2(xp, c0.y + px * 0.5f), th.playhead);
  }

  // Wait labels, each on a patch of its lane's background: the playhead,
  // bookmarks, grid lines and arrows pass under a label instead of through
  // it, and a label never moves as the playhead does. One whose wait starts
  // past the playhead is dimmed as the veil dims the future (hidden while a
  // question is open).
  dl->PushClipRect(ImVec2(c0.x, plot0.y), plot1, true);
  const float veil_share = float(kVeilAlpha) / 255.0f;
  for (const WaitLabel& l : waits) {
    const bool future = l.x >= xp;
    if (future && quiz) continue;
    float w = fonts_.ui->CalcTextSizeA(l.px, FLT_MAX, 0, l.text).x, pad = l.px * 0.2f;
    Box box{l.x - pad, l.y, l.x + w + pad, std::max(l.y + 1, std::min(l.y + l.px, l.bar_top - 1))};
    dl->AddRectFilled(ImVec2(box.x0, box.y0), ImVec2(box.x1, box.y1), future ? mix(l.ground, th.bg, veil_share) : l.ground);
    dl->AddText(fonts_.ui, l.px, ImVec2(l.x, l.y), future ? mix(th.text_faint, th.bg, veil_share) : th.text_faint, l.text);
    wait_labels.push_back({l.text, box});
  }
  dl->PopClipRect();

  // Mouse: click seeks, drag pans, wheel zooms, hover explains.
  ImGui::SetCursorScreenPos(plot0);
  ImGui::InvisibleButton("##plot", ImVec2(std::max(1.0f, plot1.x - plot0.x), std::max(1.0f, plot1.y - plot0.y)));
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f)) {
    int64_t dt = int64_t(double(io.MouseDelta.x) / w * double(t1 - t0));  // in axis units
    timeline_.t0 -= dt, timeline_.t1 -= dt, timeline_.fit = false;
  } else if (primary && ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < 9.0f) {
    seek(m.index_at_time(t_of(io.MouseClickedPos[0].x)));
  }
  if (ImGui::IsItemHovered()) {
    if (io.MouseWheel != 0) {
      if (io.KeyShift) {
        float max_scroll = std::max(0.0f, float(lanes.size()) * lane_h - (plot1.y - plot0.y));
        lane_scroll = std::clamp(lane_scroll - io.MouseWheel * lane_h, 0.0f, max_scroll);
      } else {
        zoom(io.MouseWheel > 0 ? 1.25f : 0.8f, double(mouse.x - plot0.x) / w);
      }
    }
    if (!hover.empty()) ImGui::SetTooltip("%s", hover.c_str());
  }
  end_panel();
}

}  // namespace loopscope::gui
