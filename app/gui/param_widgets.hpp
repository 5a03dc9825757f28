// The scenario parameters' widgets: one set of values per scenario (the
// toolbar shows the selected scenario's, each gallery card its own), kept
// across runs, given as k=v to start a run.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace loopscope::gui {

// The width one parameter's widget takes, with its key and the spacing after it.
float param_item_w(const Param& p, float px);

class ParamWidgets {
 public:
  ParamWidgets();  // every scenario's defaults (scenarios())
  size_t size() const { return values_.size(); }
  // Scenario `scenario`'s widgets show `p` (a run started from elsewhere, a loaded trace).
  void mirror(size_t scenario, const Params& p);
  std::vector<std::string> sets(int scenario) const;  // the widgets' values as k=v
  // Draws scenario `scenario`'s widgets, flowing onto new lines where the window ends. True when a value changed.
  bool draw(int scenario, float px);

 private:
  struct Values {
    std::vector<float> num;
    std::vector<int> choice;
  };
  std::vector<Values> values_;
};

}  // namespace loopscope::gui
