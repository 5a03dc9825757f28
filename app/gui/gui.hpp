// The GUI commands. main.cpp dispatches here when the build has the GUI.
// Each takes the arguments after the command name and returns an exit code;
// usage errors throw cli::UsageError (exit 2, one line).
#pragma once

#include <string>
#include <vector>

namespace loopscope::gui {

int cmd_gui(const std::vector<std::string>& args);         // loopscope [gui] [ID] [--set k=v]...
int cmd_view(const std::vector<std::string>& args);        // loopscope view F.jsonl
int cmd_screenshot(const std::vector<std::string>& args);  // loopscope screenshot ID -o F.png [--at S]

}  // namespace loopscope::gui
