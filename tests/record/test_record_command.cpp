// The record command's contract: --help, one-line usage errors with status 2,
// a clear message when ffmpeg is missing for a video output.
#include "record/clip.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

TEST_CASE("record --help names every option") {
  Process p = run(loopscope::test::loopscope_cmd("record --help"));
  REQUIRE(p.code == 0);
  for (const char* o : {"--compare", "--set", "--fps", "--size", "--from", "--to", "--speed", "--captions", "--theme",
                        "--presenter", ".mp4", ".gif", ".webm", "PNG"})
    CHECK_MESSAGE(p.out.find(o) != std::string::npos, o);
}

TEST_CASE("record usage errors are one line on stderr with status 2") {
  for (const char* args : {"", "gather", "gather -o clip.avi", "no-such-scenario -o x.mp4",
                           "gather -o x.mp4 --size 641x360", "gather -o x.mp4 --from 2 --to 1",
                           "gather -o x.mp4 --set2 a=1", "gather -o x.mp4 --set nokey=1", "gather -o x.mp4 --fps 0",
                           "gather -o x.mp4 --compare gather --size 960x540", "gather -o x.mp4 --theme blue",
                           "missing/trace.jsonl -o x.mp4"}) {
    CAPTURE(args);
    Process p = run(loopscope::test::loopscope_cmd(std::string("record ") + args));
    CHECK(p.code == 2);
    CHECK(loopscope::test::lines(p.err).size() == 1);
    CHECK(p.err.find("record") != std::string::npos);
  }
}

TEST_CASE("without ffmpeg on PATH a video clip fails with one clear line, before running anything") {
  std::string out = temp_path("none.mp4");
  Process p = run("PATH=/nonexistent " + loopscope::test::loopscope_cmd("record gather -o " + out));
  CHECK(p.code == 1);
  CHECK(loopscope::test::lines(p.err).size() == 1);
  CHECK(p.err.find("ffmpeg") != std::string::npos);
  CHECK_FALSE(exists(out));
}

TEST_CASE("a trace file that is not a trace fails with status 1 and names the file") {
  no_display();
  std::string bad = temp_path("bad.jsonl");
  FILE* f = std::fopen(bad.c_str(), "w");
  std::fputs("{not json\n", f);
  std::fclose(f);
  std::string out = temp_path("bad-frames");
  Process p = record(bad + " -o " + out);
  CHECK(p.code == 1);
  CHECK(p.err.find("bad.jsonl") != std::string::npos);
  CHECK_FALSE(exists(out));
  CHECK_FALSE(exists(out + ".part"));
  std::remove(bad.c_str());
}
