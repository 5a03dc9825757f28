// The record command: options, usage errors (one line, exit 2), Ctrl-C.
#include <sys/stat.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "record.hpp"

namespace loopscope::rec {

namespace {
using cli::Args;
using cli::UsageError;

const char* const kHelp =
    "usage: loopscope record ID -o OUT [--compare ID2] [--set k=v]... [--set2 k=v]... [--fps N] [--size WxH]\n"
    "                        [--from S] [--to S] [--speed X] [--captions] [--no-title]\n"
    "                        [--theme dark|light] [--presenter] [--quiet] [--progress-lines]\n"
    "\n"
    "Runs scenario ID on a real loop to completion (headless, no display needed), then renders the view\n"
    "off-screen into a clip: a title card (2.5 s) with the scenario's title and lesson, the playback, and\n"
    "the last frame held for 1 s. Playback advances by exactly speed/fps of story time per frame (the\n"
    "view's playback clock), never by wall time: the same trace and options give the same frames.\n"
    "ID may also be a saved trace (F.jsonl from loopscope run --events): replaying a file gives the\n"
    "same clip every time, byte for byte.\n"
    "\n"
    "  -o OUT            .mp4 (H.264), .gif (palette from the clip), .webm (VP9): through ffmpeg,\n"
    "                    which must be on PATH; a directory (existing, or a name without extension):\n"
    "                    PNG frames frame_00000.png ... (no ffmpeg needed). Written under OUT.part and\n"
    "                    renamed when complete; Ctrl-C stops and removes it.\n"
    "  --compare ID2     a second run (scenario or trace) side by side, both on one time axis\n"
    "  --set k=v         a parameter, for every run whose scenario has it\n"
    "  --set2 k=v        a parameter for the --compare run only\n"
    "  --fps N           frames per second (1-120, default 30)\n"
    "  --size WxH        frame size (default 1280x720; even numbers for video; at least 1280 wide to compare)\n"
    "  --from S, --to S  the stretch of the run to play, in seconds of run time (default: all of it)\n"
    "  --speed X         story seconds per clip second (0.05-20, default 1)\n"
    "  --captions        the narration of the current event burned in at the bottom\n"
    "  --no-title        no title card\n"
    "  --theme T         dark (default) or light\n"
    "  --presenter       large text, as in presenter mode\n"
    "  --quiet           no progress line\n"
    "  --progress-lines  a progress line ('N/T frames  m:ss left') at each percent, never redrawn in\n"
    "                    place (for programs that read it: the GUI's Record button)\n"
    "\n"
    "Frames: round(fps*2.5) title + round(fps * story span / speed) + round(fps*1) hold.\n"
    "Exit status: 0 written, 1 failed (one line on stderr), 2 usage error, 130 interrupted.\n";

void on_signal(int) { request_stop(); }

// A scenario id, or a trace file; --set values kept for the scenarios that have the key.
RunSource source(const std::string& what, const std::vector<std::string>& sets) {
  RunSource r;
  if (cli::names_trace_file("record", what)) {
    r.trace = what;
    return r;
  }
  const Scenario* s = find_scenario(what);
  if (!s) throw UsageError("record: unknown scenario '" + what + "' (loopscope list shows the ids)");
  r.scenario = what;
  for (const std::string& kv : sets) {
    std::string key = kv.substr(0, kv.find('='));
    for (const Param& p : s->params)
      if (p.key == key) r.sets.push_back(kv);
  }
  try {
    (void)s->resolve(r.sets);
  } catch (const std::invalid_argument& e) {
    throw UsageError("record: " + std::string(e.what()));
  }
  return r;
}

// Every --set must name a parameter of some run.
void check_sets(const std::vector<std::string>& sets, const std::vector<RunSource>& runs, const char* opt) {
  for (const std::string& kv : sets) {
    if (kv.find('=') == std::string::npos) throw UsageError(std::string("record: ") + opt + " needs k=v, got '" + kv + "'");
    bool used = false;
    for (const RunSource& r : runs)
      for (const std::string& s : r.sets) used |= s == kv;
    if (!used)
      throw UsageError(std::string("record: ") + opt + " " + kv + ": no scenario in this clip has that parameter");
  }
}
}  // namespace

int cmd_record(const std::vector<std::string>& argv) {
  Args a("record", argv);
  std::string id, id2;
  std::vector<std::string> sets, sets2;
  ClipOptions o;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (t == "-o" || t == "--output") {
      o.out = a.value(t);
    } else if (t == "--compare") {
      id2 = a.value(t);
    } else if (t == "--set") {
      sets.push_back(a.value(t));
    } else if (t == "--set2") {
      sets2.push_back(a.value(t));
    } else if (t == "--fps") {
      double v = a.number(t, 1, 120);
      if (v != std::floor(v)) throw UsageError("record: --fps needs a whole number of frames per second");
      o.fps = int(v);
    } else if (t == "--size") {
      a.size(t, o.w, o.h);
    } else if (t == "--from") {
      o.from_s = a.number(t, 0, 1e6);
    } else if (t == "--to") {
      o.to_s = a.number(t, 0, 1e6);
    } else if (t == "--speed") {
      o.speed = a.number(t, 0.05, 20);
    } else if (t == "--captions") {
      o.captions = true;
    } else if (t == "--no-title") {
      o.title = false;
    } else if (t == "--theme") {
      o.look.dark = a.dark_theme(t);
    } else if (t == "--presenter") {
      o.look.presenter = true;
    } else if (t == "--quiet") {
      o.progress = false;
    } else if (t == "--progress-lines") {
      o.progress_lines = true;
    } else if (!a.is_option(t) && id.empty()) {
      id = t;
    } else {
      a.unknown(t);
    }
  }
  if (id.empty()) throw UsageError("record: which scenario? (loopscope list shows the ids)");
  if (o.out.empty()) throw UsageError("record: -o OUT is required (.mp4, .gif, .webm or a directory)");
  if (!format_of(o.out, o.format))
    throw UsageError("record: -o '" + o.out + "': write .mp4, .gif, .webm or a directory for PNG frames");
  if (o.from_s >= 0 && o.to_s >= 0 && o.to_s <= o.from_s) throw UsageError("record: --to must come after --from");
  if (!sets2.empty() && id2.empty()) throw UsageError("record: --set2 is for the --compare run; there is none");
  o.runs.push_back(source(id, sets));
  if (!id2.empty()) {
    std::vector<std::string> both = sets;
    both.insert(both.end(), sets2.begin(), sets2.end());  // later values win
    o.runs.push_back(source(id2, both));
    check_sets(sets2, {o.runs[1]}, "--set2");
  }
  check_sets(sets, o.runs, "--set");
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
    return 1;
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
