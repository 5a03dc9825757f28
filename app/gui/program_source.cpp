// Your own program's source around the run (program_source.hpp): the editor,
// the file watch, the program bar and the Code panel's file tabs.
#include "program_source.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>

#include "core/output_file.hpp"
#include "core/trace_schema.hpp"
#include "shortcuts.hpp"

namespace loopscope::gui {

int64_t file_mtime_ns(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

namespace {
std::string base_name(const std::string& p) {
  size_t k = p.rfind('/');
  return k == std::string::npos ? p : p.substr(k + 1);
}
}  // namespace

// [SECTION] Runs

void ProgramSource::started(const std::string& file, const std::vector<std::string>& args, int64_t mtime_ns) {
  args_ = args;
  watch_.path = file;
  watch_.mtime_ns = mtime_ns;
  watch_.age = 0;
  code_file_.clear();
  pinned_ = false;
}

Commands ProgramSource::rerun(const RunView& run) const {
  if (!run.session().is_program()) return {};
  return {cmd::RunProgram{run.session().program(), args_}};
}

Commands ProgramSource::watch(const RunView& run, float dt) {
  if (!watch_.on || !run.session().is_program() || watch_.path != run.session().program()) return {};
  watch_.age += dt;
  if (watch_.age < 0.5) return {};
  watch_.age = 0;
  int64_t now = file_mtime_ns(watch_.path);
  // Saved (or replaced by an editor's rename): run it again. A file caught
  // half-written is not a concern: the recorder reads it when it starts, and
  // the editor's last write changes the mtime once more, which runs it again.
  if (now != 0 && now != watch_.mtime_ns) return rerun(run);
  return {};
}

// [SECTION] The editor

void ProgramSource::open_editor(const RunView& run) {
  if (!run.session().is_program()) return;
  editor_.path = run.session().program();
  std::ifstream in(editor_.path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  editor_.text = s.str();
  editor_.error = in ? "" : editor_.path + ": cannot read";
  editor_.open = editor_.focus = true;
}

Commands ProgramSource::save_and_run() {
  OutputFile f;
  std::string err = f.open(editor_.path, OutputFile::Special::refuse);
  if (err.empty()) err = f.write(editor_.text);
  if (err.empty()) err = f.commit();
  editor_.error = err;
  if (!err.empty()) return {};
  return {cmd::RunProgram{editor_.path, args_}};
}

Commands ProgramSource::draw_editor(const Fonts& fonts, const Theme& th, float px) {
  if (!editor_.open) return {};
  ImGuiIO& io = ImGui::GetIO();
  Commands out;
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
    ImGui::PushFont(fonts.mono);
    ImGui::InputTextMultiline("##source", &editor_.text, ImGui::GetContentRegionAvail(),
                              ImGuiInputTextFlags_AllowTabInput);
    ImGui::PopFont();
    if (run) out = save_and_run();
  }
  ImGui::End();
  return out;
}

// [SECTION] Toolbar

Commands ProgramSource::draw_bar(const RunView& run1, const Fonts& fonts, const Theme& th, float px,
                                 const std::function<void(const std::string&)>& note) {
  Commands out;
  bool live = run1.session().live();
  ImGui::SameLine(0, px * 0.6f);
  ImGui::PushFont(fonts.bold);
  ImGui::TextUnformatted(base_name(run1.session().program()).c_str());
  ImGui::PopFont();
  note("program");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", run1.session().program().c_str());
  ImGui::SameLine(0, px * 0.6f);
  if (live) {
    // Ctrl-C first; a program that goes on after it is ended harder (Session::stop).
    static constexpr const char* kStop[][2] = {
        {"Stop", "Stop the program as Ctrl-C would: SIGINT, so it sees KeyboardInterrupt"},
        {"Force stop", "It went on after Ctrl-C: SIGTERM ends it, and its trace is still finished"},
        {"Kill", "It went on after SIGTERM too: SIGKILL ends it at once, its trace where it was"}};
    const auto& stop = kStop[std::min(run1.session().stops(), 2)];
    if (ImGui::Button(stop[0])) out.push_back(cmd::StopRun{});
    note("Run");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", stop[1]);
  } else {
    if (ImGui::Button("Run again")) out = rerun(run1);
    note("Run");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run the program again (R)");
  }
  ImGui::SameLine(0, px * 0.25f);
  if (ImGui::Button("Edit")) open_editor(run1);
  note("Edit");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A small editor with Save & Run (Ctrl+E)");
  ImGui::SameLine(0, px * 0.5f);
  ImGui::Checkbox("re-run on save", &watch_.on);
  note("re-run on save");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saving the file in your own editor runs it again");
  if (!live && run1.model().size()) {
    ImGui::SameLine(0, px * 0.6f);
    int st = run1.session().exit_status();
    const std::string& err = run1.session().result().error;
    const auto& ev = run1.model().events();
    const EndHow how = ev.back().kind == Ev::run_end ? as<ev::RunEnd>(ev.back()).how : EndHow::unset;
    // Ended by Stop (Ctrl-C, then Force stop, then Kill: Session::stop): said plainly, not as an error.
    const char* stopped = how == EndHow::sigint    ? "stopped (Ctrl-C)"
                          : how == EndHow::sigterm ? "stopped (SIGTERM)"
                          : st == 128 + SIGKILL    ? "killed"
                                                   : nullptr;
    if (stopped) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.text_faint), "%s, exit %d", stopped, st);
    else if (st == 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.text_faint), "exit 0");
    else if (st > 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "exit %d", st);
    else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", err.c_str());
    note("exit");
  } else if (!live && !run1.session().result().error.empty()) {
    ImGui::SameLine(0, px * 0.6f);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.error), "%s", run1.session().result().error.c_str());
  }
  return out;
}

// [SECTION] The Code panel's file tabs

void ProgramSource::draw_tabs(RunView& run1, const model::LoopState& cur, const Theme& th, float px,
                              const std::function<void(const std::string&)>& note) {
  const ProgramFiles& files = run1.program_files();
  const auto& tabs = files.tabs;
  // Failures the playhead has reached. One that has just appeared brings its
  // file's tab forward, even over a tab the user picked: the red line is what
  // the student must see. The user can pick another tab again; the failing
  // file's tab then keeps a red "!".
  size_t seen = 0;
  const ProgramFailure* newest = nullptr;
  for (const ProgramFailure& f : files.failures)
    if (f.at <= run1.playback().index()) ++seen, newest = &f;
  size_t& seen_before = run1.memo().failures_seen;
  if (seen > seen_before && newest) code_file_ = newest->file, pinned_ = true;
  seen_before = seen;
  // The tab follows the running task's file (then a failure's) until the user picks one.
  if (!pinned_) {
    std::string want;
    for (const model::TaskSnapshot& t : cur.tasks)
      if (t.state == model::TaskState::running && t.file) want = t.file;
    if (want.empty() && newest) want = newest->file;
    if (want.empty() && code_file_.empty() && !tabs.empty()) want = tabs.front();
    if (!want.empty()) code_file_ = want;
  }
  for (const std::string& f : tabs) {
    ImGui::SameLine(0, px * 0.4f);
    bool on = f == code_file_ || (code_file_.empty() && &f == &tabs.front());
    bool failed = false;
    for (const ProgramFailure& fl : files.failures)
      failed = failed || (fl.at <= run1.playback().index() && fl.file == f);
    ImGui::PushStyleColor(ImGuiCol_Button, on ? th.highlight : th.panel);
    ImGui::PushStyleColor(ImGuiCol_Text, failed && !on ? th.error : on ? th.text : th.text_dim);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px * 0.35f, 0));
    ImGui::PushID(f.c_str());
    if (ImGui::SmallButton(failed && !on ? ("! " + f).c_str() : f.c_str())) set_code_file(f);
    ImGui::PopID();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(2);
    note("tab " + f);
  }
}

}  // namespace loopscope::gui
