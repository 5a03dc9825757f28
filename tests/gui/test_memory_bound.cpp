// Memory is bounded by the trace: viewing any accepted trace stays under 4x
// the file's size plus 200 MiB (issue 12). Measured as the peak RSS of a real
// `loopscope screenshot` child (wait4's ru_maxrss), on the issue's own
// reproductions: 300k task.new and 300k ready.push, one line per event.
#include <doctest/doctest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

extern char** environ;

namespace {

std::string temp(const std::string& name) { return "/tmp/loopscope-mem-" + std::to_string(::getpid()) + "-" + name; }

// Peak RSS in KiB of `loopscope screenshot trace -o png`, or -1 if it failed.
long screenshot_peak_kib(const std::string& trace, const std::string& png) {
  std::string bin = LOOPSCOPE_BINARY;
  const char* argv[] = {bin.c_str(), "screenshot", trace.c_str(), "-o", png.c_str(), nullptr};
  pid_t pid = -1;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) return -1;
  int status = 0;
  rusage ru{};
  if (::wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return ru.ru_maxrss;
}

// The generator: seq = t_ns = the id = i.
std::string write_trace(const std::string& path, const char* kind, int n) {
  std::ofstream f(path, std::ios::binary);
  char line[200];
  for (int i = 0; i < n; ++i) {
    if (std::string(kind) == "task.new")
      std::snprintf(line, sizeof line,
                    "{\"seq\":%d,\"t_ns\":%d,\"loop\":0,\"it\":1,\"ev\":\"task.new\",\"task\":%d,\"name\":\"t\","
                    "\"parent\":null}\n",
                    i, i, i);
    else
      std::snprintf(line, sizeof line,
                    "{\"seq\":%d,\"t_ns\":%d,\"loop\":0,\"it\":1,\"ev\":\"ready.push\",\"handle\":%d,\"task\":null,"
                    "\"label\":\"h\",\"cause\":\"new\"}\n",
                    i, i, i);
    f << line;
  }
  return path;
}

void check_bound(const char* kind) {
  const std::string trace = write_trace(temp(std::string(kind) + ".jsonl"), kind, 300000);
  const std::string png = temp("shot.png");
  const double file_mib = double(std::filesystem::file_size(trace)) / (1 << 20);
  const long peak = screenshot_peak_kib(trace, png);
  std::remove(trace.c_str());
  std::remove(png.c_str());
  REQUIRE_MESSAGE(peak > 0, "loopscope screenshot failed");
  const double peak_mib = double(peak) / 1024, goal_mib = 4 * file_mib + 200;
  MESSAGE(kind << ": " << file_mib << " MiB trace, peak " << peak_mib << " MiB, goal " << goal_mib << " MiB");
  CHECK(peak_mib <= goal_mib);
}

}  // namespace

TEST_CASE("viewing 300k task.new events stays under 4x the trace's size plus 200 MiB") { check_bound("task.new"); }

TEST_CASE("viewing 300k queued callbacks stays under 4x the trace's size plus 200 MiB") { check_bound("ready.push"); }
