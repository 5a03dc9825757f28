// Predict mode's harder questions on screen (headless, presenter mode at
// 1280x720 in the light theme, as a projector shows them): what an await of
// gather() does after a child failed, and which handle an iteration runs last.
// The question, its hint and every choice fit in the Why panel.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gui/pixels.hpp"
#include "gui/screenshot.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::gui;

namespace {
struct Presenter {
  int w = 1280, hgt = 720;
  std::unique_ptr<Headless> h;
  std::unique_ptr<App> app;
  std::vector<uint8_t> rgba;

  explicit Presenter(const std::string& id, int width = 1280, int height = 720, bool presenter = true)
      : w(width), hgt(height) {
    std::string err;
    h = Headless::create(w, hgt, err);
    REQUIRE_MESSAGE(h, err);
    Appearance look;
    look.dark = false;
    look.presenter = presenter;
    look.display_h = float(hgt);
    app = std::make_unique<App>(look);
    REQUIRE(app->init_context());
    // A real run at time scale 3, replayed: a loaded machine cannot merge two
    // timers into one poll and so change the questions under the test.
    const std::string trace = loopscope::test::temp_path(id + ".jsonl");
    REQUIRE(loopscope::test::run(loopscope::test::loopscope_cmd("run " + id + " --scale 3 --quiet --events " + trace)).code == 0);
    REQUIRE(app->load(trace) == "");
    std::remove(trace.c_str());
    h->frame(*app, 0.1f);
  }
  const model::Model& m() const { return app->session().model(); }
  // Opens predict mode just before `q` and plays onto it: the gate asks it.
  void ask(const model::Question& q) {
    shot_at(*h, *app, q.ask_at - 1, rgba);
    app->toggle_predict();
    shot_at(*h, *app, q.ask_at, rgba);
  }
  void shot_at_index(size_t i) { shot_at(*h, *app, i, rgba); }
  void save(const std::string& name) {
    if (const char* d = std::getenv("LOOPSCOPE_SHOTS")) write_png(std::string(d) + "/" + name + ".png", w, hgt, rgba);
  }
  // Every choice button, and all the panel drew, lies inside the Predict
  // panel's body, which never scrolls: nothing cut off or hidden below it;
  // and its text is at or above the floor.
  void check_buttons_fit(size_t n) {
    const Geometry& g = app->geometry();
    const Box& body = g.predict_body;
    CHECK(g.predict_choices.size() == n);
    for (const Geometry::ChoiceButton& b : g.predict_choices) {
      CAPTURE(b.choice);
      CHECK(b.box.x0 >= body.x0 - 1);
      CHECK(b.box.x1 <= body.x1 + 1);
      CHECK(b.box.y0 >= body.y0 - 1);
      CHECK(b.box.y1 <= body.y1 + 1);
    }
    CHECK(g.predict_bottom <= body.y1 + 1);
    CHECK(body.y1 <= g.why.y1 + 1);
    CHECK(g.predict_px >= app->appearance().floor_px() - 0.01f);
  }
};
}  // namespace

TEST_CASE("predict asks what main's await of gather does after a child failed, and reveals it at main's next step") {
  Presenter p("gather-errors");
  const std::vector<model::Question> qs = model::gather_questions(p.m());
  REQUIRE(qs.size() == 2);
  for (const model::Question& q : qs) {
    p.ask(q);
    REQUIRE(p.app->question());
    CHECK(p.app->question()->kind == model::Question::Kind::gather_error);
    CHECK(p.app->playback().index() == q.ask_at);
    const Geometry& g = p.app->geometry();
    CHECK(g.why_text.find("of the gather() that includes it do?") != std::string::npos);
    p.check_buttons_fit(3);
    p.save("predict-gather-" + std::to_string(q.it));
    p.app->answer(q.answer);
    shot_at(*p.h, *p.app, p.app->playback().index(), p.rgba);
    CHECK(p.app->playback().index() == q.answer_at);
    CHECK(p.app->geometry().why_text.find("Right: ") == 0);
    p.check_buttons_fit(3);
    p.save("predict-gather-" + std::to_string(q.it) + "-answer");
    p.app->continue_after_answer();
    p.app->toggle_predict();  // off, for the next question's fresh start
  }
}

TEST_CASE("predict asks which handle an iteration runs last, every queued handle a button") {
  Presenter p("cooperative-yield");
  std::vector<model::Question> qs = model::quiz(p.m());  // one the quiz asks (not replaced by an order question)
  std::erase_if(qs, [](const model::Question& x) { return x.kind != model::Question::Kind::last_handle; });
  REQUIRE_FALSE(qs.empty());
  const model::Question& q = qs.front();
  p.ask(q);
  REQUIRE(p.app->question());
  CHECK(p.app->question()->kind == model::Question::Kind::last_handle);
  CHECK(p.app->geometry().why_text.find("Which handle does it run last?") != std::string::npos);
  p.check_buttons_fit(q.choices.size());
  p.save("predict-last-" + std::to_string(q.it));
  p.app->answer(q.answer == 0 ? 1 : 0);  // a wrong guess: the answer is named, the guess outlined
  shot_at(*p.h, *p.app, p.app->playback().index(), p.rgba);
  CHECK(p.app->geometry().why_text.find("runs last, not") != std::string::npos);
  p.save("predict-last-" + std::to_string(q.it) + "-answer");
}

TEST_CASE("every question of the quiz and its reveal show whole, without scrolling, on a 720p projector and at the desk") {
  struct Size {
    int w, h;
    bool presenter;
  };
  for (const Size sz : {Size{1280, 720, true}, Size{1920, 1080, false}, Size{1920, 1080, true}}) {
    for (const std::string id : {"gather-errors", "timeout", "cooperative-yield"}) {
      CAPTURE(id);
      CAPTURE(sz.w);
      CAPTURE(sz.presenter);
      Presenter p(id, sz.w, sz.h, sz.presenter);
      const std::vector<model::Question> qs = model::quiz(p.m());
      REQUIRE_FALSE(qs.empty());
      p.shot_at_index(0);
      p.app->toggle_predict();
      size_t answered = 0;  // the gate skips questions asked before the last answer's event
      for (const model::Question& q : qs) {
        if (q.ask_at <= answered) continue;
        answered = q.answer_at;
        CAPTURE(q.it);
        CAPTURE(int(q.kind));
        p.shot_at_index(q.ask_at);  // playback onto the question: the gate opens it
        REQUIRE(p.app->question());
        CHECK(p.app->question()->ask_at == q.ask_at);
        p.check_buttons_fit(q.choices.size());
        const std::string tag = id + "-" + std::to_string(sz.w) + (sz.presenter ? "p-" : "d-") + std::to_string(q.ask_at);
        p.save("fit-" + tag);
        if (q.kind == model::Question::Kind::order) {
          // The order the handles ran in, its first two swapped: a wrong guess, clicked one by one.
          std::vector<int> ran(q.order.size());
          for (size_t k = 0; k < q.order.size(); ++k) ran[size_t(q.order[k])] = int(k);
          std::swap(ran[0], ran[1]);
          for (int k : ran) p.app->answer(k);
        } else {
          p.app->answer(q.answer == 0 ? 1 : 0);  // a wrong guess: the longest reveal, the guess named too
        }
        REQUIRE(p.app->revealed());
        p.shot_at_index(p.app->playback().index());
        p.check_buttons_fit(q.choices.size());
        CHECK(p.app->geometry().why_text.find("Not this time") == 0);
        p.save("fit-" + tag + "-answer");
        p.app->continue_after_answer();
      }
    }
  }
}
