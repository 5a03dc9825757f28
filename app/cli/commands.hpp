// The headless commands (list, source, run) and the shared usage text.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace loopscope::cli {

// The scenario named on a command line, or a UsageError naming the bad id.
const Scenario& scenario_arg(const std::string& cmd, const std::string& id);
// Defaults merged with --set k=v, or a UsageError naming the bad parameter.
Params resolve_params(const std::string& cmd, const Scenario& s, const std::vector<std::string>& sets);

int cmd_list(const std::vector<std::string>& args);
int cmd_source(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);

// Top-level usage (loopscope --help).
extern const char* const kUsage;

}  // namespace loopscope::cli
