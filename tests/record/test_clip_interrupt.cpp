// Ctrl-C while a clip is being written stops ffmpeg and leaves nothing under
// the final name, and no partial file either.
#include "record/clip.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

using namespace loopscope;
using namespace loopscope::rec::test;

namespace {
// Starts `loopscope record ...`, waits until `partial` appears and the
// recorder reports its first rendered frames (--progress-lines, on stderr),
// sends SIGINT and returns the exit status.
int interrupt_when(const std::vector<std::string>& args, const std::string& partial) {
  std::vector<std::string> all = {LOOPSCOPE_BINARY, "record"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("--progress-lines");
  std::vector<char*> argv;
  for (auto& s : all) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string err = temp_path("record-err");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  // Polls for the two conditions (a hang detector bounds it), never a fixed pause.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto rendering = [&] { return exists(partial) && loopscope::test::slurp(err).find(" frames") != std::string::npos; };
  while (!rendering() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(rendering());
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::remove(err.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("Ctrl-C during an MP4 clip stops ffmpeg and leaves no file behind" * doctest::skip(no_ffmpeg()) * doctest::description(kNeedsFfmpeg)) {
  no_display();
  std::string trace = save_trace("gather");
  std::string out = temp_path("stopped.mp4");
  int code = interrupt_when({trace, "-o", out, "--fps", "30"}, out + ".part");
  CHECK(code == 130);
  CHECK_FALSE(exists(out));
  CHECK_FALSE(exists(out + ".part"));
  std::remove(trace.c_str());
}

TEST_CASE("Ctrl-C during PNG frames removes the partial frames directory") {
  no_display();
  std::string trace = save_trace("gather");
  std::string out = temp_path("stopped-frames");
  int code = interrupt_when({trace, "-o", out, "--fps", "30"}, out + ".part");
  CHECK(code == 130);
  CHECK_FALSE(exists(out));
  CHECK_FALSE(exists(out + ".part"));
  std::remove(trace.c_str());
}
