// What `screenshot` and `record` show, and how: one set of rules for both.
// The runs: ID, --compare ID2, --set k=v (every run whose scenario has the
// key), --set2 k=v (the --compare run only). The look: --size, --theme,
// --presenter. Each ID is a scenario id (run for real, headless) or a saved
// trace (F.jsonl, replayed); resolve_input() is the one place that decides,
// so a new kind of input (a .py program through the recorder) joins there.
#pragma once

#include <string>
#include <vector>

#include "args.hpp"

namespace loopscope::cli {

struct RunInput {
  std::string scenario;           // a scenario id, run for real with `sets`...
  std::string trace;              // ...or a saved JSON Lines trace, replayed
  std::vector<std::string> sets;  // the k=v values this run's scenario has
};

// ID as a scenario id or a trace file, with the `sets` whose key its scenario
// has. Throws UsageError (one line, naming `cmd`) for an unknown id, a missing
// file or a bad value.
RunInput resolve_input(const std::string& cmd, const std::string& what, const std::vector<std::string>& sets,
                       double duration = 0);

struct ViewArgs {
  std::string id, id2;
  std::vector<std::string> sets, sets2;
  int w = 1280, h = 720;
  bool dark = true, presenter = false;
  double duration = 0;  // --duration: a .py program is stopped after this long (0: kProgramSeconds)
  // A .py program that does not end by itself is stopped, as Ctrl-C would,
  // after this many seconds unless --duration says otherwise: nothing waits forever.
  static constexpr double kProgramSeconds = 60;

  // Takes `t` (just returned by a.next()) when it is one of these options or
  // the positional ID; false when it is not (the command's own option).
  bool take(Args& a, const std::string& t);
  // The runs to show: one, or two with --compare. Checks that every --set and
  // --set2 names a parameter of some run. Throws UsageError.
  std::vector<RunInput> resolve(const std::string& cmd) const;

  // --help lines for these options (the same text in both commands).
  static const char* const kHelp;
};

}  // namespace loopscope::cli
