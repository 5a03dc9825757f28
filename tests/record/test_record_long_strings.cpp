// A short clip of a trace with strings as long as the loader accepts (a 12k
// task name, 20k labels, a 64k print) renders every frame: the view elides
// what it draws instead of overflowing a draw list (issue 12, item 2).
#include <filesystem>

#include "core/trace_json.hpp"
#include "record/clip.hpp"
#include "support/long_strings.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

TEST_CASE("recording a trace with a 12k name, 20k labels and a 64k print writes its frames and exits 0") {
  no_display();
  Trace strings;
  std::string trace = temp_path("long-strings.jsonl");
  REQUIRE(save_jsonl(trace, loopscope::test::long_strings_trace(strings)) == "");
  std::string out = temp_path("long-strings-frames");
  Process p = record(trace + " -o " + out + " --fps 4 --captions --size 640x360");
  CHECK_MESSAGE(p.code == 0, p.err);
  Counts c = counts(p.err);
  CHECK(c.frames > 1);
  size_t pngs = 0;
  for (const auto& f : std::filesystem::directory_iterator(out)) pngs += f.path().extension() == ".png";
  CHECK(pngs == size_t(c.frames));
  std::filesystem::remove_all(out);
  std::filesystem::remove(trace);
}
