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

namespace {
// A saved trace whose run lasts `seconds`: two tasks' steps at the start and
// the run's end `seconds` later (story time keeps that gap whole).
std::string long_trace(double seconds) {
  std::string path = temp_path("long.jsonl");
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fprintf(f,
               "{\"seq\": 0, \"t_ns\": 0, \"loop\": 0, \"it\": 0, \"ev\": \"run.begin\", \"scenario\": \"long\", "
               "\"params\": {}}\n"
               "{\"seq\": 1, \"t_ns\": 1000, \"loop\": 0, \"it\": 1, \"ev\": \"print\", \"task\": null, \"line\": 0, "
               "\"text\": \"start\"}\n"
               "{\"seq\": 2, \"t_ns\": %lld, \"loop\": 0, \"it\": 2, \"ev\": \"run.end\", \"status\": \"ok\", \"error\": null}\n",
               static_cast<long long>(seconds * 1e9));
  std::fclose(f);
  return path;
}
}  // namespace

TEST_CASE("a clip over the 30-minute cap is refused with one line, its frame count never overflows") {
  no_display();
  // 150 s at --fps 120 --speed 0.05 is 360,000 frames (50 min): refused. A run of
  // 10^6 s is 2.4e12 frames, past any int: still refused with its real count.
  for (double seconds : {150.0, 1e6}) {
    CAPTURE(seconds);
    std::string trace = long_trace(seconds);
    std::string out = temp_path("too-long-frames");
    Process p = record(trace + " -o " + out + " --fps 120 --speed 0.05");
    CHECK(p.code == 2);
    CHECK(loopscope::test::lines(p.err).size() == 1);
    CHECK_MESSAGE(p.err.find("the limit is 30 min") != std::string::npos, p.err);
    // "(N frames at 120 fps)": N counted in 64 bits, at least the playback's fps * seconds / speed.
    size_t at = p.err.find(" frames at 120 fps");
    REQUIRE_MESSAGE(at != std::string::npos, p.err);
    long long frames = std::atoll(p.err.c_str() + p.err.rfind('(', at) + 1);
    CHECK(frames >= std::llround(120 * seconds / 0.05));
    CHECK_FALSE(exists(out));
    CHECK_FALSE(exists(out + ".part"));
    std::remove(trace.c_str());
  }
}
