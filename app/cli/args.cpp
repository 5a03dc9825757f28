#include "args.hpp"

#include <cstdio>
#include <cstdlib>

namespace loopscope::cli {

std::string Args::next() {
  std::string tok = argv_[i_++];
  has_pending_ = false;
  if (is_option(tok)) {
    auto eq = tok.find('=');
    if (eq != std::string::npos) {
      pending_ = tok.substr(eq + 1);
      has_pending_ = true;
      tok = tok.substr(0, eq);
    }
  }
  return tok;
}

std::string Args::value(const std::string& opt) {
  if (has_pending_) {
    has_pending_ = false;
    return pending_;
  }
  if (done()) throw UsageError(command_ + ": " + opt + " needs a value");
  return argv_[i_++];
}

double Args::number(const std::string& opt, double min, double max) {
  std::string v = value(opt);
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0') throw UsageError(command_ + ": " + opt + " needs a number, got '" + v + "'");
  if (x < min || x > max)
    throw UsageError(command_ + ": " + opt + " must be between " + std::to_string(min).substr(0, 6) + " and " +
                     std::to_string(max).substr(0, 8) + ", got " + v);
  return x;
}

void Args::size(const std::string& opt, int& w, int& h) {
  std::string v = value(opt);
  int x_w = 0, x_h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(v.c_str(), "%d%c%d%c", &x_w, &x, &x_h, &extra) != 3 || (x != 'x' && x != 'X') || x_w < 320 ||
      x_h < 200 || x_w > 7680 || x_h > 4320)
    throw UsageError(command_ + ": " + opt + " needs WxH between 320x200 and 7680x4320, got '" + v + "'");
  w = x_w, h = x_h;
}

bool Args::dark_theme(const std::string& opt) {
  std::string v = value(opt);
  if (v != "dark" && v != "light") throw UsageError(command_ + ": " + opt + " is dark or light, got '" + v + "'");
  return v == "dark";
}

void Args::unknown(const std::string& tok) const {
  if (is_option(tok)) throw UsageError(command_ + ": unknown option " + tok + " (see loopscope " + command_ + " --help)");
  throw UsageError(command_ + ": unexpected argument '" + tok + "' (see loopscope " + command_ + " --help)");
}

}  // namespace loopscope::cli
