// The headless commands (list, source, run) and the shared usage text.
#pragma once

#include <string>
#include <vector>

namespace loopscope::cli {

int cmd_list(const std::vector<std::string>& args);
int cmd_source(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);

// Top-level usage (loopscope --help).
extern const char* const kUsage;

}  // namespace loopscope::cli
