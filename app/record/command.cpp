// The record command: options, usage errors (one line, exit 2), Ctrl-C.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "cli/args.hpp"
#include "core/output_file.hpp"
#include "cli/view_args.hpp"
#include "record.hpp"

namespace loopscope::rec {

namespace {
using cli::Args;
using cli::UsageError;

const char* const kHelp =
    "usage: loopscope record ID -o OUT [--compare ID2] [--set k=v]... [--set2 k=v]... [--fps N] [--size WxH]\n"
    "                        [--from S] [--to S] [--speed X] [--hold S] [--pause-at-notable S] [--captions]\n"
    "                        [--no-title] [--theme dark|light] [--presenter] [--quiet] [--progress-lines]\n"
    "                        [--duration S]\n"
    "\n"
    "Runs scenario ID on a real loop to completion (headless, no display needed), or replays a saved\n"
    "trace, then renders the view off-screen into a clip: a title card (2.5 s) with the scenario's title\n"
    "and lesson, the playback, and the last frame held (3 s; a compare clip shows its summary there).\n"
    "Playback advances by exactly speed/fps of story time per frame, never by wall time: the same trace\n"
    "and options give the same frames. Story time keeps every real gap whole (at 1x a 2 s block lasts\n"
    "2 s) and gives each event a moment to be seen, shorter in bursts of many events.\n"
    "\n"
    "%s"
    "  -o OUT            .mp4 (H.264), .gif (palette from the clip), .webm (VP9): through ffmpeg,\n"
    "                    which must be on PATH; a directory (existing, or a name without extension):\n"
    "                    PNG frames frame_00000.png ... (no ffmpeg needed). Written under OUT.part and\n"
    "                    renamed when complete; Ctrl-C stops and removes it.\n"
    "                    --size: even numbers for video; at least 1280 wide with --compare (two halves)\n"
    "  --fps N           frames per second (1-120, default 30)\n"
    "  --from S, --to S  the stretch of the run to play, in seconds of run time (default: all of it)\n"
    "  --speed X         story seconds per clip second (0.05-20, default 1)\n"
    "  --hold S          seconds the last frame is held (0-60, default 3)\n"
    "  --pause-at-notable S\n"
    "                    stand still S seconds (0-10, default 0) on each notable event: a block, a slow\n"
    "                    step, a cancellation, an error (the events N / P jump to in the GUI)\n"
    "  --captions        the Why panel's narration of the current event burned in at the bottom\n"
    "  --no-title        no title card\n"
    "  --quiet           no progress line\n"
    "  --progress-lines  a progress line ('N/T frames  m:ss left') at each percent, never redrawn in\n"
    "                    place (for programs that read it: the GUI's Record button)\n"
    "\n"
    "Frames: round(fps*2.5) title + round(fps * story span / speed) playback + round(fps * hold) hold;\n"
    "printed on stderr when done.\n"
    "Exit status: 0 written, 1 failed (one line on stderr), 2 usage error, 130 interrupted.\n";

// Stops the rendering and the runs under way (their loops: Loop::request_stop),
// so a signal takes effect within a moment, even while a scenario still runs.
void on_signal(int sig) {
  request_stop();
  request_stop_all(sig == SIGTERM ? StopReason::sigterm : StopReason::sigint);
}

}  // namespace

int cmd_record(const std::vector<std::string>& argv) {
  Args a("record", argv);
  cli::ViewArgs view;
  ClipOptions o;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(kHelp, cli::ViewArgs::kHelp);
      return 0;
    } else if (t == "-o" || t == "--output") {
      o.out = a.value(t);
    } else if (t == "--fps") {
      o.fps = a.integer(t, 1, 120);
    } else if (t == "--from") {
      o.from_s = a.number(t, 0, 1e6);
    } else if (t == "--to") {
      o.to_s = a.number(t, 0, 1e6);
    } else if (t == "--speed") {
      o.speed = a.number(t, kMinSpeed, kMaxSpeed);
    } else if (t == "--hold") {
      o.hold_s = a.number(t, 0, 60);
    } else if (t == "--pause-at-notable") {
      o.pause_s = a.number(t, 0, 10);
    } else if (t == "--captions") {
      o.captions = true;
    } else if (t == "--no-title") {
      o.title = false;
    } else if (t == "--quiet") {
      o.progress = false;
    } else if (t == "--progress-lines") {
      o.progress_lines = true;
    } else if (!view.take(a, t)) {
      a.unknown(t);
    }
  }
  o.runs = view.resolve("record");
  o.w = view.w, o.h = view.h;
  o.look.dark = view.dark, o.look.presenter = view.presenter;
  if (o.out.empty()) throw UsageError("record: -o OUT is required (.mp4, .gif, .webm or a directory)");
  if (is_special_output(o.out))
    throw UsageError("record: -o " + o.out + ": a clip goes to a file or a directory, not to a device or a pipe");
  if (!format_of(o.out, o.format))
    throw UsageError("record: -o '" + o.out + "': write .mp4, .gif, .webm or a directory for PNG frames");
  if (o.format == Format::png) {
    std::string err = check_frame_dir(o.out);
    if (!err.empty()) throw UsageError("record: -o " + err);
  }
  if (o.from_s >= 0 && o.to_s >= 0 && o.to_s <= o.from_s) throw UsageError("record: --to must come after --from");
  if (needs_ffmpeg(o.format) && (o.w % 2 || o.h % 2))
    throw UsageError("record: --size must be even for " + std::string(format_name(o.format)) + " (yuv420p), got " +
                     std::to_string(o.w) + "x" + std::to_string(o.h));
  if (o.runs.size() == 2 && (o.w % 2 || o.w < 1280))  // narrower halves cannot hold the view's panels
    throw UsageError("record: --compare needs an even width of at least 1280 (two halves of 640 or more)");
  if (needs_ffmpeg(o.format) && !ffmpeg_available()) {
    std::fprintf(stderr,
                 "loopscope: record: ffmpeg is not on PATH: install ffmpeg for %s, or give a directory for PNG "
                 "frames\n",
                 format_name(o.format));
    return 1;
  }

  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a dead ffmpeg shows up as a write error, reported with its stderr

  ClipReport r = record_clip(o);
  if (r.interrupted) {
    std::fprintf(stderr, "loopscope: record: interrupted; nothing written to '%s'\n", o.out.c_str());
    return 130;
  }
  if (!r.error.empty()) {
    std::fprintf(stderr, "loopscope: record: %s\n", r.error.c_str());
    return r.usage ? 2 : 1;
  }
  const ClipPlan& p = r.plan;
  double clip_s = double(p.frames()) / o.fps;
  std::fprintf(stderr,
               "%s: %d frames (%d title + %d playback + %d hold), %dx%d at %d fps, %.2f s of clip; "
               "rendered in %.2f s (%.2fx the clip's length), runs took %.2f s\n",
               format_name(o.format), p.frames(), p.title_frames, p.play_frames, p.hold_frames, o.w, o.h, o.fps,
               clip_s, r.render_wall_s, r.render_wall_s / clip_s, r.run_wall_s);
  std::printf("%s\n", o.out.c_str());
  return 0;
}

}  // namespace loopscope::rec
