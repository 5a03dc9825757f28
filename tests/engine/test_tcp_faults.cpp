// Socket faults on real loopback, reaching the coroutine as asyncio raises
// them: a peer's reset, a half-close, a refused connection, an address in use.
#include "core/server.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("a peer that closes with RST makes the server's pending read raise ConnectionResetError") {
  Trace trace;
  std::string server_error;
  auto handler = [&server_error](StreamReader& r, StreamWriter& w) -> Coroutine {
    return [](StreamReader& reader, StreamWriter& writer, std::string* err) -> Coroutine {
      writer.write("ready\n");
      try {
        co_await reader.read(100).at(5);
      } catch (const ConnectionResetError& e) {
        *err = e.what();
      }
      writer.close();
      co_return {};
    }(r, w, &server_error);
  };
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(handler).at(10);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(11);
    co_await reader.readline().at(12);  // the handler now waits in read()
    writer.close_reset();
    co_await sleep(0.02).at(14);
    server.close();
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(server_error == "[Errno 104] Connection reset by peer");
  bool traced = false;
  for (const Event& e : o.events)
    traced |= e.kind == Ev::io_done && IoKind(e.code) == IoKind::read && e.s1 && std::string(e.s1) == "ECONNRESET";
  CHECK(traced);
  check_clean(o);
}

TEST_CASE("after the peer's half-close the server reads b'' at EOF yet can still write its reply") {
  Trace trace;
  std::vector<std::string> server_saw;
  auto handler = [&server_saw](StreamReader& r, StreamWriter& w) -> Coroutine {
    return [](StreamReader& reader, StreamWriter& writer, std::vector<std::string>* saw) -> Coroutine {
      saw->push_back((co_await reader.readline().at(3)).str());
      saw->push_back((co_await reader.read(100).at(4)).str());  // b"": the client sent FIN
      saw->push_back(reader.at_eof() ? "at_eof" : "not at eof");
      writer.write("reply after EOF\n");
      co_await writer.drain().at(7);
      writer.close();
      co_await writer.wait_closed().at(9);
      co_return {};
    }(r, w, &server_saw);
  };
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server(handler).at(10);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(11);
    writer.write("request\n");
    writer.write_eof();  // shutdown(SHUT_WR): we still read
    Value reply = co_await reader.read(-1).at(14);  // to EOF
    writer.close();
    co_await writer.wait_closed().at(16);
    server.close();
    co_return reply;
  });
  CHECK(o.error.empty());
  CHECK(server_saw == std::vector<std::string>{"request\n", "", "at_eof"});
  CHECK(o.result.str() == "reply after EOF\n");
  check_clean(o);
}

TEST_CASE("connecting to a port where nothing listens raises ConnectionRefusedError") {
  Trace trace;
  std::string error;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    // A port that was just free: listen on an ephemeral one, then close it.
    Server& probe = co_await start_server([](StreamReader&, StreamWriter&) -> Coroutine { co_return {}; }).at(3);
    int port = probe.port();
    probe.close();
    co_await probe.wait_closed().at(5);
    try {
      co_await open_connection("127.0.0.1", port).at(7);
    } catch (const ConnectionRefusedError& e) {
      error = e.what();
      CHECK(e.type() == "ConnectionRefusedError");
      CHECK(error == "[Errno 111] Connect call failed ('127.0.0.1', " + std::to_string(port) + ")");
    }
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK_FALSE(error.empty());
  bool traced = false;
  for (const Event& e : o.events)
    traced |= e.kind == Ev::io_done && IoKind(e.code) == IoKind::connect && e.s1 && std::string(e.s1) == "ECONNREFUSED";
  CHECK(traced);
  check_clean(o);
}

TEST_CASE("a second server on a port in use raises OSError: address already in use") {
  Trace trace;
  std::string error;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    auto idle = [](StreamReader&, StreamWriter&) -> Coroutine { co_return {}; };
    Server& first = co_await start_server(idle).at(3);
    try {
      co_await start_server(idle, "127.0.0.1", first.port()).at(5);
    } catch (const OSError& e) {
      error = e.what();
      CHECK(e.type() == "OSError");
    }
    CHECK(first.is_serving());
    first.close();
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(error.find("[Errno 98] error while attempting to bind on address ('127.0.0.1', ") == 0);
  CHECK(error.find("): address already in use") != std::string::npos);
  check_clean(o);
}

TEST_CASE("cancelling a task that waits in read ends its io wait and leaves the connection usable") {
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Server& server = co_await start_server([](StreamReader& r, StreamWriter& w) -> Coroutine {
      return [](StreamReader&, StreamWriter& writer) -> Coroutine {
        co_await sleep(0.03).at(4);
        writer.write("late\n");
        co_return {};
      }(r, w);
    }).at(10);
    auto [reader, writer] = co_await open_connection("127.0.0.1", server.port()).at(11);
    StreamReader* rd = &reader;
    Task& waiter = create_task([](StreamReader* r) -> Coroutine { co_return co_await r->readline().at(20); }(rd));
    co_await sleep(0.01).at(12);
    waiter.cancel();
    bool cancelled = false;
    try {
      co_await at(waiter, 14);
    } catch (const CancelledError&) {
      cancelled = true;
    }
    CHECK(cancelled);
    Value line = co_await reader.readline().at(16);  // a new wait is allowed after the cancelled one
    writer.close();
    server.close();
    co_return line;
  });
  CHECK(o.error.empty());
  CHECK(o.result.str() == "late\n");
  bool cancelled_op = false;
  for (const Event& e : o.events)
    cancelled_op |= e.kind == Ev::io_done && IoKind(e.code) == IoKind::read && e.s1 && std::string(e.s1) == "cancelled";
  CHECK(cancelled_op);
  check_clean(o);
}
