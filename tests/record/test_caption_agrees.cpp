// A clip's caption and the view agree at every frame (app/record/overlay.cpp):
// the caption is the Why panel's text (model::why_at, both paragraphs: loop
// 0's story and another loop's event) for the very event whose state the
// stage shows, never the one before or after. The narration is on screen
// once: a captioned clip, alone or compared, leaves the Why panel out (the
// same text twice was what a lecturer saw). Recorded in process through
// rec::record_clip, whose inspect hook sees each side's App and overlay right
// after a frame is drawn.
#include "record/clip.hpp"
#include "record/frames.hpp"

#include <string>

#include "model/why.hpp"
#include "record/overlay.hpp"

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {

std::string why_paragraphs(const std::string& text, const std::string& other) {
  if (text.empty()) return other;
  return other.empty() ? text : text + "\n" + other;
}

struct Seen {
  int frames = 0, with_other_loop = 0, shortened = 0;
  int planned = 0;  // frames the clip plays (title card and held end aside), times its sides
};

// Records `args` (one run, or a compare) with captions and checks each drawn frame of each side.
Seen check_clip(const std::vector<std::string>& traces) {
  rec::ClipOptions o;
  o.out = temp_path("caption-agrees");  // no extension: a directory of PNG frames
  o.format = rec::Format::png;
  for (const std::string& t : traces) {
    cli::RunInput in;
    in.trace = t;
    o.runs.push_back(in);
  }
  o.fps = 4, o.title = false, o.hold_s = 0.5, o.captions = true, o.progress = false;
  o.look.presenter = true;
  Seen seen;
  o.inspect = [&](int frame, size_t side, const gui::App& app, const rec::Overlay& ov) {
    CAPTURE(frame);
    CAPTURE(side);
    const model::Model& m = app.session().model();
    // The stage shows the state at the playhead's event...
    REQUIRE(app.shown_index() == app.playback().index());
    // ...and the caption narrates that event, as the Why panel does.
    model::Why why = model::why_at(m, app.shown_index());
    const std::string full = why_paragraphs(why.text, why.other_loop), &said = ov.caption_drawn();
    CHECK(ov.caption_whole());  // never cut with an ellipsis
    if (said != full) {
      // Only a caption too long for the band takes its shorter form: the
      // story's leading whole sentences (the other loop's line gives way first).
      ++seen.shortened;
      CHECK_FALSE(ov.caption_fits(full));
      std::string story = why.text.empty() ? why.other_loop : why.text;
      CHECK(said.size() <= story.size());
      CHECK(story.compare(0, said.size(), said) == 0);
      CHECK(said.back() == '.');
    }
    // The caption band says it; no Why panel says it again.
    const gui::Box& why_panel = app.geometry().why;
    CHECK(why_panel.x1 <= why_panel.x0);
    CHECK(app.geometry().why_text.empty());
    seen.with_other_loop += !why.other_loop.empty();
    ++seen.frames;
  };
  rec::ClipReport r = rec::record_clip(o);
  CHECK_MESSAGE(r.error == "", r.error);
  seen.planned = r.plan.play_frames * int(traces.size());
  remove_frames_dir(o.out);
  return seen;
}

}  // namespace

TEST_CASE("at every frame of a captioned clip the caption says what the Why panel would about the event the stage shows, "
          "and no Why panel says it again") {
  no_display();
  std::string reads = save_trace("file-reads", "--scale 0.3");
  Seen s = check_clip({reads});
  // Every playing frame moves the playhead, so each is drawn and checked; how
  // many there are follows the run's real length, not a fixed count.
  CHECK(s.planned > 0);
  CHECK(s.frames >= s.planned);
  std::remove(reads.c_str());
}

TEST_CASE("in each half of a captioned compare clip the caption narrates the half's own stage, the client loop's line included") {
  no_display();
  std::string seq = save_trace("sequential-server", "--scale 0.1");
  std::string conc = save_trace("concurrent-server", "--scale 0.1");
  Seen s = check_clip({seq, conc});
  CHECK(s.planned > 0);
  CHECK(s.frames >= s.planned);
  CHECK(s.with_other_loop > 0);  // the client loop's events were on screen, and captioned
  std::remove(seq.c_str());
  std::remove(conc.c_str());
}
