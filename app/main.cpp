// loopscope's entry point: dispatches to the headless commands (app/cli) and
// the GUI ones (app/gui).
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/python_program.hpp"
#include "core/output_file.hpp"
#ifdef LOOPSCOPE_HAVE_GUI
#include "gui/gui.hpp"
#include "record/record.hpp"
#endif

using namespace loopscope;

namespace {
// A crash (an assertion, a segfault) leaves no half-written output behind:
// the temporaries are removed and a running ffmpeg is killed, then the
// signal is raised again so the status and the core dump are the usual ones.
void on_crash(int sig) {
#ifdef LOOPSCOPE_HAVE_GUI
  rec::kill_encoders_now();
#endif
  remove_temporaries_now();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}
}  // namespace

int main(int argc, char** argv) {
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_crash);
  // Under `ulimit -v` every thread's malloc arena reserves 64 MiB of the
  // allowed address space (llvmpipe starts a thread per core): one arena
  // halves what drawing needs (750 -> 350 MiB measured).
  struct rlimit as;
  if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) mallopt(M_ARENA_MAX, 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string cmd = args.empty() ? "" : args.front();
  std::vector<std::string> rest = args.empty() ? args : std::vector<std::string>(args.begin() + 1, args.end());
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::fputs(cli::kUsage, stdout);
      return 0;
    }
    if (cmd == "list") return cli::cmd_list(rest);
    if (cmd == "source") return cli::cmd_source(rest);
    if (cmd == "run") return cli::cmd_run(rest);
#ifdef LOOPSCOPE_HAVE_GUI
    if (cmd.empty() || cmd == "gui") return gui::cmd_gui(rest);
    if (cli::is_python_program(cmd)) return gui::cmd_gui(args);  // loopscope FILE.py
    if (cmd == "view") return gui::cmd_view(rest);
    if (cmd == "screenshot") return gui::cmd_screenshot(rest);
    if (cmd == "record") return rec::cmd_record(rest);
#else
    if (cmd.empty() || cmd == "gui" || cmd == "view" || cmd == "screenshot" || cmd == "record") {
      std::fprintf(stderr, "loopscope: this build has no GUI (configure with -DLOOPSCOPE_GUI=ON)\n");
      return 1;
    }
#endif
    throw cli::UsageError("unknown command '" + cmd + "' (loopscope --help lists them)");
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "loopscope %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    // Unwound: every OutputFile and encoder on the way removed its temporaries.
    std::fprintf(stderr, "loopscope: out of memory (see ulimit -v)\n");
    return 1;
  }
}
