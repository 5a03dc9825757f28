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
};

std::string settings_path();  // "" when neither XDG_CONFIG_HOME nor HOME is set
Settings read_settings(const std::string& path);
// Writes atomically (temporary file, then rename), creating the directory. Returns "" or a one-line error.
std::string write_settings(const std::string& path, const Settings& s);

}  // namespace loopscope::gui
