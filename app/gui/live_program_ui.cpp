// Your own program in the window: opening a .py (a path box over the recent
// files, drag and drop), running it live (Session::start_program), Stop as
// Ctrl-C, re-run when the file is saved, a small editor with Save & Run, and
// the Code panel's file tabs and failure marks (the trace's `source` events
// and the `file` fields on steps).
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

int64_t mtime_ns(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::string base_name(const std::string& p) {
  size_t k = p.rfind('/');
  return k == std::string::npos ? p : p.substr(k + 1);
}

}  // namespace

// [SECTION] Runs

void App::start_program(const std::string& path, const std::vector<std::string>& args) {
  if (compare_on_) stop_compare();
  std::error_code ec;
  std::string abs = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) abs = path;
  program_args_ = args;
  run1_.start_program(abs, args);
  follow_new_run();
  watch_.path = abs;
  watch_.mtime_ns = mtime_ns(abs);
  watch_.age = 0;
  code_file_.clear();
  code_file_pinned_ = false;
  open_error_.clear();
  std::erase(recent_, abs);
  recent_.insert(recent_.begin(), abs);
  if (recent_.size() > kRecent) recent_.resize(kRecent);
}

void App::rerun_program() {
  if (run1_.session().is_program()) start_program(run1_.session().program(), std::vector<std::string>(program_args_));
}

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

void App::watch_program(float dt) {
  if (!watch_.on || !run1_.session().is_program() || watch_.path != run1_.session().program()) return;
  watch_.age += dt;
  if (watch_.age < 0.5) return;
  watch_.age = 0;
  int64_t now = mtime_ns(watch_.path);
  // Saved (or replaced by an editor's rename): run it again. A file caught
  // half-written is not a concern: the recorder reads it when it starts, and
  // the editor's last write changes the mtime once more, which runs it again.
  if (now != 0 && now != watch_.mtime_ns) rerun_program();
}

// [SECTION] What the trace says about the program's files

const std::vector<std::string>& App::code_lines(int run) const {
  return run == 1 ? run2_.listing_lines() : run1_.listing_lines(code_file_);
}

void App::draw_code_tabs(const Session& run, float px) {
  if (&run != &run1_.session()) return;
  const ProgramFiles& files = run1_.program_files();
  const auto& tabs = files.tabs;
  // Failures the playhead has reached. One that has just appeared brings its
  // file's tab forward, even over a tab the user picked: the red line is what
  // the student must see. The user can pick another tab again; the failing
  // file's tab then keeps a red "!".
  size_t seen = 0;
  const Failure* newest = nullptr;
  for (const Failure& f : files.failures)
    if (f.at <= run1_.playback().index()) ++seen, newest = &f;
  size_t& seen_before = run1_.memo().failures_seen;
  if (seen > seen_before && newest) code_file_ = newest->file, code_file_pinned_ = true;
  seen_before = seen;
  // The tab follows the running task's file (then a failure's) until the user picks one.
  if (!code_file_pinned_) {
    const model::LoopState& cur = cur_;
    std::string want;
    for (const model::TaskSnapshot& t : cur.tasks)
      if (t.state == model::TaskState::running && t.file) want = t.file;
    if (want.empty() && newest) want = newest->file;
    if (want.empty() && code_file_.empty() && !tabs.empty()) want = tabs.front();
    if (!want.empty()) code_file_ = want;
  }
  const Theme& th = theme();
  for (const std::string& f : tabs) {
    ImGui::SameLine(0, px * 0.4f);
    bool on = f == code_file_ || (code_file_.empty() && &f == &tabs.front());
    bool failed = false;
    for (const Failure& fl : files.failures)
      failed = failed || (fl.at <= run1_.playback().index() && fl.file == f);
    ImGui::PushStyleColor(ImGuiCol_Button, on ? th.highlight : th.panel);
    ImGui::PushStyleColor(ImGuiCol_Text, failed && !on ? th.error : on ? th.text : th.text_dim);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px * 0.35f, 0));
    ImGui::PushID(f.c_str());
    if (ImGui::SmallButton(failed && !on ? ("! " + f).c_str() : f.c_str())) set_code_file(f);
    ImGui::PopID();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(2);
    note_toolbar_item(geo_, "tab " + f);
  }
}

// [SECTION] Toolbar

void App::draw_program_bar() {
  const Theme& th = theme();
  float px = look_.font_px();
  auto note = [&](const std::string& name) { note_toolbar_item(geo_, name); };
  bool live = run1_.session().live();
  ImGui::SameLine(0, px * 0.6f);
  ImGui::PushFont(fonts_.bold);
  ImGui::TextUnformatted(base_name(run1_.session().program()).c_str());
  ImGui::PopFont();
  note("program");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", run1_.session().program().c_str());
  ImGui::SameLine(0, px * 0.6f);
  if (live) {
    if (ImGui::Button("Stop")) run1_.session().stop();
    note("Run");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop the program as Ctrl-C would: SIGINT, so it sees KeyboardInterrupt");
  } else {
    if (ImGui::Button("Run again")) rerun_program();
    note("Run");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run the program again (R)");
  }
  ImGui::SameLine(0, px * 0.25f);
  if (ImGui::Button("Edit")) open_editor();
  note("Edit");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A small editor with Save & Run (Ctrl+E)");
  ImGui::SameLine(0, px * 0.5f);
  ImGui::Checkbox("re-run on save", &watch_.on);
  note("re-run on save");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saving the file in your own editor runs it again");
  if (!live && run1_.model().size()) {
    ImGui::SameLine(0, px * 0.6f);
    int st = run1_.session().exit_status();
    const std::string& err = run1_.session().result().error;
    const auto& ev = run1_.model().events();
    bool interrupted = ev.back().kind == Ev::run_end && as<ev::RunEnd>(ev.back()).how == EndHow::sigint;
    if (interrupted) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.text_faint), "stopped (Ctrl-C), exit %d", st);
    else if (st == 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.text_faint), "exit 0");
    else if (st > 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "exit %d", st);
    else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", err.c_str());
    note("exit");
  } else if (!live && !run1_.session().result().error.empty()) {
    ImGui::SameLine(0, px * 0.6f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", run1_.session().result().error.c_str());
  }
}

// [SECTION] The open dialog and the editor

void App::open_editor() {
  if (!run1_.session().is_program()) return;
  editor_.path = run1_.session().program();
  std::ifstream in(editor_.path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  editor_.text = s.str();
  editor_.error = in ? "" : editor_.path + ": cannot read";
  editor_.open = editor_.focus = true;
}

std::string App::save_and_run() {
  OutputFile f;
  std::string err = f.open(editor_.path, OutputFile::Special::refuse);
  if (err.empty()) err = f.write(editor_.text);
  if (err.empty()) err = f.commit();
  if (!err.empty()) return editor_.error = err;
  editor_.error.clear();
  start_program(editor_.path, std::vector<std::string>(program_args_));
  return "";
}

void App::draw_program_dialogs() {
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
  if (editor_.open) {
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x * 0.7f, io.DisplaySize.y * 0.8f), ImGuiCond_Appearing);
    std::string title = "Edit " + base_name(editor_.path) + "###editor";
    if (ImGui::Begin(title.c_str(), &editor_.open, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
      bool run = ImGui::Button("Save & Run");  // Ctrl+Enter: the shortcut table's SaveAndRun (handle_keys)
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", with_keys("Write the file and run it again", Action::SaveAndRun).c_str());
      ImGui::SameLine();
      if (ImGui::Button("Close")) editor_.open = false;
      if (!editor_.error.empty()) {
        ImGui::SameLine(0, px);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", editor_.error.c_str());
      }
      if (editor_.focus) ImGui::SetKeyboardFocusHere(), editor_.focus = false;
      ImGui::PushFont(fonts_.mono);
      ImGui::InputTextMultiline("##source", &editor_.text, ImGui::GetContentRegionAvail(),
                                ImGuiInputTextFlags_AllowTabInput);
      ImGui::PopFont();
      if (run) save_and_run();
    }
    ImGui::End();
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
