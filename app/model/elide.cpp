#include "model/elide.hpp"

namespace loopscope::model {

std::string elide(std::string_view s, size_t max_chars) {
  if (s.size() <= max_chars) return std::string(s);  // bytes >= code points
  if (max_chars == 0) return {};
  // Walk code points (continuation bytes are 10xxxxxx) until one too many.
  size_t chars = 0, cut = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars - 1) cut = i;
    if (++chars > max_chars) return std::string(s.substr(0, cut)) + "\xE2\x80\xA6";  // U+2026
  }
  return std::string(s);
}

}  // namespace loopscope::model
