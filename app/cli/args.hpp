// Command-line parsing shared by every loopscope command: options, values,
// and the one-line usage errors (exit code 2) the contract promises.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace loopscope::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Walks argv after the command name. Options take the form --name VALUE or
// --name=VALUE; anything not starting with "--" is positional.
class Args {
 public:
  Args(std::string command, std::vector<std::string> argv) : command_(std::move(command)), argv_(std::move(argv)) {}
  bool done() const { return i_ >= argv_.size(); }
  // The next token: an option name (with the --) or a positional value.
  std::string next();
  bool is_option(const std::string& tok) const { return tok.size() > 2 && tok.rfind("--", 0) == 0; }
  // The value of the option just returned by next().
  std::string value(const std::string& opt);
  // A file to write: refuses "" and what OutputFile could not write (a directory,
  // a missing directory), so a long run is not wasted on a bad name.
  std::string output(const std::string& opt);
  // A finite number in [min, max]; nan, inf and anything else is a UsageError.
  double number(const std::string& opt, double min, double max);
  // The same, whole numbers only.
  int integer(const std::string& opt, int min, int max);
  // --size WxH, between 320x200 and 7680x4320.
  void size(const std::string& opt, int& w, int& h);
  // --theme dark|light: true for dark.
  bool dark_theme(const std::string& opt);
  [[noreturn]] void unknown(const std::string& tok) const;
  const std::string& command() const { return command_; }

 private:
  std::string command_;
  std::vector<std::string> argv_;
  size_t i_ = 0;
  std::string pending_;  // value from --name=value
  bool has_pending_ = false;
};

}  // namespace loopscope::cli
