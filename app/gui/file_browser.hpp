// The Open dialog's file list: one folder's subfolders and the files loopscope
// opens (.py programs, .jsonl traces), so a student finds their program without
// typing its path. A click on a folder goes into it; a click on a file opens it.
#pragma once

#include <string>
#include <vector>

namespace loopscope::gui {

struct DirEntry {
  std::string name;  // "..", "sub/" (folders end in '/'), "main.py"
  bool folder = false;
};

// What `folder` holds that the Open dialog offers: ".." (unless it is the root),
// then the folders, then the .py and .jsonl files, each group sorted by name;
// hidden entries (a leading '.') are left out. An unreadable folder gives only
// ".." and a one-line reason in `error`.
std::vector<DirEntry> list_openable(const std::string& folder, std::string* error);

// The folder a path box's text names: the text itself when it is a folder,
// else the folder of the file it names, else the current directory.
std::string folder_of(const std::string& path_text);

class FileBrowser {
 public:
  // Draws the list of folder_of(path) in a child region `height` px tall.
  // A click on a folder puts that folder in `path`; a click on a file puts the
  // file there and returns true (open it). `rows` receives each row drawn.
  struct Row {
    std::string name;
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  };
  bool draw(std::string& path, float height, std::vector<Row>* rows = nullptr);
  // Lists the folder again on the next draw (the dialog opened: files may be new).
  void refresh() { listed_.clear(), path_seen_.clear(), folder_.clear(); }

 private:
  std::string path_seen_, folder_;  // the path box's text last drawn, and the folder it names
  std::string listed_;  // the folder `entries_` lists
  std::vector<DirEntry> entries_;
  std::string error_;
};

}  // namespace loopscope::gui
