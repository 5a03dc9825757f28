// Open server mode of concurrent-server (see open_server.hpp).
//
// [SECTION] HTTP request heads (http-parser)
// [SECTION] Ctrl-C: a uv_signal_t that only queues a completion
// [SECTION] The handler: one task per outside connection
// [SECTION] main: listen until the duration or SIGINT, then close everything
#include "open_server.hpp"

#include <http_parser.h>
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/event.hpp"
#include "core/server.hpp"

namespace loopscope {
namespace {

constexpr size_t kMaxHead = 8 * 1024;
constexpr int kMaxHeadLines = 100;

// [SECTION] HTTP request heads (http-parser)

struct Request {
  std::string method, url;
  bool complete = false;  // http-parser saw the end of the headers
  std::string error;      // http-parser's description when malformed
};

Request parse_request(const std::string& head) {
  Request r;
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_url = [](http_parser* p, const char* at, size_t n) {
    static_cast<Request*>(p->data)->url.append(at, n);
    return 0;
  };
  s.on_headers_complete = [](http_parser* p) {
    static_cast<Request*>(p->data)->complete = true;
    return 1;  // no body expected: skip it
  };
  http_parser p;
  http_parser_init(&p, HTTP_REQUEST);
  p.data = &r;
  http_parser_execute(&p, &s, head.data(), head.size());
  if (HTTP_PARSER_ERRNO(&p) != HPE_OK) r.error = http_errno_description(HTTP_PARSER_ERRNO(&p));
  else if (!r.complete) r.error = "incomplete request head";
  r.method = http_method_str(http_method(p.method));
  return r;
}

std::string reply(int status, const char* reason, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// What a browser shows: which task served the page, and when.
std::string page(const std::string& method, const std::string& url, const Task& task, uint32_t iteration) {
  return "<!doctype html><html><head><title>loopscope</title></head><body>"
         "<h1>Hello from loopscope</h1><p>" +
         method + " " + url + " was served by task <b>" + task.name() + "</b> (task " + std::to_string(task.id()) +
         ") at loop iteration " + std::to_string(iteration) +
         ".</p><p>Reload several tabs at once: their handlers sleep concurrently.</p></body></html>\n";
}

// [SECTION] Ctrl-C: a uv_signal_t that only queues a completion

// The callback runs inside the poll, so it runs no coroutine code: it queues a
// ready handle that sets the Event main awaits. The second Ctrl-C exits at once.
struct SigintWatch : Owned {
  SigintWatch(Loop& l, AsyncEvent stop) : loop(l), stop(std::move(stop)) {
    uv_signal_init(loop.uv(), &sig);
    sig.data = this;
    uv_signal_start(&sig, &SigintWatch::on_signal, SIGINT);
    loop.on_close([this] { close(); });
  }
  void close() {
    if (closed) return;
    closed = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&sig), nullptr);
  }
  static void on_signal(uv_signal_t* h, int) {
    auto* w = static_cast<SigintWatch*>(h->data);
    if (++w->count >= 2) {
      std::fprintf(stderr, "\nloopscope: second Ctrl-C, exiting now\n");
      std::_Exit(130);
    }
    std::fprintf(stderr, "\nloopscope: Ctrl-C, stopping (again to exit at once)\n");
    Handle done;
    done.fn = [](void* a, void*) { static_cast<SigintWatch*>(a)->stop.set(); };
    done.a = w;
    done.label = "signal: SIGINT";
    w->loop.queue_io(done, Cause::io);
  }
  Loop& loop;
  AsyncEvent stop;
  uv_signal_t sig{};
  int count = 0;
  bool closed = false;
};

// [SECTION] The handler: one task per outside connection

struct OpenState {
  OpenServerOptions o;
  double work = 0, scale = 1;
  std::set<Task*> in_flight;
  int served = 0;
};

// Reads the request head line by line into `head`, capped. Returns what ended
// it: "head" (the blank line), "eof" (the client hung up first) or "too large".
Coro read_head(StreamReader& reader, std::string* head) {
  for (int lines = 1;; ++lines) {
    std::string line = (co_await reader.readline()).str();
    if (line.empty()) co_return "eof";
    *head += line;
    if (line == "\r\n" || line == "\n") co_return "head";
    if (lines >= kMaxHeadLines || head->size() > kMaxHead) co_return "too large";
  }
}

// Answers one request, whatever the client does; only a cancellation escapes.
Coro serve_http(StreamReader& reader, StreamWriter& writer, OpenState* st) {
  Task* self = current_task();
  st->in_flight.insert(self);
  const std::string peer = writer.peername();
  try {
    std::string head, got;
    try {
      got = (co_await wait_for(read_head(reader, &head), st->o.read_timeout / st->scale)).str();
    } catch (const TimeoutError&) {
      print(0, peer + " sent no request within " + std::to_string(int(st->o.read_timeout * 1000)) + " ms: closing");
    }
    if (got == "eof") {
      print(0, peer + (head.empty() ? " hung up without a request" : " hung up mid-request"));
    } else if (!got.empty()) {
      Request req = got == "head" ? parse_request(head) : Request{.error = "request head over 8 KiB or 100 lines"};
      if (!req.error.empty()) {
        print(0, "400 Bad Request to " + peer + ": " + req.error);
        writer.write(reply(400, "Bad Request", "<h1>400 Bad Request</h1>\n"));
      } else if (req.url == "/favicon.ico") {
        print(0, "404 for " + req.method + " " + req.url + " from " + peer);
        writer.write(reply(404, "Not Found", "<h1>404 Not Found</h1>\n"));
      } else {
        co_await sleep(st->work);  // the lesson: concurrent clients' sleeps overlap
        writer.write(reply(200, "OK", page(req.method, req.url, *self, running_loop().iteration())));
        ++st->served;
        print(0, "served " + req.method + " " + req.url + " to " + peer);
      }
      co_await writer.drain();
    }
    writer.close();
    co_await writer.wait_closed();
  } catch (const ConnectionError& e) {  // reset mid-request or mid-reply
    print(0, peer + " vanished: " + e.repr());
    writer.close();
  } catch (const CancelledError&) {
    print(0, peer + ": handler cancelled by the stop");
    st->in_flight.erase(self);
    writer.close();
    throw;  // the stop cancelled this handler
  }
  st->in_flight.erase(self);
  co_return {};
}

// [SECTION] main: listen until the duration or SIGINT, then close everything

Coro open_main(std::shared_ptr<OpenState> st) {
  Loop& loop = running_loop();
  AsyncEvent stop;
  SigintWatch* sigint = st->o.stop_on_sigint ? loop.make<SigintWatch>(stop) : nullptr;
  OpenState* s = st.get();
  ClientConnected cb = [s](StreamReader& r, StreamWriter& w) { return serve_http(r, w, s).named(w.peername()); };
  Server& server = co_await start_server(std::move(cb), "127.0.0.1", st->o.port);
  char listening[160];
  std::snprintf(listening, sizeof listening, "listening on http://127.0.0.1:%d/ for %g s", server.port(),
                st->o.duration);
  print(0, listening);
  if (st->o.on_listening) st->o.on_listening(server.port());

  try {
    co_await wait_for(stop.wait(), st->o.duration / st->scale);
    print(0, "stopping: SIGINT");
  } catch (const TimeoutError&) {
    print(0, "stopping: " + std::to_string(int(st->o.duration)) + " s are up");
  }
  server.close();
  co_await server.wait_closed();
  if (!st->in_flight.empty()) {
    // Let the requests in flight finish; cancel what is still running after the grace period.
    std::vector<Awaitable> handlers;
    for (Task* t : st->in_flight) handlers.emplace_back(static_cast<Future*>(t));
    GatheringFuture& all = gather_list(std::move(handlers), true);
    try {
      co_await wait_for(all, st->o.grace / st->scale);
    } catch (const TimeoutError&) {
      char text[96];
      std::snprintf(text, sizeof text, "cancelled the handlers still running after %g s", st->o.grace);
      print(0, text);
    }
  }
  if (sigint) sigint->close();
  co_return Value(int64_t(st->served));
}

}  // namespace

RunResult run_open_server(const Scenario& s, const Params& p, Trace& trace, const OpenServerOptions& o,
                          RunOptions opts) {
  auto st = std::make_shared<OpenState>();
  st->o = o;
  st->work = p.num("work");
  st->scale = opts.time_scale;
  Scenario open = s;
  open.main = [st](const Params&) { return open_main(st); };
  Params shown = p;  // run.begin records the mode with the parameters
  shown.values["listen"] = std::to_string(o.port);
  shown.values["duration"] = std::to_string(o.duration);
  return run_scenario(open, shown, trace, opts);
}

}  // namespace loopscope
