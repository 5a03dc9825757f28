// Open server mode of concurrent-server (see open_server.hpp).
//
// [SECTION] The listing
// [SECTION] HTTP request heads (http-parser)
// [SECTION] Stop requests
// [SECTION] The handler: one task per outside connection
// [SECTION] main: listen until the duration or SIGINT, then close everything
// [SECTION] The open server mode as a scenario
#include "open_server.hpp"

#include <uv.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/event.hpp"
#include "core/server.hpp"
#include "http.hpp"

namespace loopscope {
namespace {

// [SECTION] The listing

// Runs unchanged under python3 (with the ${...} filled in) and prints what the
// engine prints. Python checks the request line with a split; the engine parses
// the head with http-parser and applies the same request-line rule, so both
// answer the same status to well-formed requests, to garbage and to oversized
// heads. (http-parser is stricter about methods and header syntax: a head such as
// "BREW / HTTP/1.1" gets 400 from the engine and 200 from python3.)
const char* kListing = R"PY(import asyncio
import html
import signal

PORT = ${listen}  # 0: any free port
DURATION = ${duration}  # seconds of listening (Ctrl-C stops sooner)
WORK = ${work}  # seconds of work per request
READ_TIMEOUT = ${read_timeout}  # seconds a client gets to send its request head
GRACE = ${grace}  # seconds requests in flight get after the stop


async def read_head(reader):
    head = b""
    while True:
        line = await reader.readline()  # @readline
        if not line:
            return head, "eof"
        head += line
        if line in (b"\r\n", b"\n"):
            return head, "head"
        if head.count(b"\n") >= 100 or len(head) > 8192:
            return head, "too large"


def parse(head):
    """(method, path) from the request line, or None if it is malformed."""
    words = head.splitlines()[0].decode("latin-1").split(" ")
    if len(words) == 3 and words[2] in ("HTTP/1.0", "HTTP/1.1"):
        return words[0], words[1]


def reply(status, body):
    body = body.encode("latin-1")
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def page(method, path):
    task = asyncio.current_task().get_name()
    return ("<!doctype html><title>asyncio</title><h1>Hello from asyncio</h1>"
            f"<p>{html.escape(method + ' ' + path)} was served by task <b>{task}</b>.</p>"
            "<p>Reload several tabs at once: their handlers sleep concurrently.</p>\n")


async def handle(reader, writer):
    peer = "%s:%d" % writer.get_extra_info("peername")[:2]
    me = asyncio.current_task()
    me.set_name(peer)                   # one handler task per client, named after it
    in_flight.add(me)
    try:
        head, ended = await asyncio.wait_for(read_head(reader), READ_TIMEOUT)  # @wait_head
        request = parse(head) if ended == "head" else None
        if ended == "eof":
            print(f"{peer} hung up {'mid-request' if head else 'without a request'}")  # @print_hung_up
        elif request is None:
            print(f"400 Bad Request to {peer}: malformed or oversized request head")  # @print_400
            writer.write(reply("400 Bad Request", "<h1>400 Bad Request</h1>\n"))
        elif request[1] == "/favicon.ico":
            print(f"404 for {request[0]} {request[1]} from {peer}")  # @print_404
            writer.write(reply("404 Not Found", "<h1>404 Not Found</h1>\n"))
        else:
            await asyncio.sleep(WORK)   # the work: meanwhile the loop serves others  # @sleep_work
            writer.write(reply("200 OK", page(*request)))
            served.append(request)
            print(f"served {request[0]} {request[1]} to {peer}")  # @print_served
        await writer.drain()  # @drain
        writer.close()
        await writer.wait_closed()  # @wait_closed
    except TimeoutError:
        print(f"{peer} sent no request within {READ_TIMEOUT:g} s: closing")  # @print_silent
    except ConnectionError as e:        # reset mid-request or mid-reply
        print(f"{peer} vanished: {e!r}")  # @print_vanished
    except asyncio.CancelledError:
        print(f"{peer}: handler cancelled by the stop")  # @print_cancelled
        raise
    finally:
        in_flight.discard(me)
        writer.close()


async def main():
    stop = asyncio.get_running_loop().create_future()  # its result: the signal's name
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, kill
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, sig.name)
    server = await asyncio.start_server(handle, "127.0.0.1", PORT)  # @start_server
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}/ for {DURATION:g} s")  # @print_listening
    try:
        print(f"stopping: {await asyncio.wait_for(stop, DURATION)}")  # @wait_stop @print_sigint
    except TimeoutError:
        print(f"stopping: {DURATION:g} s are up")  # @print_time_up
    server.close()
    await server.wait_closed()  # @server_wait_closed
    if in_flight:  # requests in flight may finish; after GRACE the rest are cancelled
        try:
            await asyncio.wait_for(asyncio.gather(*in_flight, return_exceptions=True), GRACE)  # @wait_in_flight
        except TimeoutError:
            print(f"cancelled the handlers still running after {GRACE:g} s")  # @print_grace_over
    return len(served)


in_flight, served = set(), []
asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`) the coroutines below stand at,
// resolved once: when the scenario is registered, or by the first run.
struct Lines {
  int readline, wait_head, print_hung_up, print_400, print_404, sleep_work, print_served, drain, wait_closed,
      print_silent, print_vanished, print_cancelled, start_server, print_listening, wait_stop, print_sigint,
      print_time_up, server_wait_closed, wait_in_flight, print_grace_over;
};
const Listing& listing() {
  static const Listing l("concurrent-server (open)", kListing);
  return l;
}
const Lines& lines() {
  static const Lines l = [] {
    const Listing& listing = loopscope::listing();
    return Lines{
        .readline = listing.line("readline"),
        .wait_head = listing.line("wait_head"),
        .print_hung_up = listing.line("print_hung_up"),
        .print_400 = listing.line("print_400"),
        .print_404 = listing.line("print_404"),
        .sleep_work = listing.line("sleep_work"),
        .print_served = listing.line("print_served"),
        .drain = listing.line("drain"),
        .wait_closed = listing.line("wait_closed"),
        .print_silent = listing.line("print_silent"),
        .print_vanished = listing.line("print_vanished"),
        .print_cancelled = listing.line("print_cancelled"),
        .start_server = listing.line("start_server"),
        .print_listening = listing.line("print_listening"),
        .wait_stop = listing.line("wait_stop"),
        .print_sigint = listing.line("print_sigint"),
        .print_time_up = listing.line("print_time_up"),
        .server_wait_closed = listing.line("server_wait_closed"),
        .wait_in_flight = listing.line("wait_in_flight"),
        .print_grace_over = listing.line("print_grace_over")};
  }();
  return l;
}

constexpr size_t kMaxHead = 8 * 1024;
constexpr int kMaxHeadLines = 100;

std::string format_g(double x) {  // Python's f"{x:g}"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// [SECTION] HTTP request heads (http-parser)

struct Request {
  std::string method, path;
};

// The listing's parse(head): the method and path of a well-formed HTTP/1.0 or
// 1.1 request head, or nullopt.
std::optional<Request> parse(const std::string& head) {
  HttpMessage m = parse_http(head, HTTP_REQUEST);
  if (!m.error.empty() || !m.head_complete || m.major != 1 || m.minor > 1) return std::nullopt;
  return Request{m.method, m.url};
}

std::string reply(const std::string& status, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// The listing decodes the request line as latin-1 and prints text: GET /\xff
// prints "/ÿ" under python3, so the engine prints the same UTF-8.
std::string latin1(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c < 0x80) out += char(c);
    else out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
  }
  return out;
}

std::string html_escape(const std::string& s) {  // Python's html.escape
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      default: out += c;
    }
  }
  return out;
}

// What a browser shows: which task served the page.
std::string page(const Request& r) {
  return "<!doctype html><title>asyncio</title><h1>Hello from asyncio</h1><p>" + html_escape(r.method + " " + r.path) +
         " was served by task <b>" + current_task()->name() +
         "</b>.</p><p>Reload several tabs at once: their handlers sleep concurrently.</p>\n";
}

// [SECTION] Stop requests
// The listing's add_signal_handler(sig, stop.set_result, sig.name) is
// Loop::add_stop_handler (open_main): the loop runs it from a ready handle on
// the first stop request (Ctrl-C, SIGTERM, the window's Stop).

// [SECTION] The handler: one task per outside connection

struct OpenState {
  OpenServerOptions o;
  double work = 0, scale = 1;
  std::set<Task*> in_flight;
  int served = 0;
};

// read_head(reader): the head line by line, up to the blank line. Returns how
// it ended: "head", "eof" (the client hung up first) or "too large".
Coroutine read_head(StreamReader& reader, std::string* head) {
  for (;;) {
    std::string line = (co_await reader.readline().at(lines().readline)).str();
    if (line.empty()) co_return "eof";
    *head += line;
    if (line == "\r\n" || line == "\n") co_return "head";
    if (std::count(head->begin(), head->end(), '\n') >= kMaxHeadLines || head->size() > kMaxHead)
      co_return "too large";
  }
}

// handle(reader, writer): answers one request, whatever the client does; only a
// cancellation escapes. The task is already named after the peer (open_main).
Coroutine handle(StreamReader& reader, StreamWriter& writer, OpenState* st) {
  const std::string peer = writer.peername();
  Task* me = current_task();
  st->in_flight.insert(me);
  try {
    std::string head;
    std::string ended =
        (co_await wait_for(read_head(reader, &head), st->o.read_timeout / st->scale, lines().wait_head)).str();
    std::optional<Request> request = ended == "head" ? parse(head) : std::nullopt;
    if (ended == "eof") {
      print(lines().print_hung_up, peer + " hung up " + (head.empty() ? "without a request" : "mid-request"));
    } else if (!request) {
      print(lines().print_400, "400 Bad Request to " + peer + ": malformed or oversized request head");
      writer.write(reply("400 Bad Request", "<h1>400 Bad Request</h1>\n"));
    } else if (request->path == "/favicon.ico") {
      print(lines().print_404, "404 for " + latin1(request->method) + " " + latin1(request->path) + " from " + peer);
      writer.write(reply("404 Not Found", "<h1>404 Not Found</h1>\n"));
    } else {
      co_await sleep(st->work).at(lines().sleep_work);  // the lesson: concurrent clients' sleeps overlap
      writer.write(reply("200 OK", page(*request)));
      ++st->served;
      print(lines().print_served, "served " + latin1(request->method) + " " + latin1(request->path) + " to " + peer);
    }
    co_await writer.drain().at(lines().drain);
    writer.close();
    co_await writer.wait_closed().at(lines().wait_closed);
  } catch (const TimeoutError&) {
    print(lines().print_silent, peer + " sent no request within " + format_g(st->o.read_timeout) + " s: closing");
  } catch (const ConnectionError& e) {  // reset mid-request or mid-reply
    print(lines().print_vanished, peer + " vanished: " + e.repr());
  } catch (const CancelledError&) {
    print(lines().print_cancelled, peer + ": handler cancelled by the stop");
    st->in_flight.erase(me);
    writer.close();
    throw;
  }
  st->in_flight.erase(me);  // the listing's `finally:`
  writer.close();
  co_return {};
}

// [SECTION] main: listen until the duration or SIGINT, then close everything

Coroutine open_main(std::shared_ptr<OpenState> st) {
  Loop& loop = running_loop();
  Future* stop = loop.make<Future>("stop");
  if (st->o.stop_on_sigint) install_stop_signals();
  loop.add_stop_handler([stop](StopReason why) {
    if (!stop->done()) stop->set_result(Value(std::string(why == StopReason::sigterm ? "SIGTERM" : "SIGINT")));
  });
  OpenState* s = st.get();
  ClientConnected cb = [s](StreamReader& r, StreamWriter& w) { return handle(r, w, s).named(w.peername()); };
  loop.drop_connections_when_out_of_fds();  // a storm of outside clients must not end the run
  Server& server = co_await start_server(std::move(cb), "127.0.0.1", st->o.port).at(lines().start_server);
  print(lines().print_listening, "listening on http://127.0.0.1:" + std::to_string(server.port()) + "/ for " +
                             format_g(st->o.duration) + " s");
  if (st->o.on_listening) st->o.on_listening(server.port());

  try {
    Value name = co_await wait_for(*stop, st->o.duration / st->scale, lines().wait_stop);
    print(lines().print_sigint, "stopping: " + name.str());
  } catch (const TimeoutError&) {
    print(lines().print_time_up, "stopping: " + format_g(st->o.duration) + " s are up");
  }
  server.close();
  co_await server.wait_closed().at(lines().server_wait_closed);
  if (!st->in_flight.empty()) {
    std::vector<Awaitable> handlers;
    for (Task* t : st->in_flight) handlers.emplace_back(static_cast<Future*>(t));
    GatheringFuture& all = gather_list(std::move(handlers), true);
    try {
      co_await wait_for(all, st->o.grace / st->scale, lines().wait_in_flight);
    } catch (const TimeoutError&) {
      print(lines().print_grace_over, "cancelled the handlers still running after " + format_g(st->o.grace) + " s");
    }
  }
  co_return Value(int64_t(st->served));
}

Coroutine open_main_with(const OpenServerOptions& o, const Params& p, double scale) {
  auto st = std::make_shared<OpenState>();
  st->o = o;
  st->work = p.num("work");
  st->scale = scale;
  return open_main(std::move(st));
}

OpenServerOptions options_from(const Params& p) {
  OpenServerOptions o;
  o.port = p.integer("listen");
  o.duration = p.num("duration");
  o.read_timeout = p.num("read_timeout");
  o.grace = p.num("grace");
  return o;
}

}  // namespace

// [SECTION] The open server mode as a scenario

const Scenario& open_server_scenario() {
  static const Scenario s = [] {
    Scenario s;
    s.id = "concurrent-server";
    s.title = "A concurrent server with asyncio.start_server, open to outside clients";
    s.lesson =
        "The server keeps listening on loopback for real clients: curl, nc, a browser. Each connection gets its "
        "own handler task; while one awaits asyncio.sleep(WORK) the loop accepts and serves the others, and "
        "clients that send garbage, nothing, or vanish are answered or closed without stopping the server.";
    lines();  // a marker missing from the listing fails here, at registration
    s.listing = listing().text();
    s.params = {{"mode", "listen", 0, 0, {"listen"}, "open server mode: real outside clients"},
                integer_param("listen", "0", 0, 65535, "port on 127.0.0.1 (0: any free port)"),
                {"duration", "30", 0.1, 86400, {}, "seconds of listening (Ctrl-C stops sooner)"},
                {"read_timeout", "5", 0.01, 600, {}, "seconds a client gets to send its request head"},
                {"grace", "1", 0, 600, {}, "seconds requests in flight get after the stop"},
                {"work", "2.0", 0.05, 5, {}, "seconds of work per request (asyncio.sleep)"}};
    // Run from params alone (no on_listening hook); run_open_server passes its options.
    s.main = [](const Params& p) { return open_main_with(options_from(p), p, running_loop().options().time_scale); };
    return s;
  }();
  return s;
}

bool is_open_server_run(const Params& p) { return p.text("mode") == "listen"; }

Params open_server_params(const Params& p, const OpenServerOptions& o) {
  Params out;
  out.values["mode"] = "listen";
  out.values["listen"] = std::to_string(o.port);
  out.values["duration"] = format_g(o.duration);
  out.values["read_timeout"] = format_g(o.read_timeout);
  out.values["grace"] = format_g(o.grace);
  out.values["work"] = p.text("work");
  return out;
}

RunResult run_open_server(const Scenario& s, const Params& p, Trace& trace, const OpenServerOptions& o,
                          RunOptions opts) {
  Scenario open = open_server_scenario();
  open.id = s.id;
  double scale = opts.time_scale;
  open.main = [o, scale](const Params& q) { return open_main_with(o, q, scale); };
  return run_scenario(open, open_server_params(p, o), trace, opts);
}

}  // namespace loopscope
