// Every cap loopscope puts on what it reads, shows and writes, in one table.
// docs/ lists the same values for users; change both together.
//
// No ImGui, GLFW or GL here: core, the view and the recorder all read it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace loopscope::limits {

// [SECTION] Clips (app/record, docs/clips.md)
// A clip longer than this is refused before any frame is drawn, with its
// length and the --speed that would fit: at 0.05x, a 150 s run would be
// 50 minutes of playback. Frames are counted in 64 bits before the check.
inline constexpr double kClipSeconds = 30 * 60;

// [SECTION] Memory (app/gui/platform.cpp)
// Address space that drawing the view needs beyond what the process already
// uses (EGL + llvmpipe + ImGui's fonts; measured 340 MiB on 2 cores with one
// malloc arena): under a smaller `ulimit -v`, screenshot, record and the
// window refuse with one line instead of letting Mesa crash.
inline constexpr uint64_t kViewAddressSpace = uint64_t(448) << 20;

}  // namespace loopscope::limits
