// concurrent-server: the same service written with asyncio.start_server. The
// handler awaits read and asyncio.sleep(work), so while one request "works",
// the loop serves the others: all clients are answered in about `work`.
#include "core/client_loop.hpp"
#include "core/event.hpp"
#include "core/server.hpp"
#include "registry.hpp"
#include "server_clients.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
import time


N_CLIENTS = ${clients}
WORK = ${work}


async def handle(reader, writer):
    request = await reader.read(1024)  # @read
    await asyncio.sleep(WORK)          # the work: waits, the loop serves others  # @work
    writer.write(b"reply to " + request)  # @write
    await writer.drain()  # @drain
    writer.close()  # @close
    await writer.wait_closed()  # @wait_closed
    served.append(request)  # @served
    if len(served) == N_CLIENTS:
        all_served.set()


async def client(name, port):
    start = time.perf_counter()  # @client_start
    reader, writer = await asyncio.open_connection("127.0.0.1", port)  # @client_open
    writer.write(name.encode())  # @client_write
    await writer.drain()  # @client_drain
    reply = await reader.read(1024)  # @client_read
    writer.close()  # @client_close
    await writer.wait_closed()  # @client_wait_closed
    return f"{name}: {reply.decode()!r} after {time.perf_counter() - start:.1f} s"  # @client_return


async def clients(port):
    lines = await asyncio.gather(  # @clients_gather
        *(client(f"client{i}", port) for i in range(1, N_CLIENTS + 1)))
    for line in lines:
        print(line)  # @clients_print


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)  # @start_server
    port = server.sockets[0].getsockname()[1]
    # the clients run on their own event loop, in another thread
    driver = asyncio.ensure_future(asyncio.to_thread(asyncio.run, clients(port)))  # @driver
    driver.add_done_callback(lambda _: all_served.set())  # clients that fail end the wait too
    await all_served.wait()  # @all_served
    server.close()  # @server_close
    await server.wait_closed()  # @server_wait_closed
    await driver     # what the clients ended with: their error, if any  # @await_driver


served, all_served = [], asyncio.Event()
asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int read, work, write, drain, close, wait_closed, served, start_server, driver, all_served, server_close,
      server_wait_closed, await_driver;
  ClientLines clients;
} L;


struct Served {
  std::vector<std::string> requests;
  AsyncEvent all;
  int n_clients = 0;
  double work = 0;
};

// The listing's handle(reader, writer); its state comes as an argument, so it
// lives in the coroutine frame (server.hpp: one idiom for server callbacks).
Coroutine handle(StreamReader& reader, StreamWriter& writer, Served* served) {
  Value request = co_await reader.read(1024).at(L.read);
  co_await sleep(served->work).at(L.work);
  at_line(L.write);
  writer.write("reply to " + request.str());
  co_await writer.drain().at(L.drain);
  at_line(L.close);
  writer.close();
  co_await writer.wait_closed().at(L.wait_closed);
  at_line(L.served);
  served->requests.push_back(request.str());
  if (int(served->requests.size()) == served->n_clients) served->all.set();
  co_return {};
}

Coroutine concurrent_main(const Params& p) {
  Served served;
  served.n_clients = p.integer("clients");
  served.work = p.num("work");
  ClientConnected cb = [s = &served](StreamReader& r, StreamWriter& w) { return handle(r, w, s); };
  Server& server = co_await start_server(std::move(cb), "127.0.0.1", 0).at(L.start_server);
  int port = server.port();
  int n = served.n_clients;
  at_line(L.driver);
  ClientLoop& driver = start_client_loop([port, n] { return drive_clients(port, n, L.clients); });
  // The callback may run after main's frame is gone (a stopped run): it holds its own handle on the event.
  struct EventRef : Owned {
    EventRef(Loop&, AsyncEvent e) : ev(std::move(e)) {}
    AsyncEvent ev;
  };
  EventRef* all = running_loop().make<EventRef>(served.all);
  driver.done().add_done_callback([](void* ev, void*) { static_cast<EventRef*>(ev)->ev.set(); }, all, -1,
                                  "main.<locals>.<lambda>", HandleFn::callback);
  co_await served.all.wait(L.all_served);
  at_line(L.server_close);
  server.close();
  co_await server.wait_closed().at(L.server_wait_closed);
  co_await at(driver.done(), L.await_driver, Wait::future);  // raises what the clients raised (EMFILE, ...)
  co_return {};
}

}  // namespace

Scenario scenario_concurrent_server() {
  Scenario s;
  s.id = "concurrent-server";
  s.title = "A concurrent server with asyncio.start_server";
  s.lesson =
      "Each connection gets its own handler task. While one handler awaits asyncio.sleep(WORK), the loop is "
      "free to accept and serve the others, so all clients are answered after about 1x the work, not N times "
      "it. Compare with sequential-server.";
  Listing listing("concurrent-server", kListing);
  L = {.read = listing.line("read"), .work = listing.line("work"), .write = listing.line("write"),
      .drain = listing.line("drain"), .close = listing.line("close"), .wait_closed = listing.line("wait_closed"),
      .served = listing.line("served"), .start_server = listing.line("start_server"), .driver = listing.line("driver"),
      .all_served = listing.line("all_served"), .server_close = listing.line("server_close"),
      .server_wait_closed = listing.line("server_wait_closed"), .await_driver = listing.line("await_driver"),
      .clients = {listing.line("client_start"), listing.line("client_open"), listing.line("client_write"),
      listing.line("client_drain"), listing.line("client_read"), listing.line("client_close"),
      listing.line("client_wait_closed"), listing.line("client_return"), listing.line("clients_gather"),
      listing.line("clients_print")}};
  s.listing = listing.text();
  s.params = {integer_param("clients", "3", 1, 16, "clients that connect at once"),
              {"work", "2.0", 0.05, 5, {}, "seconds of work per request (asyncio.sleep)"}};
  s.main = concurrent_main;
  return s;
}

}  // namespace loopscope
