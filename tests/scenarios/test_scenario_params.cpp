// Scenario parameters (--set k=v, settings.ini's param.k=v, a saved trace's
// params): only finite numbers in range pass, whole numbers where the listing
// needs an int, and what is stored is what Python and JSON both read.
#include <doctest/doctest.h>

#include <stdexcept>

#include "core/trace_json.hpp"
#include "scenarios/scenario.hpp"

using namespace loopscope;

namespace {
std::string refusal(const char* scenario, const std::string& kv) {
  try {
    find_scenario(scenario)->resolve({kv});
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("nan, inf, hex and spaces are not numbers, though strtod reads them") {
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "0x10", "0x1p-2", " 3", "3 ", "", "1e999"})
    CHECK_MESSAGE(refusal("concurrent-server", std::string("work=") + bad) ==
                      "parameter 'work' needs a number, got '" + std::string(bad) + "'",
                  bad);
}

TEST_CASE("a whole-number parameter refuses a fraction") {
  CHECK(refusal("cooperative-yield", "turns=2.5") == "parameter 'turns' needs a whole number, got '2.5'");
  CHECK(refusal("concurrent-server", "clients=3.000001") == "parameter 'clients' needs a whole number, got '3.000001'");
  CHECK(refusal("concurrent-server", "clients=17") == "parameter 'clients' must be between 1 and 16, got '17'");
  CHECK(refusal("concurrent-server", "work=2.5") == "");  // a real parameter takes fractions
}

TEST_CASE("values are stored as Python and JSON read them") {
  const Scenario& s = *find_scenario("concurrent-server");
  Params p = s.resolve({"clients=03", "work=.5"});
  CHECK(p.text("clients") == "3");
  CHECK(p.text("work") == "0.5");
  CHECK(s.resolve({"clients=+2"}).text("clients") == "2");
  CHECK(s.resolve({"clients=4.0"}).text("clients") == "4");
  CHECK(s.resolve({"work=1e-1"}).text("work") == "1e-1");  // valid in both as written
}

TEST_CASE("an error message quotes a hostile value on one short line") {
  std::string msg = refusal("gather", "a=" + std::string(1000, '9') + "\n\x1b[2J");
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.find('\x1b') == std::string::npos);
  CHECK(msg.size() < 120);
}

TEST_CASE("run.begin's params are JSON whatever the values hold: never a bare nan") {
  Params p;
  p.values = {{"a", "nan"}, {"b", "0.5"}, {"c", "inf"}, {"d", "0x10"}, {"e", "say \"hi\"\n"}, {"f", "-3"}};
  CHECK(p.json() == "{\"a\": \"nan\", \"b\": 0.5, \"c\": \"inf\", \"d\": \"0x10\", \"e\": \"say \\\"hi\\\"\\n\", \"f\": -3}");
}
