// What a part of the view asks the App to do. The quiz, the program source,
// the dialogs and the toolbar's widgets read the run (a const Model&, a
// RunView) and return commands; the App applies them (App::apply), so only
// the App moves the playhead or starts and stops runs.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace loopscope::gui {

namespace cmd {
struct Seek {  // the playhead to an event (playback stops there)
  size_t index = 0;
};
struct Play {};  // playback runs on
struct ShowPanel {  // a panel (0-5, the keys 1-6) comes into view
  int panel = 0;
};
struct RunProgram {  // a .py program runs (again) as run 1
  std::string file;
  std::vector<std::string> args;
};
struct StopRun {};  // run 1 stops, as Ctrl-C would a program
struct RunCard {  // a gallery card's Run (or, with compare, its Compare) button
  int scenario = 0;
  bool compare = false;
};
}  // namespace cmd

using Command = std::variant<cmd::Seek, cmd::Play, cmd::ShowPanel, cmd::RunProgram, cmd::StopRun, cmd::RunCard>;
using Commands = std::vector<Command>;

}  // namespace loopscope::gui
