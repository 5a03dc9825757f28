// A connection that has closed gives back its 64 KiB read buffer and its
// closer at once, not when the run ends: an open server meets thousands.
#include "core/event.hpp"
#include "core/server.hpp"
#include "core/stream.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("closed connections release their read buffers and closers while the run goes on") {
  Trace trace;
  constexpr int kClients = 20;
  int64_t buffers_after = -1;
  size_t closers_before = 0, closers_after = 0;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    int handled = 0;
    AsyncEvent all_closed;
    auto handler = [&handled, all_closed](StreamReader& reader, StreamWriter& writer) -> Coroutine {
      return [](StreamReader& reader, StreamWriter& writer, int* handled, AsyncEvent done) -> Coroutine {
        Value line = co_await reader.readline().at(2);
        writer.write(line.str());
        co_await writer.drain().at(4);
        writer.close();
        co_await writer.wait_closed().at(6);  // connection_lost has run: the buffer is gone
        if (++*handled == kClients) done.set();
        co_return {};
      }(reader, writer, &handled, all_closed);
    };
    Server& server = co_await start_server(handler, "127.0.0.1", 0).at(10);
    closers_before = running_loop().closer_count();
    for (int i = 0; i < kClients; ++i) {
      auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(12);
      writer.write("hello\n");
      co_await writer.drain().at(14);
      co_await reader.readline().at(15);
      writer.close();
      co_await writer.wait_closed().at(17);
    }
    co_await all_closed.wait(19);
    buffers_after = connection_buffers_alive();
    closers_after = running_loop().closer_count();
    server.close();
    co_await server.wait_closed().at(22);
    co_return {};
  });
  REQUIRE(o.error.empty());
  // Before: 2 x 20 buffers of 64 KiB and 40 closers stayed until the run ended.
  CHECK(buffers_after == 0);
  CHECK(closers_after <= closers_before);
  check_clean(o);
}
