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
    request = await reader.read(1024)
    await asyncio.sleep(WORK)          # the work: waits, the loop serves others
    writer.write(b"reply to " + request)
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    served.append(request)
    if len(served) == N_CLIENTS:
        all_served.set()


async def client(name, port):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(name.encode())
    await writer.drain()
    reply = await reader.read(1024)
    writer.close()
    await writer.wait_closed()
    return f"{name}: {reply.decode()!r} after {time.perf_counter() - start:.1f} s"


async def clients(port):
    lines = await asyncio.gather(
        *(client(f"client{i}", port) for i in range(1, N_CLIENTS + 1)))
    for line in lines:
        print(line)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # the clients run on their own event loop, in another thread
    driver = asyncio.ensure_future(asyncio.to_thread(asyncio.run, clients(port)))
    driver.add_done_callback(lambda _: all_served.set())  # clients that fail end the wait too
    await all_served.wait()
    server.close()
    await server.wait_closed()
    await driver     # what the clients ended with: their error, if any


served, all_served = [], asyncio.Event()
asyncio.run(main())
)PY";

constexpr ClientLines kClientLines{22, 23, 24, 25, 26, 27, 28, 29, 33, 36};

struct Served {
  std::vector<std::string> requests;
  AsyncEvent all;
  int n_clients = 0;
  double work = 0;
};

// The listing's handle(reader, writer); its state comes as an argument, so it
// lives in the coroutine frame (server.hpp: one idiom for server callbacks).
Coro handle(StreamReader& reader, StreamWriter& writer, Served* served) {
  Value request = co_await reader.read(1024).at(10);
  co_await sleep(served->work).at(11);
  at_line(12);
  writer.write("reply to " + request.str());
  co_await writer.drain().at(13);
  at_line(14);
  writer.close();
  co_await writer.wait_closed().at(15);
  at_line(16);
  served->requests.push_back(request.str());
  if (int(served->requests.size()) == served->n_clients) served->all.set();
  co_return {};
}

Coro concurrent_main(const Params& p) {
  Served served;
  served.n_clients = p.integer("clients");
  served.work = p.num("work");
  ClientConnected cb = [s = &served](StreamReader& r, StreamWriter& w) { return handle(r, w, s); };
  Server& server = co_await start_server(std::move(cb), "127.0.0.1", 0).at(40);
  int port = server.port();
  int n = served.n_clients;
  at_line(43);
  ClientLoop& driver = start_client_loop([port, n] { return drive_clients(port, n, kClientLines); });
  // The callback may run after main's frame is gone (a stopped run): it holds its own handle on the event.
  struct EventRef : Owned {
    EventRef(Loop&, AsyncEvent e) : ev(std::move(e)) {}
    AsyncEvent ev;
  };
  EventRef* all = running_loop().make<EventRef>(served.all);
  driver.done().add_done_callback([](void* ev, void*) { static_cast<EventRef*>(ev)->ev.set(); }, all, -1,
                                  "main.<locals>.<lambda>", HandleFn::callback);
  co_await served.all.wait(45);
  at_line(46);
  server.close();
  co_await server.wait_closed().at(47);
  co_await at(driver.done(), 48, Wait::future);  // raises what the clients raised (EMFILE, ...)
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
  s.listing = kListing;
  s.params = {integer_param("clients", "3", 1, 16, "clients that connect at once"),
              {"work", "2.0", 0.05, 5, {}, "seconds of work per request (asyncio.sleep)"}};
  s.main = concurrent_main;
  return s;
}

}  // namespace loopscope
