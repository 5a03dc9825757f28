// The GUI commands: gui (the window), view (a saved trace), screenshot
// (headless PNG). Usage errors throw cli::UsageError: one line, exit 2.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app.hpp"
#include "cli/python_program.hpp"
#include "core/trace_load.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/view_args.hpp"
#include "gui.hpp"
#include "platform.hpp"
#include "screenshot.hpp"
#include "settings.hpp"

namespace loopscope::gui {

namespace {
using cli::Args;
using cli::UsageError;

using cli::resolve_params;
using cli::scenario_arg;

// The no-display fallback: the README's first command still shows something.
int screenshot_instead(const std::string& why, const Scenario& s, const Params& p) {
  std::printf("loopscope: %s; writing a screenshot instead\n", why.c_str());
  ShotOptions o;
  std::string path = "./loopscope-" + s.id + ".png";
  cli::RunInput in{s.id, "", {}};
  for (const auto& [k, v] : p.values) in.sets.push_back(k + "=" + v);
  std::string err = screenshot({in}, path, o);
  if (!err.empty()) {
    std::fprintf(stderr, "loopscope: %s\n", err.c_str());
    return 1;
  }
  std::printf("%s\n", path.c_str());
  return 0;
}
// What a closed window leaves in settings.ini: `now` (the settings it started
// from, or none) with the window's look and recent programs, and, when
// `with_scenario`, the scenario it showed last and its parameters.
void save_window_settings(const std::string& settings_file, Settings now, App& app, bool with_scenario) {
  now.look = app.appearance();
  now.recent = app.recent_programs();
  if (const Scenario* last = app.session().scenario(); with_scenario && last) {
    now.scenario = last->id;
    for (const auto& [k, v] : app.session().params().values) now.sets.push_back(k + "=" + v);
  }
  std::string werr = write_settings(settings_file, now);
  if (!werr.empty()) std::fprintf(stderr, "loopscope: settings not saved: %s\n", werr.c_str());
}

// loopscope FILE.py: the window runs the program live (Session::start_program).
int gui_program(const std::string& file, const std::vector<std::string>& args, const Appearance& look,
                const Settings& saved, const std::string& settings_file) {
  std::string bad = cli::check_program_file(file);
  if (!bad.empty()) throw UsageError("gui: " + bad);
  std::string py = cli::check_python("python3");
  if (!py.empty()) {
    std::fprintf(stderr, "loopscope: %s\n", py.c_str());
    return 2;
  }
  if (!display_available()) {
    std::fprintf(stderr, "loopscope: no display (DISPLAY and WAYLAND_DISPLAY are unset): loopscope run %s records it, "
                 "loopscope screenshot %s -o F.png shows it\n", file.c_str(), file.c_str());
    return 1;
  }
  App app(look);
  app.recent_programs() = saved.recent;
  app.start_program(file, args);
  std::string err;
  if (!run_window(app, err)) {
    std::fprintf(stderr, "loopscope: %s\n", err.c_str());
    return 1;
  }
  save_window_settings(settings_file, saved, app, false);  // the saved scenario stays the one to reopen
  // The exit status is the window's; the program's own is on screen.
  return 0;
}
}  // namespace

int cmd_gui(const std::vector<std::string>& argv_in) {
  // loopscope FILE.py [-- ARGS...]: everything after "--" is the program's.
  std::vector<std::string> argv = argv_in, program_args;
  if (auto dd = std::find(argv.begin(), argv.end(), "--"); dd != argv.end()) {
    program_args.assign(dd + 1, argv.end());
    argv.erase(dd, argv.end());
  }
  Args a("gui", argv);
  std::string id, id2;
  std::vector<std::string> sets, sets2;
  // Last time's settings first; the command line overrides them.
  std::string settings_file = settings_path();
  Settings saved = read_settings(settings_file);
  Appearance look = saved.look;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope [gui] [ID] [--set k=v]... [--compare ID2 [--set2 k=v]...] [--light] [--presenter]\n"
          "       loopscope [gui] FILE.py [--light] [--presenter] [-- ARGS...]\n\n"
          "Opens the window and runs scenario ID (default: gather) on a real loop; its trace streams into\n"
          "the view, then replays. Press F1 in the window for the keyboard shortcuts, G for the gallery\n"
          "of scenarios (it opens by itself the first time).\n"
          "--compare ID2 runs ID2 too and shows both runs on one time axis, with their total time, each\n"
          "client's reply and the time the loop was blocked.\n"
          "With no display it writes a screenshot (./loopscope-ID.png) instead and prints its path.\n"
          "FILE.py: your own asyncio program runs live under python3 (3.11+) with the recorder: events\n"
          "appear while it runs, Stop sends it SIGINT (KeyboardInterrupt), saving the file runs it again\n"
          "(docs/recorder.md).\n");
      return 0;
    } else if (t == "--set") {
      sets.push_back(a.value(t));
    } else if (t == "--compare") {
      id2 = a.value(t);
    } else if (t == "--set2") {
      sets2.push_back(a.value(t));
    } else if (t == "--light") {
      look.dark = false;
    } else if (t == "--presenter") {
      look.presenter = true;
    } else if (!a.is_option(t) && id.empty()) {
      id = t;
    } else {
      a.unknown(t);
    }
  }
  if (cli::is_python_program(id)) return gui_program(id, program_args, look, saved, settings_file);
  if (!program_args.empty()) throw UsageError("gui: arguments after -- are for a .py program");
  // First time, no ID: the gallery opens over the default run, so a new user sees every lesson.
  bool first_time = id.empty() && saved.scenario.empty();
  // No ID: the last scenario with its parameters, if it still exists and they still resolve.
  if (id.empty() && !saved.scenario.empty() && find_scenario(saved.scenario)) {
    id = saved.scenario;
    std::vector<std::string> ok = usable_params(*find_scenario(id), saved.sets, settings_file);
    sets.insert(sets.begin(), ok.begin(), ok.end());
  }
  const Scenario& s = scenario_arg("gui", id.empty() ? "gather" : id);
  Params p = resolve_params("gui", s, sets);
  if (!display_available()) return screenshot_instead("no display (DISPLAY and WAYLAND_DISPLAY are unset)", s, p);
  App app(look);
  app.start(s, p);
  if (first_time) app.open_gallery();
  if (!id2.empty()) {
    const Scenario& s2 = scenario_arg("gui", id2);
    app.start_compare(s2, resolve_params("gui", s2, sets2));
  }
  std::string err;
  if (!run_window(app, err)) return screenshot_instead(err, s, p);
  save_window_settings(settings_file, Settings{}, app, true);
  return 0;
}

int cmd_view(const std::vector<std::string>& argv) {
  Args a("view", argv);
  std::string path;
  Appearance look;
  bool check = false;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope view F.jsonl [--light] [--presenter] [--check]\n\n"
          "Opens the window replaying a saved trace (loopscope run ID --events F.jsonl writes one).\n"
          "  --check    load the trace with the view's loader, print its size or the first problem, and\n"
          "             exit (0: it loads); no window, no display needed\n");
      return 0;
    } else if (t == "--light") {
      look.dark = false;
    } else if (t == "--presenter") {
      look.presenter = true;
    } else if (t == "--check") {
      check = true;
    } else if (!a.is_option(t) && path.empty()) {
      path = t;
    } else {
      a.unknown(t);
    }
  }
  if (path.empty()) throw UsageError("view: which trace file? (loopscope view F.jsonl)");
  if (check) {
    Trace trace;
    std::string lerr = load_trace_file(path, trace);
    if (!lerr.empty()) {
      std::fprintf(stderr, "loopscope: %s\n", lerr.c_str());
      return 1;
    }
    std::printf("%s: %zu events, loads\n", path.c_str(), trace.size());
    return 0;
  }
  App app(look);
  std::string err = app.load(path);
  if (!err.empty()) {
    std::fprintf(stderr, "loopscope: %s\n", err.c_str());
    return 1;
  }
  app.playback().playing = true;
  if (!run_window(app, err)) {
    std::fprintf(stderr, "loopscope: view: %s\n", err.c_str());
    return 1;
  }
  return 0;
}

int cmd_screenshot(const std::vector<std::string>& argv) {
  Args a("screenshot", argv);
  cli::ViewArgs view;
  std::string out;
  ShotOptions o;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope screenshot ID -o F.png [--at SECONDS | --predict N [--reveal]] [--compare ID2]\n"
          "                            [--set k=v]... [--set2 k=v]... [--size WxH] [--theme dark|light] [--presenter]\n"
          "                            [--duration S]\n\n"
          "Puts the playhead on the last event at or before SECONDS (default: the end of the run) and writes\n"
          "the window's view as a PNG. Headless: it renders with EGL on Mesa's surfaceless platform and needs\n"
          "no display or X server. ID, --compare, --set, --set2, --size, --theme, --presenter and --duration\n"
          "mean what they mean for loopscope record.\n"
          "  -o F.png          where to write (written to a temporary file, then renamed)\n"
          "  --at SECONDS      playhead time, counted from the run's first event (the toolbar's t =)\n"
          "  --predict N       predict mode (the GUI's Q) with the quiz's Nth question open, as the window\n"
          "                    asks it: the future hidden, the choices as buttons (not with --compare)\n"
          "  --reveal          with --predict: answered right, the explanation shown\n"
          "%s"
          "  --compare shows ID2 under ID in one window, as the GUI's compare mode does.\n"
          "Exit status: 0 written, 1 failed (one line on stderr), 2 usage error.\n",
          cli::ViewArgs::kHelp);
      return 0;
    } else if (t == "-o" || t == "--output") {
      out = a.output(t);
    } else if (t == "--at") {
      o.at_s = a.number(t, 0, 1e6);
    } else if (t == "--predict") {
      o.predict = a.integer(t, 1, 1000000);
    } else if (t == "--reveal") {
      o.reveal = true;
    } else if (!view.take(a, t)) {
      a.unknown(t);
    }
  }
  std::vector<cli::RunInput> runs = view.resolve("screenshot");
  if (out.empty()) throw UsageError("screenshot: -o F.png is required");
  if (o.predict > 0 && o.at_s >= 0) throw UsageError("screenshot: --predict puts the playhead at its question; drop --at");
  if (o.predict > 0 && runs.size() > 1) throw UsageError("screenshot: --predict quizzes one run; drop --compare");
  if (o.reveal && o.predict == 0) throw UsageError("screenshot: --reveal needs --predict N");
  o.w = view.w, o.h = view.h;
  o.look.dark = view.dark, o.look.presenter = view.presenter;
  std::string err = screenshot(runs, out, o);
  if (!err.empty()) {
    std::fprintf(stderr, "loopscope: screenshot: %s\n", err.c_str());
    return 1;
  }
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace loopscope::gui
