// The "Why" panel. (First version: filled in below.)
#include "model/model.hpp"

namespace loopscope::model {

std::string narrate(const Model& m, size_t event_index) {
  if (event_index >= m.size()) return {};
  return name(m.events()[event_index].kind);
}

}  // namespace loopscope::model
