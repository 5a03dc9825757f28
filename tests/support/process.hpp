// Test support: run a shell command, capture stdout, stderr and exit code.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace loopscope::test {

struct Process {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  static int n = 0;
  return std::string(dir ? dir : "/tmp") + "/loopscope-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(n++) + "-" + name;
}

// Runs `cmd` through /bin/sh.
inline Process run(const std::string& cmd) {
  std::string o = temp_path("out"), e = temp_path("err");
  int rc = std::system((cmd + " >" + o + " 2>" + e).c_str());
  Process p;
  p.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  p.out = slurp(o);
  p.err = slurp(e);
  std::remove(o.c_str());
  std::remove(e.c_str());
  return p;
}

inline std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

inline std::string loopscope_cmd(const std::string& args) { return std::string(LOOPSCOPE_BINARY) + " " + args; }

}  // namespace loopscope::test
