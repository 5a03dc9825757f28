// web-scraper: HTTP GETs against a small local server, all at once with
// gather or one after another. The server takes `latency` to answer each
// page, so gather fetches every page in about one latency, the loop about N.
// HTTP is parsed with http-parser (Debian's libhttp-parser).

#include "core/server.hpp"
#include "http.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def handle(reader, writer):
    request_line = await reader.readline()  # @readline
    while await reader.readline() not in (b"\r\n", b""):  # @skip_headers
        pass  # skip the headers
    path = request_line.split()[1].decode()
    await asyncio.sleep(${latency})  # the server takes a while to answer  # @latency
    body = f"<h1>Page {path}</h1>".encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()  # @handle_drain
    writer.close()
    await writer.wait_closed()  # @handle_wait_closed


async def fetch(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)  # @open
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()  # @fetch_drain
    response = await reader.read()  # the server closes when it is done  # @read
    writer.close()
    await writer.wait_closed()  # @fetch_wait_closed
    head, _, body = response.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode()
    return f"{path}: {status}, {len(body)} bytes"


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)  # @start_server
    port = server.sockets[0].getsockname()[1]
    paths = [f"/page{i}" for i in range(1, ${pages} + 1)]
    if "${mode}" == "concurrent":
        results = await asyncio.gather(*(fetch(port, path) for path in paths))  # @gather
    else:
        results = [await fetch(port, path) for path in paths]  # @one_by_one
    for line in results:
        print(line)  # @print
    server.close()
    await server.wait_closed()  # @server_wait_closed


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int readline, skip_headers, latency, handle_drain, handle_wait_closed, open, fetch_drain, read, fetch_wait_closed,
      start_server, gather, one_by_one, print, server_wait_closed;
} L;

// [SECTION] HTTP parsing

// Malformed input raises ValueError with http-parser's description.
HttpMessage parse_http_or_raise(const std::string& data, http_parser_type type) {
  HttpMessage m = parse_http(data, type);
  if (!m.error.empty()) throw ValueError("bad HTTP: " + m.error);
  return m;
}

// [SECTION] Server and client

Coroutine handle(StreamReader& reader, StreamWriter& writer, double latency) {
  std::string head = (co_await reader.readline().at(L.readline)).str();
  for (;;) {
    std::string line = (co_await reader.readline().at(L.skip_headers)).str();
    head += line;
    if (line == "\r\n" || line.empty()) break;
  }
  std::string path = parse_http_or_raise(head, HTTP_REQUEST).url;
  co_await sleep(latency).at(L.latency);
  std::string body = "<h1>Page " + path + "</h1>";
  writer.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  co_await writer.drain().at(L.handle_drain);
  writer.close();
  co_await writer.wait_closed().at(L.handle_wait_closed);
  co_return {};
}

Coroutine fetch(int port, std::string path) {
  auto [reader, writer] = co_await open_connection("127.0.0.1", port).at(L.open);
  writer.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  co_await writer.drain().at(L.fetch_drain);
  std::string response = (co_await reader.read().at(L.read)).str();
  writer.close();
  co_await writer.wait_closed().at(L.fetch_wait_closed);
  HttpMessage m = parse_http_or_raise(response, HTTP_RESPONSE);
  std::string status = "HTTP/" + std::to_string(m.major) + "." + std::to_string(m.minor) + " " +
                       std::to_string(m.status) + " " + m.reason;
  co_return path + ": " + status + ", " + std::to_string(m.body) + " bytes";
}

Coroutine web_scraper_main(const Params& p) {
  const double latency = p.num("latency");
  ClientConnected cb = [latency](StreamReader& r, StreamWriter& w) { return handle(r, w, latency); };
  Server& server = co_await start_server(std::move(cb), "127.0.0.1", 0).at(L.start_server);
  const int port = server.port();
  std::vector<std::string> paths;
  for (int i = 1; i <= p.integer("pages"); ++i) paths.push_back("/page" + std::to_string(i));
  List results;
  if (p.text("mode") == "concurrent") {
    std::vector<Awaitable> fetches;
    for (const std::string& path : paths) fetches.emplace_back(fetch(port, path).named("fetch " + path));
    results = (co_await at(gather_list(std::move(fetches), false), L.gather)).list();
  } else {
    for (const std::string& path : paths) {
      Coroutine one = fetch(port, path);
      at_line(L.one_by_one);
      results.push_back(co_await one);
    }
  }
  for (const Value& line : results) print(L.print, line.str());
  server.close();
  co_await server.wait_closed().at(L.server_wait_closed);
  co_return {};
}

}  // namespace

Scenario scenario_web_scraper() {
  Scenario s;
  s.id = "web-scraper";
  s.title = "Web scraper: gather against one by one";
  s.lesson =
      "Each page takes the server `latency` to answer. With gather, every request is sent at once and the waits "
      "overlap: all pages arrive after about one latency. Fetching them one after another in a loop waits for each "
      "answer before sending the next request, so it takes about pages x latency. Same code, same server.";
  Listing listing("web-scraper", kListing);
  L = {.readline = listing.line("readline"), .skip_headers = listing.line("skip_headers"),
      .latency = listing.line("latency"), .handle_drain = listing.line("handle_drain"),
      .handle_wait_closed = listing.line("handle_wait_closed"), .open = listing.line("open"),
      .fetch_drain = listing.line("fetch_drain"), .read = listing.line("read"),
      .fetch_wait_closed = listing.line("fetch_wait_closed"), .start_server = listing.line("start_server"),
      .gather = listing.line("gather"), .one_by_one = listing.line("one_by_one"), .print = listing.line("print"),
      .server_wait_closed = listing.line("server_wait_closed")};
  s.listing = listing.text();
  s.params = {{"mode", "concurrent", 0, 0, {"concurrent", "sequential"}, "gather the fetches, or await them in turn"},
              integer_param("pages", "3", 1, 10, "pages to fetch"),
              {"latency", "0.1", 0.01, 2, {}, "seconds the server takes per page"}};
  s.main = web_scraper_main;
  return s;
}

}  // namespace loopscope
