// The command line is a contract: scripts and tests rely on its output and exit codes.
#include <doctest/doctest.h>

#include "support/process.hpp"

using namespace loopscope::test;

TEST_CASE("loopscope list prints one scenario per line, id first") {
  Process p = run(loopscope_cmd("list"));
  REQUIRE(p.code == 0);
  auto ls = lines(p.out);
  REQUIRE(ls.size() >= 3);
  for (const char* id : {"sequential-server", "concurrent-server", "gather", "gather-errors", "taskgroup-cancel"}) {
    bool found = false;
    for (auto& l : ls) found |= l.rfind(std::string(id) + "\t", 0) == 0;
    CHECK_MESSAGE(found, id);
  }
}

TEST_CASE("loopscope --help describes every command") {
  Process p = run(loopscope_cmd("--help"));
  REQUIRE(p.code == 0);
  for (const char* c : {"list", "source", "run", "view", "screenshot"}) CHECK(p.out.find(c) != std::string::npos);
  for (const char* c : {"list", "source", "run"}) {
    Process h = run(loopscope_cmd(std::string(c) + " --help"));
    CHECK(h.code == 0);
    CHECK(h.out.find("usage: loopscope") != std::string::npos);
  }
}

TEST_CASE("usage errors are one line on stderr and exit with status 2") {
  for (const char* args : {"frobnicate", "run no-such-scenario", "source", "run gather --bogus",
                           "run gather --set nope=1", "run gather --set a=abc", "run gather --set a=999",
                           "run gather --scale", "source gather extra"}) {
    CAPTURE(args);
    Process p = run(loopscope_cmd(args));
    CHECK(p.code == 2);
    CHECK(lines(p.err).size() == 1);
    CHECK(p.out.empty());
  }
}

TEST_CASE("loopscope run prints what the listing prints and a summary") {
  Process p = run(loopscope_cmd("run gather --set a=0.05 --set b=0.01 --set c=0.03"));
  REQUIRE(p.code == 0);
  auto ls = lines(p.out);
  REQUIRE(ls.size() == 7);
  CHECK(ls.back() == "main: gather returned ['A', 'B', 'C']");
  CHECK(p.err.find("gather: ok") != std::string::npos);
}

TEST_CASE("loopscope run --events writes valid JSON Lines, one event per line, seq in order") {
  std::string path = temp_path("gather.jsonl");
  Process p = run(loopscope_cmd("run gather --quiet --events " + path));
  REQUIRE(p.code == 0);
  auto ls = lines(slurp(path));
  REQUIRE(ls.size() > 20);
  // Each line is one JSON object with the common fields; python's json module is the judge.
  Process py = run("python3 -c \"import json,sys\n"
                   "prev=-1\n"
                   "for n,l in enumerate(open(sys.argv[1])):\n"
                   "  e=json.loads(l)\n"
                   "  assert set(['seq','t_ns','loop','it','ev'])<=set(e), l\n"
                   "  assert e['seq']==prev+1, l\n"
                   "  prev=e['seq']\n"
                   "print(prev+1)\" " + path);
  CHECK(py.code == 0);
  CHECK(std::stoul(py.out) == ls.size());
  CHECK(ls.front().find("\"ev\": \"run.begin\"") != std::string::npos);
  CHECK(ls.back().find("\"ev\": \"run.end\"") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("an unwritable --events path is refused before the run, naming the file") {
  Process p = run(loopscope_cmd("run gather --quiet --events /nonexistent-dir/x.jsonl"));
  CHECK(p.code == 2);
  CHECK(p.err.find("/nonexistent-dir/x.jsonl: no such directory") != std::string::npos);
  CHECK(p.err.find("gather: ok") == std::string::npos);  // it never ran
}
