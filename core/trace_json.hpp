// The trace as JSON Lines: one event per line, the documented format
// (docs/trace-format.md). This file is the one place that maps Event's generic fields
// to the documented names.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "trace.hpp"

namespace loopscope {

std::string to_json(const Event& e);
void write_jsonl(std::ostream& out, const std::vector<Event>& events);
// Writes to `path` through OutputFile (core/output_file.hpp): a temporary
// renamed at the end, or a device or pipe written directly. Returns an empty
// string on success, else a one-line error.
std::string save_jsonl(const std::string& path, const std::vector<Event>& events);

// Appends `s` to out as a JSON string literal (quotes included). Invalid UTF-8
// is written as U+FFFD, one per maximal invalid subsequence (Python's
// decode(errors="replace")), so the output is always valid JSON.
void append_json_string(std::string& out, const char* s);

}  // namespace loopscope
