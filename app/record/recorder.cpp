// [SECTION] index
// - One side of the clip: a headless renderer, its App and overlay
// - Plan: the clock and the frame count
// - Frames
#include <glad/egl.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "clip_clock.hpp"
#include "core/limits.hpp"
#include "gui/compare.hpp"
#include "gui/screenshot.hpp"
#include "model/elide.hpp"
#include "overlay.hpp"
#include "progress.hpp"
#include "record.hpp"

namespace loopscope::rec {

namespace {

volatile std::sig_atomic_t g_stop = 0;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// [SECTION] One side of the clip

// Each side has its own EGL context and ImGui context, so two Apps never
// share window state; the recorder makes a side's GL context current before
// it draws (Headless::frame assumes its own context is current).
struct Side {
  std::unique_ptr<gui::Headless> h;
  std::unique_ptr<gui::App> app;
  Overlay overlay;
  EGLDisplay dpy = EGL_NO_DISPLAY;
  EGLContext ctx = EGL_NO_CONTEXT;
  std::vector<uint8_t> rgba;

  void make_current() const {
    if (ctx != EGL_NO_CONTEXT) eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx);
  }
  void frame(float dt, std::vector<uint8_t>* out) {
    make_current();
    h->begin_frame(*app, dt);
    app->frame(dt, {}, overlay.area());
    overlay.draw();
    h->end_frame(*app, out);
  }
  // Draws unseen frames until the stage's glides have finished: what it shows is the playhead's state.
  void settle() {
    for (int k = 0; k < 30 && (k < 3 || !app->settled()); ++k) frame(0.1f, nullptr);
  }
  const model::Model& model() const { return app->session().model(); }
};

// "k = v" items joined by `sep`; `eq` keeps an item on one line when wrapped (a no-break space).
std::string params_text(const Scenario& s, const Params& p, const char* sep, const char* eq = " = ") {
  std::string out;
  for (const Param& q : s.params) {
    auto v = p.values.find(q.key);
    if (v == p.values.end()) continue;
    if (!out.empty()) out += sep;
    out += q.key + eq + v->second;
  }
  return out;
}

std::string prepare(Side& side, const cli::RunInput& src, int w, int h, const gui::Appearance& look) {
  // Headless::create makes its new ImGui context current only when none is.
  ImGui::SetCurrentContext(nullptr);
  std::string err;
  side.h = gui::Headless::create(w, h, err);
  if (!side.h) return err;
  side.dpy = eglGetCurrentDisplay();
  side.ctx = eglGetCurrentContext();
  gui::Appearance sized = look;
  sized.display_h = float(h);  // presenter text for this height from the start: no font rebuild on frame 1
  side.app = std::make_unique<gui::App>(sized);
  if (!side.overlay.install(*side.app) || !side.app->init_context())
    return "cannot load the DejaVu fonts (install fonts-dejavu-core)";
  return gui::open_run(*side.h, *side.app, src);
}

void label(Side& side, const cli::RunInput& src, const ClipOptions& o, bool compare) {
  Overlay& ov = side.overlay;
  const gui::Session& ses = side.app->session();
  const Scenario* s = ses.scenario();
  // A trace names its scenario: any string up to the loader's cap, so elided for the header and the card.
  std::string id = model::elide(s ? s->id : (side.model().scenario() ? side.model().scenario() : src.trace));
  ov.label = id;
  ov.params = s ? model::elide(params_text(*s, ses.params(), "   ")) : "";
  ov.speed = o.speed;
  ov.captions = o.captions;
  ov.caption_lines = compare ? 4 : 3;  // a half is narrow: the narration needs a line more
  ov.card.kicker = compare ? id : "loopscope  ·  " + id;
  ov.card_top = compare ? 0.2f : -1.0f;
  ov.card.title = s ? s->title_for(ses.params()) : id;  // each half of a compare its own true title
  ov.card.lesson = s ? s->lesson : (src.trace.empty() ? "" : "replayed from " + src.trace);
  ov.card.params = s ? model::elide(params_text(*s, ses.params(), "\u00A0\u00A0·   ", "\u00A0=\u00A0")) : "";
}

// Two runs of one scenario are told apart by the parameters that differ
// ("blocking-call  mode = time.sleep" against "... mode = asyncio.sleep").
void tell_apart(Side& a, Side& b) {
  const Scenario* s = a.app->session().scenario();
  if (!s || s != b.app->session().scenario()) return;
  std::string da, db;
  for (const Param& q : s->params) {
    auto va = a.app->session().params().values.find(q.key), vb = b.app->session().params().values.find(q.key);
    if (va == a.app->session().params().values.end() || vb == b.app->session().params().values.end() ||
        va->second == vb->second)
      continue;
    da += "  " + q.key + " = " + va->second;
    db += "  " + q.key + " = " + vb->second;
  }
  a.overlay.label += da, a.overlay.card.kicker += da;
  b.overlay.label += db, b.overlay.card.kicker += db;
}

// [SECTION] Plan

// "233 min 20 s", "45 s".
std::string minutes_text(double s) {
  long long whole = static_cast<long long>(std::ceil(s));
  char buf[64];
  if (whole < 60) std::snprintf(buf, sizeof buf, "%lld s", whole);
  else std::snprintf(buf, sizeof buf, "%lld min %lld s", whole / 60, whole % 60);
  return buf;
}

std::string plan(const ClipClock& clock, const ClipOptions& o, ClipPlan& p) {
  p.story_from = o.from_s >= 0 ? clock.story_at(o.from_s) : 0.0;
  p.story_to = o.to_s >= 0 ? clock.story_at(o.to_s) : clock.end();
  if (p.story_to <= p.story_from) return "no events to play between --from and --to";
  p.title_frames = o.title ? int(std::lround(o.fps * kTitleSeconds)) : 0;
  p.hold_frames = int(std::lround(o.fps * o.hold_s));
  // Counted in 64 bits (a long run at --speed 0.05 and 120 fps overflows an
  // int), and capped before the int below can be wrong.
  double span = p.story_to - p.story_from;
  int64_t play = std::llround(double(o.fps) * span / o.speed);
  double clip_s = double(play + p.title_frames + p.hold_frames) / o.fps;
  if (clip_s > limits::kClipSeconds) {
    double room = limits::kClipSeconds - double(p.title_frames + p.hold_frames) / o.fps;
    double speed = std::ceil(span / room * 1000) / 1000;  // the slowest speed that fits
    char fix[96];
    if (speed <= kMaxSpeed) std::snprintf(fix, sizeof fix, "use --speed %g or more, or", speed);
    else std::snprintf(fix, sizeof fix, "even --speed %g is too slow:", kMaxSpeed);
    char buf[320];
    std::snprintf(buf, sizeof buf, "the clip would be %s long (%lld frames at %d fps); the limit is %s: %s play a shorter "
                  "stretch with --from/--to", minutes_text(clip_s).c_str(),
                  static_cast<long long>(play + p.title_frames + p.hold_frames), o.fps,
                  minutes_text(limits::kClipSeconds).c_str(), fix);
    return buf;
  }
  p.play_frames = int(play);
  return "";
}

// The timelines show the clip's stretch of run time: the whole run, or
// --from..--to; in a compare clip both use the same range, so one time axis.
void frame_timelines(std::vector<std::unique_ptr<Side>>& sides, const ClipOptions& o) {
  if (sides.size() == 1 && o.from_s < 0 && o.to_s < 0) return;  // the view's own fit
  int64_t span = 0;
  for (auto& s : sides) span = std::max(span, s->model().end_ns() - s->model().begin_ns());
  int64_t a = o.from_s >= 0 ? int64_t(o.from_s * 1e9) : 0;
  int64_t b = o.to_s >= 0 ? std::min(span, int64_t(o.to_s * 1e9)) : span;
  b = std::max(b, a + 1000000);
  int64_t margin = (b - a) / 50;
  for (auto& s : sides) {
    gui::TimelineView& tv = s->app->timeline();
    tv.fit = false;
    // One shared range in trace time means both sides on the real-time axis.
    tv.axis_auto = false;
    tv.story = false;
    tv.t0 = s->model().begin_ns() + a - margin;
    tv.t1 = s->model().begin_ns() + b + margin;
  }
}

void place(std::vector<std::unique_ptr<Side>>& sides, const ClipClock& clock, double story) {
  for (size_t i = 0; i < sides.size(); ++i) {
    gui::Playback& pb = sides[i]->app->playback();
    pb.playing = false;  // the recorder moves the playhead; the app only draws
    pb.seek_story(clock.side_story(i, story));
  }
}

// The caption band holds the clip's longest caption whole: its rows go up
// (to kMaxCaptionRows) until every caption the clip will show fits, at the
// text floor at the smallest (longer ones take their shorter form:
// Overlay::caption_fitted); both halves of a compare clip get the same
// band, so they line up. Measured in a frame of each side (fonts built).
constexpr int kMaxCaptionRows = 5;  // more squeezes a 720p half's stage below what reads (measured on the server pair)
void size_caption_bands(std::vector<std::unique_ptr<Side>>& sides, const ClipClock& clock, const ClipPlan& p,
                        const ClipOptions& o) {
  if (!o.captions) return;
  std::vector<std::vector<std::string>> texts(sides.size());
  for (size_t k = 0; k < sides.size(); ++k) {
    const gui::Playback& pb = sides[k]->app->playback();
    size_t last = SIZE_MAX;
    for (int f = 0; f <= p.play_frames; ++f) {
      double story = std::min(p.story_to, p.story_from + double(f) * o.speed / o.fps);
      size_t i = pb.index_at(clock.side_story(k, story));
      if (i != last) texts[k].push_back(sides[k]->overlay.caption_at(i)), last = i;
    }
    std::sort(texts[k].begin(), texts[k].end());
    texts[k].erase(std::unique(texts[k].begin(), texts[k].end()), texts[k].end());
  }
  int rows = sides[0]->overlay.caption_lines;
  for (bool all = false; !all && rows <= kMaxCaptionRows; all || ++rows) {
    all = true;
    for (size_t k = 0; k < sides.size(); ++k) {
      Side& s = *sides[k];
      s.overlay.caption_lines = rows;
      s.make_current();
      s.h->begin_frame(*s.app, 0);
      s.app->frame(0, {}, s.overlay.area());  // a still frame: nothing moves at dt 0
      for (const std::string& t : texts[k]) all = all && s.overlay.caption_fits(t);
      s.h->end_frame(*s.app);
    }
  }
  for (auto& s : sides) s->overlay.caption_lines = std::min(rows, kMaxCaptionRows);
}

void compose(const std::vector<std::unique_ptr<Side>>& sides, int w, int h, std::vector<uint8_t>& out) {
  size_t half = size_t(w / 2) * 4;
  out.resize(size_t(w) * size_t(h) * 4);
  for (int y = 0; y < h; ++y) {
    uint8_t* row = out.data() + size_t(y) * size_t(w) * 4;
    std::memcpy(row, sides[0]->rgba.data() + size_t(y) * half, half);
    std::memcpy(row + half, sides[1]->rgba.data() + size_t(y) * half, half);
  }
}

void teardown(std::vector<std::unique_ptr<Side>>& sides) {
  // The GL objects of a side are deleted in its own context.
  for (auto it = sides.rbegin(); it != sides.rend(); ++it) {
    (*it)->make_current();
    (*it)->h.reset();
  }
  sides.clear();
}

}  // namespace

void request_stop() { g_stop = 1; }

// [SECTION] Frames

ClipReport record_clip(const ClipOptions& o) {
  ClipReport r;
  auto t_run = std::chrono::steady_clock::now();
  bool compare = o.runs.size() == 2;
  int side_w = compare ? o.w / 2 : o.w;
  std::vector<std::unique_ptr<Side>> sides;
  auto fail = [&](std::string e) {
    teardown(sides);
    r.error = std::move(e);
    return r;
  };
  for (const cli::RunInput& src : o.runs) {
    if (g_stop) break;  // a signal before this run's loop existed (one during it stops the loop)
    sides.push_back(std::make_unique<Side>());
    gui::Appearance look = o.look;
    // With captions, the caption band already says what the Why panel would
    // (both are model::why_at): the panel is left out, alone or compared, and
    // the panels beside it get its room, so the narration is on screen once.
    if (o.captions) look.show[3] = false;
    std::string err = prepare(*sides.back(), src, side_w, o.h, look);
    if (!err.empty()) return fail(err);
    label(*sides.back(), src, o, compare);
    sides.back()->overlay.divider = compare && sides.size() == 1;
  }
  if (compare) {
    tell_apart(*sides[0], *sides[1]);
    // The summary strip's lines (gui/compare.cpp), each under its own run, over the held end.
    auto lines = gui::compare_summary(sides[0]->model(), sides[1]->model());
    for (size_t k = 0; k < lines.size() && k < sides.size(); ++k) sides[k]->overlay.summary = lines[k];
  }
  r.run_wall_s = seconds_since(t_run);
  if (g_stop) {
    r.interrupted = true;
    return fail("interrupted");
  }

  ClipClock clock;
  std::vector<std::pair<const model::Model*, const gui::Playback*>> runs;
  for (auto& s : sides) runs.emplace_back(&s->model(), &s->app->playback());
  if (sides.size() == 1) sides[0]->app->playback().set_pause(o.pause_s);  // its own clock (clip_clock.hpp)
  clock.build(runs, o.pause_s);
  std::string err = plan(clock, o, r.plan);
  if (!err.empty()) {
    r.usage = true;  // the options ask for what cannot be made: exit 2
    return fail(err);
  }
  frame_timelines(sides, o);

  auto t_render = std::chrono::steady_clock::now();
  auto enc = open_encoder(o.format, o.out, o.w, o.h, o.fps, err);
  if (!enc) return fail(err);

  // Settle on the first frame's state first, so the clip does not open with
  // chips gliding in from the start of the run.
  place(sides, clock, r.plan.story_from);
  for (auto& s : sides) s->settle();

  size_caption_bands(sides, clock, r.plan, o);

  const ClipPlan& p = r.plan;
  const int total = p.frames();
  const int fade = int(std::lround(o.fps * kFadeSeconds));
  const float dt = 1.0f / float(o.fps);
  Progress progress("recording " + o.out, total, o.progress, o.progress_lines);
  std::vector<uint8_t> composed;
  double prev_story = -1;
  float prev_card = -1, prev_summary = -1;
  bool prev_settled = false;
  for (int f = 0; f < total; ++f) {
    if (g_stop) {
      enc->abort();
      progress.end();
      r.interrupted = true;
      return fail("interrupted; no output written");
    }
    double story = p.story_from;
    if (f >= p.title_frames + p.play_frames) story = p.story_to;
    else if (f >= p.title_frames) story = p.story_from + double(f - p.title_frames) * o.speed / o.fps;
    // The summary fades in over the held end's first half second, or sooner
    // in a shorter hold: its last frame shows the summary whole.
    const int summary_fade = std::min(fade, p.hold_frames - 1);
    float summary = f < p.title_frames + p.play_frames
                        ? 0.0f
                        : std::min(1.0f, float(f - p.title_frames - p.play_frames + 1) / float(summary_fade + 1));
    float card = f >= p.title_frames ? 0.0f
                 : f < p.title_frames - fade ? 1.0f
                                             : float(p.title_frames - f) / float(fade + 1);
    // A frame that cannot differ from the one before is not drawn again: the
    // opaque title card, and the held end once the stage has settled. (Every
    // frame is still a real frame of the clip; this only saves rendering.)
    bool same = (card >= 1 && prev_card >= 1) ||
                (story == prev_story && card == prev_card && summary == prev_summary && prev_settled);
    if (!same) {
      prev_settled = story == prev_story;  // settled before drawing an unchanged playhead: a still picture
      place(sides, clock, story);
      // The playback stops short of its last event, which the held end's first
      // frame reaches: that frame shows the settled final state (a clip's last
      // picture), not the start of a glide into it.
      if (f == p.title_frames + p.play_frames)
        for (auto& s : sides) s->settle();
      for (size_t k = 0; k < sides.size(); ++k) {
        Side& s = *sides[k];
        prev_settled = prev_settled && s.app->settled();
        s.overlay.card_alpha = card;
        s.overlay.summary_alpha = summary;
        s.frame(dt, &s.rgba);
        if (o.inspect) o.inspect(f, k, *s.app, s.overlay);
      }
      if (compare) compose(sides, o.w, o.h, composed);
    }
    prev_story = story, prev_card = card, prev_summary = summary;
    const std::vector<uint8_t>* frame = compare ? &composed : &sides[0]->rgba;
    err = enc->write(frame->data());
    if (!err.empty()) {
      progress.end();
      return fail(err);
    }
    progress.update(f + 1);
  }
  progress.end();
  err = enc->finish();
  r.render_wall_s = seconds_since(t_render);
  teardown(sides);
  r.error = err;
  return r;
}

}  // namespace loopscope::rec
