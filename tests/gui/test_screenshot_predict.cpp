// `loopscope screenshot --predict N [--reveal]`: a predict-mode picture for a
// handout or a slide, the question open exactly as the window's gate asks it.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "gui/screenshot.hpp"
#include "model/predict.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
struct Shot {
  std::unique_ptr<Headless> h;
  std::unique_ptr<App> app;
  explicit Shot(const std::string& id) {
    std::string err;
    h = Headless::create(1280, 720, err);
    REQUIRE_MESSAGE(h, err);
    Appearance look;
    look.presenter = true;
    look.display_h = 720;
    app = std::make_unique<App>(look);
    REQUIRE(app->init_context());
    REQUIRE(open_run(*h, *app, cli::resolve_input("test", id, {})) == "");
  }
};
}  // namespace

TEST_CASE("--predict N opens the quiz's Nth question with a button per choice, and --reveal answers it right") {
  // One recorded run, replayed by every shot: the same questions each time.
  const std::string trace = loopscope::test::temp_path("timeout.jsonl");
  REQUIRE(loopscope::test::run(loopscope::test::loopscope_cmd("run timeout --quiet --events " + trace)).code == 0);
  std::vector<model::Question> qs;
  {
    Shot base(trace);  // one headless context at a time
    qs = model::quiz(base.app->session().model());
  }
  REQUIRE(qs.size() >= 3);
  for (int n : {1, int(qs.size())}) {
    for (bool reveal : {false, true}) {
      CAPTURE(n);
      CAPTURE(reveal);
      Shot s(trace);
      REQUIRE(open_question(*s.h, *s.app, n, reveal) == "");
      const model::Question& q = qs[size_t(n) - 1];
      REQUIRE(s.app->question());
      CHECK(s.app->question()->ask_at == q.ask_at);
      CHECK(s.app->predict_on());
      CHECK(s.app->revealed() == reveal);
      const Geometry& g = s.app->geometry();
      CHECK(g.predict_choices.size() == q.choices.size());
      if (reveal) CHECK(g.why_text.rfind("Right: ", 0) == 0);
      else CHECK(s.app->playback().index() == q.ask_at);
    }
  }
  std::remove(trace.c_str());
}

TEST_CASE("--predict past the quiz's end is a one-line error, and it refuses --at, --compare and a lone --reveal") {
  using loopscope::test::loopscope_cmd;
  using loopscope::test::lines;
  loopscope::test::Process past = loopscope::test::run(loopscope_cmd("screenshot timeout --predict 999 -o /tmp/never.png"));
  CHECK(past.code == 1);
  CHECK(lines(past.err).size() == 1);
  CHECK(past.err.find("quiz has") != std::string::npos);
  for (const char* args : {"timeout --reveal", "timeout --predict 1 --at 0.1", "timeout --predict 1 --compare gather",
                           "timeout --predict 0", "timeout --predict 1.5"}) {
    CAPTURE(args);
    loopscope::test::Process p = loopscope::test::run(loopscope_cmd(std::string("screenshot ") + args + " -o /tmp/never.png"));
    CHECK(p.code == 2);
    CHECK(lines(p.err).size() == 1);
  }
}
