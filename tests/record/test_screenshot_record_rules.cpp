// screenshot and record follow one set of rules: the same inputs (scenario
// ids and saved traces), the same --set / --set2 / --compare, the same usage
// errors. Both parse through cli::ViewArgs.
#include "record/clip.hpp"

#include <cstring>

#include "cli/view_args.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {
std::vector<cli::RunInput> parse(std::vector<std::string> argv) {
  cli::Args a("test", argv);
  cli::ViewArgs v;
  while (!a.done()) {
    std::string t = a.next();
    REQUIRE_MESSAGE(v.take(a, t), t);
  }
  return v.resolve("test");
}
}  // namespace

TEST_CASE("--set goes to every run that has the key and --set2 to the compared run only, where it wins") {
  auto runs = parse({"blocking-call", "--set", "seconds=0.1", "--compare", "blocking-call", "--set2",
                     "mode=asyncio.sleep", "--set", "mode=time.sleep"});
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].sets == std::vector<std::string>{"seconds=0.1", "mode=time.sleep"});
  CHECK(runs[1].sets == std::vector<std::string>{"seconds=0.1", "mode=time.sleep", "mode=asyncio.sleep"});
  const Scenario* s = find_scenario("blocking-call");
  CHECK(s->resolve(runs[1].sets).text("mode") == "asyncio.sleep");
}

TEST_CASE("a saved trace is an input like a scenario id") {
  std::string trace = save_trace("gather", "--scale 0.1");
  auto runs = parse({trace, "--compare", "gather"});
  CHECK(runs[0].trace == trace);
  CHECK(runs[1].scenario == "gather");
  std::remove(trace.c_str());
}

TEST_CASE("screenshot takes a saved trace and a compared run with --set2, as record does") {
  no_display();
  std::string trace = save_trace("blocking-call", "--scale 0.2");
  std::string png = temp_path("rules.png");
  Process p = run(loopscope::test::loopscope_cmd("screenshot " + trace + " --compare blocking-call --set2 mode=asyncio.sleep "
                                                 "--set2 seconds=0.05 -o " + png));
  CHECK_MESSAGE(p.code == 0, p.err);
  CHECK(exists(png));
  std::remove(png.c_str());
  std::remove(trace.c_str());
}

TEST_CASE("screenshot and record refuse the same bad input with the same one-line usage error") {
  for (const char* args : {"", "no-such-scenario", "missing/trace.jsonl", "gather --set2 a=1", "gather --set nokey=1",
                           "gather --compare blocking-call --set2 nokey=1", "gather --size 10x10", "gather --theme blue"}) {
    CAPTURE(args);
    Process shot = run(loopscope::test::loopscope_cmd(std::string("screenshot ") + args + " -o x.png"));
    Process rec = run(loopscope::test::loopscope_cmd(std::string("record ") + args + " -o x.mp4"));
    CHECK(shot.code == 2);
    CHECK(rec.code == 2);
    CHECK(loopscope::test::lines(shot.err).size() == 1);
    // The same words after the command's name.
    auto tail = [](const std::string& e, const char* cmd) {
      size_t at = e.find(cmd);
      return at == std::string::npos ? e : e.substr(at + std::strlen(cmd));
    };
    CHECK(tail(shot.err, "screenshot") == tail(rec.err, "record"));
  }
}

TEST_CASE("screenshot --help and record --help describe the shared options in the same words") {
  Process shot = run(loopscope::test::loopscope_cmd("screenshot --help"));
  Process rec = run(loopscope::test::loopscope_cmd("record --help"));
  REQUIRE(shot.code == 0);
  REQUIRE(rec.code == 0);
  CHECK(shot.out.find(cli::ViewArgs::kHelp) != std::string::npos);
  CHECK(rec.out.find(cli::ViewArgs::kHelp) != std::string::npos);
  for (const char* o : {"--hold", "--pause-at-notable", "--captions", "--no-title", "--from", "--to", "--speed"})
    CHECK_MESSAGE(rec.out.find(o) != std::string::npos, o);
}
