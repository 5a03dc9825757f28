#include "registry.hpp"

namespace loopscope {

// The one table of scenarios, in gallery order.
const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = {
      scenario_sequential_server(),
      scenario_concurrent_server(),
      scenario_gather(),
      scenario_gather_errors(),
      scenario_taskgroup_cancel(),
      scenario_gather_fail(),
      scenario_create_task(),
      scenario_cooperative_yield(),
      scenario_blocking_call(),
      scenario_file_reads(),
      scenario_sqlite_api(),
      scenario_web_scraper(),
      scenario_producer_consumer(),
      scenario_timeout(),
  };
  return all;
}

const Scenario* find_scenario(const std::string& id) {
  for (const Scenario& s : scenarios())
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace loopscope
