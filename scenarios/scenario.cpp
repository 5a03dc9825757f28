#include "scenario.hpp"

#include "core/trace_schema.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace loopscope {

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
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    bool numeric = !v.empty() && end && *end == '\0';
    out += "\"" + k + "\": " + (numeric ? v : "\"" + v + "\"");
  }
  return out + "}";
}

Params Scenario::resolve(const std::vector<std::string>& sets) const {
  Params p;
  for (const Param& d : params) p.values[d.key] = d.def;
  for (const std::string& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--set expects key=value, got '" + kv + "'");
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    const Param* d = nullptr;
    for (const Param& q : params)
      if (q.key == k) d = &q;
    if (!d) {
      std::string known;
      for (const Param& q : params) known += (known.empty() ? "" : ", ") + q.key;
      throw std::invalid_argument("scenario '" + id + "' has no parameter '" + k + "'" +
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
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') throw std::invalid_argument("parameter '" + k + "' needs a number, got '" + v + "'");
      if (x < d->min || x > d->max) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "parameter '%s' must be between %g and %g, got %s", k.c_str(), d->min, d->max,
                      v.c_str());
        throw std::invalid_argument(buf);
      }
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

std::string it_prefix() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "[it%2u] ", running_loop().iteration());
  return buf;
}

RunResult run_scenario(const Scenario& s, const Params& p, Trace& trace, RunOptions opts) {
  RunResult r;
  LoopOptions lo;
  lo.time_scale = opts.time_scale;
  lo.echo_prints = opts.echo_prints;
  {
    Loop loop(trace, lo);
    Event b = loop.event(Ev::run_begin);
    ev::RunBegin rb;
    rb.scenario = loop.intern(s.id);
    rb.params = loop.intern(p.json());
    rb.entry = s.entry;
    rb.engine = EngineKind::loopscope;
    put(b, rb);
    loop.emit(b);
    set_running_loop(&loop);
    Task& main = create_task(s.main(p).named("main"));
    try {
      Value v = loop.run(&main);
      r.ok = true;
      r.value = v.repr();
    } catch (const PyError& e) {
      r.error = e.repr();
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    // Close first: a client loop's thread is joined here, and its last
    // events (its prints) belong inside run.begin .. run.end.
    r.loop_close_rc = loop.close();
    Event e = loop.event(Ev::run_end);
    e.code = r.ok ? 0 : 1;
    e.s1 = r.ok ? nullptr : loop.intern(r.error);
    r.duration_ns = e.t_ns;
    loop.emit(e);
  }
  set_running_loop(nullptr);
  return r;
}

}  // namespace loopscope
