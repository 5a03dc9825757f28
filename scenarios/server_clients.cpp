#include "server_clients.hpp"

#include <uv.h>

#include <cstdio>

#include "core/stream.hpp"

namespace loopscope {

namespace {
Coroutine client(std::string name, int port, ClientLines L) {
  at_line(L.start);
  uint64_t start = uv_hrtime();
  auto [reader, writer] = co_await open_connection("127.0.0.1", port).at(L.open);
  at_line(L.write);
  writer.write(name);
  co_await writer.drain().at(L.drain);
  Value reply = co_await reader.read(1024).at(L.read);
  at_line(L.close);
  writer.close();
  co_await writer.wait_closed().at(L.wait_closed);
  at_line(L.ret);
  char took[32];
  std::snprintf(took, sizeof took, "%.1f", double(uv_hrtime() - start) / 1e9);
  co_return name + ": " + Value(reply.str()).repr() + " after " + took + " s";
}
}  // namespace

Coroutine drive_clients(int port, int n_clients, ClientLines L) {
  std::vector<Awaitable> calls;
  for (int i = 1; i <= n_clients; ++i) {
    std::string name = "client" + std::to_string(i);
    calls.emplace_back(client(name, port, L).named(name));
  }
  Value lines = co_await at(gather_list(std::move(calls), false), L.gather);
  for (const Value& line : lines.list()) print(L.print, line.str());
  co_return {};
}

}  // namespace loopscope
