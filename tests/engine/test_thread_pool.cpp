// asyncio.to_thread on libuv's real thread pool, and file reads through it
// (aiofiles): jobs overlap on different workers, results and exceptions come
// back to the awaiting task through the loop.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "core/file_read.hpp"
#include <condition_variable>
#include <mutex>

#include "core/thread_pool.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
// A latch with a bound: each job waits until `n` jobs have started, so they
// can only all finish if they really run at the same time on different
// threads (the bound turns a pool that serialises them into a failure, not a hang).
struct Rendezvous {
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
};
std::function<Value()> rendezvous(Rendezvous* r, int n, int result) {
  return [r, n, result] {
    std::unique_lock<std::mutex> lock(r->m);
    ++r->started;
    r->cv.notify_all();
    r->cv.wait_for(lock, std::chrono::seconds(10), [&] { return r->started >= n; });
    return Value(result);
  };
}
}  // namespace

TEST_CASE("to_thread jobs run concurrently on different workers and their results come back in order") {
  Trace trace;
  Rendezvous started;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    PoolJob& a = to_thread(rendezvous(&started, 2, 1), "job a");
    PoolJob& b = to_thread(rendezvous(&started, 2, 2), "job b");
    Value both = co_await at(gather(a, b), 5);
    co_return both;
  });
  REQUIRE(o.error.empty());
  CHECK(o.result.repr() == "[1, 2]");
  // From the trace: both started before either ended, on two different workers.
  std::vector<const Event*> starts, ends;
  for (const Event& e : o.events) {
    if (e.kind == Ev::pool_start) starts.push_back(&e);
    if (e.kind == Ev::pool_end) ends.push_back(&e);
  }
  REQUIRE(starts.size() == 2);
  REQUIRE(ends.size() == 2);
  CHECK(starts[1]->t_ns <= ends[0]->t_ns);
  CHECK(starts[0]->ref != starts[1]->ref);
  CHECK(o.count(Ev::pool_submit) == 2);
  check_clean(o);
}

TEST_CASE("pool.start and pool.end come from the worker thread's own trace stream") {
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    co_return co_await at(to_thread([] { return Value("done"); }, "work"), 3);
  });
  REQUIRE(o.error.empty());
  CHECK(o.result.str() == "done");
  int in_primary = 0, in_worker = 0;
  for (int s = 0; s < trace.stream_count(); ++s)
    for (size_t i = 0; i < trace.stream(s).size(); ++i) {
      const Event& e = trace.stream(s).at(i);
      if (e.kind == Ev::pool_start || e.kind == Ev::pool_end) (s == 0 ? in_primary : in_worker)++;
    }
  CHECK(in_primary == 0);
  CHECK(in_worker == 2);
  check_clean(o);
}

TEST_CASE("a job's result wakes its task one iteration after the completion joins the ready queue") {
  Trace trace;
  int32_t main_id = -1;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    main_id = current_task()->id();
    co_return co_await at(to_thread([] { return Value(7); }, "seven"), 3);
  });
  REQUIRE(o.error.empty());
  CHECK(o.result.integer() == 7);
  uint32_t pushed = 0, resumed = 0;
  for (const Event& e : o.events) {
    if (e.kind == Ev::ready_push && Cause(e.code) == Cause::pool) pushed = e.it;
    if (pushed && !resumed && e.kind == Ev::step_begin && e.task == main_id) resumed = e.it;
  }
  REQUIRE(pushed > 0);
  CHECK(resumed == pushed + 1);
  check_clean(o);
}

TEST_CASE("an exception raised in a job propagates to the task that awaits it") {
  Trace trace;
  std::string caught;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    try {
      co_await at(to_thread([]() -> Value { throw ValueError("bad input"); }, "fails"), 4);
    } catch (const ValueError& e) {
      caught = e.repr();
    }
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(caught == "ValueError('bad input')");
  check_clean(o);
}

TEST_CASE("read_file reads the real bytes of a file through the thread pool") {
  std::string path = "/tmp/loopscope_test_read_file_" + std::to_string(::getpid()) + ".bin";
  std::string content;
  for (int i = 0; i < 200000; ++i) content += char(i * 7 % 251);  // more than one 64 KiB read, with NULs
  { std::ofstream(path, std::ios::binary) << content; }
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine { co_return co_await at(read_file(path), 3); });
  std::remove(path.c_str());
  REQUIRE(o.error.empty());
  CHECK(o.result.str() == content);
  const Event* done = nullptr;
  for (const Event& e : o.events)
    if (e.kind == Ev::io_done && IoKind(e.code) == IoKind::fs) done = &e;
  REQUIRE(done);
  CHECK(done->num == int64_t(content.size()));
  check_clean(o);
}

TEST_CASE("reading a missing file raises FileNotFoundError with Python's message") {
  Trace trace;
  std::string caught;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    try {
      co_await at(read_file("/nonexistent/loopscope.txt"), 3);
    } catch (const OSError& e) {
      caught = e.type() + ": " + e.what();
    }
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(caught == "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/loopscope.txt'");
  check_clean(o);
}
