#include "trace_json.hpp"

#include <cstdio>

#include "output_file.hpp"

#include "trace_schema.hpp"

namespace loopscope {

namespace {
// The length of the valid UTF-8 sequence at p (1-4), or 0 when p starts none;
// `bad` is then the length of its maximal valid prefix (at least 1): the bytes
// one U+FFFD stands for, as in Python's decode(errors="replace").
int utf8_sequence(const unsigned char* p, int& bad) {
  unsigned char c = p[0];
  int n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte (Unicode table 3-7)
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return bad = 1, 0;  // a stray continuation byte, C0, C1, F5..FF
  for (int i = 1; i < n; ++i) {
    // The terminating NUL is never a continuation byte, so this stops at the string's end.
    bool ok = i == 1 ? p[i] >= lo && p[i] <= hi : p[i] >= 0x80 && p[i] <= 0xBF;
    if (!ok) return bad = i, 0;
  }
  return n;
}
}  // namespace

void append_json_string(std::string& out, const char* s) {
  if (!s) {
    out += "null";
    return;
  }
  out += '"';
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s);
  while (*p) {
    unsigned char c = *p;
    if (c >= 0x80) {
      // Strings come from outside too (an HTTP client's request line, a
      // program's print): invalid UTF-8 becomes U+FFFD, so every file we
      // write is valid JSON that the loader takes back.
      int bad = 0, n = utf8_sequence(p, bad);
      if (n) out.append(reinterpret_cast<const char*>(p), size_t(n)), p += n;
      else out += "\xEF\xBF\xBD", p += bad;
      continue;
    }
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
    ++p;
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
  OutputFile f;
  std::string err = f.open(path);
  std::string chunk;
  // Written in chunks: a trace of millions of events is never one string.
  for (size_t i = 0; err.empty() && i < events.size(); ++i) {
    chunk += to_json(events[i]);
    chunk += '\n';
    if (chunk.size() >= (1u << 20) || i + 1 == events.size()) err = f.write(chunk), chunk.clear();
  }
  return err.empty() ? f.commit() : err;
}

}  // namespace loopscope
