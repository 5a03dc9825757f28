#include "export.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/trace_json.hpp"

extern char** environ;

namespace loopscope::gui {

namespace {
bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

std::string run_name(const Session& s) {
  if (s.scenario()) return s.scenario()->id;
  return "trace";
}
}  // namespace

std::string save_trace(const Session& s, const std::string& path, const std::vector<size_t>& bookmarks) {
  if (path.empty()) return "no file name given";
  if (s.model().size() == 0) return "nothing to save: no run yet";
  if (s.live()) return "the run is still going: save it when it has finished";
  const std::vector<Event>& ev = s.model().events();
  size_t n = ev.size();
  while (n > 0 && ev[n - 1].kind == Ev::bookmark) --n;  // a loaded trace's marks: replaced by the current ones
  if (bookmarks.empty() && n == ev.size()) return save_jsonl(path, ev);
  std::vector<Event> out(ev.begin(), ev.begin() + ptrdiff_t(n));
  std::vector<std::string> labels;
  labels.reserve(bookmarks.size());
  for (size_t at : bookmarks) {
    if (at >= n) continue;
    labels.push_back("mark " + std::to_string(labels.size() + 1));
    Event b;
    b.kind = Ev::bookmark;
    b.seq = out.size();
    b.t_ns = out.back().t_ns;
    b.it = out.back().it;
    b.num = int64_t(ev[at].seq);
    b.s1 = labels.back().c_str();
    out.push_back(b);
  }
  return save_jsonl(path, out);
}

std::string default_output(const Session& s, const Session* compare, const std::string& ext) {
  std::string base = "loopscope-" + run_name(s);
  if (compare) base += "-vs-" + run_name(*compare);
  std::string p = base + ext;
  for (int n = 2; exists(p) && n < 1000; ++n) p = base + "-" + std::to_string(n) + ext;
  return p;
}

std::string clock_text(double s) {
  int t = int(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

std::string self_program() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, size_t(n));
}

// [SECTION] The child recorder

ClipJob::~ClipJob() {
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (fd_ >= 0) ::close(fd_);
  remove_temps();
}

std::string ClipJob::start(const std::string& program, const ClipRequest& r, const Session& run,
                           const Session* compare) {
  if (running()) return "a clip is already being recorded";
  if (program.empty()) return "cannot find the loopscope program to record with";
  if (r.out.empty()) return "no output name given";
  dismiss();
  // The runs as they are on screen, in temporary trace files the child replays.
  std::vector<std::string> traces;
  for (const Session* s : {&run, compare}) {
    if (!s) continue;
    char tmpl[] = "/tmp/loopscope-clip-XXXXXX.jsonl";
    int fd = ::mkstemps(tmpl, 6);
    if (fd < 0) return std::string("cannot create a temporary trace: ") + std::strerror(errno);
    ::close(fd);
    temps_.push_back(tmpl);
    std::string err = save_trace(*s, tmpl);
    if (!err.empty()) {
      remove_temps();
      return err;
    }
    traces.push_back(tmpl);
  }
  argv_ = {program, "record", traces[0], "-o", r.out, "--fps", std::to_string(r.fps), "--size",
           std::to_string(r.w) + "x" + std::to_string(r.h), "--theme", r.dark ? "dark" : "light",
           "--progress-lines"};
  char speed[32];
  std::snprintf(speed, sizeof speed, "%g", r.speed);
  argv_.insert(argv_.end(), {"--speed", speed});
  if (traces.size() > 1) argv_.insert(argv_.end(), {"--compare", traces[1]});
  if (r.captions) argv_.push_back("--captions");
  if (r.presenter) argv_.push_back("--presenter");

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    remove_temps();
    return std::string("cannot start the recorder: ") + std::strerror(errno);
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 2);
  std::vector<char*> cargv;
  for (std::string& a : argv_) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, program.c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    remove_temps();
    return "cannot start " + program + ": " + std::strerror(rc);
  }
  ::fcntl(pipe_fds[0], F_SETFL, ::fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
  pid_ = pid;
  fd_ = pipe_fds[0];
  out_ = r.out;
  state_ = State::running;
  done_ = total_ = 0;
  buf_.clear();
  last_line_ = "starting the recorder";
  start_ = std::chrono::steady_clock::now();
  return "";
}

void ClipJob::poll() {
  if (!running()) return;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) break;
    buf_.append(chunk, size_t(n));
  }
  for (size_t nl; (nl = buf_.find('\n')) != std::string::npos; buf_.erase(0, nl + 1)) {
    std::string line = buf_.substr(0, nl);
    if (line.empty()) continue;
    // "recording OUT 12/345 frames  0:07 left"
    int d = 0, t = 0;
    size_t at = line.rfind(" frames");
    size_t sp = at == std::string::npos ? std::string::npos : line.rfind(' ', at - 1);
    if (sp != std::string::npos && std::sscanf(line.c_str() + sp + 1, "%d/%d", &d, &t) == 2 && t > 0) {
      done_ = d, total_ = t;
      continue;
    }
    last_line_ = line;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) finish(status);
}

void ClipJob::finish(int status) {
  pid_ = -1;
  ::close(fd_);
  fd_ = -1;
  end_ = std::chrono::steady_clock::now();
  remove_temps();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    state_ = State::done;
    done_ = total_;
  } else if ((WIFEXITED(status) && WEXITSTATUS(status) == 130) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)) {
    state_ = State::cancelled;
    last_line_ = "cancelled: nothing written to " + out_;
  } else if (WIFSIGNALED(status)) {
    // A crashed recorder cleans nothing up: its partial output goes here, and
    // the message says what happened rather than the last progress line.
    state_ = State::failed;
    std::string part = out_;
    while (part.size() > 1 && part.back() == '/') part.pop_back();
    std::error_code ec;
    std::filesystem::remove_all(part + ".part", ec);
    last_line_ = "the recorder crashed (" + std::string(strsignal(WTERMSIG(status))) + "); nothing written";
  } else {
    state_ = State::failed;
    // "loopscope: record: why" -> "why"
    const std::string prefix = "loopscope: record: ";
    if (last_line_.rfind(prefix, 0) == 0) last_line_ = last_line_.substr(prefix.size());
  }
}

void ClipJob::cancel() {
  if (pid_ > 0) ::kill(pid_, SIGINT);
}

void ClipJob::dismiss() {
  if (running()) return;
  state_ = State::idle;
  argv_.clear();
}

void ClipJob::remove_temps() {
  for (const std::string& t : temps_) ::unlink(t.c_str());
  temps_.clear();
}

double ClipJob::elapsed_s() const {
  auto end = running() ? std::chrono::steady_clock::now() : end_;
  return std::chrono::duration<double>(end - start_).count();
}

double ClipJob::eta_s() const {
  if (done_ <= 0 || total_ <= 0) return -1;
  return elapsed_s() / done_ * (total_ - done_);
}

}  // namespace loopscope::gui
