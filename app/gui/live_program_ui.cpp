// Your own program in the window, the App's side: opening a .py or a trace
// (a path box over the recent files, drag and drop), running it live
// (Session::start_program), and the program's stderr under the Console. The
// editor, the file watch, the program bar and the Code panel's file tabs are
// ProgramSource's (program_source.hpp).
#include <imgui.h>
#include <imgui_stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "cli/python_program.hpp"
#include "core/output_file.hpp"
#include "core/trace_schema.hpp"
#include "draw.hpp"

namespace loopscope::gui {

namespace {
constexpr size_t kRecent = 8;
}  // namespace

// [SECTION] Runs

void App::start_program(const std::string& path, const std::vector<std::string>& args) {
  if (compare_.on()) stop_compare();
  std::error_code ec;
  std::string abs = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) abs = path;
  run1_.start_program(abs, args);
  follow_new_run();
  program_.started(abs, args, file_mtime_ns(abs));
  open_error_.clear();
  std::erase(recent_, abs);
  recent_.insert(recent_.begin(), abs);
  if (recent_.size() > kRecent) recent_.resize(kRecent);
}

void App::rerun_program() { apply(program_.rerun(run1_)); }

std::string App::open_file(const std::string& path) {
  if (cli::is_python_program(path)) {
    std::string bad = cli::check_program_file(path);
    if (!bad.empty()) return bad;
    start_program(path);  // a program opened from the window runs without arguments
    return "";
  }
  if (path.ends_with(".jsonl")) return load(path);
  return path + ": not a Python program (.py) or a trace (.jsonl)";
}

bool App::drop_file(const std::string& path) {
  std::string err = open_file(path);
  if (err.empty()) return true;
  open_path_ = path, open_error_ = err, open_dialog_ = true;
  return false;
}

// [SECTION] What the trace says about the program's files

const std::vector<std::string>& App::code_lines(int run) const {
  return run == 1 ? compare_.run().listing_lines() : run1_.listing_lines(program_.code_file());
}

// [SECTION] Toolbar

// [SECTION] The open dialog

void App::draw_open_dialog() {
  float px = look_.font_px();
  ImGuiIO& io = ImGui::GetIO();
  const Theme& th = theme();
  const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoCollapse;
  if (open_dialog_) {
    if (!ImGui::IsPopupOpen("Open a program")) ImGui::OpenPopup("Open a program");
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::BeginPopupModal("Open a program", &open_dialog_, flags)) {
      ImGui::TextUnformatted("Your own asyncio program (.py), run live under python3:");
      if (open_focus_) ImGui::SetKeyboardFocusHere(), open_focus_ = false;
      ImGui::SetNextItemWidth(std::min(px * 30, io.DisplaySize.x * 0.8f));
      bool enter = ImGui::InputText("##program", &open_path_, ImGuiInputTextFlags_EnterReturnsTrue);
      std::string pick;
      if (!recent_.empty()) {
        ImGui::TextDisabled("Recent:");
        for (const std::string& r : recent_)
          if (ImGui::Selectable(r.c_str())) pick = r;
      }
      if (open_focus_browser_) open_browser_.refresh(), open_focus_browser_ = false;
      geo_.open_files.clear();
      if (open_browser_.draw(open_path_, px * 8, &geo_.open_files)) pick = open_path_;
      ImGui::TextDisabled("Or drop a .py file on the window.");
      if (!open_error_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", open_error_.c_str());
      bool go = ImGui::Button("Run") || enter;
      ImGui::SameLine();
      bool cancel = ImGui::Button("Cancel") || fired(Action::CloseDialog);
      if (go && pick.empty()) pick = open_path_;
      if (!pick.empty()) {
        open_path_ = pick;
        open_error_ = open_file(pick);
        if (open_error_.empty()) open_dialog_ = false;
      }
      if (cancel) open_dialog_ = false;
      if (!open_dialog_) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  }

}

// [SECTION] Console: the program's stderr

size_t App::program_stderr_lines() const {
  if (!run1_.session().is_program()) return 0;
  const std::string& e = run1_.session().program_stderr();
  // Capped at 8 lines: stop counting there (the text can hold 1 MiB, and this runs every frame).
  size_t n = 0;
  for (size_t at = e.find('\n'); at != std::string::npos && n < 8; at = e.find('\n', at + 1)) ++n;
  return n;
}

void App::draw_program_stderr(ImDrawList* dl, const ImVec2& c0, ImVec2& c1) {
  const Focus f = focused();
  if (f.s != &run1_.session() || !run1_.session().is_program()) return;
  const std::string& err = run1_.session().program_stderr();
  // stderr has no timestamps: it belongs to the run's end (a traceback), so it
  // shows while the run is live or when the playhead is on the last event.
  const model::Model& m = run1_.model();
  if (err.empty() || (!run1_.session().live() && m.size() && f.index + 1 < m.size())) return;
  const Theme& th = theme();
  float px = fonts_.px, spx = std::max(px * 0.85f, look_.floor_px());
  float lh = std::round(spx * 1.3f), w = std::max(c1.x - c0.x - px * 0.6f, px * 4);
  // The wrapped rows of the last lines, newest at the bottom, in up to 60% of the panel.
  std::vector<std::pair<const char*, const char*>> rows;
  const char* begin = err.data();
  const char* end = begin + err.size();
  while (end > begin && end[-1] == '\n') --end;
  int max_rows = std::max(1, int((c1.y - c0.y) * 0.6f / lh));
  for (const char* line_end = end; line_end > begin && int(rows.size()) < max_rows;) {
    const char* line = line_end;
    while (line > begin && line[-1] != '\n') --line;
    std::vector<std::pair<const char*, const char*>> wrapped;
    for (const char* p = line; p < line_end;) {
      const char* next = fonts_.mono->CalcWordWrapPositionA(spx / fonts_.mono->FontSize, p, line_end, w);
      if (next == p) next = p + 1;
      wrapped.push_back({p, next});
      p = next;
    }
    if (wrapped.empty()) wrapped.push_back({line, line});
    rows.insert(rows.begin(), wrapped.begin(), wrapped.end());
    line_end = line > begin ? line - 1 : begin;
  }
  while (int(rows.size()) > max_rows) rows.erase(rows.begin());
  float top = c1.y - float(rows.size()) * lh;
  dl->AddRectFilled(ImVec2(c0.x, top - 2), ImVec2(c1.x, c1.y), mix(th.error, th.panel, 0.88f), px * 0.2f);
  dl->AddRectFilled(ImVec2(c0.x, top - 2), ImVec2(c0.x + px * 0.25f, c1.y), th.error);
  float y = top;
  for (auto [a, b] : rows) {
    dl->AddText(fonts_.mono, spx, ImVec2(c0.x + px * 0.5f, y + (lh - spx) * 0.5f), th.text, a, b);
    y += lh;
  }
  c1.y = top - px * 0.3f;
}

}  // namespace loopscope::gui
