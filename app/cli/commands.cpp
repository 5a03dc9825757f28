#include "commands.hpp"

#include <cstdio>
#include <iostream>

#include "args.hpp"
#include "python_program.hpp"
#include "core/chrome_trace.hpp"
#include "core/output_file.hpp"
#include "core/trace_json.hpp"
#include "scenarios/open_server.hpp"
#include "scenarios/scenario.hpp"

namespace loopscope::cli {

const char* const kUsage =
    "loopscope: watch an asyncio event loop work, one handle at a time\n"
    "\n"
    "usage:\n"
    "  loopscope                               the GUI (scenario gallery); needs a display\n"
    "  loopscope list                          scenario ids, one per line, id first\n"
    "  loopscope source ID [--set k=v]... [--listen PORT [--duration S]]\n"
    "                                          the scenario's Python listing\n"
    "  loopscope run ID [--set k=v]... [--events F.jsonl] [--chrome-trace F.json] [--scale X] [--quiet]\n"
    "                   [--listen PORT [--duration S]]\n"
    "                                          run headless on a real libuv loop, print a summary\n"
    "  loopscope run FILE.py [--events F.jsonl] [--chrome-trace F.json] [--python PATH] [--duration S] [-- ARGS...]\n"
    "                                          run your own asyncio program under CPython and record its loop\n"
    "  loopscope view F.jsonl                  the GUI replaying a saved trace\n"
    "  loopscope screenshot ID -o F.png [--at SECONDS] [--compare ID2] [--set k=v]... [--set2 k=v]...\n"
    "                   [--size WxH] [--theme dark|light] [--presenter]\n"
    "                                          headless PNG of the GUI (no display needed)\n"
    "  loopscope record ID -o OUT.mp4|OUT.gif|OUT.webm|DIR [--compare ID2] [--set k=v]... [--set2 k=v]...\n"
    "                   [--fps N] [--size WxH] [--from S] [--to S] [--speed X] [--hold S] [--pause-at-notable S]\n"
    "                   [--captions] [--no-title] [--theme dark|light] [--presenter]\n"
    "                                          headless clip of the view (ffmpeg; PNG frames without)\n"
    "  (screenshot and record: ID is a scenario id or a saved trace F.jsonl)\n"
    "\n"
    "Each command takes --help. Usage errors exit with status 2.\n";

const Scenario& scenario_arg(const std::string& cmd, const std::string& id) {
  const Scenario* s = find_scenario(id);
  if (!s) throw UsageError(cmd + ": unknown scenario '" + id + "' (loopscope list shows the ids)");
  return *s;
}

Params resolve_params(const std::string& cmd, const Scenario& s, const std::vector<std::string>& sets) {
  try {
    return s.resolve(sets);
  } catch (const std::invalid_argument& e) {
    throw UsageError(cmd + ": " + e.what());
  }
}

int cmd_list(const std::vector<std::string>& argv) {
  Args a("list", argv);
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf("usage: loopscope list\n\nPrints each scenario as: id<TAB>title.\n");
      return 0;
    }
    a.unknown(t);
  }
  for (const Scenario& s : scenarios()) std::printf("%s\t%s\n", s.id.c_str(), s.title.c_str());
  return 0;
}

// --listen PORT and --duration S: concurrent-server's open server mode, for `run` and `source`.
struct ListenArgs {
  OpenServerOptions open;
  bool listen = false, duration_set = false;

  bool take(Args& a, const std::string& t) {
    if (t == "--listen") {
      listen = true;
      open.port = a.integer(t, 0, 65535);
    } else if (t == "--duration") {
      duration_set = true;
      open.duration = a.number(t, 0.1, 86400);
    } else {
      return false;
    }
    return true;
  }
  void check(const std::string& cmd, const Scenario& s) const {
    if (listen && s.id != "concurrent-server")
      throw UsageError(cmd + ": --listen works with concurrent-server only");
    if (duration_set && !listen) throw UsageError(cmd + ": --duration needs --listen");
  }
};

int cmd_source(const std::vector<std::string>& argv) {
  Args a("source", argv);
  std::string id;
  std::vector<std::string> sets;
  ListenArgs listen;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope source ID [--set k=v]... [--listen PORT [--duration S]]\n\n"
          "Prints the scenario's Python listing, with the parameters filled in. It runs under python3\n"
          "and prints what the engine's run prints.\n"
          "  --listen PORT      concurrent-server only: the open server mode's listing (what\n"
          "                     'loopscope run concurrent-server --listen PORT' runs), an HTTP/1.1\n"
          "                     asyncio.start_server on 127.0.0.1:PORT for outside clients\n"
          "  --duration S       seconds it listens, with --listen (default 30)\n");
      return 0;
    } else if (t == "--set") {
      sets.push_back(a.value(t));
    } else if (listen.take(a, t)) {  // --listen, --duration
    } else if (!a.is_option(t) && id.empty()) {
      id = t;
    } else {
      a.unknown(t);
    }
  }
  if (id.empty()) throw UsageError("source: which scenario? (loopscope list shows the ids)");
  const Scenario& s = scenario_arg("source", id);
  listen.check("source", s);
  Params p = resolve_params("source", s, sets);
  std::string text = listen.listen ? open_server_scenario().source(open_server_params(p, listen.open)) : s.source(p);
  std::fputs(text.c_str(), stdout);
  return 0;
}

int cmd_run(const std::vector<std::string>& argv) {
  // A .py program runs under CPython with the recorder (its options differ: --python, -- ARGS).
  for (size_t i = 0; i < argv.size() && argv[i] != "--"; ++i)
    if (is_python_program(argv[i])) {
      std::vector<std::string> rest(argv.begin(), argv.begin() + long(i));
      rest.insert(rest.end(), argv.begin() + long(i) + 1, argv.end());
      return cmd_run_program(argv[i], rest);
    }
  Args a("run", argv);
  std::string id, events_path, chrome_path;
  std::vector<std::string> sets;
  RunOptions opts;
  opts.echo_prints = true;
  ListenArgs listen;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope run ID [--set k=v]... [--events F.jsonl] [--chrome-trace F.json] [--scale X] [--quiet]\n"
          "\n"
          "Runs the scenario on a real libuv loop, prints what its listing prints, then a summary.\n"
          "  --set k=v          a scenario parameter (loopscope source ID shows them in use)\n"
          "  --events F         write the trace as JSON Lines (format: docs/trace-format.md)\n"
          "  --chrome-trace F   write a Chrome Trace Event file (opens in Perfetto)\n"
          "  --scale X          multiply every delay by X (0.01-100; default 1)\n"
          "  --quiet            no print output, summary only\n"
          "  --listen PORT      concurrent-server only: open server mode, listening on 127.0.0.1:PORT\n"
          "                     (0: any free port) for outside clients (curl, nc, a browser), answering\n"
          "                     HTTP/1.1 with a page; stops at --duration or on Ctrl-C or SIGTERM (twice:\n"
          "                     exit at once)\n"
          "  --duration S       seconds to listen with --listen (default 30)\n");
      return 0;
    } else if (t == "--set") {
      sets.push_back(a.value(t));
    } else if (t == "--events") {
      events_path = a.output(t);
    } else if (t == "--chrome-trace") {
      chrome_path = a.output(t);
    } else if (t == "--scale") {
      opts.time_scale = a.number(t, 0.01, 100);
    } else if (t == "--quiet") {
      opts.echo_prints = false;
    } else if (listen.take(a, t)) {  // --listen, --duration
    } else if (!a.is_option(t) && id.empty()) {
      id = t;
    } else {
      a.unknown(t);
    }
  }
  if (id.empty()) throw UsageError("run: which scenario? (loopscope list shows the ids)");
  const Scenario& s = scenario_arg("run", id);
  Params p = resolve_params("run", s, sets);
  listen.check("run", s);
  if (!events_path.empty() && !chrome_path.empty() && same_output(events_path, chrome_path))
    throw UsageError("run: --events and --chrome-trace name the same file ('" + events_path + "' and '" +
                     chrome_path + "')");
  // A trace on stdout stays a clean JSON Lines stream: the listing's prints are left out.
  for (const std::string& out : {events_path, chrome_path})
    if (!out.empty() && same_output(out, "/dev/stdout")) opts.echo_prints = false;

  // SIGINT and SIGTERM end the run as Ctrl-C ends asyncio.run: main is
  // cancelled (the open server's handler stops it gracefully), and the trace
  // below is still written, complete.
  install_stop_signals();
  Trace trace;
  OpenServerOptions& open = listen.open;
  open.on_listening = [&open](int port) {
    std::fprintf(stderr, "listening on http://127.0.0.1:%d/ for %g s (Ctrl-C stops)\n", port, open.duration);
  };
  RunResult r = listen.listen ? run_open_server(s, p, trace, open, opts) : run_scenario(s, p, trace, opts);
  std::vector<Event> events = merged_events(trace);
  uint32_t iterations = 0;
  int tasks = 0;
  for (const Event& e : events) {
    if (e.loop == 0) iterations = std::max(iterations, e.it);
    if (e.kind == Ev::task_new) ++tasks;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s in %.3f s, %u iterations, %d tasks, %zu events%s%s\n", s.id.c_str(),
               r.ok ? "ok" : "error", double(r.duration_ns) / 1e9, iterations, tasks, events.size(),
               r.ok ? "" : ": ", r.error.c_str());
  int rc = r.ok ? 0 : 1;
  // Interrupted (not the open server, which stops cleanly): the shell's status for the signal.
  if (!r.ok && r.stopped_by != StopReason::none) rc = r.stopped_by == StopReason::sigterm ? 143 : 130;
  if (!events_path.empty()) {
    std::string err = save_jsonl(events_path, events);
    if (!err.empty()) {
      std::fprintf(stderr, "loopscope: %s\n", err.c_str());
      rc = 1;
    } else {
      std::fprintf(stderr, "trace: %s\n", events_path.c_str());
    }
  }
  if (!chrome_path.empty()) {
    std::string err = save_chrome_trace(chrome_path, events);
    if (!err.empty()) {
      std::fprintf(stderr, "loopscope: %s\n", err.c_str());
      rc = 1;
    } else {
      std::fprintf(stderr, "chrome trace: %s\n", chrome_path.c_str());
    }
  }
  return rc;
}

}  // namespace loopscope::cli
