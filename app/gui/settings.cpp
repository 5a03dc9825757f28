#include "settings.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/output_file.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loopscope::gui {

std::string settings_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/loopscope/settings.ini";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::string(home) + "/.config/loopscope/settings.ini";
  return "";
}

std::vector<std::string> usable_params(const Scenario& s, const std::vector<std::string>& sets, const std::string& path) {
  std::vector<std::string> ok;
  for (const std::string& kv : sets) {
    try {
      s.resolve({kv});
      ok.push_back(kv);
    } catch (const std::exception& e) {
      std::string key = kv.substr(0, kv.find('='));
      std::string def;
      for (const Param& p : s.params)
        if (p.key == key) def = p.def;
      std::string then = def.empty() ? "ignored" : "using the default " + def;
      std::fprintf(stderr, "loopscope: %s: %s; %s\n", path.c_str(), e.what(), then.c_str());
    }
  }
  return ok;
}
namespace {
// The file's text, or "" when it is missing or not a regular file. Opened
// without blocking and checked with fstat before any read: a FIFO or a device
// in its place must not hang start-up.
std::string settings_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return "";
  struct stat st;
  std::string text;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fprintf(stderr, "loopscope: %s is not a regular file; settings ignored\n", path.c_str());
  } else {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < (1u << 20)) text.append(buf, size_t(n));
  }
  ::close(fd);
  return text;
}
}  // namespace

Settings read_settings(const std::string& path) {
  Settings s;
  std::istringstream in(settings_text(path));
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '[' || eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "theme") s.look.dark = v != "light";
    else if (k == "presenter") s.look.presenter = v == "1";
    else if (k == "scale") {
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && x == x) s.look.scale = std::clamp(float(x), 0.7f, 2.5f);  // garbage keeps the default
    }
    else if (k == "hidden") {
      for (char c : v)
        if (c >= '1' && c < '1' + kPanels) s.look.show[c - '1'] = false;
    } else if (k == "scenario") s.scenario = v;
    else if (k.rfind("param.", 0) == 0) s.sets.push_back(k.substr(6) + "=" + v);
    else if (k == "recent" && !v.empty() && s.recent.size() < 8) s.recent.push_back(v);
  }
  return s;
}

std::string write_settings(const std::string& path, const Settings& s) {
  if (path.empty()) return "no settings directory (neither XDG_CONFIG_HOME nor HOME is set)";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return "cannot create the directory of " + path + ": " + ec.message();
  std::ostringstream o;
  o << "# loopscope window settings, written on exit\n[view]\n"
    << "theme=" << (s.look.dark ? "dark" : "light") << "\npresenter=" << (s.look.presenter ? 1 : 0)
    << "\nscale=" << s.look.scale << "\nhidden=";
  for (int k = 0; k < kPanels; ++k)
    if (!s.look.show[k]) o << char('1' + k);
  o << "\n[run]\nscenario=" << s.scenario << "\n";
  for (const std::string& kv : s.sets) o << "param." << kv << "\n";
  if (!s.recent.empty()) o << "[programs]\n";
  for (const std::string& r : s.recent)
    if (r.find('\n') == std::string::npos) o << "recent=" << r << "\n";
  OutputFile f;
  std::string err = f.open(path, OutputFile::Special::refuse);
  if (err.empty()) err = f.write(o.str());
  return err.empty() ? f.commit() : err;
}

}  // namespace loopscope::gui
