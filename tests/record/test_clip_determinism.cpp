// A clip is a function of the trace and the options: playback time, not wall
// time, moves every frame, so recording twice gives the same bytes.
#include "record/clip.hpp"

#include <dirent.h>

#include <algorithm>
#include <vector>

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}
void remove_dir(const std::string& dir) {
  for (const auto& f : files_in(dir)) std::remove((dir + "/" + f).c_str());
  ::rmdir(dir.c_str());
}
}  // namespace

TEST_CASE("recording the same trace twice gives PNG frames identical byte for byte, without ffmpeg") {
  no_display();
  std::string trace = save_trace("gather");
  std::string a = temp_path("frames-a"), b = temp_path("frames-b");
  // No ffmpeg on PATH: PNG frames need none.
  std::string opts = " --fps 10 --size 640x360 --speed 6 --captions";
  Process pa = run("PATH=/nonexistent " + loopscope::test::loopscope_cmd("record " + trace + " -o " + a + opts));
  REQUIRE_MESSAGE(pa.code == 0, pa.err);
  Process pb = record(trace + " -o " + b + "/" + opts);
  REQUIRE_MESSAGE(pb.code == 0, pb.err);

  auto fa = files_in(a), fb = files_in(b);
  int expected = expected_frames(10, story_span(trace), 6);
  CHECK(int(fa.size()) == expected);
  REQUIRE(fa == fb);
  CHECK(fa.front() == "frame_00000.png");
  Counts c = counts(pb.err);
  int differing = 0, distinct_neighbours = 0;
  std::string prev;
  for (size_t k = 0; k < fa.size(); ++k) {
    std::string x = loopscope::test::slurp(a + "/" + fa[k]), y = loopscope::test::slurp(b + "/" + fa[k]);
    CHECK(x.size() > 1000);
    differing += x != y;
    if (int(k) >= c.title && int(k) < c.title + c.play) distinct_neighbours += x != prev;
    prev = x;
  }
  CHECK(differing == 0);
  // And the playback moves: most of its frames differ from the one before.
  CHECK(distinct_neighbours > c.play / 2);
  CHECK_FALSE(exists(a + ".part"));
  remove_dir(a);
  remove_dir(b);
  std::remove(trace.c_str());
}
