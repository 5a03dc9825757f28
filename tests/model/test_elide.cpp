// Text drawn from a trace is bounded: cut on a UTF-8 boundary with "…".
#include <doctest/doctest.h>

#include "model/elide.hpp"

using namespace loopscope;
using namespace loopscope::model;

TEST_CASE("a text within the cap is drawn whole") {
  CHECK(elide("hello", 5) == "hello");
  CHECK(elide("", 3) == "");
  CHECK(elide(static_cast<const char*>(nullptr), 3) == "");
}

TEST_CASE("a text over the cap keeps cap - 1 characters and ends in an ellipsis") {
  CHECK(elide("abcdef", 4) == "abc\xE2\x80\xA6");
  std::string print(65536, 'P');
  std::string shown = elide(print);
  CHECK(shown.size() == limits::kShownTextChars - 1 + 3);
  CHECK(shown.substr(shown.size() - 3) == "\xE2\x80\xA6");
}

TEST_CASE("elision counts characters, not bytes, and never splits one") {
  // "é" is two bytes, "→" three: five characters fit a cap of five.
  std::string s = "\xC3\xA9\xC3\xA9\xE2\x86\x92\xE2\x86\x92\xC3\xA9";
  CHECK(elide(s, 5) == s);
  CHECK(elide(s, 3) == "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  CHECK(elide(s + "x", 5) == "\xC3\xA9\xC3\xA9\xE2\x86\x92\xE2\x86\x92\xE2\x80\xA6");
}
