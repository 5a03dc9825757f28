#include "server.hpp"

#include <cctype>
#include <cstdint>

#include "os_error.hpp"

namespace loopscope {

Server::Server(Loop& loop, ClientConnected cb) : loop_(loop), cb_(std::move(cb)) {
  loop.init_tcp(tcp_);
  tcp_.data = this;
  closed_ = loop.make<Future>("server closed");
  loop.on_close([this] {
    if (!closing_) {
      closing_ = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), nullptr);
    }
  });
}

int Server::listen(const std::string& host, int port) {
  host_ = host;
  sockaddr_storage addr;
  int rc = resolve_loopback(host, port, addr);
  // libuv reports EADDRINUSE from bind or, deferred, from listen.
  if (rc == 0) rc = uv_tcp_bind(&tcp_, reinterpret_cast<sockaddr*>(&addr), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&tcp_), 128, &Server::on_connection);
  if (rc < 0) return rc;
  int len = sizeof addr;
  uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = addr.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                                    : ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  target_ = loop_.intern(address_text(addr));
  listening_ = true;
  Task* t = current_task();
  task_ = t ? t->id() : -1;
  wait_accept();
  return 0;
}

void Server::wait_accept() {
  accept_op_ = loop_.next_op_id();
  Event e = loop_.event(Ev::io_wait);
  e.id = accept_op_;
  e.task = task_;
  e.code = uint8_t(IoKind::accept);
  e.s1 = target_;
  loop_.emit(e);
}

namespace {
void emit_accept_done(Loop& loop, int32_t op, int32_t task, const char* status) {
  Event e = loop.event(Ev::io_done);
  e.id = op;
  e.task = task;
  e.code = uint8_t(IoKind::accept);
  e.s1 = status;
  loop.emit(e);
}
}  // namespace

void Server::on_connection(uv_stream_t* st, int status) {
  auto* s = static_cast<Server*>(st->data);
  if (s->closing_) return;
  if (status < 0) {
    emit_accept_done(s->loop_, s->accept_op_, s->task_, uv_err_name(status));
    if (status == UV_EMFILE || status == UV_ENFILE) {
      // libuv would call back again at once, for ever: nothing can be accepted
      // until a descriptor is freed. asyncio logs "socket.accept() out of
      // system resource" and retries in a second; here, as any error in a
      // callback does (docs/engine.md), it ends the run: the server closes and
      // the OSError is raised from a ready handle on the loop.
      s->close();
      ReadyHandle h;
      h.fn = [](void*, void* code) { std::rethrow_exception(os_error(int(reinterpret_cast<intptr_t>(code)))); };
      h.b = reinterpret_cast<void*>(intptr_t(status));
      h.label = "server: accept failed";
      h.what = HandleFn::io_callback;
      s->loop_.queue_io(h, Cause::io);
      return;
    }
    s->wait_accept();
    return;
  }
  Connection& c = new_connection(s->loop_);
  if (uv_accept(st, reinterpret_cast<uv_stream_t*>(&connection_tcp(c))) != 0) return;  // closed with the loop
  connection_established(c);
  emit_accept_done(s->loop_, s->accept_op_, s->task_, "ok");
  s->wait_accept();
  // The handler task is created by a ready handle, never inside the libuv callback.
  ReadyHandle h;
  h.fn = &Server::connection_made_cb;
  h.a = s;
  h.b = &c;
  h.label = "server: client_connected_cb";
  h.what = HandleFn::io_callback;
  s->loop_.queue_io(h, Cause::io);
}

void Server::connection_made_cb(void* server, void* conn) {
  auto* s = static_cast<Server*>(server);
  auto* c = static_cast<Connection*>(conn);
  create_task(s->cb_(connection_reader(*c), connection_writer(*c)));
}

void Server::close() {
  if (closing_) return;
  closing_ = true;
  if (listening_) emit_accept_done(loop_, accept_op_, task_, "closed");
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) {
    auto* s = static_cast<Server*>(h->data);
    ReadyHandle cb;
    cb.fn = [](void* a, void*) {
      auto* f = static_cast<Future*>(a);
      if (!f->done()) f->set_result({});
    };
    cb.a = s->closed_;
    cb.label = "server: closed";
    cb.what = HandleFn::io_callback;
    s->loop_.queue_io(cb, Cause::io);
  });
  if (serving_forever_ && !serving_forever_->done()) serving_forever_->cancel();
}

namespace {
Coroutine wait_future(Future* f) {
  co_await at(*f, 0, Wait::io, AwaitOn::future);
  co_return {};
}
}  // namespace

IoCall Server::wait_closed() { return IoCall(wait_future(closed_)); }

Coroutine Server::serve_forever_impl(Server* s) {
  if (s->serving_forever_) throw RuntimeError("server is already being awaited on serve_forever()");
  if (s->closing_) throw RuntimeError("server is closed");
  s->serving_forever_ = s->loop_.make<Future>("serve_forever");
  std::exception_ptr cancelled;
  try {
    co_await at(*s->serving_forever_, 0, Wait::io, AwaitOn::future);  // accepting happens in callbacks
  } catch (const CancelledError&) {
    cancelled = std::current_exception();
  }
  s->serving_forever_ = nullptr;
  if (cancelled) {
    // `except CancelledError: self.close(); await self.wait_closed(); raise`
    s->close();
    co_await at(*s->closed_, 0, Wait::io, AwaitOn::future);
    std::rethrow_exception(cancelled);
  }
  co_return {};
}

IoCall Server::serve_forever() { return IoCall(serve_forever_impl(this)); }

// [SECTION] start_server

bool StartServer::await_ready() {
  at_line(line_);
  Loop& loop = running_loop();
  server_ = loop.make<Server>(std::move(cb_));
  int rc = server_->listen(host_, port_);
  if (rc == 0) return false;
  server_->close();
  if (rc == UV_EADDRINUSE) {
    // Python 3.11: OSError(errno, 'error while attempting to bind on address %r: %s')
    std::string text = uv_strerror(rc);
    for (char& ch : text) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    error_ = std::make_exception_ptr(OSError("[Errno " + std::to_string(-rc) +
                                             "] error while attempting to bind on address ('" + host_ + "', " +
                                             std::to_string(port_) + "): " + text));
  } else {
    error_ = os_error(rc);
  }
  return true;
}

void StartServer::await_suspend(std::coroutine_handle<> h) {
  Yield y;
  y.kind = Yield::Kind::bare;  // create_server ends with `await tasks.sleep(0)`
  current_driver().suspend_on(h, std::move(y));
}

Server& StartServer::await_resume() {
  at_line(line_);
  if (error_) std::rethrow_exception(error_);
  if (auto e = current_driver().take_throw()) std::rethrow_exception(e);
  return *server_;
}

}  // namespace loopscope
