// What asyncio's own callbacks complete, told as CPython ran them (programs
// recorded under real CPython through `loopscope run`): a gather's
// _done_callback under return_exceptions=True and without, for a child that is
// a future (not a task), after its outer future is done, and in asyncio.run's
// shutdown; wait_for's second _release_waiter, after the deadline (3.11's
// _cancel_and_wait); a thread-pool job's completion, queued by its worker
// thread while the loop polls (this iteration) or while a step blocks it (the
// next), and a process pool's, by its manager thread; a Lock's, Semaphore's or
// queue's wakeup passed on by a waiter cancelled before it ran; the end of an
// I/O wait, by a transport's callback or the loop's own sock_*() calls; a
// future the program cancelled (Future.cancel()), which wakes its waiter with
// CancelledError; a subprocess's pipe, watched and reported ready.
#include <doctest/doctest.h>

#include <set>
#include <string_view>
#include <vector>

#include "core/trace_schema.hpp"
#include "recorded_program.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {
using Recorded = RecordedProgram;

// The sentences of the events of `kind` whose handle runs or queues `fn`.
std::vector<std::string> said(const Recorded& r, Ev kind, HandleFn fn) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == kind && HandleFn(kind == Ev::ready_run ? as<ev::ReadyRun>(r.events[i]).fn
                                                               : as<ev::ReadyPush>(r.events[i]).fn) == fn)
      out.push_back(model::narrate(r.model, i));
  return out;
}

std::string label_of(const Event& e) { return e.s1 ? e.s1 : ""; }

size_t count(const std::vector<std::string>& sentences, const char* part) {
  size_t n = 0;
  for (const std::string& s : sentences) n += s.find(part) != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("a gather's done-callback says which of gather's rules completed it, or that it was done already") {
  const auto rp = record_program("cancel_chain.py");
  const Recorded& r = *rp;
  const std::vector<std::string> runs = said(r, Ev::ready_run, HandleFn::gather_done_callback);
  // gathered's gather(child(), child()): the first cancelled child fails it, the second finds it done.
  CHECK(count(runs, "Without return_exceptions (3.11), the first cancelled child") == 1);
  CHECK(count(runs, "is already done (an earlier child failed or was cancelled)") == 1);
  // main's gather(..., return_exceptions=True): only its last child completes it, with the list.
  CHECK(count(runs, "it was the gather's last child: made with return_exceptions=True") == 1);
  // asyncio.run's shutdown gathers the task left over: its callback completes run_until_complete's wait.
  CHECK(count(runs, "run_until_complete's done-callback is queued") == 1);
}

TEST_CASE("a gather given a task already done names no other task as the child that finished") {
  const auto rp = record_program("condition_and_done_gather.py");
  const Recorded& r = *rp;
  const std::vector<std::string> runs = said(r, Ev::ready_run, HandleFn::gather_done_callback);
  REQUIRE(runs.size() == 3);
  CAPTURE(runs[0]);
  CHECK(runs[0].find("for a child that was already done when gather() was called") != std::string::npos);
  CHECK(runs[0].find("for Task-1") == std::string::npos);  // main called gather(): it is not the child
}

TEST_CASE("a gather's done-callback for a future child names what completed it, and a late child's result is dropped") {
  const auto rp = record_program("gather_children.py");
  const Recorded& r = *rp;
  const std::vector<std::string> runs = said(r, Ev::ready_run, HandleFn::gather_done_callback);
  REQUIRE(runs.size() == 6);
  // Only the Future set before gather() was called was already done then.
  CHECK(count(runs, "already done when gather() was called") == 1);
  CHECK(count(runs, "a future child (not a task): run_in_executor()'s future, which the executor's result") == 1);
  CHECK(count(runs, "a future child (not a task) that the callback Future.set_result completed") == 1);
  // finish_later() returned after fail_soon() failed the second gather: nothing to retrieve, its result dropped.
  CHECK(count(runs, "'s result is dropped, since the gather has already failed") == 1);
  CHECK(count(runs, "only retrieving") == 0);
  CHECK(count(runs, "other children are still running") == 0);
}

TEST_CASE("wait_for's release after the deadline says TimeoutError, and a pool job's callback runs when CPython ran it") {
  const auto rp = record_program("deadline_and_pool.py");
  const Recorded& r = *rp;
  const std::vector<std::string> pushes = said(r, Ev::ready_push, HandleFn::wait_for_release_waiter);
  const std::vector<std::string> runs = said(r, Ev::ready_run, HandleFn::wait_for_release_waiter);
  REQUIRE(pushes.size() == 2);  // the deadline's timer, then _cancel_and_wait's done-callback
  REQUIRE(runs.size() == 2);
  CAPTURE(pushes[1]);
  CAPTURE(runs[1]);
  CHECK(pushes[1].find("wait_for() cancelled it when its deadline passed") != std::string::npos);
  CHECK(runs[1].find("raises TimeoutError") != std::string::npos);
  CHECK(runs[1].find("finished before the deadline") == std::string::npos);

  // The first job ends while the loop polls, the second while time.sleep blocks it.
  const std::vector<std::string> jobs = said(r, Ev::ready_push, HandleFn::pool_done);
  REQUIRE(jobs.size() == 2);
  CAPTURE(jobs[0]);
  CAPTURE(jobs[1]);
  CHECK(jobs[0].find("while the loop waited in its poll, so it runs later in this same iteration") != std::string::npos);
  CHECK(jobs[1].find("so it runs in the next iteration") != std::string::npos);
  // After time.sleep the step goes on to its end, not necessarily to an await.
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::block_end) CHECK(model::narrate(r.model, i).find("'s step ends") != std::string::npos);
  // And CPython did run them so: the push's iteration, then the next.
  std::vector<std::pair<uint32_t, uint32_t>> its;  // (push, run)
  for (const Event& e : r.events)
    if (e.kind == Ev::ready_push && as<ev::ReadyPush>(e).fn == HandleFn::pool_done) its.push_back({e.it, 0});
  size_t k = 0;
  for (const Event& e : r.events)
    if (e.kind == Ev::ready_run && as<ev::ReadyRun>(e).fn == HandleFn::pool_done && k < its.size()) its[k++].second = e.it;
  REQUIRE(its.size() == 2);
  CHECK(its[0].second == its[0].first);
  CHECK(its[1].second == its[1].first + 1);

  // asyncio.wait(timeout=)'s timer: a plain callback, told with no wait_for deadline, TimeoutError or cancel.
  size_t wait_for_arms = 0, plain = 0;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::timer_arm && as<ev::Timer>(r.events[i]).fn == HandleFn::wait_for_release_waiter) ++wait_for_arms;
    else if (r.events[i].kind == Ev::timer_arm && r.events[i].s1 && std::string(r.events[i].s1) == "asyncio.wait timeout") {
      ++plain;
      const std::string s = model::narrate(r.model, i);
      CAPTURE(s);
      CHECK(s.find("wait_for") == std::string::npos);
    }
  CHECK(wait_for_arms == 1);
  CHECK(plain == 1);
  for (const std::string& s : said(r, Ev::ready_run, HandleFn::callback)) CHECK(s.find("TimeoutError") == std::string::npos);
}

TEST_CASE("an I/O wait that the poll ends queues the callback registered for it, and a removed one queues nothing") {
  // Transports (streams over a socket pair), and the loop's own sock_*() calls with no transport.
  for (const char* program : {"socket_pair.py", "sock_calls.py"}) {
    CAPTURE(program);
    const auto rp = record_program(program);
    const Recorded& r = *rp;
    size_t ready = 0, removed = 0;
    for (size_t i = 0; i < r.events.size(); ++i) {
      if (r.events[i].kind != Ev::io_done || !r.events[i].s1) continue;
      const std::string status = r.events[i].s1, s = model::narrate(r.model, i);
      CAPTURE(s);
      if (status == "ready") {
        ++ready;
        REQUIRE(i + 1 < r.events.size());
        CHECK(s.find("queues " + label_of(r.events[i + 1]) + ", the callback") != std::string::npos);
        CHECK(s.find("transport") == std::string::npos);  // the callback is named, not guessed
        CHECK(s.find(" bytes") == std::string::npos);     // the selector reports no byte count
      } else if (status == "removed") {
        ++removed;
        CHECK(s.find("Nothing is queued") != std::string::npos);
        CHECK(s.find(" removes its reader or writer") != std::string::npos);
      }
    }
    CHECK(ready > 0);
    CHECK(removed > 0);

    // A reader or writer stays registered after its callback: told as such, not as a new wait.
    std::set<int32_t> cancelled;
    for (const Event& e : r.events)
      if (e.kind == Ev::ready_cancel) cancelled.insert(e.id);
    size_t starts_connect = 0, stays = 0;
    for (size_t i = 0; i < r.events.size(); ++i) {
      const Event& e = r.events[i];
      const std::string s = model::narrate(r.model, i);
      CAPTURE(s);
      if (e.kind == Ev::io_wait) {
        CHECK(s.find(" a accept") == std::string::npos);
        starts_connect += s.find("starts a connect") != std::string::npos;
        stays += s.find("stays registered") != std::string::npos;
      }
      // A handle the poll queued whose reader or writer is removed before its turn never runs.
      if (e.kind == Ev::ready_push && Cause(e.code) == Cause::io)
        CHECK(s.find(cancelled.count(e.id) ? "so it never runs" : "It runs later in this same iteration") !=
              std::string::npos);
    }
    if (std::string_view(program) == "sock_calls.py") {
      CHECK(starts_connect == 1);  // sock_connect's writer, still registered after _sock_connect_cb ran
      CHECK(stays >= 3);           // that writer, sock_accept's and sock_recv's readers
      CHECK(cancelled.size() >= 1);
    }
  }
}

TEST_CASE("a waiter cancelled before it takes its lock or item passes the wakeup on and is not said to release or put") {
  const auto rp = record_program("handoff.py");
  const Recorded& r = *rp;
  std::vector<std::string> wakeups;
  for (size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == Ev::ready_push && as<ev::ReadyPush>(r.events[i]).fn == HandleFn::task_wakeup)
      if (std::string s = model::narrate(r.model, i); s.find("asyncio.Lock") != std::string::npos ||
                                                      s.find("asyncio.Semaphore") != std::string::npos ||
                                                      s.find("get()") != std::string::npos)
        wakeups.push_back(s);
  // For each of the Lock and the Semaphore: main's release, w1's pass-on, w2's release;
  // then the queue: main's put, g1's pass-on.
  REQUIRE(wakeups.size() == 8);
  CAPTURE(wakeups[7]);
  CHECK(wakeups[6].find("Task-1 put an item into the queue") != std::string::npos);
  CHECK(wakeups[7].find("Task-8 was cancelled while it waited in get()") != std::string::npos);
  CHECK(wakeups[7].find("put an item") == std::string::npos);
  for (size_t k : {0, 3}) {
    CAPTURE(wakeups[k + 1]);
    CHECK(wakeups[k].find("Task-1 released the") != std::string::npos);
    CHECK(wakeups[k + 1].find("was cancelled while it waited for the") != std::string::npos);
    CHECK(wakeups[k + 1].find("passes the wakeup on") != std::string::npos);
    CHECK(wakeups[k + 1].find("released") == std::string::npos);
    CHECK(wakeups[k + 2].find(" released the") != std::string::npos);
  }
}

TEST_CASE("a process pool's result is queued by its manager thread, not told as a thread pool worker's") {
  const auto pool = record_program("process_pool.py");
  const std::vector<std::string> done = said(*pool, Ev::ready_push, HandleFn::pool_done);
  REQUIRE(done.size() == 5);  // one job, then four gathered
  for (const std::string& s : done) {
    CAPTURE(s);
    CHECK(s.find("ProcessPoolExecutor's manager thread") != std::string::npos);
    CHECK(s.find("thread-pool job") == std::string::npos);
  }
  const auto threads = record_program("to_thread_work.py");
  for (const std::string& s : said(*threads, Ev::ready_push, HandleFn::pool_done)) {
    CAPTURE(s);
    CHECK(s.find("its worker thread queues the callback") != std::string::npos);
  }
}

TEST_CASE("a future the program cancels wakes its waiter with CancelledError, and is not said to complete it") {
  const auto rp = record_program("future_cancel.py");
  const Recorded& r = *rp;
  CHECK(r.out == "w1 saw CancelledError; cancelling() = 0\nw2 saw CancelledError; cancelling() = 1\n"
                 "w1 cancelled: True w2 cancelled: True\n");
  std::string w1, w2;
  for (size_t i = 0; i < r.events.size(); ++i) {
    if (r.events[i].kind != Ev::ready_push || as<ev::ReadyPush>(r.events[i]).fn != HandleFn::task_wakeup) continue;
    const std::string t = r.model.task(r.events[i].task)->name;
    if (t == "w1") {
      CHECK(as<ev::ReadyPush>(r.events[i]).future_cancelled);
      CHECK(as<ev::ReadyPush>(r.events[i]).cause == Cause::future);
      w1 = model::narrate(r.model, i);
    } else if (t == "w2") {
      CHECK_FALSE(as<ev::ReadyPush>(r.events[i]).future_cancelled);
      CHECK(as<ev::ReadyPush>(r.events[i]).cause == Cause::cancel);
      w2 = model::narrate(r.model, i);
    }
  }
  CAPTURE(w1);
  CAPTURE(w2);
  CHECK(w1.find("Task-1 cancelled the future w1 awaits (Future.cancel())") != std::string::npos);
  CHECK(w1.find("CancelledError is raised at its await") != std::string::npos);
  CHECK(w1.find("w1 itself was not cancelled") != std::string::npos);
  CHECK(w1.find("completed") == std::string::npos);
  CHECK(w1.find("resumes after its await") == std::string::npos);
  // Task.cancel() cancelled the future w2 awaits: that is w2's own cancellation.
  CHECK(w2.find("w2 has been cancelled") != std::string::npos);
}

TEST_CASE("a subprocess's pipe is told as a pipe, not a socket, when it is watched and when the poll reports it") {
  const auto rp = record_program("threads_and_subprocess.py");
  const Recorded& r = *rp;
  size_t waits = 0, reports = 0;
  for (size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    if (e.kind != Ev::io_wait && e.kind != Ev::io_done) continue;
    const std::string s = model::narrate(r.model, i);
    CAPTURE(s);
    CHECK(s.find("socket") == std::string::npos);
    if (e.kind == Ev::io_wait) waits += s.find("pipe fd ") != std::string::npos;
    else reports += s.find("reports the pipe ready") != std::string::npos;
  }
  CHECK(waits > 0);
  CHECK(reports > 0);
}
