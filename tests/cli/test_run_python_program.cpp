// `loopscope run FILE.py`: a user's program under CPython with the recorder.
// The exit status is the program's own; bad input is one line; what is left
// of a trace loads with the view's loader (`view --check`).
#include <doctest/doctest.h>

#include <cstdlib>
#include <glob.h>

#include "support/process.hpp"

using namespace loopscope::test;

namespace {
std::string program(const std::string& rel) { return std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/programs/" + rel; }

// The view's loader accepts it (the GUI build has `view --check`).
void check_loads(const std::string& trace) {
  Process v = run(loopscope_cmd("view --check " + trace));
  CHECK_MESSAGE(v.code == 0, v.err);
}

std::string oldest_python_below_3_11() {
  glob_t g{};
  std::string found;
  const char* home = std::getenv("HOME");
  std::string pattern = std::string(home ? home : "/root") + "/.pyenv/versions/3.10.*/bin/python3";
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
  ::globfree(&g);
  return found;
}
}  // namespace

TEST_CASE("loopscope run FILE.py prints what the program prints, passes its arguments and exits with its status") {
  std::string trace = temp_path("args.jsonl");
  std::string prog = temp_path("exit3.py");
  {
    std::ofstream f(prog);
    f << "import asyncio, sys\n"
         "async def main():\n"
         "    await asyncio.sleep(0)\n"
         "    print('args', sys.argv[1:], __name__)\n"
         "    sys.exit(3)\n"
         "asyncio.run(main())\n";
  }
  Process p = run(loopscope_cmd("run " + prog + " --events " + trace + " -- one 'two words'"));
  CHECK(p.code == 3);
  CHECK(p.out == "args ['one', 'two words'] __main__\n");
  CHECK(p.err.find("exit status 3") != std::string::npos);
  check_loads(trace);
  std::remove(trace.c_str());
  std::remove(prog.c_str());
}

TEST_CASE("a missing .py file is a usage error: one line, exit status 2") {
  Process p = run(loopscope_cmd("run /nonexistent/nope.py"));
  CHECK(p.code == 2);
  CHECK(lines(p.err).size() == 1);
  CHECK(p.err.find("nope.py: No such file or directory") != std::string::npos);
}

TEST_CASE("a missing python3 or one older than 3.11 gets one line saying what is needed") {
  Process missing = run(loopscope_cmd("run " + program("run_twice.py") + " --python /nonexistent/python3"));
  CHECK(missing.code == 2);
  CHECK(lines(missing.err).size() == 1);
  CHECK(missing.err.find("needs Python 3.11 or newer") != std::string::npos);
  std::string old = oldest_python_below_3_11();
  if (old.empty()) {
    MESSAGE("no Python 3.10 under ~/.pyenv: the too-old case is not checked here");
    return;
  }
  Process p = run(loopscope_cmd("run " + program("run_twice.py") + " --python " + old));
  CHECK(p.code == 2);
  CHECK(lines(p.err).size() == 1);
  CHECK(p.err.find("is Python 3.10") != std::string::npos);
}

TEST_CASE("a syntax error names file:line and its trace loads") {
  std::string trace = temp_path("syntax.jsonl");
  Process p = run("cd " + program("bad") + " && " + loopscope_cmd("run syntax_error.py --events " + trace));
  CHECK(p.code == 1);
  CHECK(p.err.find("loopscope: syntax_error.py:4: syntax error") != std::string::npos);
  check_loads(trace);
  std::remove(trace.c_str());
}

TEST_CASE("an interpreter crash is reported and the partial trace gets run.end how=crash and loads") {
  std::string trace = temp_path("crash.jsonl");
  Process p = run(loopscope_cmd("run " + program("bad/crash.py") + " --events " + trace));
  CHECK(p.code == 128 + 6);
  CHECK(p.out == "about to crash\n");
  CHECK(p.err.find("the Python interpreter crashed (signal 6") != std::string::npos);
  auto ls = lines(slurp(trace));
  REQUIRE(!ls.empty());
  CHECK(ls.back().find("\"how\":\"crash\"") != std::string::npos);
  check_loads(trace);
  std::remove(trace.c_str());
}

TEST_CASE("--duration stops a program that never ends as Ctrl-C would, and the trace is complete") {
  std::string trace = temp_path("forever.jsonl");
  Process p = run(loopscope_cmd("run " + program("bad/forever.py") + " --duration 0.5 --events " + trace));
  CHECK(p.code == 130);
  CHECK(p.err.find("KeyboardInterrupt") != std::string::npos);
  auto ls = lines(slurp(trace));
  REQUIRE(!ls.empty());
  CHECK(ls.back().find("\"how\":\"duration\"") != std::string::npos);
  check_loads(trace);
  std::remove(trace.c_str());
}

TEST_CASE("a program that never starts a loop keeps its output and says so in one line") {
  Process p = run(loopscope_cmd("run " + program("bad/no_loop.py") + " --quiet"));
  CHECK(p.code == 0);
  CHECK(p.out == "just a plain script\n");
  CHECK(p.err.find("no event loop ran") != std::string::npos);
}

TEST_CASE("--chrome-trace exports a recorded program") {
  std::string chrome = temp_path("two.json");
  Process p = run(loopscope_cmd("run " + program("two_files/main.py") + " --chrome-trace " + chrome));
  CHECK(p.code == 0);
  std::string json = slurp(chrome);
  CHECK(json.find("\"traceEvents\"") != std::string::npos);
  std::remove(chrome.c_str());
}

TEST_CASE("screenshot stops a .py that never ends after --duration, as Ctrl-C would, and draws what it did") {
  std::string png = temp_path("forever.png");
  Process p = run(loopscope_cmd("screenshot " + program("bad/forever.py") + " --duration 0.5 -o " + png));
  CHECK_MESSAGE(p.code == 0, p.err);
  CHECK(p.err.find("was stopped after 0.5 s (--duration), as Ctrl-C would") != std::string::npos);
  std::string bytes = slurp(png);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes.compare(1, 3, "PNG") == 0);
  std::remove(png.c_str());
}

TEST_CASE("screenshot takes a .py where it takes a scenario id: the program is recorded first, then drawn") {
  std::string png = temp_path("two.png");
  Process p = run(loopscope_cmd("screenshot " + program("two_files/main.py") + " -o " + png));
  CHECK_MESSAGE(p.code == 0, p.err);
  CHECK(p.out.find("main: got ['A', 'B']") != std::string::npos);  // the program's own output
  std::string bytes = slurp(png);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes.compare(1, 3, "PNG") == 0);
  std::remove(png.c_str());
}
