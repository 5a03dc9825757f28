// The scenario gallery (G, toolbar "Scenarios"): every lesson as a card with
// its title, lesson, parameters and Run; natural pairs offer Compare. It reads
// the scenario table and which one runs, and returns commands (cmd::RunCard);
// App::apply starts the runs.
#pragma once

#include <string>

#include "command.hpp"
#include "param_widgets.hpp"
#include "theme.hpp"

namespace loopscope::gui {

// The run a gallery card's Compare button puts beside its own: the partner
// scenario and the k=v it adds ("" = its defaults). Null when the card has none.
struct ComparePartner {
  const char* id;
  const char* partner;
  const char* set;
  const char* label;
};
const ComparePartner* compare_partner(const std::string& id);

class Gallery {
 public:
  bool open() const { return open_; }
  void set_open(bool on) { open_ = on; }
  void toggle() { open_ = !open_; }
  // The gallery's window over the view; `running` is run 1's scenario (its card is outlined).
  Commands draw(const Scenario* running, ParamWidgets& params, const Fonts& fonts, const Theme& th);

 private:
  bool open_ = false;
};

}  // namespace loopscope::gui
