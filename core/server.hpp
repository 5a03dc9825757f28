// asyncio.start_server over a real listening uv_tcp_t: every accepted
// connection gets a new task running the handler with its reader and writer.
//
//   Coroutine handle(StreamReader& reader, StreamWriter& writer, State* st) { ... }
//   ClientConnected cb = [st](StreamReader& r, StreamWriter& w) { return handle(r, w, st); };
//   Server& server = co_await start_server(std::move(cb), "127.0.0.1", 0).at(20);
//   int port = server.port();                 // port 0 asks for an ephemeral one
//   ...
//   server.close();
//   co_await server.wait_closed().at(25);
//
// The one idiom for a server callback (every scenario's server uses it): the
// handler is a free coroutine function that takes its state as arguments, so
// the state is copied into its frame; a plain (non-coroutine) lambda binds it
// and is named before the co_await. A coroutine lambda with captures would
// keep them in the lambda object, not the frame, and a capturing lambda
// written inside the co_await meets GCC 12's double destruction
// (docs/engine.md).
//
// The listening socket is traced as an io op of kind accept (io.wait when the
// server starts listening or accepts, io.done per accepted connection).
#pragma once

#include <functional>
#include <string>

#include "stream.hpp"

namespace loopscope {

using ClientConnected = std::function<Coroutine(StreamReader&, StreamWriter&)>;

class Server : public Owned {
 public:
  Server(Loop& loop, ClientConnected cb);
  // The port actually bound (the ephemeral one when 0 was asked for).
  int port() const { return port_; }
  const std::string& host() const { return host_; }
  bool is_serving() const { return listening_ && !closing_; }
  // Stop listening. Open connections stay open, as in Python 3.11.
  void close();
  // Until the listening socket is closed.
  IoCall wait_closed();
  // Until close() (then raises CancelledError, as asyncio's serve_forever does) or
  // until the awaiting task is cancelled (then closes the server).
  IoCall serve_forever();

 private:
  friend class StartServer;
  int listen(const std::string& host, int port);
  void wait_accept();
  static void on_connection(uv_stream_t* s, int status);
  static void connection_made_cb(void* server, void* conn);
  static Coroutine serve_forever_impl(Server* s);

  Loop& loop_;
  ClientConnected cb_;
  uv_tcp_t tcp_{};
  std::string host_;
  int port_ = 0;
  int32_t accept_op_ = -1, task_ = -1;
  const char* target_ = "server";
  Future* closed_;
  Future* serving_forever_ = nullptr;
  bool listening_ = false, closing_ = false;
};

// `await asyncio.start_server(cb, host, port)`. Binding or listening errors
// (OSError "address already in use") are raised without yielding; otherwise
// the task yields once, as create_server's trailing sleep(0) does.
class [[nodiscard]] StartServer {
 public:
  StartServer(ClientConnected cb, std::string host, int port)
      : cb_(std::move(cb)), host_(std::move(host)), port_(port) {}
  StartServer&& at(int line) && {
    line_ = line;
    return std::move(*this);
  }
  bool await_ready();
  void await_suspend(std::coroutine_handle<> h);
  Server& await_resume();

 private:
  ClientConnected cb_;
  std::string host_;
  int port_;
  int line_ = 0;
  Server* server_ = nullptr;
  std::exception_ptr error_;
};

inline StartServer start_server(ClientConnected cb, std::string host = "127.0.0.1", int port = 0) {
  return StartServer(std::move(cb), std::move(host), port);
}

}  // namespace loopscope
