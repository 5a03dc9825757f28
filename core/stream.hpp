// asyncio streams over a real uv_tcp_t on loopback: StreamReader and
// StreamWriter (one pair per connection) and open_connection.
//
//   auto [reader, writer] = co_await open_connection("127.0.0.1", port).at(4);
//   writer.write("ping\n");                       //  writer.write(b"ping\n")
//   co_await writer.drain().at(6);                //  await writer.drain()
//   Value line = co_await reader.readline().at(7);//  line = await reader.readline()
//   writer.close();                               //  writer.close()
//   co_await writer.wait_closed().at(9);          //  await writer.wait_closed()
//
// How a read reaches a task (asyncio's path, one iteration per hop): libuv's
// read callback fires inside the poll and only stages the bytes; a handle
// queued with loop.queue_io (after the poll, before due timers) feeds them to
// the reader and completes its waiter future; the waiting task wakes in the
// next iteration from that future's done-callback. Bytes are Value strings.
//
// Traced as io.wait / io.done (kind read, write, connect) with an op id per wait.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "coro.hpp"

namespace loopscope {

class Connection;

// A stream operation: a coroutine run inline by the awaiting task, as
// `await reader.readline()` runs StreamReader.readline in the caller's task.
class [[nodiscard]] IoCall {
 public:
  explicit IoCall(Coroutine c) : c_(std::move(c)) {}
  IoCall&& at(int line) && {
    line_ = line;
    return std::move(*this);
  }
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) {
    at_line(line_);
    return c_.await_suspend(parent);
  }
  Value await_resume() {
    at_line(line_);
    return c_.await_resume();
  }
  // For create_task/gather: the operation as a coroutine of its own.
  Coroutine coro() && { return std::move(c_); }

 private:
  Coroutine c_;
  int line_ = 0;
};

class StreamReader {
 public:
  // read(n): up to n bytes, as soon as any are buffered; b"" at EOF. n < 0 reads to EOF.
  IoCall read(int64_t n = -1);
  // readline(): through b"\n"; at EOF the partial line (maybe b"").
  IoCall readline();
  // readexactly(n): n bytes, or IncompleteReadError at EOF.
  IoCall readexactly(int64_t n);
  bool at_eof() const;

 private:
  friend class Connection;
  explicit StreamReader(Connection& c) : c_(&c) {}
  Connection* c_;
};

class StreamWriter {
 public:
  // write(data): sent now as far as the socket takes it; the rest is queued.
  void write(const std::string& data);
  // drain(): returns at once unless more than 64 KiB is queued; raises if the connection was lost.
  IoCall drain();
  // write_eof(): shutdown(SHUT_WR) once queued data is sent: the peer reads EOF, we can still read.
  void write_eof();
  // close(): close once queued data is sent (asyncio's transport.close()).
  void close();
  // Close with RST instead of FIN (Python: SO_LINGER (1, 0) then close()); the peer's
  // next read raises ConnectionResetError.
  void close_reset();
  bool is_closing() const;
  // wait_closed(): until the socket is closed; raises the error that lost the connection, if any.
  IoCall wait_closed();
  // get_extra_info('peername') / ('sockname') as "host:port".
  std::string peername() const;
  std::string sockname() const;

 private:
  friend class Connection;
  explicit StreamWriter(Connection& c) : c_(&c) {}
  Connection* c_;
};

// What open_connection returns: `auto [reader, writer] = co_await open_connection(...)`.
struct Streams {
  StreamReader& reader;
  StreamWriter& writer;
};

// `await asyncio.open_connection(host, port)`. Raises ConnectionRefusedError
// when nothing listens there.
class [[nodiscard]] OpenConnection {
 public:
  OpenConnection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  OpenConnection&& at(int line) && {
    line_ = line;
    return std::move(*this);
  }
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  Streams await_resume();

 private:
  std::string host_;
  int port_;
  int line_ = 0;
  Connection* conn_ = nullptr;
};

inline OpenConnection open_connection(std::string host, int port) { return OpenConnection(std::move(host), port); }

// [SECTION] Internals shared with server.cpp

// Fills `addr` for a numeric host or "localhost"; returns a libuv error code.
int resolve_loopback(const std::string& host, int port, sockaddr_storage& addr);
// "host:port" of a socket address.
std::string address_text(const sockaddr_storage& addr);

// Creates a loop-owned connection around an initialised uv_tcp_t (the caller
// connects or accepts into conn.tcp()).
Connection& new_connection(Loop& loop);
// Read buffers of open connections, in the whole process (a closed connection frees its own).
int64_t connection_buffers_alive();
uv_tcp_t& connection_tcp(Connection& c);
StreamReader& connection_reader(Connection& c);
StreamWriter& connection_writer(Connection& c);
// An accepted or connected socket: remember the peer and start reading.
void connection_established(Connection& c);

}  // namespace loopscope
