// The live feed path of a user's own program (Session::start_program): the
// recorder's trace is loaded while the program runs, so events it writes are
// in the model before it ends, and the rest arrive when it has ended.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/trace_schema.hpp"
#include "gui/session.hpp"
#include "support/model_prints.hpp"

using namespace loopscope;

namespace {
bool printed(const gui::Session& s, const char* text) { return loopscope::test::printed(s.model(), text); }
// Polls the session like the window's frames do (poll, then look) until `done` or the bound.
template <class F>
void poll_until(gui::Session& s, F done) {
  for (int n = 0; n < 6000 && !done(); ++n) {  // 60 s: only a broken build gets there; ctest's timeout backs it
    s.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}
}  // namespace

TEST_CASE("a running program's events are in the model while it runs, and the rest arrive when it ends") {
  std::string latch = "/tmp/loopscope-latch-" + std::to_string(::getpid());
  std::filesystem::remove(latch);
  gui::Session s;
  s.start_program(LOOPSCOPE_SOURCE_DIR "/tests/programs/live/latched.py", {latch});
  CHECK(s.is_program());
  poll_until(s, [&] { return printed(s, "before the latch") || !s.live(); });
  // The program is still waiting for the latch: what it wrote so far is visible.
  REQUIRE(s.live());
  CHECK(printed(s, "before the latch"));
  CHECK_FALSE(printed(s, "after the latch"));
  size_t seen = s.model().size();
  CHECK(seen > 3);
  // It keeps running on its loop (sleep(0.01) steps): more events arrive while it is live.
  poll_until(s, [&] { return s.model().size() > seen + 20 || !s.live(); });
  CHECK(s.live());
  CHECK(s.model().size() > seen + 20);

  std::ofstream(latch) << "go";
  poll_until(s, [&] { return !s.live(); });
  REQUIRE_FALSE(s.live());
  s.wait();
  CHECK(printed(s, "after the latch"));
  CHECK(s.exit_status() == 0);
  CHECK(s.result().ok);
  const Event& last = s.model().events().back();
  REQUIRE(last.kind == Ev::run_end);
  CHECK(as<ev::RunEnd>(last).how == EndHow::return_);
  // The recorder wrote every file of the program once.
  int sources = 0;
  for (const Event& e : s.model().events()) sources += e.kind == Ev::source;
  CHECK(sources == 1);
  std::filesystem::remove(latch);
}

namespace {
// Starts ignores_stops.py ignoring `ignored`, and presses Stop again each time
// the program goes on ticking after a press; returns when it has ended.
void stop_until_it_ends(gui::Session& s, const char* ignored) {
  s.start_program(LOOPSCOPE_SOURCE_DIR "/tests/programs/live/ignores_stops.py", {ignored});
  poll_until(s, [&] { return printed(s, "tick 1") || !s.live(); });
  REQUIRE(s.live());
  while (s.live()) {
    int ticks = 0;  // the prints so far: the program goes on if one more comes after the press
    for (const Event& e : s.model().events()) ticks += e.kind == Ev::print;
    s.stop();
    poll_until(s, [&] {
      int now = 0;
      for (const Event& e : s.model().events()) now += e.kind == Ev::print;
      return now > ticks + 1 || !s.live();
    });
    REQUIRE(s.stops() <= 3);
  }
  s.wait();
}
}  // namespace

TEST_CASE("a program that ignores Ctrl-C goes on after Stop and ends at the second, its trace finished") {
  gui::Session s;
  stop_until_it_ends(s, "INT");
  CHECK(s.stops() == 2);
  CHECK(s.exit_status() == 143);
  const Event& last = s.model().events().back();
  REQUIRE(last.kind == Ev::run_end);
  CHECK(as<ev::RunEnd>(last).how == EndHow::sigterm);
}

TEST_CASE("a program that ignores Ctrl-C and SIGTERM ends at the third Stop, killed") {
  gui::Session s;
  stop_until_it_ends(s, "INT TERM");
  CHECK(s.stops() == 3);
  CHECK(s.exit_status() == 137);
  CHECK(printed(s, "tick 2"));  // what it wrote before it was killed is there
}

TEST_CASE("a program that raises keeps its traceback for the Console and its exit status") {
  gui::Session s;
  s.start_program(LOOPSCOPE_SOURCE_DIR "/tests/programs/bad/raises.py");
  poll_until(s, [&] { return !s.live(); });
  s.wait();
  CHECK(s.exit_status() == 1);
  CHECK_FALSE(s.result().ok);
  CHECK(s.program_stderr().find("ValueError: main failed") != std::string::npos);
  CHECK(s.program_stderr().find("Traceback (most recent call last):") != std::string::npos);
}

TEST_CASE("a missing program file is one line in the session's result, nothing runs") {
  gui::Session s;
  s.start_program("/nonexistent/loopscope/none.py");
  poll_until(s, [&] { return !s.live(); });
  s.wait();
  CHECK_FALSE(s.result().ok);
  CHECK(s.result().error.find("none.py") != std::string::npos);
  CHECK(s.model().size() == 0);
}
