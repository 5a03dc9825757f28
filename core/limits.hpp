// Every cap loopscope puts on what it reads and shows, in one table, so that
// memory stays bounded by the trace's size and no input can crash the view.
// docs/trace-format.md ("Limits") lists the same values for users; change
// both together. The goal these serve: viewing or recording any trace the
// loader accepts stays under 4x the file's size plus 200 MiB. Clips and the view's
// address space have their caps here too.
//
// No ImGui, GLFW or GL here: the loader (core/trace_load.cpp), the view model
// (app/model) and the view (app/gui, app/record) all read this table.
#pragma once

#include <cstddef>
#include <cstdint>

namespace loopscope::limits {

// [SECTION] Trace files (core/trace_load.cpp)
inline constexpr uint64_t kFileBytes = uint64_t(512) << 20;  // checked with fstat before reading
inline constexpr size_t kLineBytes = size_t(1) << 20;
inline constexpr size_t kEvents = size_t(1) << 22;          // 4M events = 256 MiB of Event
inline constexpr size_t kStringBytes = size_t(64) << 10;    // any one string field, after unescaping
inline constexpr int kDepth = 32;                           // nesting inside params / unknown fields
inline constexpr int64_t kIds = int64_t(1) << 22;           // task/handle/timer/op/job/worker ids are below this
inline constexpr int32_t kLineNumber = 1'000'000;           // Python listing line
// Tasks per trace: each costs the view a lane and a name (about 400 bytes),
// so 1M tasks is at most ~400 MiB of model, for a file of at least ~90 MiB.
inline constexpr size_t kTasks = size_t(1) << 20;

// [SECTION] The view model (app/model)
// A snapshot of the loop state is taken at most every kSnapshotEvery events,
// and never before twice as many events as the state has elements have gone
// by since the last one: snapshots hold at most ~1 element per 2 events.
inline constexpr size_t kSnapshotEvery = 256;

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

// [SECTION] What the view draws (app/gui, app/record)
// Dear ImGui 1.86 (Debian) indexes vertices with 16 bits and reserves 4 per
// character before clipping, so one text of 16k characters overflows a draw
// list. Every text drawn from the trace is elided ("…") to these lengths, in
// characters (UTF-8 code points); the trace keeps the whole string.
inline constexpr size_t kShownNameChars = 64;      // a task's name: lanes, chips, narration
inline constexpr size_t kShownTextChars = 240;     // one line: a chip, a print, a label, params
inline constexpr size_t kShownParagraphChars = 2000;  // wrapped text: the Why panel, a tooltip

}  // namespace loopscope::limits
