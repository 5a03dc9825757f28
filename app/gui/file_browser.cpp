#include "file_browser.hpp"

#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace loopscope::gui {

namespace fs = std::filesystem;

namespace {
bool openable(const fs::path& p) { return p.extension() == ".py" || p.extension() == ".jsonl"; }
}  // namespace

std::vector<DirEntry> list_openable(const std::string& folder, std::string* error) {
  std::vector<DirEntry> folders, files;
  std::error_code ec;
  fs::path dir = fs::absolute(folder.empty() ? "." : folder, ec).lexically_normal();
  std::vector<DirEntry> out;
  if (dir.has_relative_path()) out.push_back({"..", true});
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    if (error) *error = dir.string() + ": " + ec.message();
    return out;
  }
  if (error) error->clear();
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code e2;
    if (it->is_directory(e2)) folders.push_back({name + "/", true});
    else if (openable(it->path())) files.push_back({name, false});
  }
  auto by_name = [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; };
  std::sort(folders.begin(), folders.end(), by_name);
  std::sort(files.begin(), files.end(), by_name);
  out.insert(out.end(), folders.begin(), folders.end());
  out.insert(out.end(), files.begin(), files.end());
  return out;
}

std::string folder_of(const std::string& path_text) {
  std::error_code ec;
  if (path_text.empty()) return fs::current_path(ec).string();
  fs::path p(path_text);
  if (fs::is_directory(p, ec)) return p.string();
  fs::path parent = p.parent_path();
  if (!parent.empty() && fs::is_directory(parent, ec)) return parent.string();
  return fs::current_path(ec).string();
}

bool FileBrowser::draw(std::string& path, float height, std::vector<Row>* rows) {
  if (folder_.empty() || path != path_seen_) {  // the folder is asked of the file system only when the path box changes
    path_seen_ = path;
    folder_ = fs::absolute(folder_of(path)).lexically_normal().string();
    if (folder_.size() > 1 && folder_.back() == '/') folder_.pop_back();
  }
  const std::string folder = folder_;
  if (folder != listed_) {
    entries_ = list_openable(folder, &error_);
    listed_ = folder;
  }
  bool open = false;
  ImGui::TextDisabled("In %s:", folder.c_str());
  ImGui::BeginChild("##files", ImVec2(0, height), true);
  for (const DirEntry& e : entries_) {
    bool clicked = ImGui::Selectable(e.name.c_str());
    if (rows) {
      ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      rows->push_back({e.name, a.x, a.y, b.x, b.y});
    }
    if (!clicked) continue;
    fs::path target = (fs::path(folder) / e.name).lexically_normal();
    std::string t = target.string();
    if (e.folder) {
      if (t.empty() || t.back() != '/') t += '/';  // the path box names a folder: the list follows it
      path = t;
    } else {
      path = t;
      open = true;
    }
  }
  if (!error_.empty()) ImGui::TextDisabled("%s", error_.c_str());
  ImGui::EndChild();
  return open;
}

}  // namespace loopscope::gui
