#include "trace_json.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "trace_schema.hpp"

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

std::string to_json(const Event& e) {
  std::string s;
  s.reserve(160);
  s += "{\"seq\": " + std::to_string(e.seq);
  auto key = [&](const char* k) {
    s += ", \"";
    s += k;
    s += "\": ";
  };
  key("t_ns");
  s += std::to_string(e.t_ns);
  key("loop");
  s += std::to_string(e.loop);
  key("it");
  s += std::to_string(e.it);
  key("ev");
  append_json_string(s, name(e.kind));
  // Every other field as the one table (trace_schema.hpp) says.
  for (const FieldSpec& f : fields_of(e.kind)) {
    if (!present(e, f)) continue;
    key(f.name);
    const uint64_t v = get(e, f);
    switch (f.type) {
      case Type::id: s += int64_t(v) < 0 ? "null" : std::to_string(int64_t(v)); break;
      case Type::line: case Type::timeout: case Type::count: case Type::i64: case Type::i32:
        s += std::to_string(int64_t(v));
        break;
      case Type::str: append_json_string(s, std::bit_cast<const char*>(v)); break;
      case Type::object: {
        const char* raw = std::bit_cast<const char*>(v);
        s += raw ? raw : "{}";
        break;
      }
      case Type::enum_: append_json_string(s, f.names->name(uint8_t(v))); break;
      case Type::flag: s += v ? "true" : "false"; break;
    }
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
