// Predict mode in the real window (GLFW under Xvfb): Q starts it, playback
// stops before an iteration and the Why panel asks which handle runs first;
// a click on a choice (or its number) answers, the playhead moves to the
// answer and the panel explains; Space goes on to the next question.
#include <doctest/doctest.h>

#include "gui/draw.hpp"
#include "gui/theme.hpp"
#include "window_rig.hpp"

#include <backends/imgui_impl_glfw.h>

using namespace loopscope;
using namespace loopscope::gui;

namespace {
struct Rig : test::WindowRig {
  Rig() : WindowRig("gather", {"a=0.03", "b=0.01", "c=0.02"}) {}
  // Frames until a question is open (playback runs at 4x meanwhile).
  bool frames_until_question() {
    app.playback().speed = 4;
    for (int n = 0; !app.question() && n < 20000 && !app.playback().at_end(); ++n) frame();
    return app.question() != nullptr;
  }
  // A real click: the pointer moves onto (x, y), the left button goes down in
  // one frame and up in the next, through the GLFW backend ImGui reads.
  void click(float x, float y) {
    auto* win = static_cast<GLFWwindow*>(w->handle());
    ImGui_ImplGlfw_CursorEnterCallback(win, 1);
    glfwSetCursorPos(win, x, y);
    frame();  // hovered first
    ImGui_ImplGlfw_MouseButtonCallback(win, GLFW_MOUSE_BUTTON_LEFT, GLFW_PRESS, 0);
    frame();
    frame();
  }
};
// The button drawn for choice k, or nullptr.
const Geometry::ChoiceButton* button(const Geometry& g, int k) {
  for (const Geometry::ChoiceButton& b : g.predict_choices)
    if (b.choice == k) return &b;
  return nullptr;
}
}  // namespace

TEST_CASE("Q starts predict mode: playback stops before an iteration and the Why panel asks, in the lanes' colours") {
  Rig r;
  r.key(GLFW_KEY_END);
  r.key(GLFW_KEY_Q);
  CHECK(r.app.predict_on());
  CHECK(r.app.playback().playing);  // started at the end: the quiz plays from the start
  REQUIRE(r.frames_until_question());
  const model::Question q = *r.app.question();
  CHECK_FALSE(r.app.playback().playing);
  CHECK(r.index() == q.ask_at);
  // The first question of the run, or (where the first handle is just the queue's front) the last one.
  CHECK(r.app.geometry().why_text.find(q.kind == model::Question::Kind::last_handle ? "Which handle does it run last?"
                                       : q.kind == model::Question::Kind::order     ? "In what order?"
                                                                                    : "Which handle does the loop run first?") !=
        std::string::npos);
  // Every choice is a button inside the Why panel, filled with its task's colour
  // (a plain callback's: the callback colour), and its pixels are on screen.
  test::Frame f = r.capture("predict-question");
  const Geometry& g = r.app.geometry();
  const Box& why = g.why;
  REQUIRE(g.predict_choices.size() == q.choices.size());
  for (size_t k = 0; k < q.choices.size(); ++k) {
    const model::Choice& c = q.choices[k];
    CAPTURE(c.label);
    const Geometry::ChoiceButton* b = button(g, int(k));
    REQUIRE(b != nullptr);
    CHECK(b->box.x0 >= why.x0);
    CHECK(b->box.x1 <= why.x1);
    CHECK(b->box.y0 >= why.y0);
    CHECK(b->box.y1 <= why.y1);  // not scrolled or cut off below the panel
    const model::TaskInfo* t = c.task >= 0 ? r.app.session().model().task(c.task) : nullptr;
    ImU32 col = t ? r.app.theme().task(t->color) : r.app.theme().callback;
    CHECK(b->fill == col);
    CHECK(f.count(int(b->box.x0), int(b->box.y0), int(b->box.x1), int(b->box.y1), col, 12) > 100);
  }
}

TEST_CASE("in the light theme and in presenter mode the choices stay inside the Predict panel, in their tasks' colours") {
  Rig r;
  r.key(GLFW_KEY_T);   // light theme
  r.key(GLFW_KEY_F7);  // presenter mode: large text, a shorter panel for its size
  CHECK_FALSE(r.app.theme().dark);
  r.key(GLFW_KEY_HOME);
  r.key(GLFW_KEY_Q);
  r.key(GLFW_KEY_SPACE);
  REQUIRE(r.frames_until_question());
  const model::Question q = *r.app.question();
  test::Frame f = r.capture("predict-light-presenter");
  const Geometry& g = r.app.geometry();
  REQUIRE(g.predict_choices.size() == q.choices.size());
  for (const Geometry::ChoiceButton& b : g.predict_choices) {
    CAPTURE(q.choices[size_t(b.choice)].label);
    CHECK(b.box.y1 <= g.why.y1);
    CHECK(b.box.x1 <= g.why.x1);
    CHECK(f.count(int(b.box.x0), int(b.box.y0), int(b.box.x1), int(b.box.y1), b.fill, 12) > 100);
  }
}

TEST_CASE("a wrong answer is corrected and explained, with the playhead on the handle that really ran") {
  Rig r;
  r.key(GLFW_KEY_HOME);
  r.key(GLFW_KEY_Q);
  r.key(GLFW_KEY_SPACE);  // play
  // Go on until a question with a wrong candidate of another task than the answer's.
  int wrong = -1;
  for (int guard = 0; guard < 40 && r.frames_until_question(); ++guard) {
    const model::Question& q = *r.app.question();
    const model::Choice& a = q.choices[size_t(q.answer)];
    for (size_t k = 0; k < q.choices.size() && wrong < 0 && q.kind != model::Question::Kind::order; ++k)
      if (int(k) != q.answer && q.choices[k].task != a.task) wrong = int(k);
    if (wrong >= 0) break;
    r.key(GLFW_KEY_SPACE);  // show me
    REQUIRE(r.app.revealed());
    r.key(GLFW_KEY_SPACE);  // continue
  }
  REQUIRE(wrong >= 0);
  model::Question q = *r.app.question();
  const Geometry::ChoiceButton* b = button(r.app.geometry(), wrong);
  REQUIRE(b != nullptr);
  r.click((b->box.x0 + b->box.x1) / 2, (b->box.y0 + b->box.y1) / 2);
  REQUIRE(r.app.revealed());
  CHECK(r.index() == q.answer_at);
  CHECK(r.app.session().model().events()[r.index()].kind == Ev::ready_run);
  const std::string right = q.choices[size_t(q.answer)].label, guessed = q.choices[size_t(wrong)].label;
  const std::string when = q.kind == model::Question::Kind::last_handle ? " runs last, not " : " runs first, not ";
  CHECK(r.app.reveal_text().find("Not this time: " + right + when + guessed + ".") == 0);
  CHECK(r.app.geometry().why_text == r.app.reveal_text());
  CHECK(r.app.predict_asked() == 1);
  CHECK(r.app.predict_score() == 0);
  // On screen: the guess is outlined as wrong, the answer keeps its full colour, the others fade.
  test::Frame f = r.capture("predict-reveal");
  const Geometry& g = r.app.geometry();
  const Geometry::ChoiceButton* guess = button(g, wrong);
  const Geometry::ChoiceButton* answer = button(g, q.answer);
  REQUIRE(guess != nullptr);
  REQUIRE(answer != nullptr);
  CHECK(guess->marked_wrong);
  CHECK_FALSE(answer->marked_wrong);
  CHECK(f.count(int(guess->box.x0) - 2, int(guess->box.y0) - 2, int(guess->box.x1) + 2, int(guess->box.y1) + 2,
                r.app.theme().error, 12) > 20);
  const model::TaskInfo* t = q.choices[size_t(q.answer)].task >= 0 ? r.app.session().model().task(q.choices[size_t(q.answer)].task) : nullptr;
  CHECK(answer->fill == (t ? r.app.theme().task(t->color) : r.app.theme().callback));
  CHECK(guess->fill != answer->fill);
  r.key(GLFW_KEY_SPACE);
  // Playback goes on, to the next question at most (it may come within a frame).
  if (r.app.question()) {
    CHECK(r.app.question()->answer_at > q.answer_at);
    CHECK_FALSE(r.app.revealed());
  } else {
    CHECK(r.app.playback().playing);
  }
}

TEST_CASE("a cancelled task's question shows four outcomes in its colour, and the answer is what its step did") {
  test::WindowRig r("timeout");
  r.key(GLFW_KEY_HOME);
  r.key(GLFW_KEY_Q);
  r.key(GLFW_KEY_SPACE);
  r.app.playback().speed = 4;
  bool found = false;
  for (int guard = 0; guard < 60 && !found; ++guard) {
    for (int n = 0; !r.app.question() && n < 20000 && !r.app.playback().at_end(); ++n) r.frame();
    REQUIRE(r.app.question());
    if (r.app.question()->kind == model::Question::Kind::cancel_outcome) {
      found = true;
      break;
    }
    r.key(GLFW_KEY_SPACE);  // show me
    r.key(GLFW_KEY_SPACE);  // continue
  }
  REQUIRE(found);
  const model::Question q = *r.app.question();
  CHECK(r.app.geometry().why_text.find("was cancelled and runs now") != std::string::npos);
  r.capture("predict-cancel-question");
  const Geometry& g = r.app.geometry();
  REQUIRE(g.predict_choices.size() == 4);
  for (const Geometry::ChoiceButton& b : g.predict_choices) CHECK(b.box.y1 <= g.why.y1);
  r.key(GLFW_KEY_1 + q.answer);
  CHECK(r.app.revealed());
  CHECK(r.app.reveal_text().find("Right: ") == 0);
  CHECK(r.index() == q.answer_at);
  CHECK(r.app.session().model().events()[r.index()].kind == Ev::step_end);
  r.capture("predict-cancel-reveal");
}

TEST_CASE("Esc leaves predict mode and playback goes on without questions") {
  Rig r;
  r.key(GLFW_KEY_HOME);
  r.key(GLFW_KEY_Q);
  r.key(GLFW_KEY_SPACE);
  REQUIRE(r.frames_until_question());
  r.key(GLFW_KEY_ESCAPE);
  CHECK_FALSE(r.app.predict_on());
  CHECK(r.app.question() == nullptr);
  r.key(GLFW_KEY_SPACE);
  CHECK_FALSE(r.frames_until_question());
  CHECK(r.app.playback().at_end());
}
