#include "stream.hpp"

#include <atomic>
#include <cstring>
#include <memory>

#include "os_error.hpp"
#include "sleep.hpp"

namespace loopscope {

namespace {
constexpr size_t kLimit = 64 * 1024;      // asyncio's StreamReader limit (_DEFAULT_LIMIT)
constexpr size_t kHighWater = 64 * 1024;  // the transport's write-buffer high-water mark
constexpr size_t kLowWater = kHighWater / 4;

int32_t current_task_id() {
  Task* t = current_task();
  return t ? t->id() : -1;
}
}  // namespace

namespace {
constexpr size_t kScratch = 64 * 1024;
std::atomic<int64_t> g_scratch_buffers{0};
}  // namespace

int64_t connection_buffers_alive() { return g_scratch_buffers.load(std::memory_order_relaxed); }

// [SECTION] Connection: the uv_tcp_t with asyncio's transport + protocol + reader state

class Connection : public Owned {
 public:
  explicit Connection(Loop& l) : loop(l), reader(*this), writer(*this) {
    loop.init_tcp(tcp);
    tcp.data = this;
    connect_req.data = this;
    closed = loop.make<Future>("closed");
    // Sockets still open when the run ends are closed with the loop.
    closer = loop.on_close([this] {
      if (!handle_closed) {
        handle_closed = true;
        uv_close(handle(), nullptr);
      }
    });
  }

  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&tcp); }
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp); }

  Event io_event(Ev kind, IoKind k, int32_t op, int32_t task) {
    Event e = loop.event(kind);
    e.id = op;
    e.task = task;
    e.code = uint8_t(k);
    return e;
  }
  void emit_wait(IoKind k, int32_t op, int32_t task, const char* what, int64_t bytes = 0) {
    Event e = io_event(Ev::io_wait, k, op, task);
    e.s1 = what;
    e.num = bytes;
    loop.emit(e);
  }
  void emit_done(IoKind k, int32_t op, int32_t task, const char* status, int64_t bytes = 0) {
    Event e = io_event(Ev::io_done, k, op, task);
    e.s1 = status;
    e.num = bytes;
    loop.emit(e);
  }

  // [SECTION] Reading: libuv stages bytes, a queued handle feeds them (asyncio's data_received)

  void start_reading() {
    if (reading || handle_closed || eof) return;
    reading = uv_read_start(stream(), &Connection::on_alloc, &Connection::on_read) == 0;
  }
  void stop_reading() {
    if (reading) uv_read_stop(stream());
    reading = false;
  }
  // asyncio pauses the transport above 2 * limit and resumes at limit.
  void maybe_resume() {
    if (paused && buffer.size() <= kLimit) {
      paused = false;
      start_reading();
    }
  }

  static void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* c = static_cast<Connection*>(h->data);
    if (!c->scratch) {
      c->scratch.reset(new char[kScratch]);
      g_scratch_buffers.fetch_add(1, std::memory_order_relaxed);
    }
    *buf = uv_buf_init(c->scratch.get(), unsigned(kScratch));
  }
  // A closed connection keeps only its small state (an open server sees
  // thousands): the read buffers and the loop's closer go at once.
  void release_buffers() {
    if (scratch) g_scratch_buffers.fetch_sub(1, std::memory_order_relaxed);
    scratch.reset();
    if (!feed_queued) std::string().swap(incoming);  // the reader's own buffer stays readable, as asyncio's does
    loop.drop_closer(closer);
  }
  ~Connection() override {
    if (scratch) g_scratch_buffers.fetch_sub(1, std::memory_order_relaxed);
  }

  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<Connection*>(s->data);
    if (nread == 0) return;  // EAGAIN
    const char* status = "ok";
    if (nread > 0) {
      c->incoming.append(buf->base, size_t(nread));
    } else if (nread == UV_EOF) {
      c->incoming_eof = true;
      c->reading = false;  // libuv stops reading at EOF
      status = "eof";
    } else {
      c->incoming_err = int(nread);
      c->stop_reading();
      status = uv_err_name(int(nread));
    }
    const int32_t task = c->waiter ? c->wait_task : -1;  // bytes may arrive with nobody waiting
    c->emit_done(IoKind::read, c->wait_op, task, status, nread > 0 ? nread : 0);
    c->wait_op = -1;
    if (!c->feed_queued) {
      c->feed_queued = true;
      ReadyHandle h;
      h.fn = &Connection::feed_cb;
      h.a = c;
      h.task = task;
      h.label = "stream: data_received";
      h.what = HandleFn::io_callback;
      c->loop.queue_io(h, Cause::io);
    }
  }

  static void feed_cb(void* a, void*) {
    auto* c = static_cast<Connection*>(a);
    c->feed_queued = false;
    c->buffer += c->incoming;
    c->incoming.clear();
    if (c->incoming_err) {
      // asyncio's _fatal_error: close now, connection_lost (which wakes the reader) comes later.
      int err = std::exchange(c->incoming_err, 0);
      c->force_close(os_error(err));
      return;
    }
    if (c->incoming_eof) c->eof = true;  // eof_received: keep the socket open for writing
    if (c->buffer.size() > 2 * kLimit) {
      c->paused = true;
      c->stop_reading();
    }
    c->wake_reader("ok");
  }

  // asyncio's _wakeup_waiter.
  void wake_reader(const char* status) {
    if (wait_op >= 0) emit_done(IoKind::read, wait_op, wait_task, status);
    wait_op = -1;
    if (Future* w = std::exchange(waiter, nullptr))
      if (!w->done()) w->set_result({});
  }

  // asyncio's _wait_for_data: a future that the next bytes, EOF or loss completes.
  FutureAwaiter wait_for_data(const char* what) {
    if (waiter) throw RuntimeError(std::string(what) + "() called while another coroutine is already waiting for incoming data");
    if (paused) {
      paused = false;
      start_reading();
    }
    waiter = loop.make<Future>("read");
    wait_task = current_task_id();
    wait_op = loop.next_op_id();
    emit_wait(IoKind::read, wait_op, wait_task, target);
    return at(*waiter, 0, Wait::io, AwaitOn::io_read);
  }
  // `finally: self._waiter = None`; a wait abandoned by cancellation ends its io op too.
  void end_wait() {
    if (wait_op >= 0) emit_done(IoKind::read, wait_op, wait_task, "cancelled");
    wait_op = -1;
    waiter = nullptr;
  }
  struct WaitGuard {
    Connection* c;
    ~WaitGuard() { c->end_wait(); }
  };

  std::string take(size_t n) {
    std::string out = buffer.substr(0, n);
    buffer.erase(0, n);
    maybe_resume();
    return out;
  }

  // [SECTION] Writing and closing

  struct WriteReq {
    uv_write_t req;
    Connection* conn;
    std::string data;
    int32_t op, task;
  };

  static void on_write(uv_write_t* req, int status) {
    auto* w = static_cast<WriteReq*>(req->data);
    Connection* c = w->conn;
    --c->pending_writes;
    c->emit_done(IoKind::write, w->op, w->task, status == 0 ? "ok" : uv_err_name(status),
                 status == 0 ? int64_t(w->data.size()) : 0);
    delete w;
    if (status < 0 && status != UV_ECANCELED) {
      c->force_close(os_error(status));
      return;
    }
    size_t queued = c->tcp.write_queue_size;
    if ((c->drain_waiter && queued <= kLowWater) || (c->close_after_flush && queued == 0)) {
      ReadyHandle h;
      h.fn = &Connection::write_ready_cb;
      h.a = c;
      h.task = c->drain_task;
      h.label = "stream: resume_writing";
      h.what = HandleFn::io_callback;
      c->loop.queue_io(h, Cause::io);
    }
  }

  static void write_ready_cb(void* a, void*) {
    auto* c = static_cast<Connection*>(a);
    if (c->drain_waiter && c->tcp.write_queue_size <= kLowWater) c->wake_drain("ok");
    if (c->close_after_flush && c->tcp.write_queue_size == 0) c->start_close();
  }

  void wake_drain(const char* status) {
    if (drain_op >= 0) emit_done(IoKind::write, drain_op, drain_task, status);
    drain_op = -1;
    if (Future* w = std::exchange(drain_waiter, nullptr))
      if (!w->done()) w->set_result({});
  }

  // uv_close, traced as an io op of kind close; on_closed queues connection_lost.
  void start_close(bool reset = false) {
    if (handle_closed) return;
    handle_closed = true;
    closing = true;
    stop_reading();
    close_op = loop.next_op_id();
    close_task = current_task_id();
    emit_wait(IoKind::close, close_op, close_task, reset ? "RST" : target);
    if (!reset || uv_tcp_close_reset(&tcp, &Connection::on_closed) != 0) uv_close(handle(), &Connection::on_closed);
  }
  // asyncio's _force_close(exc): drop queued writes and lose the connection with exc.
  void force_close(std::exception_ptr exc) {
    if (handle_closed) return;
    lost_error = exc;
    start_close();
  }

  static void on_closed(uv_handle_t* h) {
    auto* c = static_cast<Connection*>(h->data);
    c->emit_done(IoKind::close, c->close_op, c->close_task, "ok");
    ReadyHandle cb;
    cb.fn = &Connection::lost_cb;
    cb.a = c;
    cb.task = c->waiter ? c->wait_task : -1;
    cb.label = "stream: connection_lost";
    cb.what = HandleFn::io_callback;
    c->loop.queue_io(cb, Cause::io);
  }

  // asyncio's StreamReaderProtocol.connection_lost(exc).
  static void lost_cb(void* a, void*) {
    auto* c = static_cast<Connection*>(a);
    c->lost = true;
    if (c->lost_error) {
      if (!c->error) c->error = c->lost_error;
    } else {
      c->eof = true;
    }
    c->wake_reader(c->lost_error ? "error" : "closed");
    c->wake_drain("closed");
    c->release_buffers();
    if (!c->closed->done()) {
      if (c->lost_error) c->closed->set_exception(c->lost_error);
      else c->closed->set_result({});
    }
  }

  static void on_connect(uv_connect_t* req, int status) {
    auto* c = static_cast<Connection*>(req->data);
    c->connect_status = status;
    c->emit_done(IoKind::connect, c->connect_op, c->connect_task, status == 0 ? "ok" : uv_err_name(status));
    ReadyHandle h;
    h.fn = &Connection::connected_cb;
    h.a = c;
    h.task = c->connect_task;
    h.label = "stream: connection_made";
    h.what = HandleFn::io_callback;
    c->loop.queue_io(h, Cause::io);
  }

  static void connected_cb(void* a, void*) {
    auto* c = static_cast<Connection*>(a);
    Future* f = c->connect_fut;
    if (f->cancelled()) {  // the task gave up waiting
      c->start_close();
      return;
    }
    if (c->connect_status == 0) {
      connection_established(*c);
      f->set_result({});
      return;
    }
    if (c->connect_status == UV_ECONNREFUSED)
      f->set_exception(std::make_exception_ptr(ConnectionRefusedError(
          "[Errno 111] Connect call failed " + c->peer_tuple)));
    else
      f->set_exception(os_error(c->connect_status, c->peer_tuple));
    c->start_close();
  }

  Loop& loop;
  uv_tcp_t tcp{};
  uv_connect_t connect_req{};
  StreamReader reader;
  StreamWriter writer;
  std::string peer = "?", local = "?", peer_tuple;
  const char* target = "tcp";  // interned peer address for io events

  // asyncio StreamReader state.
  std::string buffer;
  bool eof = false;
  std::exception_ptr error;
  Future* waiter = nullptr;
  int32_t wait_op = -1, wait_task = -1;
  bool paused = false, reading = false;

  // Staged by the read callback during the poll, fed by a queued handle.
  std::string incoming;
  bool incoming_eof = false;
  int incoming_err = 0;
  bool feed_queued = false;

  // Transport state.
  Future* closed = nullptr;  // StreamReaderProtocol._closed
  Future* drain_waiter = nullptr;
  int32_t drain_op = -1, drain_task = -1;
  Future* connect_fut = nullptr;
  int32_t connect_op = -1, connect_task = -1;
  int connect_status = 0;
  int32_t close_op = -1, close_task = -1;
  bool closing = false, close_after_flush = false, eof_sent = false;
  bool handle_closed = false, lost = false;
  std::exception_ptr lost_error;
  int pending_writes = 0;
  std::unique_ptr<char[]> scratch;  // libuv reads into it; allocated on the first read, freed on close
  uint64_t closer = 0;
};

// [SECTION] Addresses

int resolve_loopback(const std::string& host, int port, sockaddr_storage& addr) {
  std::memset(&addr, 0, sizeof addr);
  const std::string h = host == "localhost" ? "127.0.0.1" : host;
  if (uv_ip4_addr(h.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) == 0) return 0;
  return uv_ip6_addr(h.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
}

namespace {
std::pair<std::string, int> host_port(const sockaddr_storage& addr) {
  char buf[64] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    uv_ip4_name(a, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    uv_ip6_name(a, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  return {buf, port};
}
// Python's repr of the address tuple: ('127.0.0.1', 8888)
std::string address_tuple(const std::string& host, int port) { return "('" + host + "', " + std::to_string(port) + ")"; }
}  // namespace

std::string address_text(const sockaddr_storage& addr) {
  auto [h, p] = host_port(addr);
  return h + ":" + std::to_string(p);
}

Connection& new_connection(Loop& loop) { return *loop.make<Connection>(); }
uv_tcp_t& connection_tcp(Connection& c) { return c.tcp; }
StreamReader& connection_reader(Connection& c) { return c.reader; }
StreamWriter& connection_writer(Connection& c) { return c.writer; }

void connection_established(Connection& c) {
  sockaddr_storage a{};
  int len = sizeof a;
  if (uv_tcp_getpeername(&c.tcp, reinterpret_cast<sockaddr*>(&a), &len) == 0) c.peer = address_text(a);
  len = sizeof a;
  if (uv_tcp_getsockname(&c.tcp, reinterpret_cast<sockaddr*>(&a), &len) == 0) c.local = address_text(a);
  c.target = c.loop.intern(c.peer);
  c.start_reading();
}

// [SECTION] StreamReader

namespace {

Coroutine read_some(Connection* c, int64_t n) {
  if (c->error) std::rethrow_exception(c->error);
  if (n == 0) co_return std::string();
  if (n < 0) {  // read to EOF, a block at a time
    std::string all;
    for (;;) {
      Value block = co_await read_some(c, int64_t(kLimit));
      if (block.str().empty()) break;
      all += block.str();
    }
    co_return all;
  }
  if (c->buffer.empty() && !c->eof) {
    auto wait = c->wait_for_data("read");
    Connection::WaitGuard guard{c};
    co_await wait;
  }
  if (c->error) std::rethrow_exception(c->error);  // the waiter's set_exception
  co_return c->take(size_t(n));
}

Coroutine read_line(Connection* c) {
  if (c->error) std::rethrow_exception(c->error);
  for (;;) {
    size_t nl = c->buffer.find('\n');
    if (nl != std::string::npos) co_return c->take(nl + 1);
    if (c->eof) co_return c->take(c->buffer.size());  // readline returns IncompleteReadError.partial
    auto wait = c->wait_for_data("readuntil");
    Connection::WaitGuard guard{c};
    co_await wait;
    if (c->error) std::rethrow_exception(c->error);
  }
}

Coroutine read_exactly(Connection* c, int64_t n) {
  if (c->error) std::rethrow_exception(c->error);
  if (n < 0) throw ValueError("readexactly size can not be less than zero");
  while (c->buffer.size() < size_t(n)) {
    if (c->eof) {
      size_t got = c->buffer.size();
      c->take(got);
      throw IncompleteReadError(std::to_string(got) + " bytes read on a total of " + std::to_string(n) +
                                " expected bytes");
    }
    auto wait = c->wait_for_data("readexactly");
    Connection::WaitGuard guard{c};
    co_await wait;
    if (c->error) std::rethrow_exception(c->error);
  }
  co_return c->take(size_t(n));
}

}  // namespace

IoCall StreamReader::read(int64_t n) { return IoCall(read_some(c_, n)); }
IoCall StreamReader::readline() { return IoCall(read_line(c_)); }
IoCall StreamReader::readexactly(int64_t n) { return IoCall(read_exactly(c_, n)); }
bool StreamReader::at_eof() const { return c_->eof && c_->buffer.empty(); }

// [SECTION] StreamWriter

void StreamWriter::write(const std::string& data) {
  Connection& c = *c_;
  if (c.eof_sent) throw RuntimeError("Cannot call write() after write_eof()");
  if (data.empty() || c.lost || c.handle_closed) return;  // asyncio drops writes to a lost connection
  auto* w = new Connection::WriteReq{{}, &c, data, c.loop.next_op_id(), current_task_id()};
  w->req.data = w;
  c.emit_wait(IoKind::write, w->op, w->task, c.target, int64_t(data.size()));
  uv_buf_t b = uv_buf_init(w->data.data(), unsigned(w->data.size()));
  if (int rc = uv_write(&w->req, c.stream(), &b, 1, &Connection::on_write); rc < 0) {
    c.emit_done(IoKind::write, w->op, w->task, uv_err_name(rc));
    delete w;
    c.force_close(os_error(rc));
    return;
  }
  ++c.pending_writes;
}

namespace {
Coroutine drain_impl(Connection* c) {
  if (c->error) std::rethrow_exception(c->error);
  if (c->closing) co_await sleep(0);  // asyncio yields so that connection_lost can run
  if (c->lost) throw ConnectionResetError("Connection lost");
  if (c->tcp.write_queue_size <= kHighWater) co_return {};
  c->drain_waiter = c->loop.make<Future>("drain");
  c->drain_task = current_task_id();
  c->drain_op = c->loop.next_op_id();
  c->emit_wait(IoKind::write, c->drain_op, c->drain_task, "drain", int64_t(c->tcp.write_queue_size));
  co_await at(*c->drain_waiter, 0, Wait::io, AwaitOn::io_drain);
  if (c->lost_error) std::rethrow_exception(c->lost_error);
  co_return {};
}

Coroutine wait_closed_impl(Connection* c) {
  co_await at(*c->closed, 0, Wait::io, AwaitOn::future);
  co_return {};
}

struct ShutdownReq {
  uv_shutdown_t req;
  Connection* conn;
  int32_t op, task;
};
}  // namespace

IoCall StreamWriter::drain() { return IoCall(drain_impl(c_)); }
IoCall StreamWriter::wait_closed() { return IoCall(wait_closed_impl(c_)); }

void StreamWriter::write_eof() {
  Connection& c = *c_;
  if (c.eof_sent || c.closing) return;
  c.eof_sent = true;
  auto* s = new ShutdownReq{{}, &c, c.loop.next_op_id(), current_task_id()};
  s->req.data = s;
  c.emit_wait(IoKind::write, s->op, s->task, "FIN");
  int rc = uv_shutdown(&s->req, c.stream(), [](uv_shutdown_t* req, int status) {
    auto* s = static_cast<ShutdownReq*>(req->data);
    s->conn->emit_done(IoKind::write, s->op, s->task, status == 0 ? "ok" : uv_err_name(status));
    delete s;
  });
  if (rc < 0) {
    c.emit_done(IoKind::write, s->op, s->task, uv_err_name(rc));
    delete s;
  }
}

void StreamWriter::close() {
  Connection& c = *c_;
  if (c.closing) return;
  c.closing = true;
  c.stop_reading();
  if (c.tcp.write_queue_size == 0) c.start_close();
  else c.close_after_flush = true;  // close once the queued bytes are sent
}

void StreamWriter::close_reset() { c_->start_close(/*reset=*/true); }
bool StreamWriter::is_closing() const { return c_->closing; }
std::string StreamWriter::peername() const { return c_->peer; }
std::string StreamWriter::sockname() const { return c_->local; }

// [SECTION] open_connection

void OpenConnection::await_suspend(std::coroutine_handle<> h) {
  at_line(line_);
  Loop& loop = running_loop();
  Connection& c = new_connection(loop);
  conn_ = &c;
  c.connect_fut = loop.make<Future>("connect");
  c.connect_task = current_task_id();
  c.connect_op = loop.next_op_id();
  c.peer_tuple = address_tuple(host_, port_);
  c.emit_wait(IoKind::connect, c.connect_op, c.connect_task, loop.intern(host_ + ":" + std::to_string(port_)));
  sockaddr_storage addr;
  int rc = resolve_loopback(host_, port_, addr);
  if (rc == 0) rc = uv_tcp_connect(&c.connect_req, &c.tcp, reinterpret_cast<sockaddr*>(&addr), &Connection::on_connect);
  if (rc < 0) {
    c.emit_done(IoKind::connect, c.connect_op, c.connect_task, uv_err_name(rc));
    c.connect_fut->set_exception(os_error(rc, c.peer_tuple));
    c.start_close();
  }
  Yield y;
  y.kind = Yield::Kind::future;
  y.future = c.connect_fut;
  y.wait = Wait::io;
  y.on = AwaitOn::io_connect;
  current_driver().suspend_on(h, std::move(y));
}

Streams OpenConnection::await_resume() {
  at_line(line_);
  if (auto e = current_driver().take_throw()) std::rethrow_exception(e);
  conn_->connect_fut->result();
  return Streams{conn_->reader, conn_->writer};
}

}  // namespace loopscope
