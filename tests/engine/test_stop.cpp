// Stopping a run (Loop::request_stop): from another thread, from a signal, or
// at close. Every stop ends the run with a closed loop and a complete trace.
#include <atomic>
#include <csignal>
#include <future>
#include <latch>
#include <thread>

#include "core/blocking.hpp"
#include "core/client_loop.hpp"
#include "core/server.hpp"
#include "core/stream.hpp"
#include "core/thread_pool.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
// Calls loop->request_stop(why) on another thread once `ready` is counted down.
struct Stopper {
  std::latch ready{1};
  std::promise<Loop*> loop;
  std::thread t;
  explicit Stopper(StopReason why = StopReason::sigint) {
    t = std::thread([this, why] {
      Loop* l = loop.get_future().get();
      ready.wait();
      l->request_stop(why);
    });
  }
  // From the loop thread: hand over the loop and let the stop go.
  void go() {
    loop.set_value(&running_loop());
    ready.count_down();
  }
  ~Stopper() { t.join(); }
};
}  // namespace

TEST_CASE("a stop request from another thread cancels main, as Ctrl-C does under asyncio.run") {
  Trace trace;
  Stopper stop;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    stop.go();
    co_await sleep(3600).at(2);  // only the stop ends this
    co_return {};
  });
  CHECK(o.error == "CancelledError()");
  CHECK(o.events.back().kind != Ev::deadlock);
  check_clean(o);
}

TEST_CASE("a stop interrupts time.sleep on the loop thread with KeyboardInterrupt") {
  Trace trace;
  Stopper stop;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    stop.go();
    block_sleep(3600, 3);  // a real blocking sleep; the stop's eventfd wakes it
    co_return {};
  });
  CHECK(o.error == "KeyboardInterrupt()");
  // The block is still traced whole: block.begin .. block.end.
  CHECK(o.count(Ev::block_begin) == 1);
  CHECK(o.count(Ev::block_end) == 1);
  check_clean(o);
}

TEST_CASE("a stop handler (loop.add_signal_handler) runs instead of main being cancelled") {
  Trace trace;
  Stopper stop(StopReason::sigterm);
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Loop& loop = running_loop();
    Future* stopped = loop.make<Future>("stop");
    loop.add_stop_handler([stopped](StopReason why) {
      stopped->set_result(Value(std::string(why == StopReason::sigterm ? "SIGTERM" : "SIGINT")));
    });
    stop.go();
    Value v = co_await at(*stopped, 5);
    print(6, "stopping: " + v.str());
    co_return 7;
  });
  REQUIRE_MESSAGE(o.error.empty(), o.error);
  CHECK(o.result.integer() == 7);
  CHECK(o.prints() == std::vector<std::string>{"stopping: SIGTERM"});
  bool handler_traced = false;
  for (const Event& e : o.events) handler_traced |= e.kind == Ev::ready_run && e.s1 && std::string(e.s1) == "signal: SIGTERM";
  CHECK(handler_traced);
  check_clean(o);
}

TEST_CASE("a stop reaches the client loops the run owns, so the run ends instead of waiting for them") {
  Trace trace;
  Stopper stop;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    ClientLoop& clients = start_client_loop([]() -> Coroutine {
      return []() -> Coroutine {
        co_await sleep(3600).at(2);
        co_return {};
      }();
    });
    stop.go();
    co_await at(clients.done(), 4);
    co_return {};
  });
  CHECK(o.error == "CancelledError()");
  check_clean(o);
}

TEST_CASE("SIGTERM stops every open loop through request_stop_all") {
  install_stop_signals();
  Trace trace;
  StopReason seen = StopReason::none;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Loop& loop = running_loop();
    loop.add_stop_handler([&seen](StopReason why) { seen = why; });
    std::raise(SIGTERM);  // handled at the end of this iteration, like any stop
    co_await sleep(0).at(3);
    co_await sleep(0).at(3);
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(seen == StopReason::sigterm);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  check_clean(o);
}

TEST_CASE("a stop requested before any loop is open is taken by the next loop that opens") {
  // Ctrl-C while the command line is still setting the run up: no loop yet to reach.
  request_stop_all(StopReason::sigint);
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    co_await sleep(0).at(3);
    co_return {};
  });
  CHECK(o.error == "CancelledError()");
  // Taken once: the next run is not stopped.
  Trace again;
  RunOutcome o2 = run_main(again, [&]() -> Coroutine {
    co_await sleep(0).at(3);
    co_return {};
  });
  CHECK(o2.error.empty());
  check_clean(o);
  check_clean(o2);
}

TEST_CASE("a stopped run starts no more pool jobs") {
  Trace trace;
  static std::atomic<bool> ran{false};
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    running_loop().request_stop();  // from the loop thread itself: it is handled after this step
    PoolJob& job = to_thread([] {
      ran = true;
      return Value(1);
    }, "never");
    co_await at(job, 3);
    co_return {};
  });
  CHECK_FALSE(ran.load());
  CHECK(o.error == "CancelledError()");
  check_clean(o);
}

TEST_CASE("when main fails early, the client loop is stopped before its join instead of deadlocking the close") {
  // Before the fix the owner's closer joined the client thread first, while
  // the clients waited for replies from connections only later closers close.
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    auto never_reply = [](StreamReader& r, StreamWriter&) -> Coroutine {
      co_await r.read(1).at(2);
      co_await sleep(3600).at(3);
      co_return {};
    };
    Server& server = co_await start_server(never_reply, "127.0.0.1", 0).at(5);
    int port = server.port();
    std::latch* connected = new std::latch(1);
    start_client_loop([port, connected]() -> Coroutine {
      return [](int port, std::latch* connected) -> Coroutine {
        auto [reader, writer] = co_await open_connection("127.0.0.1", port).at(8);
        writer.write("x");
        co_await writer.drain().at(9);
        connected->count_down();
        co_await reader.read(1).at(10);  // waits for a reply that never comes
        co_return {};
      }(port, connected);
    });
    // Fail only once the client waits on its connection.
    PoolJob& waited = to_thread([connected] {
      connected->wait();
      delete connected;
      return Value();
    }, "wait");
    co_await at(waited, 12);
    throw RuntimeError("main failed early");
  });
  CHECK(o.error == "RuntimeError('main failed early')");
  check_clean(o);
}
