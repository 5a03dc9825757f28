// [SECTION] index
// - Runs: start, load, scenario selection
// - Frames: poll, playback, tween, layout
// - Keys: playback on the keyboard
// - Toolbar
// - Help overlay
#include "app.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "draw.hpp"

namespace loopscope::gui {

App::App(Appearance a) : look_(a) {}

// [SECTION] Runs

void App::select_scenario(int i) {
  if (params_.size()) selected_ = std::clamp(i, 0, int(params_.size()) - 1);
}

void App::start(const Scenario& s, const Params& p) {
  mirror_toolbar(s, p);
  run1_.start(s, p);
  follow_new_run();
}

void App::follow_new_run() {
  follow_live_ = true;
  was_live_ = true;
  timeline_.fit = true;
}

void App::mirror_toolbar(const Scenario& s, const Params& p) {
  const auto& all = scenarios();
  for (size_t i = 0; i < all.size(); ++i) {
    if (&all[i] != &s) continue;
    select_scenario(int(i));
    params_.mirror(i, p);  // the widgets show the run's parameters
  }
}

void App::start_scenario(int scenario) {
  if (scenario < 0 || scenario >= int(params_.size())) return;
  const Scenario& s = scenarios()[size_t(scenario)];
  start(s, s.resolve_or_defaults(params_.sets(scenario)));
}

void App::start_compare(const Scenario& s, const Params& p) {
  compare_.start(s, p);
  timeline_.fit = true;
}

std::string App::load_compare(const std::string& path) {
  std::string err = compare_.load(path);
  if (err.empty()) timeline_.fit = true;
  return err;
}

void App::stop_compare() {
  compare_.stop();
  timeline_.axis_auto = true;
}

void App::run_card(int scenario, bool compare) {
  const auto& all = scenarios();
  if (scenario < 0 || scenario >= int(all.size())) return;
  gallery_.set_open(false);
  if (compare_.on()) stop_compare();
  start_scenario(scenario);
  const ComparePartner* p = compare ? compare_partner(all[size_t(scenario)].id) : nullptr;
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

void App::start_selected() {
  const auto& all = scenarios();
  if (open_.on && selected_ < int(all.size()) && all[size_t(selected_)].id == "concurrent-server")
    start_open(all[size_t(selected_)].resolve_or_defaults(params_.sets(selected_)), open_.port, open_.duration);
  else
    start_scenario(selected_);
}

void App::start_open(const Params& p, int port, double duration) {
  if (const Scenario* s = find_scenario("concurrent-server")) mirror_toolbar(*s, p);
  if (compare_.on()) stop_compare();
  run1_.start_open(p, port, duration);
  open_.started(port, duration);
  follow_new_run();
}

std::string App::load(const std::string& path) {
  std::string err = run1_.load(path);
  if (err.empty()) {
    // The toolbar shows the saved run's scenario and parameters (R re-runs it live).
    if (run1_.session().scenario()) mirror_toolbar(*run1_.session().scenario(), run1_.session().params());
  }
  follow_live_ = false;
  was_live_ = false;
  timeline_.fit = true;
  return err;
}

// [SECTION] Platform hooks

bool App::init_context() {
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; nothing to remember in imgui.ini
  return reload_fonts();
}

bool App::reload_fonts() {
  fonts_dirty_ = false;
  bool ok = load_fonts(fonts_, look_.font_px(), extra_fonts_);
  apply_style(look_.dark, look_.font_px());
  return ok;
}

void App::set_appearance(const Appearance& a) {
  bool fonts = a.font_px() != look_.font_px();
  look_ = a;
  if (fonts) fonts_dirty_ = true;
  else apply_style(look_.dark, look_.font_px());
}

// [SECTION] Frames

void App::seek(size_t i) {
  stop_following();
  run1_.playback().playing = false;
  run1_.playback().seek(i);
}

void App::seek_end() {
  seek(run1_.playback().size() ? run1_.playback().size() - 1 : 0);
  if (run1_.session().live()) follow_live_ = true;  // scrubbed back during a live run: End follows it again
}

void App::update_states(double dt_play) {
  const model::Model& m = run1_.model();
  size_t i = run1_.playback().index();
  if (m.size() == 0) {
    cur_ = prev_ = {};
    cur_index_ = SIZE_MAX;
    return;
  }
  if (i != cur_index_ || run1_.version() != cur_version_) {
    bool same_run = run1_.generation() == cur_generation_;
    if (i != cur_index_) {
      // Glide from what is on screen now to the new state.
      // Moved, not copied: a 300k-task state is 12 MB a copy (docs/performance.md).
      prev_ = same_run && cur_index_ != SIZE_MAX ? std::move(cur_) : m.state_at(i);
      tween_.from = cur_index_;
      tween_.to = i;
      tween_.t = same_run ? 0.0 : 1.0;
    }
    cur_ = m.state_at(i);
    cur_index_ = i;
    cur_generation_ = run1_.generation();
    cur_version_ = run1_.version();
  }
  tween_.t = std::min(1.0, tween_.t + dt_play / kTweenSeconds);
}

ExportPanel::View App::export_view() const {
  return {run1_, compare_.on() ? &compare_.run() : nullptr, theme(), look_.dark, look_.presenter, look_.font_px()};
}

bool App::animating() const {
  return run1_.playback().playing || !settled() || follow_live_ || run1_.session().live() || compare_.run().session().live() || export_.animating();
}

void App::frame(float dt, const KeyInput& keys, const ViewArea& view) {
  // Presenter text follows the window's height (the fonts are rebuilt between frames).
  if (float h = view.text_h > 0 ? view.text_h : ImGui::GetIO().DisplaySize.y; h > 0 && h != look_.display_h) {
    Appearance a = look_;
    a.display_h = h;
    set_appearance(a);
  }
  code_shown_ = nullptr;  // the Code panel draws first: the Tasks panel quotes its lines
  // Pull what the run published since the last frame.
  run1_.poll();
  if (compare_.on()) compare_.run().poll();
  apply(program_.watch(run1_, dt));
  bool live = run1_.session().live();
  if (follow_live_) {
    if (live) {
      run1_.playback().seek(run1_.playback().size() ? run1_.playback().size() - 1 : 0);
    } else if (was_live_) {
      run1_.wait();  // join the finished run, take its last events
      run1_.playback().seek(0);  // the run is done: replay it from the start
      run1_.playback().playing = true;
      follow_live_ = false;
    }
  }
  was_live_ = live;

  handle_keys(keys);
  double dt_play = dt * (run1_.playback().playing ? run1_.playback().speed : 1.0);
  run1_.playback().tick(dt);
  predict_gate();
  update_states(dt_play);
  compare_.follow(run1_, playhead_ns());

  ImGuiIO& io = ImGui::GetIO();
  Box area = view.rect;
  if (area.x1 <= area.x0 || area.y1 <= area.y0) area = {0, 0, io.DisplaySize.x, io.DisplaySize.y};
  ImGui::SetNextWindowPos(ImVec2(area.x0, area.y0));
  ImGui::SetNextWindowSize(ImVec2(area.x1 - area.x0, area.y1 - area.y0));
  ImGuiWindowFlags root = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                          ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground;
  // No window or panel backgrounds: the platform clears to the theme's
  // background, and every full-screen layer costs a frame's worth of pixels on
  // a software renderer (llvmpipe).
  ImGui::Begin("##loopscope", nullptr, root);
  // Tab is a shortcut (compare: which run Code, Why and Console follow): ImGui
  // must not also take it to focus the next text box, which then swallows the keys.
  ImGui::PushAllowKeyboardFocus(false);
  clip_layout_ = !view.toolbar;
  if (clip_layout_) geo_.toolbar.clear();
  else draw_toolbar();

  // Left: stage over timeline. Right: code, why, console. Hidden panels (keys
  // 1-6) give their room to the others in their column; an empty column gives
  // its width to the other.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImGuiStyle& st = ImGui::GetStyle();
  const bool* show = look_.show;
  bool tasks = show[5] && !look_.presenter;  // presenter mode keeps the room for large text
  bool left = show[0] || show[1] || compare_.on(), right = show[2] || show[3] || show[4] || tasks;
  if (!left && !right) right = true;
  // A narrow presenter view (a compare clip's half, a 640 px window): two
  // columns would leave the code a dozen characters. The code gets the whole
  // width under the stage and the timeline (Why and Console beside the timeline).
  if (look_.presenter && !compare_.on() && !quiz_.open() && avail.x < fonts_.px * 30 && show[2] && (show[0] || show[1]) &&
      draw_narrow(avail)) {
    end_main_window();
    return;
  }
  float left_w = !right ? avail.x : !left ? 0 : std::floor(avail.x * 0.57f);
  float right_w = avail.x - left_w - (left && right ? st.ItemSpacing.x : 0);
  // Heights in a column: shares of the visible panels' weights.
  auto heights = [&](std::initializer_list<std::pair<bool, float>> panels, float total, float* out) {
    float sum = 0;
    int n = 0;
    for (auto& p : panels) sum += p.first ? p.second : 0, n += p.first;
    float room = total - float(std::max(n - 1, 0)) * st.ItemSpacing.y;
    int k = 0;
    for (auto& p : panels) out[k++] = p.first && sum > 0 ? std::floor(room * p.second / sum) : 0;
  };
  if (left) {
    ImGui::BeginGroup();
    if (compare_.on()) {
      // Compare: the two runs' timelines on one axis and the summary strip; the
      // stage (run 1's only) when asked for with 1, so every lane fits.
      bool stage = show[0] && compare_.stage();
      float stage_h = stage ? std::floor(avail.y * 0.22f) : 0;
      // The summary strip: its lines (the first beside its heading), wrapped at the column's width.
      float summary_h = std::floor(ImGui::GetTextLineHeightWithSpacing() * (compare_.summary_rows(run1_, left_w, fonts_.px) + 0.4f) + st.WindowPadding.y * 2);
      float tl_h = std::floor((avail.y - stage_h - summary_h - (stage ? 3 : 2) * st.ItemSpacing.y) * 0.5f);
      if (stage) draw_stage(ImVec2(left_w, stage_h));
      draw_timeline(ImVec2(left_w, tl_h), 0);
      draw_timeline(ImVec2(left_w, tl_h), 1);
      compare_.draw_summary(run1_, fonts_, theme(), ImVec2(left_w, summary_h), geo_.summary.x0, geo_.summary.y0,
                            geo_.summary.x1, geo_.summary.y1);
    } else {
      // The stage needs its height in presenter mode too: large chips under a LOOP BLOCKED banner.
      float h[2];
      float stage_share = 0.46f;
      heights({{show[0], stage_share}, {show[1], 1 - stage_share}}, avail.y, h);
      if (show[0]) draw_stage(ImVec2(left_w, h[0]));
      if (show[1]) draw_timeline(ImVec2(left_w, h[1]));
    }
    ImGui::EndGroup();
    if (right) ImGui::SameLine();
  }
  if (right) {
    ImGui::BeginGroup();
    float h[4];
    // A predict question needs the Why panel's room for its choices.
    float console_share = quiz_.open() ? 0.24f : look_.presenter ? 0.27f : 0.30f;
    // The Console is only as tall as the run's prints need (an empty one keeps
    // its heading and one line): the Why gets the rest. Decided per run, not
    // per frame, so panels do not jump while playing.
    if (show[4]) {
      float lines = float(std::max<size_t>(focused().prints->size() + program_stderr_lines(), 1));
      // A print that wraps into more rows than there are prints (a long list in one print) counts its rows.
      lines = std::max(lines, tallest_print_rows(right_w - 2 * st.WindowPadding.x, fonts_.mono, fonts_.px, true));
      float need = look_.font_px() * (1.35f * std::min(lines, 12.0f) + 2.6f);
      console_share = std::min(console_share, need / std::max(avail.y, 1.0f));
    }
    if (quiz_.open()) heights({{show[2], 0.30f}, {show[3], 0.58f - console_share}, {tasks, 0.12f}, {show[4], console_share}}, avail.y, h);
    else if (look_.presenter) heights({{show[2], 0.37f}, {show[3], 0.63f - console_share}, {false, 0}, {show[4], console_share}}, avail.y, h);  // large text: the Why needs lines
    else heights({{show[2], 0.38f}, {show[3], 0.42f - console_share}, {tasks, 0.20f}, {show[4], console_share}}, avail.y, h);
    // The Why is never cut: when its text needs more than its share, the
    // Tasks list gives room first (it counts what it leaves out), then the
    // Console (its latest prints stay in view), then the Code (both scroll),
    // each down to a few lines: the listing is what a class reads along.
    const RunMemo& memo = focused_run().memo();
    const float need = quiz_.open() ? predict_need(right_w) : memo.why_w == right_w && memo.why_px == fonts_.px ? memo.why_need : 0;
    if (show[3] && h[1] < need) {
      float lack = need - h[1];
      // What each keeps: the code its heading and four lines, the tasks two rows, the console one entry in two lines.
      const float keep[4] = {fonts_.px * 6.5f, 0, fonts_.px * 5.4f, fonts_.px * 5.4f};
      for (int k : {2, 3, 0}) {
        if (h[k] <= 0 || lack <= 0) continue;
        float give = std::min(lack, std::max(0.0f, h[k] - keep[k]));
        h[k] -= give, h[1] += give, lack -= give;
      }
      // A predict question still short of room: the Console (the run's past
      // prints) steps aside until it is answered, then the Tasks list (a long
      // reveal on a 720p projector), then the Code keeps its heading and two lines.
      for (int k : {3, 2})
        if (quiz_.open() && lack > 0 && h[k] > 0) h[1] += h[k] + st.ItemSpacing.y, lack -= h[k] + st.ItemSpacing.y, h[k] = 0;
      if (quiz_.open() && lack > 0 && h[0] > 0) {
        float give = std::min(lack, std::max(0.0f, h[0] - fonts_.px * 4.2f));
        h[0] -= give, h[1] += give, lack -= give;
      }
    }
    if (show[2]) draw_code(ImVec2(right_w, h[0]));
    if (show[3]) draw_why(ImVec2(right_w, h[1]));
    if (tasks && h[2] > 0) draw_tasks(ImVec2(right_w, h[2]));
    else geo_.tasks = {}, geo_.task_rows.clear();
    if (show[4] && h[3] > 0) draw_console(ImVec2(right_w, h[3]));
    ImGui::EndGroup();
  }
  end_main_window();
}

// [SECTION] Keys

void App::step(int dir) {
  const auto& m = run1_.model();
  seek(dir > 0 ? m.next_event(run1_.playback().index()) : m.prev_event(run1_.playback().index()));
}
void App::step_task(int dir) {
  const auto& m = run1_.model();
  seek(dir > 0 ? m.next_step(run1_.playback().index()) : m.prev_step(run1_.playback().index()));
}
void App::step_iteration(int dir) {
  const auto& m = run1_.model();
  seek(dir > 0 ? m.next_iteration(run1_.playback().index()) : m.prev_iteration(run1_.playback().index()));
}
void App::step_notable(int dir) {
  const auto& m = run1_.model();
  seek(dir > 0 ? m.next_notable(run1_.playback().index()) : m.prev_notable(run1_.playback().index()));
}

void App::toggle_bookmark() {
  if (run1_.model().size() == 0) return;
  size_t i = run1_.playback().index();
  auto it = std::lower_bound(run1_.bookmarks().begin(), run1_.bookmarks().end(), i);
  if (it != run1_.bookmarks().end() && *it == i) run1_.bookmarks().erase(it);
  else run1_.bookmarks().insert(it, i);
}

void App::step_bookmark(int dir) {
  size_t i = run1_.playback().index();
  if (dir > 0) {
    auto it = std::upper_bound(run1_.bookmarks().begin(), run1_.bookmarks().end(), i);
    if (it != run1_.bookmarks().end()) seek(*it);
  } else {
    auto it = std::lower_bound(run1_.bookmarks().begin(), run1_.bookmarks().end(), i);
    if (it != run1_.bookmarks().begin()) seek(*std::prev(it));
  }
}

int64_t App::playhead_ns() const {
  const model::Model& m = run1_.model();
  size_t n = std::min(m.size(), run1_.playback().size()), i = run1_.playback().index();
  if (n == 0) return 0;
  if (i + 1 >= n) return m.events()[n - 1].t_ns;
  return run1_.playback().trace_now();
}

void App::seek_time(int64_t t) {
  stop_following();
  run1_.playback().playing = false;
  run1_.playback().seek_story(run1_.playback().story_of_trace(t));
}

void App::cycle_pause() {
  double next = run1_.playback().pause() >= 2 ? 0 : run1_.playback().pause() + 1;
  run1_.playback().set_pause(next);
  char text[64];
  std::snprintf(text, sizeof text, next > 0 ? "Holding %g s on each notable event (H)" : "No hold on notable events (H)",
                next);
  set_status(text, false);
}

void App::toggle_play() {
  stop_following();
  if (!run1_.playback().playing && run1_.playback().at_end()) run1_.playback().seek(0);
  run1_.playback().playing = !run1_.playback().playing;
}

void App::zoom(float factor, double anchor) {
  const auto& m = run1_.model();
  int64_t span = timeline_.t1 - timeline_.t0;
  if (anchor < 0) {
    // Zoom around the playhead.
    int64_t t = m.size() ? int64_t(axis_of(m.events()[run1_.playback().index()].t_ns)) : timeline_.t0;
    anchor = span > 0 ? std::clamp(double(t - timeline_.t0) / double(span), 0.0, 1.0) : 0.5;
  }
  int64_t full = std::max<int64_t>(int64_t(axis_of(m.end_ns()) - axis_of(m.begin_ns())), 1000);
  int64_t ns = std::clamp<int64_t>(int64_t(double(span) / factor), 2000, full * 2);
  int64_t at = timeline_.t0 + int64_t(double(span) * anchor);
  timeline_.t0 = at - int64_t(double(ns) * anchor);
  timeline_.t1 = timeline_.t0 + ns;
  timeline_.fit = false;
}

void App::handle_keys(const KeyInput& keys) {
  fired_.clear();
  auto fire = [&](Fired f) { fired_.push_back(f); };
  if (dialog_open()) {
    for_each_fired(keys, kDialog, fire);  // a dialog has the keyboard: only its own keys (Esc)
  } else {
    if (program_.editor_open()) for_each_fired(keys, kEditor, fire);  // Ctrl+Enter, also while its text box has the keyboard
    // The gallery is a page of its own; a predict question takes the digits and Space.
    Context where = gallery_.open() ? kGallery : quiz_.open() ? kQuestion : kView;
    if (!ImGui::GetIO().WantTextInput) for_each_fired(keys, where, fire);
  }
  for (Fired f : fired_) act(f.action, f.arg);
}

bool App::fired(Action a) const {
  return std::any_of(fired_.begin(), fired_.end(), [&](Fired f) { return f.action == a; });
}

void App::act(Action a, int arg) {
  auto restyle = [&](auto change) {
    Appearance look = look_;
    change(look);
    set_appearance(look);
  };
  switch (a) {
    case Action::Play: toggle_play(); break;
    case Action::Step: step(arg); break;
    case Action::StepTask: step_task(arg); break;
    case Action::StepIteration: step_iteration(arg); break;
    case Action::Notable: step_notable(arg); break;
    case Action::Bookmark: toggle_bookmark(); break;
    case Action::NextBookmark: step_bookmark(arg); break;
    case Action::HoldNotable: cycle_pause(); break;
    case Action::Start: seek(0); break;
    case Action::End: seek_end(); break;
    case Action::ZoomIn: zoom(1.5f); break;
    case Action::ZoomOut: zoom(1 / 1.5f); break;
    case Action::Fit: timeline_.fit = true; break;
    case Action::Pan: {
      int64_t span = timeline_.t1 - timeline_.t0;
      timeline_.t0 += arg * span / 8, timeline_.t1 += arg * span / 8, timeline_.fit = false;
      break;
    }
    case Action::Axis: toggle_axis(); break;
    case Action::Focus: toggle_focus(); break;
    case Action::Panel:
      if (arg == 0 && compare_.on()) compare_.toggle_stage();  // compare hides the stage unless asked
      else if (arg >= 0 && arg < kPanels) look_.show[arg] = !look_.show[arg];
      break;
    case Action::Gallery: gallery_.set_open(true); break;
    case Action::CloseGallery: gallery_.set_open(false); break;
    case Action::Predict: toggle_predict(); break;
    case Action::Answer: if (quiz_.open()) answer(arg); break;
    case Action::ShowOrContinue:
      if (!quiz_.open()) break;
      if (quiz_.revealed()) continue_after_answer();
      else answer(-1);
      break;
    case Action::LeavePredict: if (quiz_.on()) toggle_predict(); break;
    case Action::Rerun:
      if (!run1_.session().live()) run1_.session().is_program() ? rerun_program() : start_selected();
      break;
    case Action::Open: open_program_dialog(); break;
    case Action::Edit: open_editor(); break;
    case Action::Save: open_save_dialog(); break;
    case Action::Record: open_record_dialog(); break;
    case Action::Theme: restyle([](Appearance& l) { l.dark = !l.dark; }); break;
    case Action::Smaller: restyle([](Appearance& l) { l.scale = std::clamp(l.scale / 1.15f, 0.7f, 2.5f); }); break;
    case Action::Larger: restyle([](Appearance& l) { l.scale = std::clamp(l.scale * 1.15f, 0.7f, 2.5f); }); break;
    case Action::Presenter: restyle([](Appearance& l) { l.presenter = !l.presenter; }); break;
    case Action::Fullscreen: fullscreen_toggle_ = true; break;
    case Action::Help: help_ = !help_; break;
    case Action::CloseHelp: help_ = false; break;
    case Action::CloseDialog: break;  // the open dialog closes itself as it draws (its popup is ImGui's to close)
    case Action::SaveAndRun:
      if (program_.editor_open()) save_and_run();
      break;
    case Action::Count: break;
  }
}

void App::apply(const Commands& commands) {
  for (const Command& c : commands) {
    if (auto* s = std::get_if<cmd::Seek>(&c)) seek(s->index);
    else if (std::holds_alternative<cmd::Play>(c)) run1_.playback().playing = true;
    else if (auto* p = std::get_if<cmd::ShowPanel>(&c)) look_.show[p->panel] = true;
    else if (auto* r = std::get_if<cmd::RunProgram>(&c)) start_program(r->file, r->args);
    else if (std::holds_alternative<cmd::StopRun>(c)) run1_.session().stop();
    else if (auto* k = std::get_if<cmd::RunCard>(&c)) run_card(k->scenario, k->compare);
  }
}

// [SECTION] Toolbar

void note_toolbar_item(Geometry& g, std::string name) {
  g.toolbar.push_back({std::move(name), {ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, ImGui::GetItemRectMax().x,
                                         ImGui::GetItemRectMax().y}});
}

void App::draw_toolbar() {
  const Theme& th = theme();
  const auto& all = scenarios();
  const Scenario* cur = all.empty() ? nullptr : &all[size_t(selected_)];
  float px = look_.font_px();
  geo_.toolbar.clear();
  auto note = [&](const char* name) { note_toolbar_item(geo_, name); };
  // The toolbar wraps: a control that does not fit on the row starts the next
  // one (large text in a small window), so no control is ever dropped.
  auto flow = [&](float need, float spacing) {
    float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
    if (ImGui::GetWindowContentRegionMax().x - used - spacing >= need) ImGui::SameLine(0, spacing);
  };

  if (ImGui::Button("Scenarios")) gallery_.toggle();
  note("Scenarios");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", with_keys("Every lesson with its parameters", Action::Gallery).c_str());
  flow(button_w("Open .py..."), px * 0.25f);
  if (ImGui::Button("Open .py...")) open_program_dialog();
  note("Open");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run your own asyncio program live (%s; or drop a .py on the window)", keys_of(Action::Open).c_str());
  bool live = run1_.session().live();
  const model::Model& loaded = run1_.model();
  if (run1_.session().is_program()) {
    apply(program_.draw_bar(run1_, fonts_, theme(), look_.font_px(), [&](const std::string& n) { note_toolbar_item(geo_, n); }));
  } else if (loaded.recorded_under_cpython() && loaded.scenario()) {
    // A trace recorded under CPython (view F.jsonl, screenshot F.py): its
    // program's name, not the controls of a scenario it is not.
    ImGui::SameLine(0, px * 0.6f);
    ImGui::PushFont(fonts_.bold);
    ImGui::TextUnformatted(loaded.scenario());
    ImGui::PopFont();
    note("program");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Recorded under CPython; Open .py... runs a program live");
  } else {
  flow(px * 11, px * 0.25f);
  ImGui::SetNextItemWidth(px * 11);
  bool combo = ImGui::BeginCombo("##scenario", cur ? cur->id.c_str() : "(none)");
  note("scenario");
  if (combo) {
    for (size_t i = 0; i < all.size(); ++i) {
      if (ImGui::Selectable(all[i].id.c_str(), int(i) == selected_)) select_scenario(int(i));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", all[i].title.c_str());
    }
    ImGui::EndCombo();
  }
  if (cur && ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(px * 30);
    ImGui::TextUnformatted(cur->title.c_str());
    ImGui::TextDisabled("%s", cur->lesson.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  if (cur && !cur->params.empty()) {
    flow(px * 6, ImGui::GetStyle().ItemSpacing.x);
    params_.draw(selected_, px);
  }
  if (cur && cur->id == "concurrent-server") open_.draw(px, live);
  flow(button_w("Running..."), ImGui::GetStyle().ItemSpacing.x);
  if (live && run1_.session().open_mode()) {
    if (ImGui::Button("Stop")) run1_.session().stop();
    note("Run");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop listening, as Ctrl-C does: the handlers in flight finish");
  } else {
    if (live) ImGui::BeginDisabled();
    if (ImGui::Button(live ? "Running..." : "Run")) start_selected();
    note("Run");
    if (live) ImGui::EndDisabled();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", with_keys("Run the scenario on a real loop", Action::Rerun).c_str());
  }
  // Compare with another scenario (its default parameters), on the same time axis.
  flow(button_w("Compare with..."), px * 0.25f);
  // The button says what it does: while compare is on, it ends it.
  if (ImGui::Button(compare_.on() ? "End compare" : "Compare with...")) {
    if (compare_.on()) stop_compare();
    else ImGui::OpenPopup("compare_with");
  }
  note("Compare");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(compare_.on() ? "Back to one run: the compared run closes"
                                  : "Run another scenario beside this one, on the same time axis");
  if (ImGui::BeginPopup("compare_with")) {
    for (const Scenario& sc : all)
      if (ImGui::Selectable(sc.id.c_str())) start_compare(sc, sc.resolve({}));
    ImGui::EndPopup();
  }
  }  // a scenario's controls

  auto button = [&](const char* label, const std::string& tip, bool first = false) {
    if (!first) ImGui::SameLine(0, px * 0.25f);
    bool b = ImGui::Button(label);
    note(label);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip.c_str());
    return b;
  };
  // Playback controls and the readout wrap to a second row when the window is narrow.
  auto same_line_if_room = [&](float need) { flow(need, px); };
  same_line_if_room(px * 19);
  ImGui::BeginGroup();
  if (button("|<", with_keys("Start", Action::Start), true)) seek(0);
  if (button("<", with_keys("Back one event", Action::Step, -1))) step(-1);
  if (button(run1_.playback().playing ? "Pause" : "Play", with_keys("Play / pause", Action::Play))) toggle_play();
  if (button(">", with_keys("Forward one event", Action::Step, +1))) step(+1);
  if (button(">|", with_keys("End", Action::End) + ": while a run is live, follow its newest event again")) seek_end();
  ImGui::SameLine(0, px);
  ImGui::SetNextItemWidth(px * 7);
  float speed = float(run1_.playback().speed);
  if (ImGui::SliderFloat("##speed", &speed, 0.1f, 10.0f, "speed %.2gx", ImGuiSliderFlags_Logarithmic))
    run1_.playback().speed = speed;
  note("speed");

  ImGui::EndGroup();
  // Readout: where the playhead is, in trace time and loop iterations.
  const auto& m = run1_.model();
  same_line_if_room(px * 14);
  if (m.size()) {
    ImGui::Text("t = %s", format_clock(playhead_ns() - m.begin_ns()).c_str());
    ImGui::SameLine(0, px);
    ImGui::Text("iteration %u", cur_.it);
    char ev[48];
    std::snprintf(ev, sizeof ev, "event %zu / %zu", run1_.playback().index() + 1, m.size());
    float room = ImGui::GetWindowContentRegionMax().x - px * 2.2f - (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x);
    float tail = ImGui::GetFrameHeight() + ImGui::CalcTextSize("Predict").x + px * 2 + export_.controls_width(look_.font_px()) + button_w("?");
    if (ImGui::CalcTextSize(ev).x + px + tail < room) {  // only where it leaves the right end its room
      ImGui::SameLine(0, px);
      ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
      ImGui::TextUnformatted(ev);
      ImGui::PopStyleColor();
    }
  } else {
    ImGui::TextDisabled("no run yet: press Run");
  }
  if (live && run1_.session().open_mode()) {
    // Open server mode: where to point curl or a browser, and how long is left.
    ImGui::SameLine(0, px);
    int port = run1_.session().open_port();
    double left = open_.seconds_left(run1_.session().open_duration());
    if (port > 0)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "listening on http://127.0.0.1:%d/  (%.0f s left)",
                         port, std::max(left, 0.0));
    else
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "starting the server");
  } else if (live) {
    ImGui::SameLine(0, px);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), following_live() ? "live" : "live (End follows)");
  } else if (run1_.session().open_mode() && !run1_.session().result().ok && !run1_.session().result().error.empty()) {
    ImGui::SameLine(0, px);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "open server: %s", run1_.session().result().error.c_str());
  }
  // The right end: Predict, Save trace, Record clip and help. Where the row
  // has no room for them (large text in a small window) they fold into one
  // menu button, "More": every control stays one click away, none is dropped.
  bool busy = export_.busy();  // a clip's progress or a status: shown inline, wrapping if need be
  float help_w = button_w("?"), sp = ImGui::GetStyle().ItemSpacing.x;
  float predict_w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("Predict").x;
  float tail_w = predict_w + px + export_.controls_width(look_.font_px()) + sp + help_w + sp;
  float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  float max_x = ImGui::GetWindowContentRegionMax().x;
  bool fold = !busy && max_x - used - px < tail_w;
  if (fold) {
    if (max_x - used - px >= button_w("More...")) ImGui::SameLine(max_x - button_w("More..."));
    else ImGui::SetCursorPosX(max_x - button_w("More..."));
    if (ImGui::Button("More...")) ImGui::OpenPopup("toolbar_more");
    note("More");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Predict, Save trace, Record clip, keyboard shortcuts");
    for (const char* folded : {"Predict", "Save trace", "Record clip", "?"}) geo_.toolbar.push_back({folded, geo_.toolbar.back().second});
    if (ImGui::BeginPopup("toolbar_more")) {
      if (ImGui::MenuItem("Predict", keys_of(Action::Predict).c_str(), quiz_.on())) toggle_predict();
      bool can = run1_.model().size() > 0 && !run1_.session().live();
      if (ImGui::MenuItem("Save trace...", keys_of(Action::Save).c_str(), false, can)) open_save_dialog();
      if (ImGui::MenuItem("Record clip...", keys_of(Action::Record).c_str(), false, can)) open_record_dialog();
      if (ImGui::MenuItem("Keyboard shortcuts", keys_of(Action::Help).c_str())) help_ = !help_;
      ImGui::EndPopup();
    }
    return;
  }
  flow(predict_w, px);
  bool predict = quiz_.on();
  if (ImGui::Checkbox("Predict", &predict)) toggle_predict();
  note("Predict");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Predict mode (%s): playback stops before each iteration and asks which handle runs first",
                      keys_of(Action::Predict).c_str());
  // Right end: Save trace / Record clip (or the clip's progress), then help.
  used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  float right_w = export_.controls_width(look_.font_px()) + sp + help_w;
  if (max_x - used > right_w + px) ImGui::SameLine(max_x - right_w);
  else ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), max_x - right_w));
  ImGui::BeginGroup();
  export_.draw_controls(export_view());
  ImGui::EndGroup();
  if (!busy) {
    note_toolbar_item(geo_, "Save trace");
    geo_.toolbar.push_back({"Record clip", geo_.toolbar.back().second});
  }
  ImGui::SameLine();
  if (ImGui::Button("?")) help_ = !help_;
  note("?");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", with_keys("Keyboard shortcuts", Action::Help).c_str());
}

// [SECTION] Help overlay

void App::draw_help() {
  // The shortcuts table itself (shortcuts.cpp), a row per help text, by where
  // the keys work; then what the mouse does.
  static const char* kMouse[][2] = {
      {"mouse wheel", "zoom the timeline at the mouse"},
      {"drag", "pan the timeline"},
  };
  static const std::pair<uint8_t, const char*> kWhere[] = {
      {kView, nullptr},
      {kQuestion, "While a predict question is open"},
      {kGallery, "In the gallery"},
      {kDialog, "In a dialog (Save trace, Record clip, Open)"},
      {kEditor, "In the program editor"},
  };
  // Rows: (keys, what); a heading has no keys.
  std::vector<std::pair<std::string, const char*>> rows;
  auto all = shortcuts();
  for (auto [where, heading] : kWhere) {
    if (heading) rows.push_back({"", heading});
    for (size_t i = 0, next = 0; i < all.size(); i = next) {
      std::string keys = row_keys(i, &next);
      // A row shared by the view and a question is listed with the view.
      uint8_t home = (all[i].where & kView) ? uint8_t(kView) : all[i].where;
      if (home == where && !keys.empty()) rows.push_back({keys, all[i].help});
    }
    if (where == kView)
      for (auto& m : kMouse) rows.push_back({m[0], m[1]});
  }
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& st = ImGui::GetStyle();
  float keys_w = 0, what_w = 0;
  ImGui::PushFont(fonts_.bold);
  for (auto& r : rows) keys_w = std::max(keys_w, ImGui::CalcTextSize(r.first.c_str()).x);
  ImGui::PopFont();
  for (auto& r : rows) what_w = std::max(what_w, ImGui::CalcTextSize(r.second).x);
  float pad = st.CellPadding.x * 4, max_w = io.DisplaySize.x * 0.95f;
  // Two lists side by side where they fit the window's width, the longest
  // texts wrapping (the list is taller than a 720p screen); otherwise one
  // list that scrolls where the window is too short.
  float two_w = 2 * (keys_w + what_w * 0.75f + pad) + st.WindowPadding.x * 2;
  int pairs = two_w <= max_w ? 2 : 1;
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(max_w, io.DisplaySize.y * 0.95f));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  if (pairs == 2) {
    float full = 2 * (keys_w + what_w + pad) + st.WindowPadding.x * 2;
    ImGui::SetNextWindowSize(ImVec2(std::min(full, max_w), 0), ImGuiCond_Always);  // 0: the height fits the rows
  } else {
    flags |= ImGuiWindowFlags_AlwaysAutoResize;
  }
  ImGui::SetNextWindowBgAlpha(0.97f);
  ImGui::Begin("Keyboard", &help_, flags);
  geo_.help_rows.clear();
  ImVec2 at = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  geo_.help = {at.x, at.y, at.x + size.x, at.y + size.y};
  if (ImGui::BeginTable("keys", 2 * pairs, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    for (int c = 0; c < pairs; ++c) {
      ImGui::TableSetupColumn("keys", ImGuiTableColumnFlags_WidthFixed, keys_w);
      ImGui::TableSetupColumn("what", pairs == 2 ? ImGuiTableColumnFlags_WidthStretch : ImGuiTableColumnFlags_WidthFixed,
                              pairs == 2 ? 1.0f : what_w);
    }
    size_t per_column = (rows.size() + size_t(pairs) - 1) / size_t(pairs);
    for (size_t r = 0; r < per_column; ++r) {
      ImGui::TableNextRow();
      for (size_t c = 0; c < size_t(pairs); ++c) {
        size_t i = c * per_column + r;
        ImGui::TableNextColumn();
        if (i >= rows.size()) {
          ImGui::TableNextColumn();
          continue;
        }
        auto& [keys, what] = rows[i];
        if (keys.empty()) {  // a heading, over the descriptions
          ImGui::TableNextColumn();
          ImGui::TextDisabled("%s", what);
          continue;
        }
        ImGui::PushFont(fonts_.bold);
        ImGui::TextUnformatted(keys.c_str());
        ImGui::PopFont();
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(what);
        ImGui::PopTextWrapPos();
        geo_.help_rows.push_back({keys, what});
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace loopscope::gui

namespace loopscope::gui {

// [SECTION] The narrow layout
// A compare clip's half (640x720 at 720p) or a narrow window in presenter
// mode: about 25 lines of body text wide. Two columns there leave the code a
// dozen characters, so the code takes the whole width at the bottom, where a
// Python line reads whole, and above it the stage (Why and Console under it)
// stands beside the timeline, each half the width: the timeline's lanes keep
// the height they have in two columns.
bool App::draw_narrow(const ImVec2& avail) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const bool* show = look_.show;
  const float gap_y = st.ItemSpacing.y, gap_x = st.ItemSpacing.x, px = fonts_.px;
  // The code: its heading and at least three rows of the listing (at the floor face, where a long listing ends up).
  const float overhead = px + gap_y + 2 * st.WindowPadding.y;
  const float lh = std::round(fonts_.mono_floor_px * 1.3f);
  float code_h = std::floor(std::max(overhead + 3.1f * lh, (avail.y - gap_y) * 0.3f));
  float top_h = avail.y - code_h - gap_y;
  bool under = show[3] || show[4];  // Why and Console, under the stage
  bool left = show[0] || under;
  float left_w = !show[1] ? avail.x : left ? std::floor((avail.x - gap_x) * 0.5f) : 0;
  if (left) {
    // Under the stage: the Console's heading and two rows of prints at the floor face (where a long print
    // steps down to), up to five for a print that wraps into more there without the iteration column; the
    // Why (no captions) its heading and three rows. The stage keeps two rows of compact areas (chips at the floor).
    const float stage_rows = 2 * std::max(look_.floor_px(), px * 0.78f) * 1.55f + px * 0.5f;
    const float floor_rows = std::clamp(
        tallest_print_rows(left_w - 2 * st.WindowPadding.x, fonts_.mono_floor, fonts_.mono_floor_px, false), 2.0f, 5.0f);
    float con_h = show[4] ? std::floor(overhead + floor_rows * fonts_.mono_floor_px * 1.35f) : 0;
    float why_h = show[3] ? std::floor(overhead + 3 * px * 1.25f) : 0;
    // The stage keeps its heading and two rows of areas: a print longer still is the Console's to elide.
    if (show[0] && show[4]) {
      float stage_min = overhead + stage_rows, rest = top_h - stage_min - why_h - gap_y * float(show[3] + show[4]);
      con_h = std::max(std::min(con_h, std::floor(rest)), std::floor(overhead + 2 * fonts_.mono_floor_px * 1.35f));
    }
    float stage_h = show[0] ? top_h - con_h - why_h - gap_y * float(show[3] + show[4]) : 0;
    // Too short for a stage of two rows of areas under its heading (a window under a tall toolbar): two columns.
    if (show[0] && stage_h < overhead + stage_rows) return false;
    if (!show[0]) {  // no stage: Why and Console share the column
      if (show[3] && show[4]) why_h = std::floor((top_h - gap_y) * 0.6f), con_h = top_h - gap_y - why_h;
      else why_h = show[3] ? top_h : 0, con_h = show[4] ? top_h : 0;
    }
    ImGui::BeginGroup();
    if (show[0]) draw_stage(ImVec2(left_w, stage_h));
    if (show[3]) draw_why(ImVec2(left_w, why_h));
    if (show[4] && con_h > 0) draw_console(ImVec2(left_w, con_h));
    ImGui::EndGroup();
    if (show[1]) ImGui::SameLine();
  }
  if (show[1]) draw_timeline(ImVec2(avail.x - (left ? left_w + gap_x : 0), top_h));
  draw_code(ImVec2(avail.x, code_h));
  return true;
}

void App::end_main_window() {
  ImGui::PopAllowKeyboardFocus();
  ImGui::End();
  if (gallery_.open()) apply(gallery_.draw(run1_.session().scenario(), params_, fonts_, theme()));
  export_.draw_dialogs(export_view(), fired(Action::CloseDialog));
  draw_open_dialog();
  apply(program_.draw_editor(fonts_, theme(), look_.font_px()));
  if (help_) draw_help();
  else geo_.help = {}, geo_.help_rows.clear();
}

App::Focus App::focused() const {
  if (focus() == 1) return {&compare_.run().session(), compare_.run().index(), &compare_.run().state(), &compare_.run().prints(), 1};
  return {&run1_.session(), run1_.playback().index(), &cur_, &run1_.prints(), 0};
}

std::string App::focus_title(const char* panel) const {
  if (!compare_.on()) return panel;
  return std::string(panel) + "  " + std::to_string(focus() + 1) + ": " +
         (focused().s->scenario() ? focused().s->scenario()->id : std::string("saved trace")) + "  (Tab)";
}

}  // namespace loopscope::gui
