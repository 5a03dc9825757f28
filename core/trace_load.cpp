// [SECTION] index
//   JSON: a small strict parser for one line (RFC 8259 grammar, UTF-8 checked)
//   Schema: which JSON field fills which Event slot: trace_schema.hpp
//   Loader: lines -> events, with the caps of TraceLoadLimits
//   Files: open without blocking, check size, read in blocks
#include "trace_load.hpp"

#include "trace_schema.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loopscope {

namespace {

// [SECTION] JSON

struct JVal {
  enum Type : uint8_t { null_, boolean, number, string, object, array } type = null_;
  bool b = false;
  bool is_int = false;      // a number without fraction or exponent that fits in int64
  int64_t i = 0;
  std::string s;            // decoded string
  std::string_view raw;     // the value's bytes as written (objects: params)
};

struct JField {
  std::string key;
  JVal v;
};

const char* type_name(JVal::Type t) {
  switch (t) {
    case JVal::null_: return "null";
    case JVal::boolean: return "a boolean";
    case JVal::number: return "a number";
    case JVal::string: return "a string";
    case JVal::object: return "an object";
    case JVal::array: return "an array";
  }
  return "?";
}

// Parses one line. Recursion only for nested values, bounded by max_depth.
class LineParser {
 public:
  LineParser(const char* p, size_t n, const TraceLoadLimits& lim, std::string& err)
      : p_(p), begin_(p), end_(p + n), lim_(lim), err_(err) {}

  // The line must be exactly one object whose values are kept in `fields`.
  bool object_line(std::vector<JField>& fields, size_t& nfields) {
    nfields = 0;
    ws();
    if (!eat('{')) return fail("expected '{' at the start of the line");
    ws();
    if (!eat('}')) {
      for (;;) {
        ws();
        if (nfields == fields.size()) {
          if (fields.size() >= kMaxFields) return fail("too many fields (over 64)");
          fields.emplace_back();
        }
        JField& f = fields[nfields];
        if (peek() != '"') return fail("expected a field name in double quotes");
        if (!string(f.key)) return false;
        for (size_t k = 0; k < nfields; ++k)
          if (fields[k].key == f.key) return fail("duplicate field '" + printable(f.key) + "'");
        ws();
        if (!eat(':')) return fail("expected ':' after '" + printable(f.key) + "'");
        ws();
        if (!value(f.v, 1)) return false;
        ++nfields;
        ws();
        if (eat(',')) continue;
        if (eat('}')) break;
        return fail(p_ == end_ ? "unexpected end of line inside the object" : "expected ',' or '}'");
      }
    }
    ws();
    if (p_ != end_) return fail("unexpected text after the object");
    return true;
  }

  // A short, printable rendering of untrusted text for messages.
  static std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
    if (s.size() > 40) out += "...";
    return out;
  }

 private:
  static constexpr size_t kMaxFields = 64;

  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  bool eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool fail(const std::string& what) {
    err_ = what + " (column " + std::to_string(p_ - begin_ + 1) + ")";
    return false;
  }
  bool literal(const char* word) {
    size_t n = std::strlen(word);
    if (size_t(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return fail("invalid value");
    p_ += n;
    return true;
  }

  bool value(JVal& v, int depth) {
    const char* start = p_;
    v.is_int = false;
    switch (peek()) {
      case '"': v.type = JVal::string; if (!string(v.s)) return false; break;
      case '{': case '[':
        v.type = peek() == '{' ? JVal::object : JVal::array;
        if (!container(depth)) return false;
        break;
      case 't': v.type = JVal::boolean; v.b = true; if (!literal("true")) return false; break;
      case 'f': v.type = JVal::boolean; v.b = false; if (!literal("false")) return false; break;
      case 'n': v.type = JVal::null_; if (!literal("null")) return false; break;
      default: v.type = JVal::number; if (!number(v)) return false; break;
    }
    v.raw = std::string_view(start, size_t(p_ - start));
    return true;
  }

  // Objects and arrays are only validated and skipped (params is kept as raw text).
  bool container(int depth) {
    if (depth > lim_.max_depth) return fail("nested too deeply (over " + std::to_string(lim_.max_depth) + " levels)");
    char close = *p_ == '{' ? '}' : ']';
    bool is_obj = close == '}';
    ++p_;
    ws();
    if (eat(close)) return true;
    std::string key;
    JVal v;
    for (;;) {
      ws();
      if (is_obj) {
        if (peek() != '"') return fail("expected a field name in double quotes");
        if (!string(key)) return false;
        ws();
        if (!eat(':')) return fail("expected ':'");
        ws();
      }
      if (!value(v, depth + 1)) return false;
      ws();
      if (eat(',')) continue;
      if (eat(close)) return true;
      return fail(p_ == end_ ? "unexpected end of line inside a value" : "expected ',' or a closing bracket");
    }
  }

  bool number(JVal& v) {
    bool neg = eat('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("invalid value");
    bool overflow = false;
    uint64_t mag = 0;
    if (*p_ == '0') {
      ++p_;
      if (p_ < end_ && *p_ >= '0' && *p_ <= '9') return fail("a number may not start with 0");
    } else {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        unsigned d = unsigned(*p_ - '0');
        if (mag > (UINT64_MAX - d) / 10) overflow = true;
        else mag = mag * 10 + d;
        ++p_;
      }
    }
    bool integral = true;
    if (eat('.')) {
      integral = false;
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("expected a digit after '.'");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (!eat('+')) eat('-');
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("expected a digit in the exponent");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    uint64_t limit = neg ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
    v.is_int = integral && !overflow && mag <= limit;
    if (v.is_int) v.i = neg ? int64_t(0 - mag) : int64_t(mag);
    return true;
  }

  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t& out) {
    if (end_ - p_ < 4) return fail("truncated \\u escape");
    out = 0;
    for (int k = 0; k < 4; ++k) {
      char c = *p_++;
      out <<= 4;
      if (c >= '0' && c <= '9') out |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') out |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= uint32_t(c - 'A' + 10);
      else return fail("invalid \\u escape");
    }
    return true;
  }

  // Length of the valid UTF-8 sequence at p_ (lead byte >= 0x80), 0 if invalid.
  size_t utf8_len() const {
    auto b = [&](ptrdiff_t k) { return p_ + k < end_ ? static_cast<unsigned char>(p_[k]) : 0u; };
    unsigned c = b(0);
    auto cont = [&](ptrdiff_t k) { return (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;  // no overlongs, no surrogates
      return b(1) >= lo && b(1) <= hi && cont(2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;  // at most U+10FFFF
      return b(1) >= lo && b(1) <= hi && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
  }

  bool string(std::string& out) {
    out.clear();
    ++p_;  // the opening quote
    for (;;) {
      if (out.size() > lim_.max_string_bytes)
        return fail("string too long (over " + std::to_string(lim_.max_string_bytes) + " bytes)");
      if (p_ == end_) return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return fail(c == 0 ? "NUL byte in a string" : "control character in a string (must be escaped)");
      if (c >= 0x80) {
        size_t n = utf8_len();
        if (n == 0) return fail("invalid UTF-8 in a string");
        out.append(p_, n);
        p_ += n;
        continue;
      }
      ++p_;
      if (c != '\\') {
        out += char(c);
        continue;
      }
      if (p_ == end_) return fail("unterminated string");
      char e = *p_++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (!(eat('\\') && eat('u')) || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF)
              return fail("unpaired surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate in a \\u escape");
          }
          if (cp == 0) return fail("\\u0000 in a string (trace strings cannot hold NUL)");
          put_utf8(out, cp);
          break;
        }
        default: return fail("invalid escape in a string");
      }
    }
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  const TraceLoadLimits& lim_;
  std::string& err_;
};

// [SECTION] Schema: the one table of trace_schema.hpp, read field by field below.

// [SECTION] Loader

class Loader {
 public:
  Loader(const std::string& name, Trace& into, const TraceLoadLimits& lim)
      : name_(name), stream_(into.primary()), lim_(lim) {}

  // Splits into lines; returns false on the first error (then error() says it).
  bool feed(const char* data, size_t n) {
    while (n > 0) {
      const char* nl = static_cast<const char*>(std::memchr(data, '\n', n));
      size_t take = nl ? size_t(nl - data) : n;
      if (pending_.size() + take > lim_.max_line_bytes)
        return fail_line("line too long (over " + std::to_string(lim_.max_line_bytes >> 10) + " KiB)");
      if (!nl) {
        pending_.append(data, take);
        return true;
      }
      bool ok;
      if (pending_.empty()) {
        ok = line(data, take);
      } else {
        pending_.append(data, take);
        ok = line(pending_.data(), pending_.size());
        pending_.clear();
      }
      if (!ok) return false;
      data += take + 1;
      n -= take + 1;
    }
    return true;
  }

  // End of input: a last line without its newline must still be a whole event.
  bool finish() {
    if (!pending_.empty()) {
      cut_ = true;
      if (!line(pending_.data(), pending_.size())) return false;
    }
    if (count_ == 0) return fail_file("no events (empty file)");
    return true;
  }

  const std::string& error() const { return err_; }
  bool fail_file(const std::string& what) {
    err_ = name_ + ": " + what;
    return false;
  }

 private:
  bool fail_line(const std::string& what) {
    err_ = name_ + ":" + std::to_string(line_no_ + 1) + ": " + what;
    if (cut_) err_ += " (the last line has no newline: the file looks truncated)";
    return false;
  }

  bool line(const char* p, size_t n) {
    bool ok = parse_line(p, n);
    ++line_no_;
    return ok;
  }

  bool parse_line(const char* p, size_t n) {
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r')) ++k;
    if (k == n) return true;  // blank lines carry nothing
    if (count_ >= lim_.max_events) return fail_line("too many events (over " + std::to_string(lim_.max_events) + ")");
    std::string perr;
    size_t nf = 0;
    LineParser lp(p, n, lim_, perr);
    if (!lp.object_line(fields_, nf)) return fail_line(perr);

    Event e;
    const JVal* ev = find("ev", nf);
    if (!ev) return fail_line("missing field 'ev'");
    if (ev->type != JVal::string) return fail_line("expected a string for ev");
    if (!parse(ev->s, e.kind)) return fail_line("unknown event kind '" + LineParser::printable(ev->s) + "'");

    int64_t v;
    if (!integer("seq", nf, 0, INT64_MAX, v)) return false;
    if (uint64_t(v) != count_)
      return fail_line("seq is " + std::to_string(v) + ", expected " + std::to_string(count_) + " (events 0, 1, 2... in order)");
    e.seq = uint64_t(v);
    if (!integer("t_ns", nf, 0, INT64_MAX, v)) return false;
    if (v < prev_t_) return fail_line("t_ns goes back in time (" + std::to_string(v) + " after " + std::to_string(prev_t_) + ")");
    e.t_ns = prev_t_ = v;
    if (!integer("loop", nf, 0, Trace::kMaxStreams - 1, v)) return false;
    e.loop = uint8_t(v);
    if (!integer("it", nf, 0, UINT32_MAX, v)) return false;
    e.it = uint32_t(v);

    for (const FieldSpec& f : fields_of(e.kind))
      if (!field(f, nf, e)) return false;
    if (e.kind == Ev::task_new && ++tasks_ > lim_.max_tasks)
      return fail_line("too many tasks (over " + std::to_string(lim_.max_tasks) + ")");
    if (!stream_.append(e)) return fail_line("the trace is full");
    ++count_;
    return true;
  }

  const JVal* find(const char* key, size_t nf) const {
    for (size_t k = 0; k < nf; ++k)
      if (fields_[k].key == key) return &fields_[k].v;
    return nullptr;
  }

  bool integer(const char* key, size_t nf, int64_t lo, int64_t hi, int64_t& out) {
    const JVal* j = find(key, nf);
    if (!j) return fail_line(std::string("missing field '") + key + "'");
    return integer_value(key, *j, lo, hi, out);
  }
  bool integer_value(const char* key, const JVal& j, int64_t lo, int64_t hi, int64_t& out) {
    if (j.type != JVal::number) return fail_line(std::string("expected a number for ") + key + ", got " + type_name(j.type));
    if (!j.is_int || j.i < lo || j.i > hi)
      return fail_line(std::string("number out of range for ") + key + " (" + LineParser::printable(j.raw) +
                       "; allowed " + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    out = j.i;
    return true;
  }

  bool field(const FieldSpec& f, size_t nf, Event& e) {
    const JVal* j = find(f.name, nf);
    if (!j) return f.presence == Presence::always ? fail_line(std::string("missing field '") + f.name + "' for " + name(e.kind)) : true;
    if (f.presence == Presence::when_code && e.code != f.cond)
      return fail_line(std::string("'") + f.name + "' goes only with " + fields_of(e.kind)[1].name + " " +
                       std::string(fields_of(e.kind)[1].names->name(f.cond)));
    int64_t v = 0;
    switch (f.type) {
      case Type::id:
        if (j->type == JVal::null_) v = -1;
        else if (!integer_value(f.name, *j, 0, lim_.max_id - 1, v)) return false;
        break;
      case Type::line: if (!integer_value(f.name, *j, 0, lim_.max_line_number, v)) return false; break;
      case Type::timeout: if (!integer_value(f.name, *j, -1, INT32_MAX, v)) return false; break;
      case Type::count: if (!integer_value(f.name, *j, 0, INT64_MAX, v)) return false; break;
      case Type::i64: if (!integer_value(f.name, *j, INT64_MIN, INT64_MAX, v)) return false; break;
      case Type::i32: if (!integer_value(f.name, *j, INT32_MIN, INT32_MAX, v)) return false; break;
      case Type::str:
        if (j->type == JVal::null_) return true;  // null: the field's default
        if (j->type != JVal::string) return fail_line(std::string("expected a string for ") + f.name + ", got " + type_name(j->type));
        set(e, f, std::bit_cast<uint64_t>(intern(j->s)));
        return true;
      case Type::object:
        if (j->type != JVal::object) return fail_line(std::string("expected an object for ") + f.name + ", got " + type_name(j->type));
        set(e, f, std::bit_cast<uint64_t>(intern(j->raw)));
        return true;
      case Type::enum_: {
        uint8_t x = 0;
        if (j->type != JVal::string || !f.names->parse(j->s, x)) {
          if (f.names == &schema_detail::kStatus) return fail_line("status must be \"ok\" or \"error\"");
          return fail_line(std::string("unknown ") + f.name + " '" + LineParser::printable(j->type == JVal::string ? j->s : j->raw) + "'");
        }
        v = x;
        break;
      }
      case Type::flag:
        if (j->type != JVal::boolean) return fail_line(std::string("expected true or false for ") + f.name);
        v = j->b;
        break;
    }
    set(e, f, uint64_t(v));
    return true;
  }

  // Traces repeat a few strings (labels, names) many times: intern each once.
  const char* intern(std::string_view s) {
    auto it = strings_.find(s);
    if (it != strings_.end()) return it->second;
    const char* p = stream_.intern(s);
    strings_.emplace(std::string_view(p, s.size()), p);
    return p;
  }

  std::string name_;
  Trace::Stream& stream_;
  const TraceLoadLimits& lim_;
  std::string err_;
  std::string pending_;
  std::vector<JField> fields_;
  std::unordered_map<std::string_view, const char*> strings_;
  size_t line_no_ = 0;
  uint64_t count_ = 0;
  size_t tasks_ = 0;
  int64_t prev_t_ = 0;
  bool cut_ = false;
};

bool check_fresh(Loader& l, const Trace& into) {
  return into.size() == 0 || l.fail_file("internal: loading into a trace that already has events");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> json_object_fields(std::string_view json) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<JField> fields;
  size_t n = 0;
  std::string err;
  TraceLoadLimits lim;
  LineParser parser(json.data(), json.size(), lim, err);
  if (!parser.object_line(fields, n)) return out;
  for (size_t i = 0; i < n; ++i)
    out.emplace_back(fields[i].key, fields[i].v.type == JVal::string ? fields[i].v.s : std::string(fields[i].v.raw));
  return out;
}

// [SECTION] Files

std::string load_trace_bytes(const std::string& name, const char* data, size_t size, Trace& into,
                             const TraceLoadLimits& limits) {
  Loader l(name, into, limits);
  if (!check_fresh(l, into)) return l.error();
  if (size > limits.max_file_bytes) {
    l.fail_file("too large (" + std::to_string(size >> 20) + " MiB; the limit is " +
                std::to_string(limits.max_file_bytes >> 20) + " MiB)");
    return l.error();
  }
  if (!l.feed(data, size) || !l.finish()) return l.error();
  return {};
}

std::string load_trace_file(const std::string& path, Trace& into, const TraceLoadLimits& limits) {
  Loader l(path, into, limits);
  if (!check_fresh(l, into)) return l.error();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; non-regular files are refused below.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    l.fail_file(std::string("cannot open (") + std::strerror(errno) + ")");
    return l.error();
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closer{fd};
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    l.fail_file(std::string("cannot stat (") + std::strerror(errno) + ")");
    return l.error();
  }
  if (!S_ISREG(st.st_mode)) {
    l.fail_file(S_ISDIR(st.st_mode) ? "is a directory, not a trace file" : "not a regular file");
    return l.error();
  }
  if (uint64_t(st.st_size) > limits.max_file_bytes) {
    l.fail_file("too large (" + std::to_string(uint64_t(st.st_size) >> 20) + " MiB; the limit is " +
                std::to_string(limits.max_file_bytes >> 20) + " MiB)");
    return l.error();
  }
  std::vector<char> buf(size_t(1) << 20);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      l.fail_file(std::string("read error (") + std::strerror(errno) + ")");
      return l.error();
    }
    if (n == 0) break;
    total += uint64_t(n);
    if (total > limits.max_file_bytes) {  // it grew while we read
      l.fail_file("too large (over " + std::to_string(limits.max_file_bytes >> 20) + " MiB)");
      return l.error();
    }
    if (!l.feed(buf.data(), size_t(n))) return l.error();
  }
  if (!l.finish()) return l.error();
  return {};
}

struct TraceFeeder::Impl {
  TraceLoadLimits limits;
  Loader loader;
  bool failed = false;
  Impl(const std::string& name, Trace& into, const TraceLoadLimits& l) : limits(l), loader(name, into, limits) {}
};

TraceFeeder::TraceFeeder(const std::string& name, Trace& into, const TraceLoadLimits& limits)
    : impl_(std::make_unique<Impl>(name, into, limits)) {
  if (!check_fresh(impl_->loader, into)) impl_->failed = true;
}
TraceFeeder::~TraceFeeder() = default;

bool TraceFeeder::feed(const char* data, size_t size) {
  if (impl_->failed) return false;
  return !(impl_->failed = !impl_->loader.feed(data, size));
}

bool TraceFeeder::finish() {
  if (impl_->failed) return false;
  return !(impl_->failed = !impl_->loader.finish());
}

const std::string& TraceFeeder::error() const { return impl_->loader.error(); }

}  // namespace loopscope
