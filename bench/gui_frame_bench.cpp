// Frame times of the whole view at 1280x720, headless (EGL, Mesa's software
// OpenGL), on synthetic traces of 10^3 and 10^6 events: the figures of
// issue #5 "Measured" (README, docs/performance.md). Measured, never asserted.
//
// Each trace is written as JSON Lines and loaded the way `loopscope view`
// loads a file (App::load), then for each case the playhead is put in the
// middle of the run and N frames are timed. A frame is App::frame through
// ImGui's OpenGL 3 renderer, then glFinish(): CPU and GPU (llvmpipe renders
// on the CPU too), but no readback (--readback adds glReadPixels, what a
// screenshot or a clip frame costs on top).
//
//   gui_frame_bench [--frames N] [--events 1000,1000000] [--axis auto|real|story] [--readback]
//                   [--panels 11111]   (Stage, Timeline, Code, Why, Console shown: what costs what)
//   gui_frame_bench --shot F.jsonl OUT.png [--at FRACTION] [--light] [--zoom NS]
//     (the view of a saved trace with the playhead at FRACTION of its events:
//     pictures to compare before and after a change to the drawing code)
//   gui_frame_bench --synthetic N OUT.jsonl   (writes the synthetic trace of about N events)
//   gui_frame_bench --live FILE.py [ARGS...]
//     (whole frames while a program runs live, one every 16 ms as the window
//     draws them: bench/live_feed.py 100000 5 is the live latency's case)
#include <glad/gl.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "gui/app.hpp"
#include "gui/platform.hpp"
#include "gui/screenshot.hpp"
#include "percentiles.hpp"
#include "synthetic_trace.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
// CPU time of the whole process (llvmpipe's rasterizer threads included): steadier than wall time on a shared machine.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Options {
  int frames = 300, warmup = 30;
  std::vector<size_t> sizes = {1000, 1000000};
  std::string axis = "auto";
  bool readback = false;
  int w = 1280, h = 720;
  std::string panels = "11111";  // Stage, Timeline, Code, Why, Console shown (for finding what costs what)
};

struct Case {
  const char* name;
  bool zoomed, playing;
};
constexpr Case kCases[] = {
    {"whole run, paused", false, false},
    {"whole run, playing", false, true},
    {"zoomed in, playing", true, true},
};
constexpr int64_t kZoomSpanNs = 50'000'000;  // "zoomed in": 50 ms of real time across the plot

struct Figures {
  double median = 0, p95 = 0, max = 0;
  double cpu_median = 0;  // process CPU ms per frame
  size_t moved = 0;  // frames whose playhead was on another event than the frame before
  size_t vtx = 0, cmds = 0;
  double area = 0;  // pixels covered by the frame's triangles (overdraw counted), in megapixels
};

// The triangles' total area (each clipped roughly to its draw command's scissor box): what llvmpipe shades.
double covered_mpx(const ImDrawData* dd) {
  double sum = 0;
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImDrawList* dl = dd->CmdLists[l];
    for (const ImDrawCmd& c : dl->CmdBuffer) {
      for (unsigned i = 0; i + 2 < c.ElemCount; i += 3) {
        const ImDrawIdx* ix = dl->IdxBuffer.Data + c.IdxOffset + i;
        ImVec2 a = dl->VtxBuffer[int(c.VtxOffset + ix[0])].pos, b = dl->VtxBuffer[int(c.VtxOffset + ix[1])].pos,
               d = dl->VtxBuffer[int(c.VtxOffset + ix[2])].pos;
        double area = std::abs(double((b.x - a.x) * (d.y - a.y) - (d.x - a.x) * (b.y - a.y))) * 0.5;
        float x0 = std::min({a.x, b.x, d.x}), x1 = std::max({a.x, b.x, d.x}), y0 = std::min({a.y, b.y, d.y}),
              y1 = std::max({a.y, b.y, d.y});
        double box = double(x1 - x0) * double(y1 - y0);
        double cx = std::max(0.0f, std::min(x1, c.ClipRect.z) - std::max(x0, c.ClipRect.x));
        double cy = std::max(0.0f, std::min(y1, c.ClipRect.w) - std::max(y0, c.ClipRect.y));
        if (box > 0) sum += area * (cx * cy) / box;
      }
    }
  }
  return sum / 1e6;
}

Figures percentiles(std::vector<double> ms) {
  bench::Spread s = bench::spread(std::move(ms));
  Figures f;
  f.median = s.median;
  f.p95 = s.p95;
  f.max = s.max;
  return f;
}

// The timeline zoomed in to `ns` of real time centred on the playhead (on either axis).
void zoom_around(App& app, int64_t ns) {
  TimelineView& tv = app.timeline();
  double mid = app.axis_of(app.session().model().events()[app.playback().index()].t_ns);
  int64_t span = tv.story ? int64_t(app.axis_of(app.trace_of(mid) + ns) - mid) : ns;
  tv.fit = false;
  tv.t0 = int64_t(mid) - span / 2, tv.t1 = tv.t0 + std::max<int64_t>(span, 2000);
}

// The frame the figures time: the view built and rendered, the GPU done.
void timed_frame(Headless& h, App& app, const Options& o, std::vector<uint8_t>& rgba) {
  h.frame(app, 1.0f / 60, o.readback ? &rgba : nullptr);
  if (!o.readback) glFinish();
}

Figures run_case(Headless& h, App& app, const Case& c, const Options& o) {
  const model::Model& m = app.session().model();
  std::vector<uint8_t> rgba;
  // The playhead in the middle of the run; the view on the whole run or zoomed in around it.
  app.seek(m.size() / 2);
  TimelineView& tv = app.timeline();
  tv.fit = true;
  if (o.axis != "auto") tv.axis_auto = false, tv.story = o.axis == "story";
  settle(h, app);
  if (c.zoomed) zoom_around(app, kZoomSpanNs);
  if (c.playing) {
    app.playback().playing = true;
    app.playback().speed = 10;  // the toolbar's fastest: the playhead reaches a new event about every frame
  }
  for (int k = 0; k < o.warmup; ++k) timed_frame(h, app, o, rgba);
  std::vector<double> ms, cpu;
  Figures f;
  size_t last = app.playback().index();
  for (int k = 0; k < o.frames; ++k) {
    auto t = Clock::now();
    double c0 = cpu_ms();
    timed_frame(h, app, o, rgba);
    ms.push_back(ms_since(t));
    cpu.push_back(cpu_ms() - c0);
    f.moved += app.playback().index() != last;
    last = app.playback().index();
  }
  Figures p = percentiles(ms);
  p.cpu_median = percentiles(cpu).median;
  p.moved = f.moved;
  if (const ImDrawData* dd = ImGui::GetDrawData()) {
    p.vtx = size_t(dd->TotalVtxCount);
    for (int i = 0; i < dd->CmdListsCount; ++i) p.cmds += size_t(dd->CmdLists[i]->CmdBuffer.Size);
    p.area = covered_mpx(dd);
  }
  app.playback().playing = false;
  return p;
}

std::vector<size_t> parse_sizes(const char* s) {
  std::vector<size_t> out;
  for (const char* p = s; *p;) {
    char* end = nullptr;
    out.push_back(size_t(std::strtoull(p, &end, 10)));
    p = *end == ',' ? end + 1 : end;
    if (end == p && *p) break;
  }
  return out;
}

// The view of a saved trace at one playhead position, as a PNG.
int shot(const std::string& trace, const std::string& png, double at, bool light, int64_t zoom_ns, int w, int h) {
  std::string err;
  auto hl = Headless::create(w, h, err);
  if (!hl) return std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str()), 1;
  Appearance look;
  look.dark = !light;
  App app(look);
  if (!app.init_context()) return std::fprintf(stderr, "gui_frame_bench: cannot load the DejaVu fonts\n"), 1;
  err = app.load(trace);
  if (!err.empty()) return std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str()), 1;
  const model::Model& m = app.session().model();
  size_t i = std::min(m.size() - 1, size_t(double(m.size() - 1) * std::clamp(at, 0.0, 1.0)));
  app.seek(i);
  settle(*hl, app);
  if (zoom_ns > 0) {
    zoom_around(app, zoom_ns);
    settle(*hl, app);
  }
  std::vector<uint8_t> rgba;
  hl->frame(app, 0.1f, &rgba);
  err = write_png(png, w, h, rgba);
  if (!err.empty()) return std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str()), 1;
  return 0;
}

// Frames of the window while a program runs live: each takes the new events
// in (RunView::poll) and draws them, following the run's end. Wall time and
// this thread's CPU time (llvmpipe's rasterizer threads are not in it).
int live(const std::string& file, const std::vector<std::string>& args, const Options& o) {
  std::string err;
  auto h = Headless::create(o.w, o.h, err);
  if (!h) return std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str()), 1;
  App app{Appearance{}};
  if (!app.init_context()) return std::fprintf(stderr, "gui_frame_bench: cannot load the DejaVu fonts\n"), 1;
  app.start_program(file, args);
  struct Frame {
    double wall_ms, cpu_ms;
    size_t events;
  };
  std::vector<Frame> frames;
  std::vector<uint8_t> rgba;
  auto thread_cpu_ms = [] {
    timespec c{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
    return double(c.tv_sec) * 1e3 + double(c.tv_nsec) / 1e6;
  };
  while (app.session().live()) {
    auto t = Clock::now();
    double c0 = thread_cpu_ms();
    timed_frame(*h, app, o, rgba);
    frames.push_back({ms_since(t), thread_cpu_ms() - c0, app.session().model().size()});
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  if (frames.size() < 2) return std::fprintf(stderr, "gui_frame_bench: the program ended before a second frame\n"), 1;
  // The first frame builds the font atlas and the GL programs: told apart.
  const Frame first = frames.front();
  frames.erase(frames.begin());
  std::vector<double> wall, cpu;
  for (const Frame& f : frames) wall.push_back(f.wall_ms), cpu.push_back(f.cpu_ms);
  bench::Spread w = bench::spread(wall), c = bench::spread(cpu);
  std::printf("%zu frames while %s ran live (%zu events at the last), after the first (%.1f ms, CPU %.1f ms): wall "
              "median %.1f ms, p95 %.1f ms, max %.1f ms; this thread's CPU median %.1f ms, p95 %.1f ms, max %.1f ms\n",
              frames.size(), file.c_str(), frames.back().events, first.wall_ms, first.cpu_ms, w.median, w.p95, w.max,
              c.median, c.p95, c.max);
  std::sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) { return a.wall_ms > b.wall_ms; });
  std::printf("the longest frames:");
  for (size_t k = 0; k < std::min<size_t>(5, frames.size()); ++k)
    std::printf(" %.1f ms (CPU %.1f ms, at %zu events);", frames[k].wall_ms, frames[k].cpu_ms, frames[k].events);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (argc == 4 && std::string(argv[1]) == "--synthetic") {
    bench::SyntheticShape shape;
    shape.events = size_t(std::strtoull(argv[2], nullptr, 10));
    std::string err = bench::write_synthetic_trace(argv[3], shape);
    if (!err.empty()) return std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str()), 1;
    return 0;
  }
  if (argc >= 3 && std::string(argv[1]) == "--live") return live(argv[2], std::vector<std::string>(argv + 3, argv + argc), o);
  if (argc >= 4 && std::string(argv[1]) == "--shot") {
    double at = 0.5;
    bool light = false;
    int64_t zoom = 0;
    for (int i = 4; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--at" && i + 1 < argc) at = std::atof(argv[++i]);
      else if (a == "--light") light = true;
      else if (a == "--zoom" && i + 1 < argc) zoom = std::atoll(argv[++i]);
    }
    return shot(argv[2], argv[3], at, light, zoom, o.w, o.h);
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) std::fprintf(stderr, "gui_frame_bench: %s needs a value\n", a.c_str()), std::exit(2);
      return argv[++i];
    };
    if (a == "--frames") o.frames = std::max(10, std::atoi(next()));
    else if (a == "--events") o.sizes = parse_sizes(next());
    else if (a == "--axis") o.axis = next();
    else if (a == "--readback") o.readback = true;
    else if (a == "--panels") o.panels = next();
    else {
      std::fprintf(stderr, "usage: gui_frame_bench [--frames N] [--events 1000,1000000] [--axis auto|real|story] [--readback]\n");
      return 2;
    }
  }
  std::string err;
  auto h = Headless::create(o.w, o.h, err);
  if (!h) {
    std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str());
    return 1;
  }
  const char* env_sw = std::getenv("LIBGL_ALWAYS_SOFTWARE");
  const char* env_drv = std::getenv("GALLIUM_DRIVER");
  std::printf("GL_RENDERER: %s\nGL_VERSION:  %s\n", reinterpret_cast<const char*>(glGetString(GL_RENDERER)),
              reinterpret_cast<const char*>(glGetString(GL_VERSION)));
  std::printf("LIBGL_ALWAYS_SOFTWARE=%s GALLIUM_DRIVER=%s LP_NUM_THREADS=%s\n", env_sw ? env_sw : "(unset)",
              env_drv ? env_drv : "(unset)", std::getenv("LP_NUM_THREADS") ? std::getenv("LP_NUM_THREADS") : "(unset)");
  std::printf("%dx%d, %d frames per case after %d warm-up frames; frame = App::frame + ImGui GL3 render + %s\n\n", o.w,
              o.h, o.frames, o.warmup, o.readback ? "glReadPixels (screenshot path)" : "glFinish");

  std::vector<std::vector<Figures>> all;
  for (size_t n : o.sizes) {
    auto dir = std::filesystem::temp_directory_path();
    std::string path = (dir / ("loopscope-synthetic-" + std::to_string(n) + ".jsonl")).string();
    auto t = Clock::now();
    bench::SyntheticShape shape;
    shape.events = n;
    size_t got = 0;
    err = bench::write_synthetic_trace(path, shape, &got);
    if (!err.empty()) {
      std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str());
      return 1;
    }
    double gen_ms = ms_since(t);
    Appearance look;
    for (int k = 0; k < kPanels && k < int(o.panels.size()); ++k) look.show[k] = o.panels[size_t(k)] == '1';
    App app(look);
    if (!app.init_context()) {
      std::fprintf(stderr, "gui_frame_bench: cannot load the DejaVu fonts\n");
      return 1;
    }
    t = Clock::now();
    err = app.load(path);
    double load_ms = ms_since(t);
    std::filesystem::remove(path);
    if (!err.empty()) {
      std::fprintf(stderr, "gui_frame_bench: %s\n", err.c_str());
      return 1;
    }
    const model::Model& m = app.session().model();
    settle(*h, app);
    std::printf("%zu events (%zu lanes, %.1f s of trace time; written in %.0f ms, loaded in %.0f ms), axis %s:\n", got,
                m.lanes().size(), double(m.end_ns() - m.begin_ns()) / 1e9, gen_ms, load_ms,
                o.axis == "auto" ? (app.timeline().story ? "auto -> by iteration" : "auto -> real time") : o.axis.c_str());
    std::vector<Figures> row;
    for (const Case& c : kCases) {
      Figures f = run_case(*h, app, c, o);
      std::printf("  %-20s median %6.2f ms  p95 %6.2f ms  max %6.2f ms  cpu %6.2f ms  (%zu vertices, %.2f Mpx, %zu draw commands; playhead moved in %zu/%d frames)\n",
                  c.name, f.median, f.p95, f.max, f.cpu_median, f.vtx, f.area, f.cmds, f.moved, o.frames);
      row.push_back(f);
    }
    all.push_back(row);
    std::fflush(stdout);
  }
  if (all.size() >= 2) {
    std::printf("\n%zu / %zu events:\n", o.sizes.back(), o.sizes.front());
    for (size_t c = 0; c < std::size(kCases); ++c)
      std::printf("  %-20s median %.2fx  p95 %.2fx\n", kCases[c].name, all.back()[c].median / all.front()[c].median,
                  all.back()[c].p95 / all.front()[c].p95);
  }
  return 0;
}
