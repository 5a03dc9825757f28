#include "args.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/output_file.hpp"
#include "scenarios/scenario.hpp"

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

std::string Args::output(const std::string& opt) {
  std::string v = value(opt);
  if (v.empty()) throw UsageError(command_ + ": " + opt + " needs a file name, got ''");
  std::string problem = output_problem(v);
  if (!problem.empty()) throw UsageError(command_ + ": " + opt + " " + problem);
  return v;
}

double Args::number(const std::string& opt, double min, double max) {
  std::string v = value(opt);
  double x = 0;
  // parse_decimal refuses nan and inf, which pass any pair of < and > checks.
  if (!parse_decimal(v, x)) throw UsageError(command_ + ": " + opt + " needs a number, got " + shown(v));
  if (!(x >= min && x <= max))
    throw UsageError(command_ + ": " + opt + " must be between " + decimal_text(min) + " and " + decimal_text(max) +
                     ", got " + shown(v));
  return x;
}

int Args::integer(const std::string& opt, int min, int max) {
  double x = number(opt, min, max);
  if (x != std::floor(x)) throw UsageError(command_ + ": " + opt + " needs a whole number, got " + decimal_text(x));
  return int(x);
}

void Args::size(const std::string& opt, int& w, int& h) {
  std::string v = value(opt);
  // Digits only on each side: sscanf's %d would overflow on 99999999999 and skip spaces and signs.
  size_t x = v.find_first_of("xX");
  auto dim = [&](const std::string& d) {
    if (d.empty() || d.size() > 5 || d.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(d);
  };
  int x_w = x == std::string::npos ? -1 : dim(v.substr(0, x));
  int x_h = x == std::string::npos ? -1 : dim(v.substr(x + 1));
  if (x_w < 320 || x_h < 200 || x_w > 7680 || x_h > 4320)
    throw UsageError(command_ + ": " + opt + " needs WxH between 320x200 and 7680x4320, got " + shown(v));
  w = x_w, h = x_h;
}

bool Args::dark_theme(const std::string& opt) {
  std::string v = value(opt);
  if (v != "dark" && v != "light") throw UsageError(command_ + ": " + opt + " is dark or light, got " + shown(v));
  return v == "dark";
}

void Args::unknown(const std::string& tok) const {
  if (is_option(tok)) throw UsageError(command_ + ": unknown option " + shown(tok) + " (see loopscope " + command_ + " --help)");
  throw UsageError(command_ + ": unexpected argument " + shown(tok) + " (see loopscope " + command_ + " --help)");
}

}  // namespace loopscope::cli
