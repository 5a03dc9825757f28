// The toolbar's Save trace / Record clip buttons, their dialogs, the clip's
// progress and the status line (export_panel.hpp).
#include "export_panel.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "draw.hpp"
#include "shortcuts.hpp"

namespace loopscope::gui {

namespace {
struct ClipFormat {
  const char* name;
  const char* ext;  // "" = a directory of PNG frames
};
constexpr ClipFormat kFormats[] = {{"MP4 (H.264)", ".mp4"}, {"GIF", ".gif"}, {"WebM (VP9)", ".webm"}, {"PNG frames", ""}};
constexpr int kSizes[][2] = {{1280, 720}, {1920, 1080}};
constexpr int kFps[] = {24, 30, 60};

int format_of_path(const std::string& p) {
  for (int i = 0; i < 3; ++i) {
    std::string ext = kFormats[i].ext;
    if (p.size() >= ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0) return i;
  }
  return 3;
}

std::string with_format(std::string p, int f) {
  int old = format_of_path(p);
  p.resize(p.size() - std::string(kFormats[old].ext).size());
  if (f == 3 && old != 3) p += "-frames";
  if (f != 3 && old == 3 && p.size() > 7 && p.compare(p.size() - 7, 7, "-frames") == 0) p.resize(p.size() - 7);
  return p + kFormats[f].ext;
}
}  // namespace

ImU32 clip_bar_colour(const Theme& th) { return th.task(0); }

void ExportPanel::set_status(std::string text, bool error) {
  status_ = std::move(text);
  error_ = error;
  status_age_ = 0;
}

namespace {
// Save and Record need a run with events that is not live.
bool can_export(const RunView& r) { return r.model().size() > 0 && !r.session().live(); }
}  // namespace

void ExportPanel::open_save(const View& v) {
  if (!can_export(v.run1)) return;
  save_path_ = default_output(v.run1.session(), nullptr, ".jsonl");
  save_open_ = true;
}

void ExportPanel::open_record(const View& v) {
  if (!can_export(v.run1) || clip_.running()) return;
  const Session* cmp = v.run2 ? &v.run2->session() : nullptr;
  int f = req_.out.empty() ? 0 : format_of_path(req_.out);
  req_.out = default_output(v.run1.session(), cmp, kFormats[f].ext[0] ? kFormats[f].ext : "-frames");
  req_.dark = v.dark;
  req_.presenter = v.presenter;
  if (cmp) req_.w = std::max(req_.w, 1280);
  // The playback's story length (the longer run's, when comparing): the clip's length at 1x.
  story_s_ = v.run1.playback().story_end();
  if (cmp) story_s_ = std::max(story_s_, v.run2->playback().story_end());
  record_open_ = true;
}

void ExportPanel::save_now(const View& v) {
  save_open_ = false;
  std::string err = save_trace(v.run1.session(), save_path_, v.run1.bookmarks());
  if (err.empty()) {
    char msg[64];
    std::snprintf(msg, sizeof msg, "%zu events", v.run1.model().size());
    set_status("Saved " + save_path_ + " (" + msg + "; loopscope view opens it)", false);
  } else {
    set_status("Not saved: " + err, true);
  }
}

void ExportPanel::record_now(const View& v) {
  record_open_ = false;
  const Session* cmp = v.run2 && v.run2->model().size() ? &v.run2->session() : nullptr;
  std::string err = clip_.start(program_, req_, v.run1.session(), cmp);
  if (err.empty()) set_status("", false);
  else set_status("Not recorded: " + err, true);
}

// [SECTION] Toolbar

float ExportPanel::controls_width(float px) const {
  const ImGuiStyle& st = ImGui::GetStyle();
  if (clip_.running()) return px * 8 + button_w("Cancel") + px * 4.5f + st.ItemSpacing.x * 3;
  if (!status_.empty()) return std::min(ImGui::CalcTextSize(status_.c_str()).x, px * 24) + button_w("OK") + st.ItemSpacing.x;
  return button_w("Save trace") + button_w("Record clip") + st.ItemSpacing.x;
}

void ExportPanel::draw_controls(const View& v) {
  const Theme& th = v.th;
  const float px = v.px;
  clip_.poll();
  if (clip_.state() == ClipJob::State::done) {
    set_status("Clip written: " + clip_.out(), false);
    clip_.dismiss();
  } else if (clip_.state() == ClipJob::State::failed || clip_.state() == ClipJob::State::cancelled) {
    set_status((clip_.state() == ClipJob::State::failed ? "Clip failed: " : "Clip ") + clip_.message(),
               clip_.state() == ClipJob::State::failed);
    clip_.dismiss();
  }
  if (clip_.running()) {
    // Recording: the bar, the time left, and Cancel.
    char pct[32];
    std::snprintf(pct, sizeof pct, "clip %d%%", int(clip_.fraction() * 100));
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, clip_bar_colour(th));
    ImGui::ProgressBar(float(clip_.fraction()), ImVec2(px * 8, 0), pct);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Recording %s (%d / %d frames)", clip_.out().c_str(), clip_.done(), clip_.total());
    ImGui::SameLine();
    double eta = clip_.eta_s();
    std::string left = eta < 0 ? "starting" : clock_text(eta) + " left";
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextUnformatted(left.c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine(0, px * 4.5f - ImGui::CalcTextSize(left.c_str()).x);
    if (ImGui::Button("Cancel")) clip_.cancel();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop recording; nothing is left under %s", clip_.out().c_str());
    return;
  }
  if (!status_.empty()) {
    // The outcome, until dismissed (or for a while).
    ImGui::PushStyleColor(ImGuiCol_Text, error_ ? th.error : th.text_faint);
    float w = std::min(ImGui::CalcTextSize(status_.c_str()).x, px * 24);
    ImGui::PushClipRect(ImGui::GetCursorScreenPos(),
                        ImVec2(ImGui::GetCursorScreenPos().x + w, ImGui::GetCursorScreenPos().y + px * 2), true);
    ImGui::TextUnformatted(status_.c_str());
    ImGui::PopClipRect();
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", status_.c_str());
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x + w - ImGui::GetItemRectSize().x);
    status_age_ += ImGui::GetIO().DeltaTime;
    if (ImGui::Button("OK") || (!error_ && status_age_ > 12)) set_status("", false);
    return;
  }
  bool can = can_export(v.run1);
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Save trace")) open_save(v);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("%s", with_keys("Save this run as JSON Lines, for loopscope view and other tools", Action::Save).c_str());
  ImGui::SameLine();
  if (ImGui::Button("Record clip")) open_record(v);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("%s", with_keys("Record this run as a video clip, with a title card", Action::Record).c_str());
  if (!can) ImGui::EndDisabled();
}

// [SECTION] Dialogs

void ExportPanel::draw_dialogs(const View& v, bool close) {
  const float px = v.px;
  ImGuiIO& io = ImGui::GetIO();
  auto centre = [&] {
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
  };
  // Enter confirms (in the file field or anywhere in the dialog), Esc closes.
  auto path_field = [&](std::string& path) {
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(px * 24);
    return ImGui::InputText("##path", &path, ImGuiInputTextFlags_EnterReturnsTrue);
  };
  auto buttons = [&](const char* ok) {
    bool go = ImGui::Button(ok);
    ImGui::SameLine();
    bool cancel = ImGui::Button("Cancel") || close;
    return cancel ? -1 : go ? 1 : 0;
  };
  const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoCollapse;

  if (save_open_) {
    if (!ImGui::IsPopupOpen("Save trace")) ImGui::OpenPopup("Save trace");
    centre();
    if (ImGui::BeginPopupModal("Save trace", &save_open_, flags)) {
      ImGui::TextUnformatted("JSON Lines file (the documented trace format):");
      bool enter = path_field(save_path_);
      ImGui::TextDisabled("%zu events of %s", v.run1.model().size(), run_label(v.run1.session()).c_str());
      int b = buttons("Save");
      if (b < 0) save_open_ = false;
      if (b > 0 || enter) save_now(v);
      if (!save_open_) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  }

  if (record_open_) {
    if (!ImGui::IsPopupOpen("Record clip")) ImGui::OpenPopup("Record clip");
    centre();
    if (ImGui::BeginPopupModal("Record clip", &record_open_, flags)) {
      ClipRequest& r = req_;
      bool cmp = v.run2 && v.run2->model().size();
      ImGui::Text("%s%s%s", run_label(v.run1.session()).c_str(), cmp ? "  beside  " : "",
                  cmp ? run_label(v.run2->session()).c_str() : "");
      ImGui::TextDisabled("the run as it is on screen: a title card, the playback, the end held");
      bool enter = path_field(r.out);
      int f = format_of_path(r.out);
      for (int i = 0; i < 4; ++i) {
        if (i) ImGui::SameLine();
        if (ImGui::RadioButton(kFormats[i].name, f == i)) r.out = with_format(r.out, i);
      }
      int size = r.w == 1920 ? 1 : 0;
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted("size");
      for (int i = 0; i < 2; ++i) {
        ImGui::SameLine();
        char label[32];
        std::snprintf(label, sizeof label, "%dx%d", kSizes[i][0], kSizes[i][1]);
        if (ImGui::RadioButton(label, size == i)) r.w = kSizes[i][0], r.h = kSizes[i][1];
      }
      ImGui::SameLine(0, px * 1.5f);
      ImGui::TextUnformatted("fps");
      for (int fps : kFps) {
        ImGui::SameLine();
        char label[16];
        std::snprintf(label, sizeof label, "%d", fps);
        if (ImGui::RadioButton(label, r.fps == fps)) r.fps = fps;
      }
      float speed = float(r.speed);
      ImGui::SetNextItemWidth(px * 9);
      if (ImGui::SliderFloat("##speed", &speed, 0.1f, 10.0f, "speed %.2gx", ImGuiSliderFlags_Logarithmic))
        r.speed = speed;
      ImGui::SameLine(0, px * 1.5f);
      ImGui::Checkbox("captions (the Why text)", &r.captions);
      // How long the clip will be: title, the playback's story time at this speed, the held end.
      double clip_s = kClipTitleSeconds + story_s_ / std::max(r.speed, 0.05) + kClipHoldSeconds;
      ImGui::PushStyleColor(ImGuiCol_Text, clip_s > 60 ? v.th.error : v.th.text_faint);
      ImGui::Text("about %s of clip, %d frames%s", clock_text(clip_s).c_str(), int(clip_s * r.fps),
                  clip_s > 60 ? ": raise the speed for a short clip" : "");
      ImGui::PopStyleColor();
      ImGui::TextDisabled("%s theme%s, as on screen", r.dark ? "dark" : "light", r.presenter ? ", presenter text" : "");
      int b = buttons("Record");
      if (b < 0) record_open_ = false;
      if (b > 0 || enter) record_now(v);
      if (!record_open_) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  }
}

}  // namespace loopscope::gui
