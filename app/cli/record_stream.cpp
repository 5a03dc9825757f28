#include "record_stream.hpp"

#include <charconv>
#include <cstring>

namespace loopscope::cli {

namespace {

constexpr uint32_t kMaxFrame = 1u << 30;

// A decoded marshal value: what a record holds (ints, str, None, bools, tuples, lists).
enum class T : uint8_t { none, boolean, integer, text, seq };
struct Val {
  T t = T::none;
  int64_t i = 0;
  std::string_view s;
  uint32_t seq = 0;  // T::seq: its items are Reader::seqs[seq]
};

// marshal format version 4 (Python/marshal.c), the subset the recorder sends:
// a type byte, its 0x80 bit asking for the object to join the reference table
// (a container joins before its items, a scalar after it), 'r' naming an entry.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  std::vector<Val> refs;
  std::vector<std::vector<Val>>& seqs;
  size_t used = 0;
  std::string err;

  Reader(std::string_view d, std::vector<std::vector<Val>>& pool)
      : p(reinterpret_cast<const unsigned char*>(d.data())), end(p + d.size()), seqs(pool) {}

  bool fail(const char* why) {
    if (err.empty()) err = why;
    return false;
  }
  bool u8(uint32_t& v) {
    if (p >= end) return fail("a frame ends inside a value");
    v = *p++;
    return true;
  }
  bool i32(int32_t& v) {
    if (end - p < 4) return fail("a frame ends inside a value");
    uint32_t u = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    p += 4;
    v = int32_t(u);
    return true;
  }
  bool bytes(size_t n, std::string_view& s) {
    if (size_t(end - p) < n) return fail("a frame ends inside a string");
    s = std::string_view(reinterpret_cast<const char*>(p), n);
    p += n;
    return true;
  }

  bool value(Val& v, int depth) {
    if (depth > 8) return fail("values nested too deep");
    uint32_t code = 0;
    if (!u8(code)) return false;
    bool ref = code & 0x80;
    code &= 0x7f;
    int32_t n = 0;
    uint32_t small = 0;
    switch (code) {
      case 'N': v = Val{}; return true;
      case 'T': v = Val{T::boolean, 1, {}, 0}; return true;
      case 'F': v = Val{T::boolean, 0, {}, 0}; return true;
      case 'i':
        if (!i32(n)) return false;
        v = Val{T::integer, n, {}, 0};
        break;
      case 'l': {  // |n| digits of 15 bits, least significant first; the sign is n's
        if (!i32(n)) return false;
        int64_t digits = n < 0 ? -int64_t(n) : n;
        if (digits > 5) return fail("an integer wider than 64 bits");
        uint64_t x = 0;
        for (int64_t k = 0; k < digits; ++k) {
          if (end - p < 2) return fail("a frame ends inside a value");
          uint64_t d = uint64_t(p[0]) | uint64_t(p[1]) << 8;
          p += 2;
          if (k == 4 && d > 7) return fail("an integer wider than 64 bits");
          x |= d << (15 * k);
        }
        if (x > uint64_t(INT64_MAX)) return fail("an integer wider than 64 bits");
        v = Val{T::integer, n < 0 ? -int64_t(x) : int64_t(x), {}, 0};
        break;
      }
      case 'u': case 't': case 'a': case 'A':
        if (!i32(n)) return false;
        if (n < 0) return fail("a negative length");
        v = Val{T::text, 0, {}, 0};
        if (!bytes(size_t(n), v.s)) return false;
        break;
      case 'z': case 'Z':
        if (!u8(small)) return false;
        v = Val{T::text, 0, {}, 0};
        if (!bytes(small, v.s)) return false;
        break;
      case '(': case '[': case ')': {
        size_t count = 0;
        if (code == ')') {
          if (!u8(small)) return false;
          count = small;
        } else {
          if (!i32(n)) return false;
          if (n < 0 || size_t(n) > size_t(end - p)) return fail("a bad length");
          count = size_t(n);
        }
        size_t slot = refs.size();
        if (ref) refs.emplace_back();
        size_t k = used++;
        if (seqs.size() <= k) seqs.emplace_back();
        seqs[k].clear();
        for (size_t j = 0; j < count; ++j) {
          Val item;
          if (!value(item, depth + 1)) return false;
          seqs[k].push_back(item);
        }
        v = Val{T::seq, 0, {}, uint32_t(k)};
        if (ref) refs[slot] = v;
        return true;
      }
      case 'r': {
        if (!i32(n)) return false;
        if (n < 0 || size_t(n) >= refs.size()) return fail("a reference to nothing");
        v = refs[size_t(n)];
        return true;
      }
      default:
        return fail("an unexpected marshal type");
    }
    if (ref) refs.push_back(v);
    return true;
  }
};

void put_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// JSON text from the recorder, as it is; a lone surrogate (which marshal
// passes as its 3-byte form) becomes '?', as the recorder's own
// encode("utf-8", "replace") does.
void put_text(std::string& out, std::string_view s) {
  for (;;) {
    const void* hit = std::memchr(s.data(), 0xED, s.size());
    if (!hit) break;
    size_t k = size_t(static_cast<const char*>(hit) - s.data());
    if (k + 2 < s.size() && (unsigned char)s[k + 1] >= 0xA0) {
      out.append(s.data(), k);
      out += '?';
      s.remove_prefix(k + 3);
    } else {
      out.append(s.data(), k + 1);
      s.remove_prefix(k + 1);
    }
  }
  out.append(s);
}

}  // namespace

bool RecordStream::feed(const char* data, size_t size, std::string& out) {
  if (!error_.empty()) return false;
  pending_.append(data, size);
  size_t at = 0;
  while (pending_.size() - at >= 4) {
    const unsigned char* h = reinterpret_cast<const unsigned char*>(pending_.data() + at);
    uint32_t n = uint32_t(h[0]) | uint32_t(h[1]) << 8 | uint32_t(h[2]) << 16 | uint32_t(h[3]) << 24;
    if (n > kMaxFrame) {
      error_ = "the recorder's stream is malformed (a frame of " + std::to_string(n) + " bytes)";
      return false;
    }
    if (pending_.size() - at - 4 < n) break;
    if (!frame(std::string_view(pending_).substr(at + 4, n), out)) return false;
    at += 4 + n;
  }
  pending_.erase(0, at);
  return true;
}

bool RecordStream::frame(std::string_view data, std::string& out) {
  thread_local std::vector<std::vector<Val>> pool;
  Reader r(data, pool);
  Val top;
  if (!r.value(top, 0) || top.t != T::seq) {
    error_ = "the recorder's stream is malformed (" + (r.err.empty() ? std::string("not a list") : r.err) + ")";
    return false;
  }
  const std::vector<Val>& items = pool[top.seq];
  if (kinds_.empty()) {  // the header: ("loopscope-records", 1, KINDS)
    if (items.size() != 3 || items[0].t != T::text || items[0].s != "loopscope-records" ||
        items[1].t != T::integer || items[1].i != 1 || items[2].t != T::seq) {
      error_ = "the recorder's stream does not start with its header (an older or newer recorder?)";
      return false;
    }
    for (const Val& k : pool[items[2].seq]) {
      if (k.t != T::text) {
        error_ = "the recorder's stream is malformed (a kind is not text)";
        return false;
      }
      std::vector<std::string> parts;
      std::string_view s = k.s;
      for (size_t j; (j = s.find("%s")) != std::string_view::npos; s.remove_prefix(j + 2)) parts.emplace_back(s.substr(0, j));
      parts.emplace_back(s);
      kinds_.push_back(std::move(parts));
    }
    return true;
  }
  for (const Val& rec : items) {
    const std::vector<Val>* f = rec.t == T::seq ? &pool[rec.seq] : nullptr;
    if (!f || f->size() < 4 || (*f)[0].t != T::integer || (*f)[1].t != T::integer || (*f)[2].t != T::integer ||
        (*f)[3].t != T::integer || (*f)[0].i < 0 || uint64_t((*f)[0].i) >= kinds_.size()) {
      error_ = "the recorder's stream is malformed (event " + std::to_string(seq_) + " is not a record)";
      return false;
    }
    const std::vector<std::string>& parts = kinds_[size_t((*f)[0].i)];
    const size_t nargs = f->size() - 4;  // the args follow (kind, t, loop, it)
    if (nargs + 1 != parts.size()) {
      error_ = "the recorder's stream is malformed (event " + std::to_string(seq_) + " has " +
               std::to_string(nargs) + " fields for " + std::to_string(parts.size() - 1) + ")";
      return false;
    }
    size_t line_start = out.size();
    int64_t t = (*f)[1].i;
    if (t < last_t_) t = last_t_;  // a worker thread's event may be queued a moment after a later stamp
    last_t_ = t;
    out += "{\"seq\":";
    put_int(out, int64_t(seq_++));
    out += ",\"t_ns\":";
    put_int(out, t);
    out += ",\"loop\":";
    put_int(out, (*f)[2].i);
    out += ",\"it\":";
    put_int(out, (*f)[3].i);
    out += ",\"ev\":";
    out += parts[0];
    for (size_t j = 0; j < nargs; ++j) {
      const Val& a = (*f)[4 + j];
      switch (a.t) {
        case T::integer: put_int(out, a.i); break;
        case T::text: put_text(out, a.s); break;
        case T::none: out += "null"; break;
        case T::boolean: out += a.i ? "true" : "false"; break;
        case T::seq:
          out.resize(line_start);
          error_ = "the recorder's stream is malformed (event " + std::to_string(seq_ - 1) + " has a nested field)";
          return false;
      }
      out += parts[j + 1];
    }
    out += '\n';
  }
  return true;
}

}  // namespace loopscope::cli
