#include "screenshot.hpp"

namespace loopscope::gui {

void settle(Headless& h, App& app) {
  // ImGui sizes some things from the previous frame: always run a few frames.
  for (int k = 0; k < 30; ++k) {
    h.frame(app, 0.1f);
    if (k >= 2 && app.settled()) break;
  }
}

std::string run_to_end(Headless& h, App& app, const Scenario& s, const Params& p) {
  app.start(s, p);
  app.session().wait();
  h.frame(app, 0.1f);  // takes in the finished run
  if (app.session().model().size() == 0) return "the run produced no events";
  return "";
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

namespace {

// A headless window with `fill` putting a run into the app, then the settled frame at o.at_s.
template <class Fill>
std::string render(const ShotOptions& o, std::vector<uint8_t>& rgba, Fill fill) {
  std::string err;
  auto h = Headless::create(o.w, o.h, err);
  if (!h) return err;
  App app(o.look);
  if (!app.init_context()) return "cannot load the DejaVu fonts (install fonts-dejavu-core)";
  err = fill(*h, app);
  if (!err.empty()) return err;
  if (o.compare) {
    app.start_compare(*o.compare, o.compare_params);
    app.compare_session().wait();
    h->frame(app, 0.1f);
  }
  const model::Model& m = app.session().model();
  shot_at(*h, app, index_at_seconds(m, o.at_s), rgba);
  return "";
}

}  // namespace

std::string render_shot(const Scenario& s, const Params& p, const ShotOptions& o, std::vector<uint8_t>& rgba) {
  return render(o, rgba, [&](Headless& h, App& app) { return run_to_end(h, app, s, p); });
}

std::string render_trace_shot(const std::string& trace, const ShotOptions& o, std::vector<uint8_t>& rgba) {
  return render(o, rgba, [&](Headless& h, App& app) {
    std::string err = app.load(trace);
    if (err.empty() && app.session().model().size() == 0) err = "'" + trace + "' holds no events";
    if (err.empty()) h.frame(app, 0.1f);
    return err;
  });
}

std::string screenshot_trace(const std::string& trace, const std::string& path, const ShotOptions& o) {
  std::vector<uint8_t> rgba;
  std::string err = render_trace_shot(trace, o, rgba);
  if (!err.empty()) return err;
  return write_png(path, o.w, o.h, rgba);
}

std::string screenshot(const Scenario& s, const Params& p, const std::string& path, const ShotOptions& o) {
  std::vector<uint8_t> rgba;
  std::string err = render_shot(s, p, o, rgba);
  if (!err.empty()) return err;
  return write_png(path, o.w, o.h, rgba);
}

}  // namespace loopscope::gui
