// The scenario table's entries; each scenario file defines one function.
#pragma once

#include "scenario.hpp"

namespace loopscope {

Scenario scenario_sequential_server();
Scenario scenario_concurrent_server();

Scenario scenario_gather();
Scenario scenario_gather_errors();
Scenario scenario_gather_fail();
Scenario scenario_taskgroup_cancel();
Scenario scenario_create_task();
Scenario scenario_cooperative_yield();
Scenario scenario_blocking_call();
Scenario scenario_file_reads();
Scenario scenario_sqlite_api();
Scenario scenario_web_scraper();
Scenario scenario_producer_consumer();
Scenario scenario_timeout();

}  // namespace loopscope
