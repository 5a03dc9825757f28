// The plain `socket` module: blocking accept/recv/sendall on the loop thread,
// as the synchronous server of every asyncio talk does. Each call really
// blocks (a POSIX socket in blocking mode) and is traced as block.begin /
// block.end of kind `syscall`, labelled with the call.
#pragma once

#include <string>

namespace loopscope {

class BlockingSocket {
 public:
  explicit BlockingSocket(int fd = -1) : fd_(fd) {}
  BlockingSocket(BlockingSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  BlockingSocket& operator=(BlockingSocket&& o) noexcept;
  ~BlockingSocket() { close(); }

  // `conn.recv(n)`: at most n bytes; "" at EOF.
  std::string recv(size_t n, int line);
  // `conn.sendall(data)`.
  void sendall(const std::string& data, int line);
  void close();
  int fd() const { return fd_; }

 private:
  int fd_;
};

// `socket.create_server((host, port))`: bound and listening, in blocking mode.
class BlockingListener {
 public:
  BlockingListener(const std::string& host, int port);  // raises OSError
  ~BlockingListener();
  BlockingListener(const BlockingListener&) = delete;
  BlockingListener& operator=(const BlockingListener&) = delete;
  int port() const { return port_; }
  // `listener.accept()`: blocks until a client connects.
  BlockingSocket accept(int line);

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace loopscope
