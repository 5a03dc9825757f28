#include "screenshot.hpp"

namespace loopscope::gui {

void settle(Headless& h, App& app) {
  // ImGui sizes some things from the previous frame: always run a few frames.
  for (int k = 0; k < 30; ++k) {
    h.frame(app, 0.1f);
    if (k >= 2 && app.settled()) break;
  }
}

namespace {
// A scenario with the input's values (resolve_input checked them).
const Scenario* scenario_of(const cli::RunInput& in, Params& p, std::string& err) {
  const Scenario* s = find_scenario(in.scenario);
  if (!s) {
    err = "unknown scenario '" + in.scenario + "'";
    return nullptr;
  }
  p = s->resolve(in.sets);
  return s;
}
}  // namespace

std::string run_to_end(Headless& h, App& app, const Scenario& s, const Params& p) {
  app.start(s, p);
  app.session().wait();
  h.frame(app, 0.1f);  // takes in the finished run
  if (app.session().model().size() == 0) return "the run produced no events";
  return "";
}

std::string open_run(Headless& h, App& app, const cli::RunInput& in) {
  std::string err;
  if (!in.trace.empty()) {
    err = app.load(in.trace);
    if (err.empty() && app.session().model().size() == 0) err = "'" + in.trace + "' holds no events";
  } else {
    Params p;
    const Scenario* s = scenario_of(in, p, err);
    if (!s) return err;
    err = run_to_end(h, app, *s, p);
  }
  if (err.empty()) h.frame(app, 0.1f);
  return err;
}

std::string open_compare(Headless& h, App& app, const cli::RunInput& in) {
  std::string err;
  if (!in.trace.empty()) {
    err = app.load_compare(in.trace);
  } else {
    Params p;
    const Scenario* s = scenario_of(in, p, err);
    if (!s) return err;
    app.start_compare(*s, p);
    app.compare_session().wait();
  }
  if (err.empty()) h.frame(app, 0.1f);
  return err;
}

void shot_at(Headless& h, App& app, size_t event_index, std::vector<uint8_t>& rgba) {
  app.seek(event_index);
  settle(h, app);
  h.frame(app, 0.1f, &rgba);
}

size_t index_at_seconds(const model::Model& m, double at_s) {
  if (m.size() == 0) return 0;
  if (at_s < 0) return m.size() - 1;
  return m.index_at_time(m.begin_ns() + int64_t(at_s * 1e9));
}

std::string open_question(Headless& h, App& app, int n, bool reveal) {
  const std::vector<model::Question> qs = model::quiz(app.session().model());
  if (n < 1 || size_t(n) > qs.size())
    return "--predict " + std::to_string(n) + ": this run's quiz has " + std::to_string(qs.size()) + " question" +
           (qs.size() == 1 ? "" : "s");
  // As in the window: predict mode turned on just before the decision, then
  // playback reaches it and the gate asks.
  const model::Question& q = qs[size_t(n) - 1];
  std::vector<uint8_t> rgba;
  shot_at(h, app, q.ask_at > 0 ? q.ask_at - 1 : 0, rgba);
  app.toggle_predict();
  shot_at(h, app, q.ask_at, rgba);
  if (!app.question()) return "--predict " + std::to_string(n) + ": the question was not asked";
  if (reveal) {
    app.answer(q.answer);
    settle(h, app);
  }
  return "";
}

std::string render_shot(const std::vector<cli::RunInput>& runs, const ShotOptions& o, std::vector<uint8_t>& rgba) {
  if (runs.empty()) return "nothing to show";
  std::string err;
  auto h = Headless::create(o.w, o.h, err);
  if (!h) return err;
  Appearance look = o.look;
  look.display_h = float(o.h);  // presenter text for this height from the first frame
  App app(look);
  if (!app.init_context()) return "cannot load the DejaVu fonts (install fonts-dejavu-core)";
  err = open_run(*h, app, runs[0]);
  if (err.empty() && runs.size() > 1) err = open_compare(*h, app, runs[1]);
  if (!err.empty()) return err;
  const model::Model& m = app.session().model();
  if (o.predict > 0) {
    err = open_question(*h, app, o.predict, o.reveal);
    if (!err.empty()) return err;
    h->frame(app, 0.1f, &rgba);
    return "";
  }
  app.seek(index_at_seconds(m, o.at_s));
  // The playhead at that very run time, inside a block or a wait if it falls there.
  if (o.at_s >= 0) app.playback().seek_story(app.playback().story_of_trace(m.begin_ns() + int64_t(o.at_s * 1e9)));
  settle(*h, app);
  h->frame(app, 0.1f, &rgba);
  return "";
}

std::string screenshot(const std::vector<cli::RunInput>& runs, const std::string& path, const ShotOptions& o) {
  std::vector<uint8_t> rgba;
  std::string err = render_shot(runs, o, rgba);
  if (!err.empty()) return err;
  return write_png(path, o.w, o.h, rgba);
}

}  // namespace loopscope::gui
