#include "python_program.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.hpp"
#include "record_stream.hpp"
#include "core/chrome_trace.hpp"
#include "core/output_file.hpp"
#include "core/trace_load.hpp"

extern char** environ;

namespace loopscope::cli {

namespace {

std::string dir_of(const std::string& p) {
  size_t k = p.rfind('/');
  return k == std::string::npos ? "." : p.substr(0, k);
}

bool readable_file(const std::string& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), R_OK) == 0;
}

std::vector<char*> c_args(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawnp with SIGINT/SIGTERM back at their defaults: the parent ignores
// SIGINT while it waits, and an ignored signal would stay ignored across exec.
pid_t spawn(std::vector<std::string> argv, posix_spawn_file_actions_t* actions, std::string& err) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> a = c_args(argv);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, a[0], actions, &attr, a.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    err = std::strerror(rc);
    return -1;
  }
  return pid;
}

double seconds_between(const std::vector<Event>& ev) {
  return ev.empty() ? 0 : double(ev.back().t_ns - ev.front().t_ns) / 1e9;
}

}  // namespace

bool is_python_program(const std::string& arg) {
  return arg.size() > 3 && arg.compare(arg.size() - 3, 3, ".py") == 0;
}

// The recorder is imported, not run as a script: Python caches an imported
// module's compiled code (a script is compiled on every run: ~25 ms, 5% of a
// half-second program). The cache goes under ~/.cache/loopscope (the install
// prefix may be read-only); only this import uses that prefix, and it is
// written even under PYTHONDONTWRITEBYTECODE (set in many containers; the
// recorder compiled on every run there: ~95 M instructions, ~30 ms), since
// the cache is loopscope's own and never beside a source file. The program's
// own modules cache where they always do, and PYTHONDONTWRITEBYTECODE still
// holds for them. argv[1] is the recorder's path, the rest its arguments.
constexpr const char* kRecorderBootstrap =
    "import os, sys\n"
    "sys.path.insert(0, os.path.dirname(sys.argv[1]))\n"
    "prefix, dont_write = sys.pycache_prefix, sys.dont_write_bytecode\n"
    "sys.pycache_prefix = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),"
    " 'loopscope', 'pycache')\n"
    "sys.dont_write_bytecode = False\n"
    "import loopscope_recorder\n"
    "sys.pycache_prefix, sys.dont_write_bytecode = prefix, dont_write\n"
    "del sys.path[0]\n"
    "loopscope_recorder.main(sys.argv[2:])\n";

std::string recorder_script() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string bin = dir_of(std::string(buf, size_t(n)));
  for (const std::string& p : {bin + "/loopscope_recorder.py", bin + "/../share/loopscope/loopscope_recorder.py"})
    if (readable_file(p)) return p;
  return {};
}

std::string check_program_file(const std::string& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) return file + ": " + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return file + ": is a directory, not a Python file";
  if (!S_ISREG(st.st_mode)) return file + ": not a regular file";
  if (::access(file.c_str(), R_OK) != 0) return file + ": " + std::strerror(errno);
  return {};
}

std::string check_python(const std::string& python) {
  const std::string need = "running a .py program needs Python 3.11 or newer";
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::string err;
  // -S -E: no site import (the version needs none; site-packages .pth files cost 60 ms a start here).
  pid_t pid = spawn({python, "-S", "-E", "-c", "import sys; print('%d %d %d' % sys.version_info[:3])"}, &fa, err);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; pid > 0 && (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fds[0]);
  if (pid < 0) return python + " not found (" + err + "): " + need + " (install python3, or pass --python PATH)";
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  int major = 0, minor = 0, micro = 0;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || std::sscanf(out.c_str(), "%d %d %d", &major, &minor, &micro) != 3)
    return python + " did not run as a Python 3 interpreter: " + need + " (--python PATH picks one)";
  if (major < 3 || (major == 3 && minor < 11))
    return python + " is Python " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro) +
           ": " + need + " (--python PATH picks another)";
  return {};
}

namespace {

constexpr int kRecordsFd = 3;  // where the child finds the pipe for its records (--records-fd)

pid_t start_program(const std::string& file, const ProgramOptions& o, int records_fd, std::string& err) {
  std::string rec = recorder_script();
  if (rec.empty()) {
    err = "the recorder (loopscope_recorder.py) is missing next to the binary and in ../share/loopscope";
    return -1;
  }
  std::vector<std::string> argv = {o.python, "-c", kRecorderBootstrap, rec, "--records-fd", std::to_string(kRecordsFd)};
  if (o.duration > 0) argv.insert(argv.end(), {"--duration", std::to_string(o.duration)});
  if (o.limit > 0) argv.insert(argv.end(), {"--limit", std::to_string(o.limit)});
  argv.push_back("--");
  argv.push_back(file);
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  std::string e;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, records_fd, kRecordsFd);
  if (o.stderr_fd >= 0) posix_spawn_file_actions_adddup2(&fa, o.stderr_fd, 2);
  pid_t pid = spawn(argv, &fa, e);
  posix_spawn_file_actions_destroy(&fa);
  if (pid < 0) err = o.python + ": " + e;
  return pid;
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

}  // namespace

RecorderRun run_recorder(const std::string& file, const ProgramOptions& o,
                         const std::function<bool(const char*, size_t)>& lines, std::atomic<pid_t>* pid) {
  RecorderRun r;
  int out = ::open(o.events.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    r.error = o.events + ": " + std::strerror(errno);
    return r;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    ::close(out);
    return r;
  }
  // The write end is moved above kRecordsFd so that the child's dup2 onto it is
  // never a no-op that would leave it close-on-exec; only the read end is
  // non-blocking (the recorder's writes block while we are behind).
  int w = ::fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
  ::close(fds[1]);
  int rfd = fds[0];
  ::fcntl(rfd, F_SETFL, ::fcntl(rfd, F_GETFL) | O_NONBLOCK);
  // Room for what the recorder sends while we sleep between reads (best effort:
  // /proc/sys/fs/pipe-max-size caps it); a full pipe would hold the program up.
  ::fcntl(rfd, F_SETPIPE_SZ, 1 << 20);
  pid_t child = w < 0 ? -1 : start_program(file, o, w, r.error);
  if (w >= 0) ::close(w);
  if (child < 0) {
    if (r.error.empty()) r.error = std::string("pipe: ") + std::strerror(errno);
    ::close(rfd);
    ::close(out);
    return r;
  }
  if (pid) pid->store(child);

  RecordStream stream;
  std::string text;
  std::vector<char> buf(1 << 16);
  bool eof = false, sink = bool(lines), written = true;
  auto drain = [&] {
    for (;;) {
      ssize_t n = ::read(rfd, buf.data(), buf.size());
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // EAGAIN: nothing more now
      // A malformed stream (a recorder bug) ends the trace; the pipe is still drained so the program runs on.
      if (!stream.feed(buf.data(), size_t(n), text) || text.empty()) continue;
      if (written) written = write_all(out, text.data(), text.size());
      if (sink) sink = lines(text.data(), text.size());
      text.clear();
    }
  };
  // A live view reads records as soon as they arrive. Otherwise reads are
  // paced: each wake-up costs system calls (poll, reads, a write, waitpid: tens
  // of microseconds each on a VM), and the recorder flushes every 10-20 ms.
  const useconds_t pace_us = lines ? 0 : 25'000;
  int st = 0;
  for (;;) {
    if (!eof) {
      pollfd p{rfd, POLLIN, 0};
      ::poll(&p, 1, 100);  // the timeout only paces waitpid
      drain();
      if (pace_us && !eof) ::usleep(pace_us);
    }
    pid_t k = ::waitpid(child, &st, eof ? 0 : WNOHANG);
    if (k == child) break;
    if (k < 0 && errno != EINTR) {
      st = 0;
      break;
    }
  }
  if (pid) pid->store(-1);
  drain();  // what it wrote before it exited (a forked grandchild holding the pipe does not keep us here)
  ::close(rfd);
  if (!written) r.error = o.events + ": " + std::strerror(errno);
  if (!stream.error().empty()) r.error = stream.error();
  ::close(out);
  if (WIFEXITED(st)) {
    r.status = WEXITSTATUS(st);
  } else {
    int sig = WTERMSIG(st);
    if (sig != SIGINT && sig != SIGTERM && sig != SIGKILL) r.crash_signal = sig;
    r.status = 128 + sig;
  }
  return r;
}

std::string end_crashed_trace(const std::string& path, int signal) {
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return path + ": cannot read";
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t keep = text.rfind('\n');
  keep = keep == std::string::npos ? 0 : keep + 1;  // a line cut mid-write is dropped
  uint64_t seq = uint64_t(std::count(text.begin(), text.begin() + long(keep), '\n'));
  long long t_ns = 0, it = 0;
  if (keep > 0) {
    size_t start = text.rfind('\n', keep - 2);
    start = start == std::string::npos ? 0 : start + 1;
    std::string last = text.substr(start, keep - start);
    size_t a = last.find("\"t_ns\":"), b = last.find("\"it\":");
    if (a != std::string::npos) t_ns = std::atoll(last.c_str() + a + 7);
    if (b != std::string::npos) it = std::atoll(last.c_str() + b + 5);
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"seq\":%llu,\"t_ns\":%lld,\"loop\":0,\"it\":%lld,\"ev\":\"run.end\",\"status\":\"error\","
                "\"error\":\"the interpreter died of signal %d (%s)\",\"how\":\"crash\",\"exit_code\":%d}\n",
                (unsigned long long)seq, t_ns, it, signal, strsignal(signal), 128 + signal);
  text.resize(keep);
  text += line;
  // Through the one atomic writer: a second crash mid-write cannot leave half a trace.
  OutputFile out;
  if (std::string err = out.open(path); !err.empty()) return err;
  out.write(text);
  return out.commit();
}

int follow_program(const std::string& file, const ProgramOptions& o, Trace& into, std::atomic<pid_t>& pid,
                   std::string& err) {
  TraceFeeder feeder(o.events, into);
  RecorderRun r = run_recorder(file, o, [&](const char* p, size_t n) { return feeder.feed(p, n); }, &pid);
  if (r.status < 0) {
    err = r.error;
    return -1;
  }
  bool ok = feeder.error().empty();
  if (r.crash_signal) {  // the partial trace is shown as it is; the file gets its run.end
    err = "the Python interpreter crashed (signal " + std::to_string(r.crash_signal) + ", " +
          strsignal(r.crash_signal) + ")";
    end_crashed_trace(o.events, r.crash_signal);
  } else if (!r.error.empty()) {
    err = r.error;
    return -1;
  } else if (ok) {
    ok = feeder.finish();
  }
  if (!ok) {
    err = feeder.error();
    return -1;
  }
  return r.status;
}

int cmd_run_program(const std::string& file, const std::vector<std::string>& argv_in) {
  // Everything after "--" belongs to the program.
  std::vector<std::string> argv = argv_in;
  ProgramOptions o;
  auto dd = std::find(argv.begin(), argv.end(), "--");
  if (dd != argv.end()) {
    o.args.assign(dd + 1, argv.end());
    argv.erase(dd, argv.end());
  }
  Args a("run", argv);
  std::string chrome_path;
  bool quiet = false;
  while (!a.done()) {
    std::string t = a.next();
    if (t == "--help" || t == "-h") {
      std::printf(
          "usage: loopscope run FILE.py [--events F.jsonl] [--chrome-trace F.json] [--python PATH] [--duration S]\n"
          "                             [--limit N] [--quiet] [-- ARGS...]\n\n"
          "Runs your own asyncio program under CPython, as python3 FILE.py ARGS... would (same output,\n"
          "stdin, exit status), and records what asyncio's own event loop does (docs/recorder.md).\n"
          "  --events F         write the trace as JSON Lines, while it runs (loopscope view F replays it)\n"
          "  --chrome-trace F   write a Chrome Trace Event file (opens in Perfetto)\n"
          "  --python PATH      the interpreter (default: python3 on PATH; 3.11 or newer)\n"
          "  --duration S       stop the program after S seconds as Ctrl-C would; the trace stays complete\n"
          "  --limit N          events before the trace is capped with a 'truncated' event (default 1000000)\n"
          "  --quiet            no summary line at the end (the trace is then not read back)\n"
          "The exit status is the program's own.\n");
      return 0;
    } else if (t == "--events") {
      o.events = a.value(t);
    } else if (t == "--chrome-trace") {
      chrome_path = a.value(t);
    } else if (t == "--python") {
      o.python = a.value(t);
    } else if (t == "--duration") {
      o.duration = a.number(t, 0.1, 86400 * 7);
    } else if (t == "--limit") {
      o.limit = long(a.number(t, 100, 4'000'000));
    } else if (t == "--quiet") {
      quiet = true;
    } else if (t == "--set" || t == "--scale" || t == "--listen") {
      throw UsageError("run: " + t + " is for scenarios; a .py program takes its arguments after --");
    } else {
      a.unknown(t);
    }
  }
  std::string bad = check_program_file(file);
  if (!bad.empty()) throw UsageError("run: " + bad);
  std::string py = check_python(o.python);
  if (!py.empty()) {
    std::fprintf(stderr, "loopscope: %s\n", py.c_str());
    return 2;
  }
  std::string tmp;
  if (o.events.empty()) {
    char name[] = "/tmp/loopscope-run-XXXXXX.jsonl";
    int fd = ::mkstemps(name, 6);
    if (fd < 0) {
      std::fprintf(stderr, "loopscope: cannot create a temporary trace file: %s\n", std::strerror(errno));
      return 1;
    }
    ::close(fd);
    tmp = o.events = name;
  }

  // Ctrl-C reaches the program (same process group); we wait for it to finish its trace.
  struct sigaction ign{}, old_int{}, old_quit{};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ign, &old_int);
  sigaction(SIGQUIT, &ign, &old_quit);
  RecorderRun run = run_recorder(file, o);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (run.status < 0) {
    std::fprintf(stderr, "loopscope: %s\n", run.error.c_str());
    if (!tmp.empty()) ::unlink(tmp.c_str());
    return 1;
  }
  int rc = run.status, crash = run.crash_signal;
  if (!run.error.empty()) std::fprintf(stderr, "loopscope: %s\n", run.error.c_str());
  std::fflush(stdout);
  if (crash) {
    std::fprintf(stderr, "loopscope: %s: the Python interpreter crashed (signal %d, %s); the trace so far is kept\n",
                 file.c_str(), crash, strsignal(crash));
    std::string e = end_crashed_trace(o.events, crash);
    if (!e.empty()) std::fprintf(stderr, "loopscope: %s\n", e.c_str());
  }

  // The trace is read back only for the summary line and the Chrome export:
  // --quiet alone costs the run nothing more (the recorder's benchmark measures that).
  if (quiet && chrome_path.empty()) {
    if (!tmp.empty()) ::unlink(tmp.c_str());
    return rc;
  }
  Trace trace;
  std::string lerr = load_trace_file(o.events, trace);
  if (!lerr.empty()) {
    std::fprintf(stderr, "loopscope: the trace does not load: %s\n", lerr.c_str());
  } else {
    std::vector<Event> events = merged_events(trace);
    uint32_t iterations = 0;
    int tasks = 0;
    for (const Event& e : events) {
      if (e.loop == 0) iterations = std::max(iterations, e.it);
      if (e.kind == Ev::task_new) ++tasks;
    }
    if (!quiet)
      std::fprintf(stderr, "%s: exit status %d in %.3f s, %u iterations, %d tasks, %zu events\n", file.c_str(), rc,
                   seconds_between(events), iterations, tasks, events.size());
    if (!chrome_path.empty()) {
      std::string e = save_chrome_trace(chrome_path, events);
      if (!e.empty()) std::fprintf(stderr, "loopscope: %s\n", e.c_str());
      else if (!quiet) std::fprintf(stderr, "chrome trace: %s\n", chrome_path.c_str());
    }
  }
  if (tmp.empty() && !quiet) std::fprintf(stderr, "trace: %s\n", o.events.c_str());
  if (!tmp.empty()) ::unlink(tmp.c_str());
  return rc;
}

}  // namespace loopscope::cli
