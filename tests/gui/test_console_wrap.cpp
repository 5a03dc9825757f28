// The Console wraps a long print between words, as a reader expects: an
// identifier ("asyncio.sleep", "client_1") or a number ("3.0") is never split
// across rows; only a word wider than the whole panel is broken.
#include <doctest/doctest.h>

#include <imgui.h>

#include <string>
#include <vector>

#include "gui/draw.hpp"
#include "gui/rig.hpp"

using namespace loopscope;
using namespace loopscope::gui;
using test::Rig;

namespace {
// The rows wrap_row makes of `text` at `max_w`.
std::vector<std::string> rows_of(ImFont* font, float px, const std::string& text, float max_w) {
  std::vector<std::string> rows;
  for (const char *p = text.c_str(), *end = p + text.size(); p < end;) {
    const char* next = end;
    const char* row_end = wrap_row(font, px, p, end, max_w, &next);
    rows.emplace_back(p, row_end);
    REQUIRE(next > p);  // always progress
    p = next;
  }
  return rows;
}
std::string without_spaces(std::string s) {
  std::erase(s, ' ');
  return s;
}
// The run of non-space characters of `text` around byte `at`.
std::string word_at(const std::string& text, size_t at) {
  size_t a = text.rfind(' ', at), b = text.find(' ', at);
  a = a == std::string::npos ? 0 : a + 1;
  return text.substr(a, (b == std::string::npos ? text.size() : b) - a);
}
}  // namespace

TEST_CASE("a print wraps between words: asyncio.sleep, 3.0 and client_1 stay whole; only a word wider than the row breaks") {
  Rig r("gather");  // a real ImGui context with the view's fonts
  ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
  const float px = 20;
  const std::string text =
      "client_1: handler awaits asyncio.sleep(3.0), then replies after 3.0 s; supercalifragilisticexpialidocious_identifier";
  float char_w = font->CalcTextSizeA(px, FLT_MAX, 0, "m").x;
  int rows_seen = 0;
  for (float w = char_w * 6; w < char_w * 120; w += char_w * 0.7f) {
    CAPTURE(w);
    std::vector<std::string> rows = rows_of(font, px, text, w);
    rows_seen += int(rows.size());
    // Nothing lost or doubled: the rows hold the text (a break eats the spaces it is at).
    std::string joined;
    for (const std::string& row : rows) joined += row;
    CHECK(without_spaces(joined) == without_spaces(text));
    size_t at = 0;  // where each row starts in the text
    for (size_t k = 0; k < rows.size(); ++k) {
      const std::string& row = rows[k];
      CAPTURE(row);
      at = text.find(row, at);
      REQUIRE(at != std::string::npos);
      size_t end = at + row.size();
      float row_w = font->CalcTextSizeA(px, FLT_MAX, 0, row.c_str()).x;
      CHECK((row_w <= w + 0.5f || row.size() == 1));
      if (k + 1 < rows.size()) {
        bool at_space = text[end] == ' ';
        bool after_punct = end > 0 && (text[end - 1] == ',' || text[end - 1] == ';');
        if (!at_space && !after_punct) {
          // Broken inside a word: only a word wider than the row itself.
          std::string word = word_at(text, end - 1);
          CAPTURE(word);
          CHECK(font->CalcTextSizeA(px, FLT_MAX, 0, word.c_str()).x > w);
        }
      }
      at = end;
    }
  }
  CHECK(rows_seen > 200);  // it did wrap, at many widths
}

TEST_CASE("a name wider than the row breaks between its parts (after a dot or an underscore, before a capital), not inside one") {
  Rig r("gather");
  ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
  const float px = 20;
  auto width = [&](const char* t) { return font->CalcTextSizeA(px, FLT_MAX, 0, t).x; };
  // Wider than "StreamReaderProtocol.", narrower than the whole name.
  const float w = (width("StreamReaderProtocol.") + width("StreamReaderProtocol.connection_")) / 2;
  CHECK(rows_of(font, px, "runs StreamReaderProtocol.connection_made now", w) ==
        std::vector<std::string>{"runs", "StreamReaderProtocol.", "connection_made now"});
  // Narrower than its parts together: broken between them (a capital after a small letter starts one).
  CHECK(rows_of(font, px, "StreamReaderProtocol.connection_made", width("connection_") + 1) ==
        std::vector<std::string>{"Stream", "Reader", "Protocol.", "connection_", "made"});
  // A part wider than the row is broken where the row is full.
  std::vector<std::string> narrow = rows_of(font, px, "supercalifragilistic", width("supercal") + 1);
  CHECK(narrow.front() == "supercal");
}

TEST_CASE("in a presenter clip half the Console wraps the server's replies between words, never inside a number") {
  Rig r(Rig::ClipHalf{.captioned = true}, "concurrent-server", {"clients=3", "work=0.05"});
  r.shoot(r.m().size() - 1);
  const Geometry& g = r.app->geometry();
  std::vector<std::string> prints;
  for (const Event& e : r.m().events())
    if (e.kind == Ev::print && e.s1) prints.push_back(e.s1);
  REQUIRE(!prints.empty());
  const auto& rows = g.console_rows;
  REQUIRE(rows.size() > 1);
  int wrapped = 0;
  for (size_t k = 0; k + 1 < rows.size(); ++k) {
    const std::string &a = rows[k], &b = rows[k + 1];
    CAPTURE(a);
    CAPTURE(b);
    if (a.empty() || b.empty()) continue;
    // Two rows of one print: the last word of one and the first of the next, joined without a space.
    std::string tail = a.substr(a.rfind(' ') == std::string::npos ? 0 : a.rfind(' ') + 1);
    std::string head = b.substr(0, b.find(' '));
    std::string split = tail + head;
    for (const std::string& p : prints) {
      if (p.find(a) == std::string::npos || p.find(b) == std::string::npos) continue;
      ++wrapped;
      CHECK(p.find(tail + " " + head) != std::string::npos);  // the rows part where the print has a space
      CHECK(p.find(split) == std::string::npos);
      break;
    }
  }
  CHECK(wrapped > 0);  // the replies did wrap at this width
}
