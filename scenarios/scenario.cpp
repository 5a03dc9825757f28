#include "scenario.hpp"

#include "core/trace_schema.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/asyncio_run.hpp"
#include "core/trace_json.hpp"
#include "core/trace_schema.hpp"

namespace loopscope {

bool parse_decimal(const std::string& text, double& out) {
  // Digits, one sign, one point, one exponent: what strtod reads beyond that
  // (nan, inf, hex, leading spaces) is refused before it is asked.
  if (text.empty() || text.size() > 64) return false;
  for (char c : text)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return false;
  char* end = nullptr;
  double x = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(x)) return false;
  out = x;
  return true;
}

std::string shown(const std::string& v) {
  std::string out = "'";
  for (size_t i = 0; i < v.size() && i < 40; ++i) out += std::isprint(static_cast<unsigned char>(v[i])) ? v[i] : '?';
  return out + (v.size() > 40 ? "...'" : "'");
}

namespace {
// RFC 8259's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool json_number_shape(const std::string& v) {
  size_t i = 0, n = v.size();
  auto digits = [&] {
    size_t at = i;
    while (i < n && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    return i > at;
  };
  if (i < n && v[i] == '-') ++i;
  if (i < n && v[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < n && v[i] == '.' && (++i, !digits())) return false;
  if (i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < n && (v[i] == '+' || v[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}
}  // namespace

std::string decimal_text(double x) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

double Params::num(const std::string& k) const {
  auto it = values.find(k);
  return it == values.end() ? 0.0 : std::strtod(it->second.c_str(), nullptr);
}

const std::string& Params::text(const std::string& k) const {
  static const std::string empty;
  auto it = values.find(k);
  return it == values.end() ? empty : it->second;
}

std::string Params::json() const {
  std::string out = "{";
  for (const auto& [k, v] : values) {
    if (out.size() > 1) out += ", ";
    append_json_string(out, k.c_str());
    out += ": ";
    // A number only when it is one in JSON too (resolve() stores canonical
    // text, so this is the usual case); anything else is a string, never `nan`.
    double x = 0;
    if (parse_decimal(v, x) && json_number_shape(v)) out += v;
    else append_json_string(out, v.c_str());
  }
  return out + "}";
}

Params Scenario::resolve(const std::vector<std::string>& sets) const {
  Params p;
  for (const Param& d : params) p.values[d.key] = d.def;
  for (const std::string& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--set expects key=value, got " + shown(kv));
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    const Param* d = nullptr;
    for (const Param& q : params)
      if (q.key == k) d = &q;
    if (!d) {
      std::string known;
      for (const Param& q : params) known += (known.empty() ? "" : ", ") + q.key;
      throw std::invalid_argument("scenario '" + id + "' has no parameter " + shown(k) +
                                  (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
    }
    if (!d->choices.empty()) {
      bool okv = false;
      std::string all;
      for (const auto& c : d->choices) {
        okv |= c == v;
        all += (all.empty() ? "" : ", ") + c;
      }
      if (!okv) throw std::invalid_argument("parameter '" + k + "' must be one of: " + all);
    } else {
      double x = 0;
      if (!parse_decimal(v, x))
        throw std::invalid_argument("parameter '" + k + "' needs a number, got " + shown(v));
      if (d->integer && x != std::floor(x))
        throw std::invalid_argument("parameter '" + k + "' needs a whole number, got " + shown(v));
      if (!(x >= d->min && x <= d->max)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "parameter '%s' must be between %g and %g, got %s", k.c_str(), d->min, d->max,
                      shown(v).c_str());
        throw std::invalid_argument(buf);
      }
      // Stored as the listing and the trace will show it: Python and JSON
      // read "3" and "0.5", not "03", "+3" or ".5".
      if (d->integer) v = std::to_string(static_cast<long long>(x));
      else if (!json_number_shape(v)) v = decimal_text(x);
    }
    p.values[k] = v;
  }
  return p;
}

Params Scenario::resolve_or_defaults(const std::vector<std::string>& sets) const {
  try {
    return resolve(sets);
  } catch (const std::exception&) {
    return resolve({});
  }
}

const std::string& Scenario::title_for(const Params& p) const {
  for (const auto& [kv, t] : mode_titles) {
    size_t eq = kv.find('=');
    auto v = p.values.find(kv.substr(0, eq));
    if (v != p.values.end() && v->second == kv.substr(eq + 1)) return t;
  }
  return title;
}

Listing::Listing(std::string scenario, std::string_view marked) : scenario_(std::move(scenario)) {
  int number = 0;
  while (!marked.empty()) {
    size_t nl = marked.find('\n');
    std::string_view line = marked.substr(0, nl);
    marked.remove_prefix(nl == std::string_view::npos ? marked.size() : nl + 1);
    ++number;
    // "code  # @a @b": the names after the last "# @"'s comment, then the code without it.
    size_t hash = line.rfind("# @");
    if (hash != std::string_view::npos) {
      std::string_view names = line.substr(hash + 2);
      line = line.substr(0, hash);
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      while (!names.empty()) {
        size_t end = names.find(' ');
        std::string_view name = names.substr(0, end);
        names.remove_prefix(end == std::string_view::npos ? names.size() : end + 1);
        if (name.empty()) continue;
        if (name[0] != '@' || name.size() == 1)
          throw std::logic_error(scenario_ + ": listing line " + std::to_string(number) + ": a marker is '@name'");
        name.remove_prefix(1);
        for (const auto& [seen, at] : marks_)
          if (seen == name)
            throw std::logic_error(scenario_ + ": listing marker @" + std::string(name) + " is on lines " +
                                   std::to_string(at) + " and " + std::to_string(number));
        marks_.emplace_back(name, number);
      }
    }
    text_.append(line);
    if (nl != std::string_view::npos) text_ += '\n';
  }
}

int Listing::line(std::string_view name) const {
  for (const auto& [seen, at] : marks_)
    if (seen == name) return at;
  throw std::logic_error(scenario_ + ": the listing has no marker @" + std::string(name));
}

std::string Scenario::source(const Params& p) const {
  std::string out;
  for (size_t i = 0; i < listing.size();) {
    if (listing.compare(i, 2, "${") == 0) {
      size_t end = listing.find('}', i);
      out += p.text(listing.substr(i + 2, end - i - 2));
      i = end + 1;
    } else {
      out += listing[i++];
    }
  }
  return out;
}

void RunStop::request(StopReason why) {
  std::lock_guard<std::mutex> lock(m_);
  if (loop_) loop_->request_stop(why);
  else if (pending_ == StopReason::none) pending_ = why;
}

void RunStop::attach(Loop* loop) {
  std::lock_guard<std::mutex> lock(m_);
  loop_ = loop;
  if (loop_ && pending_ != StopReason::none) loop_->request_stop(pending_);
}

RunResult run_scenario(const Scenario& s, const Params& p, Trace& trace, RunOptions opts) {
  RunResult r;
  LoopOptions lo;
  lo.time_scale = opts.time_scale;
  lo.echo_prints = opts.echo_prints;
  RunHooks hooks;
  hooks.opened = [&](Loop& loop) {
    Event b = loop.event(Ev::run_begin);
    ev::RunBegin rb;
    rb.scenario = loop.intern(s.id);
    rb.params = loop.intern(p.json());
    rb.entry = s.entry;
    rb.engine = EngineKind::loopscope;
    put(b, rb);
    loop.emit(b);
    if (opts.stop) opts.stop->attach(&loop);
  };
  hooks.closing = [&](Loop&) {
    if (opts.stop) opts.stop->attach(nullptr);
  };
  // run.end after the close: a client loop's thread is joined there, and its
  // last events (its prints) belong inside run.begin .. run.end.
  hooks.closed = [&](Loop& loop, const MainOutcome& o) {
    r.ok = !o.error;
    if (r.ok) r.value = o.value.repr();
    else r.error = repr(o.error);
    r.stopped_by = o.stopped_by;
    r.loop_close_rc = o.close_rc;
    Event e = loop.event(Ev::run_end);
    ev::RunEnd end;
    end.status = r.ok ? 0 : 1;
    end.error = r.ok ? nullptr : loop.intern(r.error);
    end.how = r.stopped_by == StopReason::sigint    ? EndHow::sigint
              : r.stopped_by == StopReason::sigterm ? EndHow::sigterm
              : r.ok                                ? EndHow::return_
                                                    : EndHow::exception;
    put(e, end);
    r.duration_ns = e.t_ns;
    loop.emit(e);
  };
  asyncio_run(trace, lo, [&] { return s.main(p); }, "main", hooks);
  return r;
}

}  // namespace loopscope
