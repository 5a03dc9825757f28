// print(): what the listing's print() writes, traced with the task and line.
#pragma once

#include <string>

namespace loopscope {

// Appends a `print` event (and echoes to stdout when the run asks for it).
void print(int line, const std::string& text);

}  // namespace loopscope
