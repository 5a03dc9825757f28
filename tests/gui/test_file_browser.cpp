// The Open dialog's file list: what a folder offers, and a click on a folder
// or a file, driven through ImGui's own mouse input (no window needed).
#include <doctest/doctest.h>

#include <imgui.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gui/file_browser.hpp"

using namespace loopscope::gui;
namespace fs = std::filesystem;

namespace {
struct TempFolder {
  fs::path root = fs::temp_directory_path() / ("loopscope-browser-" + std::to_string(::getpid()));
  TempFolder() {
    fs::remove_all(root);
    fs::create_directories(root / "lessons");
    fs::create_directories(root / ".git");
    for (const char* f : {"server.py", "trace.jsonl", "notes.txt", ".hidden.py", "lessons/gather.py"})
      std::ofstream(root / f) << "# test\n";
  }
  ~TempFolder() { fs::remove_all(root); }
};

std::vector<std::string> names(const std::vector<DirEntry>& es) {
  std::vector<std::string> out;
  for (const DirEntry& e : es) out.push_back(e.name);
  return out;
}

// An ImGui context with fonts built and no renderer: enough for widgets and their input.
struct Ui {
  ImGuiContext* ctx = ImGui::CreateContext();
  FileBrowser browser;
  std::vector<FileBrowser::Row> rows;
  Ui() {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(800, 600);
    io.IniFilename = nullptr;
    unsigned char* px;
    int w, h;
    io.Fonts->GetTexDataAsAlpha8(&px, &w, &h);
  }
  ~Ui() { ImGui::DestroyContext(ctx); }
  bool frame(std::string& path) {
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(800, 600));
    ImGui::Begin("open");
    rows.clear();
    bool open = browser.draw(path, 300, &rows);
    ImGui::End();
    ImGui::Render();
    return open;
  }
  // Presses and releases the mouse on the row named `name`; true when the browser asked to open.
  bool click(std::string& path, const std::string& name) {
    frame(path);
    const FileBrowser::Row* row = nullptr;
    for (const auto& r : rows)
      if (r.name == name) row = &r;
    REQUIRE_MESSAGE(row, name << " is not listed");
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((row->x0 + row->x1) / 2, (row->y0 + row->y1) / 2);
    frame(path);  // hovered
    io.MouseDown[0] = true;
    bool open = frame(path);
    io.MouseDown[0] = false;
    open |= frame(path);
    return open;
  }
};
}  // namespace

TEST_CASE("a folder offers its subfolders, then its programs and traces, without hidden entries or other files") {
  TempFolder t;
  std::string error = "stale";
  CHECK(names(list_openable(t.root.string(), &error)) ==
        std::vector<std::string>{"..", "lessons/", "server.py", "trace.jsonl"});
  CHECK(error.empty());
  CHECK(names(list_openable("/", &error)).front() != "..");
}

TEST_CASE("an unreadable folder says why in one line and still offers the way up") {
  std::string error;
  auto es = list_openable("/nonexistent/loopscope", &error);
  CHECK(names(es) == std::vector<std::string>{".."});
  CHECK(error.find("/nonexistent/loopscope") != std::string::npos);
  CHECK(error.find('\n') == std::string::npos);
}

TEST_CASE("the path box's text picks the folder listed: a folder, a file's folder, or the current one") {
  TempFolder t;
  CHECK(folder_of((t.root / "lessons").string()) == (t.root / "lessons").string());
  CHECK(folder_of((t.root / "server.py").string()) == t.root.string());
  CHECK(folder_of((t.root / "not-yet.py").string()) == t.root.string());
  CHECK(folder_of("") == fs::current_path().string());
}

TEST_CASE("a click on a folder goes into it, and a click on a program there opens it") {
  TempFolder t;
  Ui ui;
  std::string path = (t.root / "server.py").string();
  CHECK_FALSE(ui.click(path, "lessons/"));
  CHECK(path == (t.root / "lessons").string() + "/");
  ui.frame(path);
  CHECK(ui.rows.size() == 2);  // "..", "gather.py"
  CHECK(ui.click(path, "gather.py"));
  CHECK(path == (t.root / "lessons" / "gather.py").string());
  CHECK_FALSE(ui.click(path, ".."));
  CHECK(path == t.root.string() + "/");
}
