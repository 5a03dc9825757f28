// Listings name their lines: a trailing `# @name` in a scenario's Python
// listing is what the C++ refers to, never a hand-written number. The marker
// is stripped from what is shown and run, and a name that is missing or
// doubled stops the program at registration instead of pointing at a wrong line.
#include <doctest/doctest.h>

#include <stdexcept>

#include "scenarios/scenario.hpp"

using namespace loopscope;

TEST_CASE("a marker names its line and is stripped from the listing's text") {
  Listing l("demo", "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)  # the wait  # @sleep\n"
                    "    print('x')  # @print @last\n");
  CHECK(l.line("sleep") == 4);
  CHECK(l.line("print") == 5);
  CHECK(l.line("last") == 5);
  CHECK(l.text() == "import asyncio\n\nasync def main():\n    await asyncio.sleep(1)  # the wait\n    print('x')\n");
}

TEST_CASE("a marker that is not in the listing, or marks two lines, is an error naming the scenario") {
  Listing l("demo", "x = 1  # @x\n");
  CHECK_THROWS_WITH_AS(l.line("y"), "demo: the listing has no marker @y", std::logic_error);
  CHECK_THROWS_WITH_AS(Listing("demo", "a  # @x\nb  # @x\n"), "demo: listing marker @x is on lines 1 and 2",
                       std::logic_error);
}

TEST_CASE("every scenario registers, so every marker its C++ asks for is in its listing, and none is shown") {
  REQUIRE_NOTHROW(scenarios());
  for (const Scenario& s : scenarios()) {
    CAPTURE(s.id);
    CHECK(s.listing.find("# @") == std::string::npos);
  }
}
