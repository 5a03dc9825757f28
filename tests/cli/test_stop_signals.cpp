// Signals and low limits from the command line: SIGINT and SIGTERM end any
// run with a complete, loadable trace and no leftovers; record reacts at once;
// running out of file descriptors ends the server scenarios with an error.
//
// A run that does not react would hang: each wait below has a generous bound
// after which the child is killed and the test fails (a hang detector, not a
// speed assertion).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "scenarios/loopback_client.hpp"
#include "support/process.hpp"

using namespace loopscope;
using namespace loopscope::test;
namespace fs = std::filesystem;

namespace {
// The child's exit status, or -1 if it is still running after `seconds` (then it is killed).
int wait_exit(pid_t pid, double seconds = 60) {
  for (int i = 0; i < int(seconds * 100); ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

// Until the child runs loopscope and has installed its handler for `sig` (/proc/PID/status,
// SigCgt). Before its exec the forked child is a copy of this test, doctest's handlers and
// all: a signal sent then never reaches loopscope.
bool catches(pid_t pid, int sig) {
  const fs::path binary = fs::canonical(LOOPSCOPE_BINARY);
  for (int i = 0; i < 6000; ++i) {
    std::error_code ec;
    if (fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) != binary) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
      if (line.rfind("SigCgt:", 0) == 0 && (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool loads(const std::string& path, Trace& t, std::string& err) {
  err = load_trace_file(path, t);
  return err.empty();
}

bool has_print(const std::vector<Event>& events, const std::string& text) {
  for (const Event& e : events)
    if (e.kind == Ev::print && e.s1 && text == e.s1) return true;
  return false;
}
}  // namespace

TEST_CASE("SIGTERM to a --listen server stops it cleanly and the trace is saved, complete") {
  std::string events = temp_path("listen.jsonl");
  Child c = Child::spawn({LOOPSCOPE_BINARY, "run", "concurrent-server", "--listen", "0", "--duration", "120",
                          "--events", events});
  REQUIRE(c.pid > 0);
  REQUIRE_MESSAGE(!c.wait_for_url(c.err).empty(), slurp(c.err));
  kill(c.pid, SIGTERM);
  CHECK(wait_exit(c.pid) == 0);
  Trace t;
  std::string err;
  REQUIRE_MESSAGE(loads(events, t, err), err);
  std::vector<Event> all = merged_events(t);
  REQUIRE(!all.empty());
  CHECK(all.back().kind == Ev::run_end);
  CHECK(has_print(all, "stopping: SIGTERM"));
  c.remove_files();
  std::remove(events.c_str());
}

TEST_CASE("SIGINT during run file-reads removes its temporary directory and writes the trace") {
  std::string tmp = temp_path("tmpdir");
  fs::create_directories(tmp);
  std::string events = temp_path("file-reads.jsonl");
  // TMPDIR for the child only (through env): the test's own temp files stay out of `tmp`, so `tmp`
  // holds exactly the scenario's tempfile.TemporaryDirectory.
  // The largest files the scenario allows (577 MiB in all): the run is still writing when the signal comes.
  Child c = Child::spawn({"env", "TMPDIR=" + tmp, LOOPSCOPE_BINARY, "run", "file-reads", "--set", "files=8", "--set",
                          "kib=16384", "--events", events, "--quiet"});
  REQUIRE(c.pid > 0);
  REQUIRE(catches(c.pid, SIGINT));
  bool made = false;  // the scenario's temporary directory exists: the run is under way
  for (int i = 0; i < 6000 && !made; ++i) {
    made = !fs::is_empty(tmp);
    if (!made) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(made);
  kill(c.pid, SIGINT);
  CHECK_MESSAGE(wait_exit(c.pid) == 130, slurp(c.err));  // KeyboardInterrupt: the shell's status for SIGINT
  CHECK_MESSAGE(fs::is_empty(tmp), "the temporary directory must be gone");
  Trace t;
  std::string err;
  REQUIRE_MESSAGE(loads(events, t, err), err, slurp(c.err));
  std::vector<Event> all = merged_events(t);
  REQUIRE(!all.empty());
  CHECK(all.back().kind == Ev::run_end);
  CHECK(as<ev::RunEnd>(all.back()).how == EndHow::sigint);
  fs::remove_all(tmp);
  c.remove_files();
  std::remove(events.c_str());
}

// Exit status 130 for either signal: record's documented status for an interrupted clip (--help).
TEST_CASE("record stops within a moment on SIGTERM, while its scenario is still running, and leaves nothing") {
  std::string out = temp_path("clip-dir");
  // 8 clients x 5 s of blocking work: a 40 s run, if the signal were put off until it ends.
  Child c = Child::spawn({LOOPSCOPE_BINARY, "record", "sequential-server", "--set", "clients=8", "--set", "work=5",
                          "-o", out, "--quiet"});
  REQUIRE(c.pid > 0);
  REQUIRE(catches(c.pid, SIGTERM));
  kill(c.pid, SIGTERM);
  CHECK(wait_exit(c.pid, 20) == 130);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".part"));
  c.remove_files();
}

TEST_CASE("the server scenarios report running out of file descriptors and exit 1 instead of hanging") {
  // From too few descriptors to open a loop up to just too few for 8 clients and their
  // server-side connections: each limit ends the run with the OSError in one line, or
  // (sequential-server serves one connection at a time) succeeds. None may hang.
  for (const char* id : {"concurrent-server", "sequential-server"}) {
    int emfile = 0;
    for (int limit : {16, 20, 24, 32}) {
      CAPTURE(id);
      CAPTURE(limit);
      Process p = run("ulimit -n " + std::to_string(limit) + "; exec timeout -s KILL 120 " +
                      loopscope_cmd(std::string("run ") + id + " --set clients=8 --set work=0.05 --quiet"));
      CHECK_MESSAGE((p.code == 0 || p.code == 1), p.err);
      CHECK_MESSAGE(lines(p.err).size() == 1, p.err);
      if (p.code == 1) {
        CHECK_MESSAGE(p.err.find("[Errno 24] Too many open files") != std::string::npos, p.err);
        ++emfile;
      }
    }
    CHECK(emfile >= 2);
  }
}

TEST_CASE("a scenario whose server and outgoing connections share one loop reports running out of descriptors") {
  // web-scraper's fetches open connections on the loop that serves them. libuv reserves a
  // spare descriptor for every stream it makes, and with it accepts and closes waiting
  // connections silently: the pages came back empty and the run said "ok". Now every
  // limit ends in the OSError in one line, or in every page really served.
  int emfile = 0, served = 0;
  for (std::string mode : {"sequential", "concurrent"}) {
    for (int limit : {13, 14, 15, 16, 18, 20, 24, 32}) {  // below 13, sh cannot redirect the output
      CAPTURE(mode);
      CAPTURE(limit);
      Process p = run("ulimit -n " + std::to_string(limit) + "; exec timeout -s KILL 120 " +
                      loopscope_cmd("run web-scraper --set pages=10 --set latency=0.01 --set mode=" + mode));
      CHECK_MESSAGE((p.code == 0 || p.code == 1), p.err);
      CHECK_MESSAGE(lines(p.err).size() == 1, p.err);
      if (p.code == 1) {
        CHECK_MESSAGE(p.err.find("[Errno 24] Too many open files") != std::string::npos, p.err);
        ++emfile;
      } else if (p.code == 0) {
        int ok = 0;
        for (const std::string& l : lines(p.out)) ok += l.find(": HTTP/1.1 200 OK, ") != std::string::npos;
        CHECK_MESSAGE(ok == 10, p.out);
        ++served;
      }
    }
  }
  CHECK(emfile >= 4);
  CHECK(served >= 1);
}
