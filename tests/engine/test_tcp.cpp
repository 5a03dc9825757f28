// TCP streams on real loopback sockets: start_server, open_connection,
// read / readline / readexactly / write / drain / close, on one loop and
// across two loops (the client on loop 1, its own thread).
#include "core/blocking.hpp"
#include "core/client_loop.hpp"
#include "core/server.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

namespace {

// async def echo(reader, writer): line = await reader.readline(); writer.write(line); ...
Coroutine echo(StreamReader& reader, StreamWriter& writer, std::vector<std::string>* seen) {
  Value line = co_await reader.readline().at(2);
  seen->push_back(line.str());
  writer.write(line.str());
  co_await writer.drain().at(4);
  writer.close();
  co_await writer.wait_closed().at(6);
  co_return {};
}

ClientConnected echo_handler(std::vector<std::string>& seen) {
  return [&seen](StreamReader& r, StreamWriter& w) { return echo(r, w, &seen); };
}

// async def ask(port, text): reader, writer = await asyncio.open_connection(...); ...
Coroutine ask(int port, std::string text) {
  auto [reader, writer] = co_await open_connection("127.0.0.1", port).at(10);
  writer.write(text);
  co_await writer.drain().at(12);
  Value reply = co_await reader.readline().at(13);
  writer.close();
  co_await writer.wait_closed().at(15);
  co_return reply;
}

const Event* find_event(const RunOutcome& o, Ev kind, IoKind io, int loop = 0) {
  for (const Event& e : o.events)
    if (e.kind == kind && e.code == uint8_t(io) && e.loop == loop) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("an echo server and its client on the same loop exchange a line over loopback") {
  Trace trace;
  std::vector<std::string> seen;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(echo_handler(seen), "127.0.0.1", 0).at(20);
    CHECK(server.port() > 0);
    Value reply = co_await ask(server.port(), "hello\n");
    server.close();
    co_await server.wait_closed().at(24);
    co_return reply;
  });
  CHECK(o.error.empty());
  CHECK(o.result.str() == "hello\n");
  CHECK(seen == std::vector<std::string>{"hello\n"});
  // Every kind of socket action is in the trace, with its op id.
  for (IoKind k : {IoKind::accept, IoKind::connect, IoKind::read, IoKind::write, IoKind::close}) {
    CAPTURE(name(k));
    CHECK(find_event(o, Ev::io_wait, k) != nullptr);
    CHECK(find_event(o, Ev::io_done, k) != nullptr);
  }
  check_clean(o);
}

TEST_CASE("a task waiting on a read wakes one iteration after its bytes are fed to the reader") {
  Trace trace;
  std::vector<std::string> seen;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(echo_handler(seen)).at(20);
    co_await ask(server.port(), "ping\n");
    server.close();
    co_return {};
  });
  REQUIRE(o.error.empty());
  // The server handler's read: io.wait (op), io.done in the poll of iteration N,
  // the data_received handle runs in N, the handler's next step begins in N + 1.
  const Event* wait = nullptr;
  for (const Event& e : o.events)
    if (e.kind == Ev::io_wait && e.code == uint8_t(IoKind::read)) {
      wait = &e;
      break;
    }
  REQUIRE(wait != nullptr);
  const Event* done = nullptr;
  for (const Event& e : o.events)
    if (e.kind == Ev::io_done && e.id == wait->id) done = &e;
  REQUIRE(done != nullptr);
  CHECK(std::string(done->s1) == "ok");
  CHECK(done->num == 5);
  uint32_t fed = 0, resumed = 0;
  for (const Event& e : o.events) {
    if (e.kind == Ev::ready_run && e.s1 && std::string(e.s1) == "stream: data_received" && e.it >= done->it && !fed)
      fed = e.it;
    if (e.kind == Ev::step_begin && e.task == wait->task && e.seq > done->seq && !resumed) resumed = e.it;
  }
  CHECK(fed == done->it);
  CHECK(resumed == done->it + 1);
  check_clean(o);
}

TEST_CASE("readline and readexactly cut the byte stream where asked, and read returns b'' at EOF") {
  Trace trace;
  std::vector<std::string> got;
  auto handler = [&got](StreamReader& r, StreamWriter& w) -> Coroutine {
    return [](StreamReader& reader, StreamWriter& writer, std::vector<std::string>* got) -> Coroutine {
      got->push_back((co_await reader.readline().at(3)).str());
      got->push_back((co_await reader.readexactly(4).at(4)).str());
      got->push_back((co_await reader.readexactly(4).at(5)).str());
      got->push_back((co_await reader.read(100).at(6)).str());  // what is left of the last chunk
      got->push_back((co_await reader.read(100).at(7)).str());  // b"" at EOF
      try {
        co_await reader.readexactly(1).at(9);
      } catch (const IncompleteReadError& e) {
        got->push_back(e.repr());
      }
      writer.close();
      co_return {};
    }(r, w, &got);
  };
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(handler).at(20);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(21);
    // Pieces that do not line up with the reads, a few iterations apart.
    for (const char* piece : {"first li", "ne\nAB", "CDEF", "GHtail"}) {
      writer.write(piece);
      co_await sleep(0.01).at(23);
    }
    writer.close();
    co_await writer.wait_closed().at(25);
    (void)reader;
    co_await sleep(0.02).at(26);
    server.close();
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(got == std::vector<std::string>{"first line\n", "ABCD", "EFGH", "tail", "",
                                         "IncompleteReadError('0 bytes read on a total of 1 expected bytes')"});
  check_clean(o);
}

TEST_CASE("an I/O completion joins the ready queue before a timer that is due in the same iteration") {
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    auto handler = [](StreamReader& r, StreamWriter&) -> Coroutine {
      return [](StreamReader& reader) -> Coroutine {
        co_await reader.read(10).at(3);
        co_return {};
      }(r);
    };
    Server& server = co_await start_server(handler).at(20);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(21);
    co_await sleep(0.02).at(22);  // the handler now waits in read()
    Task& sleeper = create_task([]() -> Coroutine {
      co_await sleep(0.01).at(30);
      co_return {};
    }());
    co_await sleep(0).at(23);  // the sleeper arms its 10 ms timer
    writer.write("x");
    block_sleep(0.03, 24);  // holds the loop: the timer and the byte are both due at the next poll
    co_await at(sleeper, 24);
    writer.close();
    server.close();
    (void)reader;
    co_return {};
  });
  REQUIRE(o.error.empty());
  int64_t io_push = -1, timer_push = -1;
  uint32_t it = 0;
  // Find the iteration where the data arrived (io.done read with 1 byte) and compare pushes there.
  for (const Event& e : o.events)
    if (e.kind == Ev::io_done && e.code == uint8_t(IoKind::read) && e.num == 1) it = e.it;
  REQUIRE(it > 0);
  for (const Event& e : o.events) {
    if (e.it != it || e.kind != Ev::ready_push) continue;
    if (Cause(e.code) == Cause::io && io_push < 0) io_push = int64_t(e.seq);
    if (Cause(e.code) == Cause::timer && timer_push < 0) timer_push = int64_t(e.seq);
  }
  CHECK(io_push >= 0);
  CHECK(timer_push >= 0);
  CHECK(io_push < timer_push);
  check_clean(o);
}

TEST_CASE("the client side can run on a second loop, on its own thread, against the server's port") {
  Trace trace;
  std::vector<std::string> seen;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(echo_handler(seen)).at(20);
    int port = server.port();
    ClientLoop& clients = start_client_loop([port]() -> Coroutine { return ask(port, "from loop 1\n"); });
    Value reply = co_await at(clients.done(), 22);
    server.close();
    co_await server.wait_closed().at(24);
    clients.join();
    CHECK(clients.close_rc() == 0);
    co_return reply;
  });
  CHECK(o.error.empty());
  CHECK(o.result.str() == "from loop 1\n");
  CHECK(seen == std::vector<std::string>{"from loop 1\n"});
  // The client's connect and read happened on loop 1; the accept on loop 0.
  CHECK(find_event(o, Ev::io_done, IoKind::connect, 1) != nullptr);
  CHECK(find_event(o, Ev::io_done, IoKind::read, 1) != nullptr);
  CHECK(find_event(o, Ev::io_done, IoKind::accept, 0) != nullptr);
  CHECK(find_event(o, Ev::io_done, IoKind::connect, 0) == nullptr);
  size_t loop1_steps = 0;
  for (const Event& e : o.events) loop1_steps += e.kind == Ev::step_begin && e.loop == 1;
  CHECK(loop1_steps >= 3);
  check_clean(o);
}

TEST_CASE("drain waits while more than 64 KiB is queued, and close still delivers every queued byte") {
  Trace trace;
  const std::string block(16 << 20, 'z');  // 16 MiB: more than loopback socket buffers hold
  size_t received = 0;
  bool eof_after = false;
  auto handler = [&](StreamReader& r, StreamWriter& w) -> Coroutine {
    return [](StreamReader& reader, StreamWriter& writer, size_t* got, bool* eof) -> Coroutine {
      co_await sleep(0.02).at(3);  // let the client's buffer fill up
      *got = (co_await reader.readexactly(32 << 20).at(4)).str().size();
      *eof = (co_await reader.read(10).at(5)).str().empty();
      writer.close();
      co_return {};
    }(r, w, &received, &eof_after);
  };
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(handler).at(20);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(21);
    writer.write(block);
    co_await writer.drain().at(23);  // really waits: the peer is not reading yet
    writer.write(block);
    writer.close();  // closes only once the second block is sent
    co_await writer.wait_closed().at(26);
    co_await sleep(0.05).at(27);
    server.close();
    (void)reader;
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(received == size_t(32 << 20));
  CHECK(eof_after);
  bool drain_waited = false;
  for (const Event& e : o.events)
    drain_waited |= e.kind == Ev::io_wait && IoKind(e.code) == IoKind::write && e.s1 && std::string(e.s1) == "drain";
  CHECK(drain_waited);
  check_clean(o);
}
