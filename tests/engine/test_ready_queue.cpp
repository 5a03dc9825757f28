// The ready queue: FIFO, and each iteration runs only the handles that were
// ready when it began (asyncio's ntodo snapshot).
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
struct Log {
  std::vector<std::string> entries;
  Loop* loop;
};
void record(void* log, void* tag) {
  auto* l = static_cast<Log*>(log);
  l->entries.push_back(std::string(static_cast<const char*>(tag)) + "@" + std::to_string(l->loop->iteration()));
}
void record_and_reschedule(void* log, void* tag) {
  record(log, tag);
  auto* l = static_cast<Log*>(log);
  ReadyHandle h;
  h.fn = &record;
  h.a = l;
  h.b = const_cast<char*>("later");
  l->loop->call_soon(h, Cause::call_soon);
}
}  // namespace

TEST_CASE("the loop runs ready handles in FIFO order") {
  Trace trace;
  Log log;
  {
    Loop loop(trace);
    log.loop = &loop;
    for (const char* tag : {"a", "b", "c"}) {
      ReadyHandle h;
      h.fn = &record;
      h.a = &log;
      h.b = const_cast<char*>(tag);
      loop.call_soon(h, Cause::call_soon);
    }
    loop.run_once();
    CHECK(loop.close() == 0);
  }
  CHECK(log.entries == std::vector<std::string>{"a@1", "b@1", "c@1"});
}

TEST_CASE("a handle scheduled while the queue runs waits for the next iteration") {
  Trace trace;
  Log log;
  {
    Loop loop(trace);
    log.loop = &loop;
    ReadyHandle h;
    h.fn = &record_and_reschedule;
    h.a = &log;
    h.b = const_cast<char*>("first");
    loop.call_soon(h, Cause::call_soon);
    h.fn = &record;
    h.b = const_cast<char*>("second");
    loop.call_soon(h, Cause::call_soon);
    loop.run_once();
    CHECK(log.entries == std::vector<std::string>{"first@1", "second@1"});
    CHECK(loop.ready_size() == 1);
    loop.run_once();
    CHECK(loop.close() == 0);
  }
  CHECK(log.entries == std::vector<std::string>{"first@1", "second@1", "later@2"});
}

TEST_CASE("a task that awaits sleep(0) runs again in the next iteration") {
  Trace trace;
  std::vector<uint32_t> seen;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    seen.push_back(running_loop().iteration());
    co_await sleep(0);
    seen.push_back(running_loop().iteration());
    co_await sleep(0);
    seen.push_back(running_loop().iteration());
    co_return {};
  });
  CHECK(seen == std::vector<uint32_t>{1, 2, 3});
  CHECK(o.error.empty());
  check_clean(o);
}

TEST_CASE("a sleep's timer fires in one iteration and its task resumes in the next") {
  Trace trace;
  RunOutcome o = run_main(trace, []() -> Coroutine {
    co_await sleep(0.01).at(3);
    print(4, "woke");
    co_return {};
  });
  uint32_t fire_it = 0;
  for (const Event& e : o.events)
    if (e.kind == Ev::timer_fire) fire_it = e.it;
  CHECK(fire_it == 2);
  CHECK(o.iteration_of("woke") == 3);
  check_clean(o);
}
