#include "blocking_socket.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "blocking.hpp"
#include "coro.hpp"
#include "value.hpp"

namespace loopscope {

namespace {
[[noreturn]] void raise_os_error(const char* what) {
  int err = errno;
  if (err == ECONNRESET) throw ConnectionResetError(std::string("[Errno ") + std::to_string(err) + "] " + std::strerror(err));
  if (err == EPIPE) throw BrokenPipeError(std::string("[Errno ") + std::to_string(err) + "] " + std::strerror(err));
  throw OSError(std::string(what) + ": [Errno " + std::to_string(err) + "] " + std::strerror(err));
}
// Blocks until fd is ready, as the call would; a stop request raises KeyboardInterrupt instead.
void wait_ready(int fd, short events) {
  if (!wait_fd_unless_stopped(fd, events, running_loop().stop_fd())) running_loop().raise_interrupted();
}
}  // namespace

BlockingSocket& BlockingSocket::operator=(BlockingSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void BlockingSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string BlockingSocket::recv(size_t n, int line) {
  return blocking(BlockKind::syscall, line, "conn.recv()", [&] {
    std::string buf(n, '\0');
    ssize_t got;
    wait_ready(fd_, POLLIN);
    do got = ::recv(fd_, buf.data(), n, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0) raise_os_error("recv");
    buf.resize(size_t(got));
    return buf;
  });
}

void BlockingSocket::sendall(const std::string& data, int line) {
  blocking(BlockKind::syscall, line, "conn.sendall()", [&] {
    size_t off = 0;
    while (off < data.size()) {
      wait_ready(fd_, POLLOUT);
      ssize_t put = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) raise_os_error("sendall");
      off += size_t(put);
    }
  });
}

BlockingListener::BlockingListener(const std::string& host, int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) raise_os_error("socket");
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd_);
    throw OSError("not a numeric IPv4 address: " + host);
  }
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 128) != 0) {
    int err = errno;
    ::close(fd_);
    errno = err;
    raise_os_error("bind");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

BlockingListener::~BlockingListener() {
  if (fd_ >= 0) ::close(fd_);
}

BlockingSocket BlockingListener::accept(int line) {
  return blocking(BlockKind::syscall, line, "listener.accept()", [&] {
    int c;
    wait_ready(fd_, POLLIN);
    do c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    while (c < 0 && errno == EINTR);
    if (c < 0) raise_os_error("accept");
    return BlockingSocket(c);
  });
}

}  // namespace loopscope
