// The second loop: a client-driver loop (trace loop 1) on its own thread,
// sharing the run's trace, awaited by the owner loop without blocking it.
#include <thread>

#include "core/client_loop.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("a client loop runs its main on another thread as loop 1 and hands back the result") {
  Trace trace;
  std::thread::id owner_thread = std::this_thread::get_id(), client_thread;
  int32_t ticker_id = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    // The owner keeps running its own tasks while it awaits the client loop.
    Task& ticker = create_task([]() -> Coroutine {
      for (int i = 0; i < 3; ++i) co_await sleep(0.01).at(3);
      co_return {};
    }());
    ticker_id = ticker.id();
    ClientLoop& client = start_client_loop([&client_thread]() -> Coroutine {
      return [](std::thread::id* id) -> Coroutine {
        *id = std::this_thread::get_id();
        co_await sleep(0.05).at(8);
        print(9, "client done");
        co_return 42;
      }(&client_thread);
    });
    Value r = co_await at(client.done(), 12);
    co_await at(ticker, 13);
    co_return r;
  });
  REQUIRE(o.error.empty());
  CHECK(o.result.integer() == 42);
  CHECK(client_thread != std::thread::id());
  CHECK(client_thread != owner_thread);
  size_t loop1 = 0, ticker_steps_loop0 = 0;
  for (const Event& e : o.events) {
    loop1 += e.loop == 1;
    ticker_steps_loop0 += e.loop == 0 && e.kind == Ev::step_begin && e.task == ticker_id;
  }
  CHECK(loop1 > 0);
  CHECK(ticker_steps_loop0 == 4);
  for (const Event& e : o.events)
    if (e.kind == Ev::print) CHECK(e.loop == 1);
  check_clean(o);
}

TEST_CASE("an exception raised by the client's main reaches the owner through done()") {
  Trace trace;
  std::string caught;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    ClientLoop& client = start_client_loop([]() -> Coroutine {
      return []() -> Coroutine {
        co_await sleep(0).at(3);
        throw ValueError("client failed");
      }();
    });
    try {
      co_await at(client.done(), 6);
    } catch (const ValueError& e) {
      caught = e.repr();
    }
    client.join();
    CHECK(client.close_rc() == 0);
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(caught == "ValueError('client failed')");
  check_clean(o);
}

TEST_CASE("a client loop still running when the owner's run ends is joined and closed with the owner") {
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    start_client_loop([]() -> Coroutine {
      return []() -> Coroutine {
        co_await sleep(0.03).at(3);
        co_return {};
      }();
    });
    co_return {};  // does not await the client
  });
  CHECK(o.error.empty());
  bool client_finished = false;
  for (const Event& e : o.events) client_finished |= e.loop == 1 && e.kind == Ev::task_done;
  CHECK(client_finished);
  check_clean(o);
}
