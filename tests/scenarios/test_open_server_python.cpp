// concurrent-server's open server mode against its Python listing: python3 runs the
// listing and the engine runs open server mode, each on its own free loopback port;
// both get the same requests, one after another, and must print the same lines
// in the same order and send the same replies. Peer and server ports differ
// between the two runs, so "127.0.0.1:PORT" stands for every port when comparing.
#include <sys/wait.h>

#include <regex>
#include <set>
#include <thread>

#include "loopback_client.hpp"
#include "scenarios/open_server.hpp"
#include "support/scenario_run.hpp"

namespace loopscope::test {
namespace {

// The replies to: a good GET, a malformed request, a GET of the 404 path, and a
// client that connects and sends nothing (the server closes it after its read timeout).
struct Replies {
  std::string good, malformed, missing, silent;
};

Replies send_the_requests(int port) {
  Replies r;
  r.good = get(port, "/hello?x=<b>");
  r.malformed = exchange(port, "HELLO THERE\r\n\r\n");
  r.missing = get(port, "/favicon.ico");
  r.silent = read_to_eof(connect_to(port));
  return r;
}

std::string without_ports(const std::string& s) {
  static const std::regex port(R"(127\.0\.0\.1:\d+)");
  return std::regex_replace(s, port, "127.0.0.1:PORT");
}

std::vector<std::string> without_ports(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) out.push_back(without_ports(l));
  return out;
}

// The reply with its ports and its Content-Length (which counts the port's digits) left out.
std::string comparable(const std::string& reply) {
  static const std::regex length(R"(Content-Length: \d+)");
  return std::regex_replace(without_ports(reply), length, "Content-Length: N");
}

// A reply's Content-Length is its body's size.
bool length_is_right(const std::string& reply) {
  auto at = reply.find("Content-Length: "), body = reply.find("\r\n\r\n");
  if (at == std::string::npos || body == std::string::npos) return false;
  return std::stoul(reply.substr(at + 16)) == reply.size() - body - 4;
}

bool has(const std::string& line, const char* what) { return line.find(what) != std::string::npos; }

OpenServerOptions options() {
  OpenServerOptions o;
  o.duration = 60;  // a safety net: both runs are stopped with SIGINT once the requests are answered
  o.read_timeout = 0.3;
  o.grace = 1;
  return o;
}

bool no_python() {
  static const bool missing = std::system("python3 -c pass >/dev/null 2>&1") != 0;
  return missing;
}

}  // namespace

TEST_CASE("the open server mode's Python listing and the engine print the same lines and send the same replies" *
          doctest::skip(no_python()) * doctest::description("skipped without python3 (the CPython comparison)")) {
  const Scenario* concurrent = find_scenario("concurrent-server");
  REQUIRE(concurrent);
  const Params params = open_server_params(concurrent->resolve({"work=0.05"}), options());
  const std::string listing = open_server_scenario().source(params);

  // CPython: the listing as `loopscope source concurrent-server --listen 0` prints it.
  std::string py = temp_path("open_server.py");
  {
    std::ofstream f(py);
    f << listing;
  }
  Child python = Child::spawn({"python3", "-u", py});
  REQUIRE(python.pid > 0);
  std::string url = python.wait_for_url(python.out);
  REQUIRE_MESSAGE(!url.empty(), slurp(python.err));
  Replies from_python = send_the_requests(port_of(url));
  int status = python.interrupt();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_MESSAGE(slurp(python.err).empty(), slurp(python.err));  // no traceback, no "exception never retrieved"
  std::vector<std::string> python_prints = lines(slurp(python.out));
  python.remove_files();
  std::remove(py.c_str());

  // The engine, in this process: Ctrl-C comes from the client thread once it is done.
  ScenarioRun r;
  OpenServerOptions o = options();
  Replies from_engine;
  std::thread clients;
  o.on_listening = [&](int port) {
    clients = std::thread([port, &from_engine] {
      from_engine = send_the_requests(port);
      kill(getpid(), SIGINT);
    });
  };
  r.result = run_open_server(*concurrent, concurrent->resolve({"work=0.05"}), *r.trace, o);
  if (clients.joinable()) clients.join();
  r.events = merged_events(*r.trace);
  CHECK_MESSAGE(r.result.ok, r.result.error);

  const std::vector<std::string> expected = {
      "listening on http://127.0.0.1:PORT/ for 60 s",
      "served GET /hello?x=<b> to 127.0.0.1:PORT",
      "400 Bad Request to 127.0.0.1:PORT: malformed or oversized request head",
      "404 for GET /favicon.ico from 127.0.0.1:PORT",
      "127.0.0.1:PORT sent no request within 0.3 s: closing",
      "stopping: SIGINT",
  };
  CHECK(without_ports(r.prints()) == expected);
  CHECK(without_ports(python_prints) == without_ports(r.prints()));

  CHECK(from_engine.good.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(from_engine.good.find("GET /hello?x=&lt;b&gt; was served by task <b>127.0.0.1:") != std::string::npos);
  CHECK(from_engine.malformed.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(from_engine.missing.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(from_engine.silent == "");
  for (const std::string* reply : {&from_engine.good, &from_engine.malformed, &from_engine.missing})
    CHECK_MESSAGE(length_is_right(*reply), *reply);
  CHECK(comparable(from_python.good) == comparable(from_engine.good));
  CHECK(comparable(from_python.malformed) == comparable(from_engine.malformed));
  CHECK(comparable(from_python.missing) == comparable(from_engine.missing));
  CHECK(from_python.silent == from_engine.silent);

  {  // every step and print stands at an await or a print of this listing
    std::vector<std::string> code = lines(listing);
    auto line_of = [&](int n) { return n >= 1 && n <= int(code.size()) ? code[size_t(n - 1)] : std::string(); };
    std::set<int32_t> started;  // a task's first step begins before its first line: line 0
    int checked = 0;
    for (const Event& e : r.events) {
      if (e.kind == Ev::print) {
        CHECK_MESSAGE(has(line_of(e.line), "print("), "print at line " << e.line << ": " << e.s1);
      } else if (e.kind == Ev::step_begin) {
        bool first = started.insert(e.task).second;
        if (!first) CHECK_MESSAGE(has(line_of(e.line), "await "), "task " << e.task << " resumed at line " << e.line);
      } else if (e.kind == Ev::step_end) {
        std::string at = line_of(e.line);
        bool ok = e.code == uint8_t(Wait::none) ? has(at, "await ") || has(at, "print(") : has(at, "await ");
        CHECK_MESSAGE(ok, "task " << e.task << " stepped out at line " << e.line << ": " << at);
      } else {
        continue;
      }
      ++checked;
    }
    CHECK(checked > 30);
  }

  CHECK(r.result.loop_close_rc == 0);  // check_clean: every handle closed, no frame alive
  CHECK(live_frames().load() == 0);
}

}  // namespace loopscope::test
