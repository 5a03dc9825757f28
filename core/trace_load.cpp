// [SECTION] index
//   JSON: simdjson (Debian's libsimdjson-dev) parses and checks one line
//   Schema: which JSON field fills which Event slot: trace_schema.hpp
//   Loader: lines -> events, with the caps of TraceLoadLimits
//   Files: open without blocking, check size, read in blocks
#include "trace_load.hpp"

#include "trace_schema.hpp"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loopscope {

namespace {

namespace sj = simdjson;
namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

// [SECTION] JSON
//
// simdjson's DOM parser checks a whole line (RFC 8259 grammar, UTF-8, the
// nesting limit) and decodes its strings; it is faster here than On-Demand,
// which also checks only what is read. On-Demand is used for the one thing
// DOM cannot give: an object's text as written (params).

// simdjson reads up to this many bytes past a line's end (their content is
// never used): a line with fewer readable bytes after it is copied first.
constexpr size_t kPadding = sj::SIMDJSON_PADDING;
constexpr size_t kMaxFields = 64;
// The document stream's batch: lines longer than this are parsed one by one.
constexpr size_t kStreamBatch = size_t(256) << 10;

const char* type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::NULL_VALUE: return "null";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::INT64: case dom::element_type::UINT64: case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::ARRAY: return "an array";
  }
  return "?";
}

// A short, printable rendering of untrusted text for messages.
std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
  if (s.size() > 40) out += "...";
  return out;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// One line's problem in words (simdjson's own messages name its internals).
std::string json_problem(sj::error_code er, std::string_view line, int max_depth) {
  switch (er) {
    case sj::UTF8_ERROR: return "invalid UTF-8 in a string";
    case sj::UNESCAPED_CHARS:
      return std::memchr(line.data(), 0, line.size()) ? "NUL byte in a string"
                                                       : "control character in a string (must be escaped)";
    case sj::UNCLOSED_STRING: return "unterminated string";
    case sj::STRING_ERROR: return "invalid escape in a string (or an unpaired surrogate in a \\u escape)";
    case sj::NUMBER_ERROR: return "invalid number";
    case sj::T_ATOM_ERROR: case sj::F_ATOM_ERROR: case sj::N_ATOM_ERROR: return "invalid value";
    case sj::DEPTH_ERROR: return "nested too deeply (over " + std::to_string(max_depth) + " levels)";
    case sj::TRAILING_CONTENT: return "unexpected text after the object";
    case sj::TAPE_ERROR: case sj::INCOMPLETE_ARRAY_OR_OBJECT:
      if (trim_right(line).ends_with('}')) return "malformed JSON (a missing or extra comma, colon, bracket or quote)";
      return "the line does not end with '}' (cut short, or text after the object)";
    default: return sj::error_message(er);
  }
}

// A value's text as written, from an On-Demand walk of the line (padded).
sj::error_code raw_text(od::value v, std::string_view& out) {
  od::json_type t;
  if (auto er = v.type().get(t)) return er;
  if (t == od::json_type::object) {
    od::object o;
    if (auto er = v.get_object().get(o)) return er;
    if (auto er = o.raw_json().get(out)) return er;
  } else if (t == od::json_type::array) {
    od::array a;
    if (auto er = v.get_array().get(a)) return er;
    if (auto er = a.raw_json().get(out)) return er;
  } else {
    out = v.raw_json_token();
  }
  out = trim_right(out);
  return sj::SUCCESS;
}

// Strings anywhere in a value: no NUL (from \u0000) and none over the cap.
// Only walked when the line could hold such a string.
std::string bad_string(std::string_view s, size_t max_bytes) {
  if (s.size() > max_bytes) return "string too long (over " + std::to_string(max_bytes) + " bytes)";
  if (std::memchr(s.data(), 0, s.size())) return "\\u0000 in a string (trace strings cannot hold NUL)";
  return {};
}
std::string bad_string(dom::element v, size_t max_bytes) {
  switch (v.type()) {
    case dom::element_type::STRING: return bad_string(std::string_view(v), max_bytes);
    case dom::element_type::OBJECT:
      for (auto [key, x] : dom::object(v)) {
        if (std::string why = bad_string(key, max_bytes); !why.empty()) return why;
        if (std::string why = bad_string(x, max_bytes); !why.empty()) return why;
      }
      return {};
    case dom::element_type::ARRAY:
      for (dom::element x : dom::array(v))
        if (std::string why = bad_string(x, max_bytes); !why.empty()) return why;
      return {};
    default: return {};
  }
}

// Each kind's field names as string_views, made once (a length compare before
// the bytes; fields_of's names are C strings).
std::span<const std::string_view> field_names(Ev kind) {
  static const auto table = [] {
    std::vector<std::vector<std::string_view>> t(static_cast<size_t>(Ev::count_));
    for (size_t k = 0; k < t.size(); ++k)
      for (const FieldSpec& f : fields_of(Ev(k))) t[k].push_back(f.name);
    return t;
  }();
  return table[size_t(kind)];
}

// Short names compared inline (a libc memcmp call costs more than the bytes).
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The interned strings are short labels: their first and last 8 bytes and
// their length, mixed, hash them well enough and far faster than std::hash.
struct ShortHash {
  size_t operator()(std::string_view s) const noexcept {
    uint64_t a = 0, b = 0;
    if (s.size() >= 8) {
      std::memcpy(&a, s.data(), 8);
      std::memcpy(&b, s.data() + s.size() - 8, 8);
    } else {
      for (char c : s) a = (a << 8) | uint8_t(c);
    }
    uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull) ^ s.size()) * 0xBF58476D1CE4E5B9ull;
    return size_t(h ^ (h >> 31));
  }
};

// A line copied with the padding simdjson reads past its end.
struct PaddedLine {
  std::string buf;
  const char* place(const char* p, size_t n) {
    buf.assign(p, n);
    buf.append(kPadding, ' ');
    return buf.data();
  }
};

// [SECTION] Schema: the one table of trace_schema.hpp, read field by field below.

// [SECTION] Loader

class Loader {
 public:
  Loader(const std::string& name, Trace& into, const TraceLoadLimits& lim)
      : name_(name), stream_(into.primary()), lim_(lim) {
    // The line's object is simdjson's level 1: params' contents start at 2.
    if (parser_.allocate(size_t(64) << 10, size_t(lim_.max_depth) + 1)) parse_failed_ = "cannot allocate the JSON parser";
  }

  // Splits into lines; returns false on the first error (then error() says it).
  // `avail` (>= n) bytes from data are readable: past kPadding of them, whole
  // lines are parsed in one pass (fast_lines).
  bool feed(const char* data, size_t n, size_t avail) {
    if (pending_.empty() && parse_failed_.empty() && avail > kPadding) {
      // The lines that end with kPadding readable bytes after them.
      if (const char* last = static_cast<const char*>(memrchr(data, '\n', std::min(n, avail - kPadding)))) {
        size_t m = size_t(last - data) + 1;
        size_t done = fast_lines(data, m, avail);
        if (!err_.empty()) return false;
        data += done;
        n -= done;
        avail -= done;
      }
    }
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
        ok = line(data, take, n);  // the rest of this block is readable past the line
      } else {
        pending_.append(data, take);
        ok = line(pending_.data(), pending_.size(), pending_.size());
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
      if (!line(pending_.data(), pending_.size(), pending_.size())) return false;
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
  // The fields every event has.
  enum Base : uint8_t { kEv, kSeq, kTNs, kLoop, kIt, kBaseFields };
  static constexpr const char* kBaseNames[kBaseFields] = {"ev", "seq", "t_ns", "loop", "it"};
  static constexpr int64_t kBaseMax[kBaseFields] = {0, INT64_MAX, INT64_MAX, Trace::kMaxStreams - 1, UINT32_MAX};

  static int base_field(std::string_view key) {
    switch (key.size()) {
      case 2: return key == "ev" ? kEv : key == "it" ? kIt : -1;
      case 3: return key == "seq" ? kSeq : -1;
      case 4: return key == "t_ns" ? kTNs : key == "loop" ? kLoop : -1;
    }
    return -1;
  }

  struct Field {
    std::string_view key;
    dom::element value;
    int base;  // a Base, or -1
  };

  bool fail_line(const std::string& what) {
    err_ = name_ + ":" + std::to_string(line_no_ + 1) + ": " + what;
    if (cut_) err_ += " (the last line has no newline: the file looks truncated)";
    return false;
  }

  // `avail`: how many bytes from p may be read (at least n).
  bool line(const char* p, size_t n, size_t avail) {
    bool ok = parse_line(p, n, avail);
    ++line_no_;
    return ok;
  }

  bool parse_line(const char* p, size_t n, size_t avail) {
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r')) ++k;
    if (k == n) return true;  // blank lines carry nothing
    if (!parse_failed_.empty()) return fail_line(parse_failed_);
    if (count_ >= lim_.max_events) return fail_line("too many events (over " + std::to_string(lim_.max_events) + ")");
    if (avail - n < kPadding) {
      p = padded_.place(p, n);
      avail = padded_.buf.size();
    }
    line_ = std::string_view(p, n);
    line_avail_ = avail;
    dom::element root;
    if (auto er = parser_.parse(p, n, false).get(root)) return fail_line(explain(er));
    return event(root);
  }

  // Whole lines [data, data + m) (m ends with '\n', `avail` >= m + kPadding
  // readable): one simdjson document stream over all of them instead of a
  // parse per line, which cost more than the lines' bytes. A line is taken
  // from the stream only when its one document spans exactly the line's text;
  // anything else (an error, two objects on a line, a line over the stream's
  // batch) stops here, and feed() parses the rest line by line, which says
  // what is wrong exactly as before. Returns the bytes consumed (whole lines).
  size_t fast_lines(const char* data, size_t m, size_t avail) {
    if (!stream_ready_) {  // allocated on first use, with the per-line parser's depth limit
      if (stream_parser_.allocate(kStreamBatch, size_t(lim_.max_depth) + 1)) return 0;
      stream_parser_.threaded = false;  // a second thread for stage 1 would only contend on a busy machine
      stream_ready_ = true;
    }
    dom::document_stream docs;
    if (stream_parser_.parse_many(reinterpret_cast<const uint8_t*>(data), m, kStreamBatch).get(docs)) return 0;
    size_t at = 0;  // start of the next line to take
    auto it = docs.begin();
    while (at < m) {
      const char* ls = data + at;
      const char* nl = static_cast<const char*>(std::memchr(ls, '\n', m - at));
      size_t n = size_t(nl - ls);
      size_t k = 0;
      while (k < n && (ls[k] == ' ' || ls[k] == '\t' || ls[k] == '\r')) ++k;
      if (k == n) {  // a blank line
        ++line_no_;
        at += n + 1;
        continue;
      }
      if (n > lim_.max_line_bytes || count_ >= lim_.max_events || !(it != docs.end())) return at;
      dom::element root;
      if ((*it).get(root) || it.current_index() != at + k) return at;
      std::string_view src = it.source();
      size_t end = k + src.size();
      while (end < n && (ls[end] == ' ' || ls[end] == '\t' || ls[end] == '\r')) ++end;
      if (end != n) return at;  // more on this line than one document
      line_ = std::string_view(ls, n);
      line_avail_ = avail - at;
      bool ok = event(root);
      ++line_no_;
      if (!ok) return at;
      at += n + 1;
      ++it;
    }
    return at;
  }

  // One parsed line (line_) into an event.
  bool event(dom::element root) {
    const char* p = line_.data();
    const size_t n = line_.size();
    dom::object obj;
    if (root.get_object().get(obj)) return fail_line("expected '{' at the start of the line");
    // A string can be over the cap only on a line that long, and NUL only from a \u0000 escape.
    if (n > lim_.max_string_bytes || (std::memchr(p, '\\', n) && memmem(p, n, "\\u0000", 6)))
      if (std::string why = bad_string(root, lim_.max_string_bytes); !why.empty()) return fail_line(why);

    size_t nf = 0;
    for (auto [key, value] : obj) {
      if (nf == kMaxFields) return fail_line("too many fields (over 64)");
      fields_[nf++] = {key, value, base_field(key)};
    }
    Event e;
    int64_t base[kBaseFields] = {};
    uint32_t seen_base = 0;
    bool rest = false;  // fields besides the base ones
    for (size_t i = 0; i < nf; ++i) {
      int b = fields_[i].base;
      if (b < 0) {
        rest = true;
        continue;
      }
      if (seen_base & (1u << b)) return fail_line("duplicate field '" + std::string(fields_[i].key) + "'");
      seen_base |= 1u << b;
      dom::element v = fields_[i].value;
      if (b == kEv) {
        std::string_view kind;
        if (v.get_string().get(kind)) return fail_line("expected a string for ev");
        if (!parse(kind, e.kind)) return fail_line("unknown event kind '" + printable(kind) + "'");
      } else if (!integer_value(kBaseNames[b], v, 0, kBaseMax[b], base[b])) {
        return false;
      }
    }
    if (!(seen_base & (1u << kEv))) return fail_line("missing field 'ev'");
    for (int b = 1; b < kBaseFields; ++b)
      if (!(seen_base & (1u << b))) return fail_line(std::string("missing field '") + kBaseNames[b] + "'");
    if (uint64_t(base[kSeq]) != count_)
      return fail_line("seq is " + std::to_string(base[kSeq]) + ", expected " + std::to_string(count_) +
                       " (events 0, 1, 2... in order)");
    e.seq = uint64_t(base[kSeq]);
    if (base[kTNs] < prev_t_)
      return fail_line("t_ns goes back in time (" + std::to_string(base[kTNs]) + " after " + std::to_string(prev_t_) + ")");
    e.t_ns = prev_t_ = base[kTNs];
    e.loop = uint8_t(base[kLoop]);
    e.it = uint32_t(base[kIt]);

    std::span<const FieldSpec> specs = fields_of(e.kind);
    std::span<const std::string_view> names = field_names(e.kind);
    uint64_t seen_spec = 0;  // bit k: specs[k]
    size_t next = 0;         // fields come in the table's order when loopscope wrote them
    size_t unknown = 0;      // unknown fields are checked (by the parser) and ignored: the format may grow
    for (size_t i = 0; rest && i < nf; ++i) {
      if (fields_[i].base >= 0) continue;
      std::string_view key = fields_[i].key;
      size_t found = names.size();
      for (size_t j = 0; j < names.size(); ++j) {
        size_t k = next + j < names.size() ? next + j : next + j - names.size();
        if (same(key, names[k])) {
          found = k;
          break;
        }
      }
      if (found == names.size()) {
        for (size_t u = 0; u < unknown; ++u)
          if (same(unknown_[u], key)) return fail_line("duplicate field '" + printable(key) + "'");
        unknown_[unknown++] = key;
        continue;
      }
      if ((seen_spec >> found) & 1) return fail_line("duplicate field '" + printable(key) + "'");
      seen_spec |= uint64_t(1) << found;
      next = found + 1;
      if (!field(specs[found], fields_[i].value, e)) return false;
    }
    for (size_t k = 0; k < specs.size(); ++k) {
      const FieldSpec& f = specs[k];
      bool seen = (seen_spec >> k) & 1;
      if (!seen && f.presence == Presence::always)
        return fail_line(std::string("missing field '") + f.name + "' for " + name(e.kind));
      if (seen && f.presence == Presence::when_code && e.code != f.cond)
        return fail_line(std::string("'") + f.name + "' goes only with " + specs[1].name + " " +
                         std::string(specs[1].names->name(f.cond)));
      if (seen && f.presence == Presence::unless_bit && ((e.flags >> f.cond) & 1) && !null_field(f.name, nf))
        for (const FieldSpec& other : specs)  // the field whose bit it is: they share a slot
          if (other.presence == Presence::has_bit && other.cond == f.cond)
            return fail_line(std::string("'") + f.name + "' does not go with '" + other.name + "'");
    }
    if (e.kind == Ev::task_new && ++tasks_ > lim_.max_tasks)
      return fail_line("too many tasks (over " + std::to_string(lim_.max_tasks) + ")");
    if (!stream_.append(e)) return fail_line("the trace is full");
    ++count_;
    return true;
  }

  // Whether the line's field `key` is null (the same as leaving it out).
  bool null_field(std::string_view key, size_t nf) const {
    for (size_t i = 0; i < nf; ++i)
      if (fields_[i].key == key) return fields_[i].value.is_null();
    return true;
  }

  bool integer_value(const char* key, dom::element v, int64_t lo, int64_t hi, int64_t& out) {
    int64_t i = 0;
    if (v.get_int64().get(i) == sj::SUCCESS && i >= lo && i <= hi) {
      out = i;
      return true;
    }
    std::string shown;
    switch (v.type()) {
      case dom::element_type::INT64: shown = std::to_string(v.get_int64().value_unsafe()); break;
      case dom::element_type::UINT64: shown = std::to_string(v.get_uint64().value_unsafe()); break;
      case dom::element_type::DOUBLE: shown = printable(sj::to_string(v)); break;
      default: return fail_line(std::string("expected a number for ") + key + ", got " + type_name(v.type()));
    }
    return fail_line(std::string("number out of range for ") + key + " (" + shown + "; allowed " + std::to_string(lo) +
                     ".." + std::to_string(hi) + ")");
  }

  bool field(const FieldSpec& f, dom::element v, Event& e) {
    int64_t x = 0;
    switch (f.type) {
      case Type::id:
        if (v.is_null()) x = -1;
        else if (!integer_value(f.name, v, 0, lim_.max_id - 1, x)) return false;
        break;
      case Type::line: if (!integer_value(f.name, v, 0, lim_.max_line_number, x)) return false; break;
      case Type::timeout: if (!integer_value(f.name, v, -1, INT32_MAX, x)) return false; break;
      case Type::count: if (!integer_value(f.name, v, 0, INT64_MAX, x)) return false; break;
      case Type::i64: if (!integer_value(f.name, v, INT64_MIN, INT64_MAX, x)) return false; break;
      case Type::i32: if (!integer_value(f.name, v, INT32_MIN, INT32_MAX, x)) return false; break;
      case Type::str: {
        std::string_view s;
        if (v.get_string().get(s)) {
          if (v.is_null()) return true;  // null: the field's default
          return fail_line(std::string("expected a string for ") + f.name + ", got " + type_name(v.type()));
        }
        set(e, f, std::bit_cast<uint64_t>(intern(s)));
        return true;
      }
      case Type::object: {
        if (!v.is_object()) return fail_line(std::string("expected an object for ") + f.name + ", got " + type_name(v.type()));
        std::string_view raw;
        if (!written_text(f.name, raw)) return false;
        set(e, f, std::bit_cast<uint64_t>(intern(raw)));
        return true;
      }
      case Type::enum_: {
        uint8_t y = 0;
        std::string_view s;
        if (v.get_string().get(s) || !f.names->parse(s, y)) {
          if (f.names == &schema_detail::kStatus) return fail_line("status must be \"ok\" or \"error\"");
          std::string shown = v.is_string() ? std::string(s) : sj::to_string(v);
          return fail_line(std::string("unknown ") + f.name + " '" + printable(shown) + "'");
        }
        x = y;
        break;
      }
      case Type::flag: {
        bool b = false;
        if (v.get_bool().get(b)) return fail_line(std::string("expected true or false for ") + f.name);
        x = b;
        break;
      }
    }
    set(e, f, uint64_t(x));
    return true;
  }

  // DOM says what went wrong, not where: for the errors that a walk of the
  // line's fields can place, say which field or what follows the object.
  std::string explain(sj::error_code er) {
    if (er == sj::NUMBER_ERROR || er == sj::TAPE_ERROR) {
      od::document doc;
      od::object obj;
      if (!od_parser_.iterate(line_.data(), line_.size(), line_avail_).get(doc) && !doc.get_object().get(obj)) {
        bool walked = true;
        for (auto item : obj) {
          od::field f;
          std::string_view key;
          od::json_type t;
          if (std::move(item).get(f) || f.unescaped_key().get(key) || f.value().type().get(t)) {
            walked = false;
            break;
          }
          if (t != od::json_type::number) continue;
          std::string raw = printable(trim_right(f.value().raw_json_token()));
          double d;
          int64_t i;
          if (f.value().get_int64().get(i) == sj::SUCCESS) continue;
          if (f.value().get_double().get(d) == sj::SUCCESS) {
            if (std::string_view(raw).find_first_of(".eE") != std::string_view::npos) continue;  // a float: valid
            return "number out of range for " + printable(key) + " (" + raw + "; integers must fit in 64 bits)";
          }
          return "invalid number for " + printable(key) + " (" + raw + ")";
        }
        const char* rest = nullptr;
        if (walked && doc.current_location().get(rest) == sj::SUCCESS) return "unexpected text after the object";
      }
    }
    return json_problem(er, line_, lim_.max_depth);
  }

  // A field's value as written in the line (params is kept as its text). The
  // line has passed the DOM parser, so this On-Demand walk meets no error.
  bool written_text(const char* key, std::string_view& out) {
    od::document doc;
    od::object obj;
    od::value v;
    if (od_parser_.iterate(line_.data(), line_.size(), line_avail_).get(doc) || doc.get_object().get(obj) ||
        obj.find_field_unordered(key).get(v) || raw_text(v, out))
      return fail_line(std::string("cannot read the text of ") + key);
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
  dom::parser parser_;
  dom::parser stream_parser_{kStreamBatch};
  bool stream_ready_ = false;
  od::parser od_parser_;
  std::string parse_failed_;
  PaddedLine padded_;
  std::string_view line_;  // the line being read, padded
  size_t line_avail_ = 0;
  Field fields_[kMaxFields];
  std::string_view unknown_[kMaxFields];
  std::unordered_map<std::string_view, const char*, ShortHash> strings_;
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
  PaddedLine line;
  const char* p = line.place(json.data(), json.size());
  dom::parser checker;  // strict first: On-Demand reads only what is asked
  dom::element root;
  if (checker.parse(p, json.size(), false).get(root) || !root.is_object()) return {};
  if (!bad_string(root, limits::kStringBytes).empty()) return {};
  std::vector<std::pair<std::string, std::string>> out;
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(p, json.size(), line.buf.size()).get(doc) || doc.get_object().get(obj)) return {};
  for (auto item : obj) {
    od::field f;
    std::string_view key, text;
    od::json_type t;
    if (std::move(item).get(f) || f.unescaped_key().get(key) || f.value().type().get(t)) return {};
    if (t == od::json_type::string ? f.value().get_string().get(text) != sj::SUCCESS : raw_text(f.value(), text) != sj::SUCCESS)
      return {};
    out.emplace_back(key, text);
  }
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
  if (!l.feed(data, size, size) || !l.finish()) return l.error();
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
  constexpr size_t kBlock = size_t(1) << 20;
  std::vector<char> buf(kBlock + kPadding);  // the padding lets simdjson read a block's last line in place
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), kBlock);
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
    if (!l.feed(buf.data(), size_t(n), buf.size())) return l.error();
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
  return !(impl_->failed = !impl_->loader.feed(data, size, size));
}

bool TraceFeeder::finish() {
  if (impl_->failed) return false;
  return !(impl_->failed = !impl_->loader.finish());
}

const std::string& TraceFeeder::error() const { return impl_->loader.error(); }

}  // namespace loopscope
