// Test support for the open server mode: a blocking HTTP client over loopback
// (POSIX sockets, usable from any thread: it reports failures in what it
// returns instead of asserting) and a child process with its output in files.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"

namespace loopscope::test {

// [SECTION] A blocking client

// A connected socket, or -1.
inline int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};  // a broken server fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  ::close(fd);
  return -1;
}

inline bool send_all(int fd, const std::string& s) {
  return fd >= 0 && ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size());
}

// Reads until the server closes, then closes; "<timeout>" if it never does.
inline std::string read_to_eof(int fd) {
  if (fd < 0) return "<no connection>";
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      out += "<timeout>";
      break;
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

// Sends `request` on a new connection and returns the whole reply.
inline std::string exchange(int port, const std::string& request) {
  int fd = connect_to(port);
  if (!send_all(fd, request)) {
    if (fd >= 0) ::close(fd);
    return "<send failed>";
  }
  return read_to_eof(fd);
}

inline std::string get(int port, const std::string& path) {
  return test::exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

// [SECTION] A child process

struct Child {
  pid_t pid = -1;
  std::string out, err;  // files its stdout and stderr go to

  // Forks and execs argv[0] (looked up in PATH) with stdout and stderr in temp files.
  static Child spawn(const std::vector<std::string>& argv) {
    Child c;
    c.out = temp_path("out");
    c.err = temp_path("err");
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::fflush(stdout);  // or the child flushes our buffered output a second time
    c.pid = fork();
    if (c.pid == 0) {
      if (!freopen(c.out.c_str(), "w", stdout) || !freopen(c.err.c_str(), "w", stderr)) _exit(126);
      execvp(args[0], args.data());
      _exit(127);
    }
    return c;
  }
  // The first "http://127.0.0.1:PORT/" the child writes to `file` (stdout or
  // stderr), waiting up to `seconds`; empty if it never does.
  std::string wait_for_url(const std::string& file, double seconds = 30) const {
    for (int i = 0; i < int(seconds * 100); ++i) {
      std::string text = slurp(file);
      auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos && text.find('/', at + 17) != std::string::npos)
        return text.substr(at, text.find('/', at + 17) + 1 - at);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }
  // SIGINT, then its exit status (as waitpid gives it).
  int interrupt() const {
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  }
  void remove_files() const {
    std::remove(out.c_str());
    std::remove(err.c_str());
  }
};

inline int port_of(const std::string& url) { return std::atoi(url.c_str() + url.rfind(':') + 1); }

}  // namespace loopscope::test
