// Settings remembered between runs of the window: appearance (theme,
// presenter mode, text scale, hidden panels) and the last scenario with its
// parameters, in $XDG_CONFIG_HOME/loopscope/settings.ini (else
// ~/.config/loopscope/settings.ini). Read at start, written on exit; a
// missing or unreadable file means defaults, never an error.
#pragma once

#include <string>
#include <vector>

#include "app.hpp"

namespace loopscope::gui {

struct Settings {
  Appearance look;
  std::string scenario;           // id of the last scenario run ("" = none yet)
  std::vector<std::string> sets;  // its parameters as k=v
  std::vector<std::string> recent;  // .py programs opened, newest first ([programs] recent=PATH)
};

std::string settings_path();
// The saved parameters that `s` accepts; each refused one (param.clients=nan) gets a one-line
// warning on stderr naming the file, and the parameter keeps its default.
std::vector<std::string> usable_params(const Scenario& s, const std::vector<std::string>& sets, const std::string& path);  // "" when neither XDG_CONFIG_HOME nor HOME is set
Settings read_settings(const std::string& path);
// Writes through OutputFile (a temporary renamed into place; a device or pipe is refused), creating the
// directory. Returns "" or a one-line error.
std::string write_settings(const std::string& path, const Settings& s);

}  // namespace loopscope::gui
