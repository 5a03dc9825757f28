// What the Why panel says at a playhead position. The GUI's Why panel and a
// clip's burned-in caption both call why_at(), so they never disagree.
#pragma once

#include <cstddef>
#include <string>

#include "model/model.hpp"

namespace loopscope::model {

struct Why {
  // The story of loop 0 (the program under study): its latest event at or
  // before the playhead. Empty when loop 0 has no event yet.
  std::string text;
  // When the playhead is on another loop's event (the client loop of the
  // server scenarios): that event, as a second line ("On the client loop: ...").
  std::string other_loop;
};

Why why_at(const Model& m, size_t event_index);

}  // namespace loopscope::model
