// Bounded text for drawing: a trace string of any length (the loader accepts
// 64 KiB) cut to a number of characters with "…" at the end, on a UTF-8
// boundary. The caps are in core/limits.hpp (kShown*): they keep every text
// the view draws far below Dear ImGui's 16-bit vertex index limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/limits.hpp"

namespace loopscope::model {

// `s` itself when it has at most `max_chars` code points, else its first
// max_chars - 1 code points and "…" (so the result has max_chars of them).
std::string elide(std::string_view s, size_t max_chars = limits::kShownTextChars);
inline std::string elide(const char* s, size_t max_chars = limits::kShownTextChars) {
  return elide(s ? std::string_view(s) : std::string_view(), max_chars);
}
inline std::string elide(const std::string& s, size_t max_chars = limits::kShownTextChars) {
  return elide(std::string_view(s), max_chars);
}

}  // namespace loopscope::model
