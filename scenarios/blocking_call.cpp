// blocking-call: one blocking call inside a coroutine freezes every task. A
// ticker keeps a beat while a worker waits; the `mode` parameter decides how
// the worker waits: time.sleep (holds the loop thread), asyncio.sleep (a timer)
// or asyncio.to_thread(time.sleep) (a pool worker holds its own thread).
#include <chrono>
#include <thread>

#include "core/blocking.hpp"
#include "core/thread_pool.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
import time


async def ticker(beats, period):
    for i in range(1, beats + 1):
        print(f"ticker: beat {i}")  # @beat
        await asyncio.sleep(period)  # @beat_sleep


async def worker(mode, seconds):
    print(f"worker: waiting {seconds} s with {mode}")  # @waiting
    if mode == "time.sleep":
        time.sleep(seconds)  # blocks the loop thread: nothing else runs  # @time_sleep
    elif mode == "asyncio.sleep":
        await asyncio.sleep(seconds)  # the loop runs the ticker meanwhile  # @asyncio_sleep
    else:
        await asyncio.to_thread(time.sleep, seconds)  # a pool thread waits  # @to_thread
    print("worker: done")  # @worker_done


async def main():
    await asyncio.gather(ticker(${beats}, ${period}), worker("${mode}", ${seconds}))  # @gather


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int beat, beat_sleep, waiting, time_sleep, asyncio_sleep, to_thread, worker_done, gather;
} L;

Coroutine ticker(int beats, double period) {
  for (int i = 1; i <= beats; ++i) {
    print(L.beat, "ticker: beat " + std::to_string(i));
    co_await sleep(period).at(L.beat_sleep);
  }
  co_return {};
}

Coroutine worker(std::string mode, double seconds) {
  print(L.waiting, "worker: waiting " + Value(seconds).repr() + " s with " + mode);
  if (mode == "time.sleep") {
    block_sleep(seconds, L.time_sleep);
  } else if (mode == "asyncio.sleep") {
    co_await sleep(seconds).at(L.asyncio_sleep);
  } else {
    // time.sleep on the worker thread: the lambda runs there, so it captures by value.
    double pause = running_loop().scaled(seconds);
    int stop_fd = running_loop().stop_fd();  // a stopped run ends the worker's sleep too
    PoolJob& job = to_thread([pause, stop_fd] { sleep_unless_stopped(pause, stop_fd); return Value(); }, "time.sleep");
    co_await at(job, L.to_thread);
  }
  print(L.worker_done, "worker: done");
  co_return {};
}

Coroutine blocking_call_main(const Params& p) {
  co_await at(gather(ticker(p.integer("beats"), p.num("period")).named("ticker"),
                     worker(p.text("mode"), p.num("seconds")).named("worker")),
              L.gather);
  co_return {};
}

}  // namespace

Scenario scenario_blocking_call() {
  Scenario s;
  s.id = "blocking-call";
  s.title = "time.sleep freezes everyone";
  s.mode_titles = {{"mode=time.sleep", "time.sleep freezes everyone"},
                   {"mode=asyncio.sleep", "asyncio.sleep lets everyone run"},
                   {"mode=to_thread", "to_thread: a pool thread does the blocking"}};
  s.lesson =
      "The ticker beats every period while the worker waits. With time.sleep the worker holds the loop thread: "
      "no beat, no timer, nothing runs until it returns, and its step is flagged slow. With asyncio.sleep the "
      "wait is a timer and the ticker keeps its beat; with to_thread a pool thread does the blocking instead.";
  Listing listing("blocking-call", kListing);
  L = {.beat = listing.line("beat"), .beat_sleep = listing.line("beat_sleep"), .waiting = listing.line("waiting"),
      .time_sleep = listing.line("time_sleep"), .asyncio_sleep = listing.line("asyncio_sleep"),
      .to_thread = listing.line("to_thread"), .worker_done = listing.line("worker_done"),
      .gather = listing.line("gather")};
  s.listing = listing.text();
  s.params = {{"mode", "time.sleep", 0, 0, {"time.sleep", "asyncio.sleep", "to_thread"}, "how the worker waits"},
              {"seconds", "0.25", 0.05, 5, {}, "how long the worker waits"},
              integer_param("beats", "5", 1, 20, "ticker beats"),
              {"period", "0.1", 0.02, 1, {}, "seconds between beats"}};
  s.main = blocking_call_main;
  return s;
}

}  // namespace loopscope
