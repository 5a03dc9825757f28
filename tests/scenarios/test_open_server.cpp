// concurrent-server's open server mode: real outside clients (plain POSIX sockets on
// another thread, and curl against the real binary) over loopback.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "loopback_client.hpp"
#include "scenarios/open_server.hpp"
#include "support/scenario_run.hpp"

namespace loopscope::test {
namespace {

// What the client thread saw, checked after the run (doctest asserts stay on the main thread).
struct Seen {
  std::vector<std::string> concurrent;
  std::string malformed, huge, silent, after;
};

// Until the engine has read `bytes` bytes in one read on some connection (an io.done of
// kind read in the live trace, which readers may poll while the loop writes it).
void wait_for_read(const Trace& trace, int64_t bytes) {
  TraceReader reader(trace);
  for (size_t seen = 0;;) {  // ctest's timeout bounds a broken build
    reader.poll();
    const std::vector<Event>& ev = reader.events();
    for (; seen < ev.size(); ++seen)
      if (ev[seen].kind == Ev::io_done && ev[seen].code == uint8_t(IoKind::read) && ev[seen].num == bytes) return;
    std::this_thread::yield();
  }
}

void misbehave_then_get(int port, Seen& seen, const Trace& trace) {
  // Three at once: all sent before any reply is read.
  std::vector<int> fds;
  for (int i = 1; i <= 3; ++i) {
    fds.push_back(connect_to(port));
    send_all(fds.back(), "GET /c" + std::to_string(i) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  }
  for (int fd : fds) seen.concurrent.push_back(read_to_eof(fd));

  int bad = connect_to(port);
  send_all(bad, "HELLO THERE\r\n\r\n");
  seen.malformed = read_to_eof(bad);

  int huge = connect_to(port);  // 150 header lines: over the 100-line cap
  std::string head = "GET /huge HTTP/1.1\r\n";
  for (int i = 0; i < 150; ++i) head += "X-Filler: " + std::to_string(i) + "\r\n";
  send_all(huge, head + "\r\n");
  seen.huge = read_to_eof(huge);

  seen.silent = read_to_eof(connect_to(port));  // sends nothing: the server hangs up after its read timeout

  int half = connect_to(port);
  const std::string part = "GET /half HTTP/1.1\r\nHost: loc";
  send_all(half, part);
  wait_for_read(trace, int64_t(part.size()));  // the server holds half a request: now hang up
  linger reset{1, 0};  // close() now sends RST
  setsockopt(half, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  ::close(half);

  seen.after = get(port, "/after");
}

bool has_print(const ScenarioRun& r, const std::string& prefix) {
  for (const std::string& p : r.prints())
    if (p.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("the open server answers concurrent outside clients and survives bad ones until its duration") {
  const Scenario* s = find_scenario("concurrent-server");
  REQUIRE(s);
  ScenarioRun r;
  OpenServerOptions o;
  o.duration = 4;  // long enough for the clients on a loaded machine; the run must end there
  o.read_timeout = 0.3;
  o.stop_on_sigint = false;
  Seen seen;
  std::thread clients;
  o.on_listening = [&](int port) { clients = std::thread(misbehave_then_get, port, std::ref(seen), std::cref(*r.trace)); };
  r.result = run_open_server(*s, s->resolve({"work=0.2"}), *r.trace, o);
  clients.join();
  r.events = merged_events(*r.trace);

  CHECK_MESSAGE(r.result.ok, r.result.error);
  CHECK(r.result.value == "4");  // /c1 /c2 /c3 /after

  REQUIRE(seen.concurrent.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(seen.concurrent[i].rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(seen.concurrent[i].find("Connection: close") != std::string::npos);
    CHECK(seen.concurrent[i].find("GET /c" + std::to_string(i + 1) + " was served by task <b>127.0.0.1:") !=
          std::string::npos);
  }
  CHECK(seen.malformed.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(seen.huge.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(seen.silent == "");  // closed by the server, no reply, no client-side timeout
  CHECK(seen.after.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);

  {  // each outside connection is an accept and a handler task named after its peer
    int accepted = 0, handlers = 0;
    for (const Event& e : r.events) {
      if (e.kind == Ev::io_done && e.code == uint8_t(IoKind::accept) && std::string(e.s1) == "ok") ++accepted;
      if (e.kind == Ev::task_new && std::string(e.s1).rfind("127.0.0.1:", 0) == 0) ++handlers;
    }
    CHECK(accepted == 8);
    CHECK(handlers == 8);
  }

  {  // the three concurrent handlers sleep at the same time
    std::map<int32_t, std::string> served;  // task -> path, from the "served GET /cN" prints
    for (const Event& e : r.events)
      if (e.kind == Ev::print && std::string(e.s1).rfind("served GET /c", 0) == 0) served[e.task] = e.s1;
    REQUIRE(served.size() == 3);
    std::map<int32_t, int64_t> slept, woke;
    for (const Event& e : r.events) {
      if (!served.count(e.task)) continue;
      if (e.kind == Ev::step_end && e.code == uint8_t(Wait::sleep)) slept[e.task] = e.t_ns;
      if (e.kind == Ev::step_begin && slept.count(e.task) && !woke.count(e.task)) woke[e.task] = e.t_ns;
    }
    REQUIRE(slept.size() == 3);
    REQUIRE(woke.size() == 3);
    int64_t last_sleep = 0, first_wake = INT64_MAX;
    for (auto& [t, ns] : slept) last_sleep = std::max(last_sleep, ns);
    for (auto& [t, ns] : woke) first_wake = std::min(first_wake, ns);
    CHECK_MESSAGE(last_sleep < first_wake, "every handler is asleep before the first one wakes");
  }

  {  // bad clients are traced and the server keeps going
    CHECK(has_print(r, "400 Bad Request to 127.0.0.1:"));
    bool silent = false, vanished = false;
    for (const std::string& p : r.prints()) {
      silent |= p.find("sent no request within 0.3 s: closing") != std::string::npos;
      vanished |= p.find("vanished: ConnectionResetError") != std::string::npos ||
                  p.find("hung up mid-request") != std::string::npos;
    }
    CHECK(silent);
    CHECK(vanished);
    CHECK(has_print(r, "served GET /after to 127.0.0.1:"));
  }

  {  // run.begin tells a viewer which listing the lines belong to
    REQUIRE(!r.events.empty());
    REQUIRE(r.events.front().kind == Ev::run_begin);
    CHECK(std::string(r.events.front().s1) == "concurrent-server");
    std::string params = r.events.front().s2;
    CHECK_MESSAGE(params.find("\"mode\": \"listen\"") != std::string::npos, params);
    CHECK_MESSAGE(params.find("\"read_timeout\": 0.3") != std::string::npos, params);
  }

  {  // the run ends at its duration with every handle closed
    CHECK(has_print(r, "stopping: 4 s are up"));
    CHECK(r.result.duration_ns >= int64_t(4e9));
  }
  CHECK(r.result.loop_close_rc == 0);
  CHECK(live_frames().load() == 0);
}

TEST_CASE("loopscope run concurrent-server --listen 0 serves curl and stops cleanly on Ctrl-C") {
  std::string events = temp_path("events.jsonl");
  Child child = Child::spawn({LOOPSCOPE_BINARY, "run", "concurrent-server", "--listen", "0", "--duration", "30",
                              "--set", "work=0.1", "--events", events});
  REQUIRE(child.pid > 0);
  std::string url = child.wait_for_url(child.err);
  REQUIRE_MESSAGE(!url.empty(), slurp(child.err));
  Process page = run("curl -s -i --max-time 20 " + url + "hello");
  Process icon = run("curl -s -o /dev/null -w '%{http_code}' --max-time 20 " + url + "favicon.ico");
  int status = child.interrupt();

  CHECK(page.code == 0);
  CHECK(page.out.rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(page.out.find("GET /hello was served by task <b>127.0.0.1:") != std::string::npos);
  CHECK(icon.out == "404");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::string e = slurp(child.err), o = slurp(child.out);
  CHECK_MESSAGE(e.find("concurrent-server: ok in ") != std::string::npos, e);
  CHECK(o.find("served GET /hello to 127.0.0.1:") != std::string::npos);
  CHECK(o.find("stopping: SIGINT") != std::string::npos);
  CHECK(slurp(events).find("\"ev\": \"run.end\"") != std::string::npos);
  child.remove_files();
  std::remove(events.c_str());
}

TEST_CASE("loopscope source concurrent-server --listen prints the open server mode's own listing, filled in") {
  Process open = run(loopscope_cmd("source concurrent-server --listen 8080 --duration 12 --set work=0.5"));
  CHECK(open.code == 0);
  CHECK(open.out.find("asyncio.start_server(handle, \"127.0.0.1\", PORT)") != std::string::npos);
  CHECK(open.out.find("PORT = 8080 ") != std::string::npos);
  CHECK(open.out.find("DURATION = 12 ") != std::string::npos);
  CHECK(open.out.find("WORK = 0.5 ") != std::string::npos);
  CHECK(open.out.find("${") == std::string::npos);
  const Scenario* s = find_scenario("concurrent-server");
  REQUIRE(s);
  OpenServerOptions o;
  o.port = 8080;
  o.duration = 12;
  CHECK(open.out == open_server_scenario().source(open_server_params(s->resolve({"work=0.5"}), o)));

  Process plain = run(loopscope_cmd("source concurrent-server"));
  CHECK(plain.out == s->source(s->resolve({})));  // without --listen: the classic demo

  Process wrong = run(loopscope_cmd("source gather --listen 0"));
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("--listen works with concurrent-server only") != std::string::npos);
}

TEST_CASE("the open server mode's scenario runs from its params alone and stops at its duration") {
  ScenarioRun r;
  const Scenario& open = open_server_scenario();
  r.result = run_scenario(open, open.resolve({"duration=0.3", "work=0.05"}), *r.trace);
  r.events = merged_events(*r.trace);
  CHECK_MESSAGE(r.result.ok, r.result.error);
  REQUIRE(r.prints().size() == 2);
  CHECK(r.prints()[0].rfind("listening on http://127.0.0.1:", 0) == 0);
  CHECK(r.prints()[1] == "stopping: 0.3 s are up");
  CHECK(r.result.loop_close_rc == 0);
  CHECK(live_frames().load() == 0);
}

TEST_CASE("an open run's params resolve against the open server mode's scenario, as a viewer loading its trace does") {
  OpenServerOptions o;
  o.port = 0;
  o.duration = 7.5;
  Params p = open_server_params(find_scenario("concurrent-server")->resolve({}), o);
  CHECK(is_open_server_run(p));
  CHECK_FALSE(is_open_server_run(find_scenario("concurrent-server")->resolve({})));
  std::vector<std::string> sets;
  for (const auto& [k, v] : p.values) sets.push_back(k + "=" + v);
  Params again = open_server_scenario().resolve(sets);
  CHECK(again.values == p.values);
  CHECK(open_server_scenario().source(again).find("DURATION = 7.5 ") != std::string::npos);
}

}  // namespace loopscope::test
