// sequential-server: the synchronous socket server of every asyncio talk.
// Blocking accept/recv/sleep/sendall hold the loop thread, so clients are
// served one at a time: each waits behind the ones before it. The clients run
// on a second event loop in another thread (trace loop 1), as a test script
// hammering the server would.
#include <cstdio>

#include "core/blocking.hpp"
#include "core/blocking_socket.hpp"
#include "core/client_loop.hpp"
#include "registry.hpp"
#include "server_clients.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
import socket
import threading
import time

N_CLIENTS = ${clients}
WORK = ${work}


def serve(listener):
    for _ in range(N_CLIENTS):
        conn, _ = listener.accept()    # blocks until a client connects  # @accept
        request = conn.recv(1024)      # blocks until it sends  # @recv
        time.sleep(WORK)               # the work: blocks everything  # @work
        conn.sendall(b"reply to " + request)  # @sendall
        conn.close()


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


listener = socket.create_server(("127.0.0.1", 0))  # @listener
port = listener.getsockname()[1]
driver = threading.Thread(target=asyncio.run, args=(clients(port),))
driver.start()   # the clients run on their own event loop, in another thread  # @driver
serve(listener)
driver.join()  # @join
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int accept, recv, work, sendall, listener, driver, join;
  ClientLines clients;
} L;


void serve(BlockingListener& listener, int n_clients, double work) {
  for (int i = 0; i < n_clients; ++i) {
    BlockingSocket conn = listener.accept(L.accept);
    std::string request = conn.recv(1024, L.recv);
    block_sleep(work, L.work);
    conn.sendall("reply to " + request, L.sendall);
    conn.close();
  }
}

Coroutine sequential_main(const Params& p) {
  int n = p.integer("clients");
  at_line(L.listener);
  BlockingListener listener("127.0.0.1", 0);
  int port = listener.port();
  at_line(L.driver);
  ClientLoop& driver = start_client_loop([port, n] { return drive_clients(port, n, L.clients); });
  serve(listener, n, p.num("work"));
  blocking(BlockKind::syscall, L.join, "driver.join()", [&] { driver.join(); });
  co_return {};
}

}  // namespace

Scenario scenario_sequential_server() {
  Scenario s;
  s.id = "sequential-server";
  s.entry = Entry::none;  // a plain serve(listener) on the main thread: no event loop there
  s.title = "A sequential server: one client at a time";
  s.lesson =
      "Every call in serve() blocks the loop thread: while the server sleeps on one client's work, the others "
      "sit in the listen queue. Three clients that arrive together are answered after 1x, 2x and 3x the work. "
      "Watch the red 'loop blocked' stretches and the clients waiting on loop 1.";
  Listing listing("sequential-server", kListing);
  L = {.accept = listing.line("accept"), .recv = listing.line("recv"), .work = listing.line("work"),
      .sendall = listing.line("sendall"), .listener = listing.line("listener"), .driver = listing.line("driver"),
      .join = listing.line("join"), .clients = {listing.line("client_start"), listing.line("client_open"),
      listing.line("client_write"), listing.line("client_drain"), listing.line("client_read"),
      listing.line("client_close"), listing.line("client_wait_closed"), listing.line("client_return"),
      listing.line("clients_gather"), listing.line("clients_print")}};
  s.listing = listing.text();
  s.params = {integer_param("clients", "3", 1, 8, "clients that connect at once"),
              {"work", "2.0", 0.05, 5, {}, "seconds of work per request (time.sleep)"}};
  s.main = sequential_main;
  return s;
}

}  // namespace loopscope
