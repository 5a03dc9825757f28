#include "trace_json.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace loopscope {

void append_json_string(std::string& out, const char* s) {
  if (!s) {
    out += "null";
    return;
  }
  out += '"';
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(s); *p; ++p) {
    unsigned char c = *p;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

namespace {
struct Obj {
  std::string& s;
  void key(const char* k) {
    s += ", \"";
    s += k;
    s += "\": ";
  }
  void num(const char* k, int64_t v) {
    key(k);
    s += std::to_string(v);
  }
  void id(const char* k, int32_t v) {  // -1 is null
    key(k);
    s += v < 0 ? "null" : std::to_string(v);
  }
  void str(const char* k, const char* v) {
    key(k);
    append_json_string(s, v);
  }
  void raw(const char* k, const char* v) {
    key(k);
    s += v ? v : "null";
  }
};
}  // namespace

std::string to_json(const Event& e) {
  std::string s;
  s.reserve(160);
  s += "{\"seq\": " + std::to_string(e.seq);
  Obj o{s};
  o.num("t_ns", e.t_ns);
  o.num("loop", e.loop);
  o.num("it", e.it);
  o.str("ev", name(e.kind));
  switch (e.kind) {
    case Ev::run_begin: o.str("scenario", e.s1); o.raw("params", e.s2 ? e.s2 : "{}"); break;
    case Ev::run_end: o.str("status", e.code == 0 ? "ok" : "error"); o.str("error", e.s1); break;
    case Ev::loop_iter: o.num("ready", e.num); break;
    case Ev::loop_poll: o.num("timeout_ms", e.ref); o.num("waited_ns", e.num); break;
    case Ev::ready_push:
      o.id("handle", e.id); o.id("task", e.task); o.str("label", e.s1); o.str("cause", name(Cause(e.code)));
      break;
    case Ev::ready_run: o.id("handle", e.id); o.id("task", e.task); o.str("label", e.s1); o.num("left", e.num); break;
    case Ev::task_new: o.id("task", e.task); o.str("name", e.s1); o.id("parent", e.ref); break;
    case Ev::step_begin: o.id("task", e.task); o.num("line", e.line); break;
    case Ev::step_end:
      o.id("task", e.task); o.num("line", e.line); o.str("wait", name(Wait(e.code))); o.num("dur_ns", e.num);
      if (e.flags & kFlagSlow) o.raw("slow", "true");
      if (e.flags & kFlagPreempted) o.raw("preempted", "true");
      if (e.ref >= 0) o.num("cpu_ns", int64_t(e.ref) * 1000);
      break;
    case Ev::task_done:
      o.id("task", e.task); o.str("outcome", name(Outcome(e.code)));
      if (Outcome(e.code) == Outcome::result) o.str("value", e.s1);
      if (Outcome(e.code) == Outcome::error) o.str("error", e.s1);
      break;
    case Ev::task_cancel: o.id("task", e.task); o.id("by", e.ref); break;
    case Ev::timer_arm: case Ev::timer_fire: case Ev::timer_cancel:
      o.id("timer", e.id); o.num("due_ns", e.num); o.id("task", e.task);
      if (e.s1) o.str("label", e.s1);
      break;
    case Ev::io_wait:
      o.id("op", e.id); o.id("task", e.task); o.str("kind", name(IoKind(e.code))); o.str("target", e.s1); break;
    case Ev::io_done:
      o.id("op", e.id); o.id("task", e.task); o.str("kind", name(IoKind(e.code))); o.str("status", e.s1);
      o.num("bytes", e.num);
      break;
    case Ev::pool_submit: o.id("job", e.id); o.id("task", e.task); o.str("label", e.s1); break;
    case Ev::pool_start: case Ev::pool_end: o.id("job", e.id); o.id("task", e.task); o.id("worker", e.ref); break;
    case Ev::block_begin: case Ev::block_end:
      o.id("task", e.task); o.str("kind", name(BlockKind(e.code))); o.num("line", e.line);
      if (e.kind == Ev::block_end) o.num("dur_ns", e.num);
      if (e.s1) o.str("label", e.s1);
      break;
    case Ev::print: o.id("task", e.task); o.num("line", e.line); o.str("text", e.s1); break;
    case Ev::task_unretrieved: o.id("task", e.task); o.str("error", e.s1); break;
    case Ev::deadlock: o.id("task", e.task); break;
    case Ev::truncated: o.str("reason", e.s1); o.num("limit", e.num); break;
    case Ev::count_: break;
  }
  s += '}';
  return s;
}

void write_jsonl(std::ostream& out, const std::vector<Event>& events) {
  for (const Event& e : events) out << to_json(e) << '\n';
}

std::string save_jsonl(const std::string& path, const std::vector<Event>& events) {
  std::string tmp = path + ".part";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return path + ": cannot write (" + std::strerror(errno) + ")";
    write_jsonl(f, events);
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return path + ": write failed (" + std::strerror(errno) + ")";
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return path + ": cannot rename into place (" + std::strerror(errno) + ")";
  }
  return {};
}

}  // namespace loopscope
