// The live view's latency: how long after a user's program does something the
// event is taken in by the view (docs/performance.md). bench/live_feed.py
// runs under the recorder through RunView::start_program, exactly as
// `loopscope FILE.py` runs it, at a target event rate; about every 10 ms it
// prints the wall clock. This polls the view once per 16 ms (a 60 Hz frame,
// as the window does: the model, the playback clock and the print list) and,
// for each print that has arrived, takes now - printed. Drawing is not
// included. Measured, never asserted.
// usage: live_latency_bench [EVENTS_PER_SECOND] [SECONDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

#include "gui/run_view.hpp"
#include "percentiles.hpp"

using namespace loopscope;

int main(int argc, char** argv) {
  std::string rate = argc > 1 ? argv[1] : "100000", seconds = argc > 2 ? argv[2] : "5";
  // A RunView, as the window has: its poll takes the new events into the
  // model, the playback clock and the print list, the view's work per frame
  // before it draws.
  gui::RunView view;
  view.start_program(LOOPSCOPE_SOURCE_DIR "/bench/live_feed.py", {rate, seconds});
  const gui::Session& s = view.session();
  std::vector<double> lat_ms;
  auto wall_ns = [] {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  };
  // Each frame's poll, on the printed times' clock: where the slowest prints' delay went.
  struct Frame {
    int64_t begin_ns = 0, end_ns = 0;
    double cpu_ms = 0;
  };
  std::vector<Frame> frames;
  struct Seen {
    double ms;
    int64_t printed_ns;
    size_t frame;  // the frame whose poll brought it (frames.size() after the run: its end)
  };
  std::vector<Seen> seen;
  size_t scanned = 0;
  auto scan = [&] {
    const int64_t now_ns = wall_ns();
    const auto& ev = s.model().events();
    for (; scanned < ev.size(); ++scanned) {
      const Event& e = ev[scanned];
      if (e.kind == Ev::print && e.s1 && std::strncmp(e.s1, "t ", 2) == 0) {
        const int64_t printed = std::atoll(e.s1 + 2);
        lat_ms.push_back(double(now_ns - printed) / 1e6);
        seen.push_back({lat_ms.back(), printed, frames.size() - 1});
      }
    }
  };
  double poll_max_ms = 0, poll_total_ms = 0, poll_cpu_max_ms = 0;
  size_t polls = 0;
  struct Slow {
    double cpu_ms, wall_ms;
    size_t added, total;
  };
  std::vector<Slow> slow;  // the frames whose poll took the most CPU time: what they took in
  // The poll's own CPU time beside its wall time: on a busy machine a long
  // wall time is often the thread waiting for a core, not work.
  auto thread_cpu_ms = [] {
    timespec c{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
    return double(c.tv_sec) * 1e3 + double(c.tv_nsec) / 1e6;
  };
  while (s.live()) {
    auto t0 = std::chrono::steady_clock::now();
    const int64_t begin_ns = wall_ns();
    double c0 = thread_cpu_ms();
    const size_t had = s.model().events().size();
    bool got = view.poll();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = thread_cpu_ms() - c0;
    frames.push_back({begin_ns, wall_ns(), cpu});
    poll_cpu_max_ms = std::max(poll_cpu_max_ms, cpu);
    slow.push_back({cpu, ms, s.model().events().size() - had, s.model().events().size()});
    poll_max_ms = std::max(poll_max_ms, ms), poll_total_ms += ms, ++polls;
    if (got) scan();
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  view.wait();
  // Prints that arrive only with the program's end are not live: counted apart.
  size_t live_n = lat_ms.size();
  frames.push_back({wall_ns(), wall_ns(), 0});
  scan();
  const auto& ev = s.model().events();
  if (ev.empty() || lat_ms.empty()) {
    std::fprintf(stderr, "live_latency_bench: no events (%s)\n", s.result().error.c_str());
    return 1;
  }
  double span_s = double(ev.back().t_ns - ev.front().t_ns) / 1e9;
  bench::Spread l = bench::spread(std::vector<double>(lat_ms.begin(), lat_ms.begin() + long(live_n)));
  std::printf("target %s events/s for %s s: %zu events in %.2f s of trace = %.0f events/s\n", rate.c_str(),
              seconds.c_str(), ev.size(), span_s, double(ev.size()) / span_s);
  std::printf("print -> visible in the model (polled every 16 ms), %zu prints seen live: median %.1f ms, p95 %.1f ms, "
              "max %.1f ms; %zu more arrived with the program's end\n",
              live_n, l.median, l.p95, l.max, lat_ms.size() - live_n);
  std::printf("the view's side: RunView::poll (new events into the model, the playback clock, the prints) %.2f ms a "
              "frame on average, %.1f ms at most (%.1f ms of it CPU time at most)\n",
              polls ? poll_total_ms / double(polls) : 0.0, poll_max_ms, poll_cpu_max_ms);
  std::sort(slow.begin(), slow.end(), [](const Slow& a, const Slow& b) { return a.cpu_ms > b.cpu_ms; });
  std::printf("the polls that took the most CPU time:");
  for (size_t k = 0; k < std::min<size_t>(5, slow.size()); ++k)
    std::printf(" %.1f ms (wall %.1f ms, +%zu events to %zu);", slow[k].cpu_ms, slow[k].wall_ms, slow[k].added,
                slow[k].total);
  std::printf("\n");
  // Where the slowest prints' time went: when the frame before began (the
  // print was not yet in the model then: the recorder, its file and the
  // session's reader thread, the recorded program's side), that frame's poll,
  // the sleep to the next frame (16 ms asked: more is this thread waiting for
  // a core) and the poll that brought the print.
  std::vector<Seen> worst(seen.begin(), seen.begin() + long(live_n));
  std::sort(worst.begin(), worst.end(), [](const Seen& a, const Seen& b) { return a.ms > b.ms; });
  std::printf("the slowest prints (the frame before: began at print + x ms, poll; the next: slept, poll):");
  for (size_t k = 0; k < std::min<size_t>(3, worst.size()); ++k) {
    const Seen& w = worst[k];
    if (w.frame == 0) continue;
    const Frame &f = frames[w.frame], &before = frames[w.frame - 1];
    std::printf(" %.1f ms = %+.1f, %.1f (CPU %.1f); %.1f, %.1f (CPU %.1f);", w.ms,
                double(before.begin_ns - w.printed_ns) / 1e6, double(before.end_ns - before.begin_ns) / 1e6,
                before.cpu_ms, double(f.begin_ns - before.end_ns) / 1e6, double(f.end_ns - f.begin_ns) / 1e6, f.cpu_ms);
  }
  std::printf("\n");
  return 0;
}
