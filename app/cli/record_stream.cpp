#include "record_stream.hpp"

#include <charconv>
#include <cstring>

namespace loopscope::cli {

namespace {

constexpr uint32_t kMaxFrame = 1u << 30;

using Val = RecordStream::Value;
using T = Val::Type;

// marshal format version 4 (Python/marshal.c), the subset the recorder sends:
// a type byte, its 0x80 bit asking for the object to join the reference table
// (a container joins before its items, a scalar after it), 'r' naming an entry.
// Values are read one at a time, containers as headers, so that a record's
// fields need no allocation.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  std::vector<Val>& refs;
  std::string err;

  Reader(std::string_view d, std::vector<Val>& table)
      : p(reinterpret_cast<const unsigned char*>(d.data())), end(p + d.size()), refs(table) {
    refs.clear();
  }

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

  // The next value; a tuple or list gives its length (T::seq) and its items come next.
  bool next(Val& v) {
    uint32_t code = 0;
    if (!u8(code)) return false;
    bool ref = code & 0x80;
    code &= 0x7f;
    int32_t n = 0;
    uint32_t small = 0;
    switch (code) {
      case 'N': v = Val{}; return true;
      case 'T': v = Val{T::boolean, 1, {}}; return true;
      case 'F': v = Val{T::boolean, 0, {}}; return true;
      case 'i':
        if (!i32(n)) return false;
        v = Val{T::integer, n, {}};
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
        v = Val{T::integer, n < 0 ? -int64_t(x) : int64_t(x), {}};
        break;
      }
      case 'u': case 't': case 'a': case 'A':
        if (!i32(n)) return false;
        if (n < 0) return fail("a negative length");
        v = Val{T::text, 0, {}};
        if (!bytes(size_t(n), v.s)) return false;
        break;
      case 'z': case 'Z':
        if (!u8(small)) return false;
        v = Val{T::text, 0, {}};
        if (!bytes(small, v.s)) return false;
        break;
      case '(': case '[': case ')':
        if (code == ')') {
          if (!u8(small)) return false;
          n = int32_t(small);
        } else if (!i32(n)) {
          return false;
        }
        if (n < 0 || n > end - p) return fail("a bad length");
        v = Val{T::seq, n, {}};
        if (ref) refs.push_back(Val{T::seq, -1, {}});  // its slot; a reference to it is refused below
        return true;
      case 'r': {
        if (!i32(n)) return false;
        if (n < 0 || size_t(n) >= refs.size() || refs[size_t(n)].t == T::seq) return fail("a bad reference");
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

uint64_t resume_key(int64_t loop, int64_t task) { return uint64_t(loop) << 32 ^ uint64_t(uint32_t(task)); }

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
  Reader r(data, refs_);
  auto bad = [&](const std::string& what) {
    error_ = "the recorder's stream is malformed (" + (r.err.empty() ? what : r.err) + ")";
    return false;
  };
  Val top;
  if (!r.next(top) || top.t != T::seq) return bad("not a list");
  if (kinds_.empty()) {  // the header: ("loopscope-records", 2, KINDS, RESUME)
    Val name, version, kinds;
    if (top.i != 4 || !r.next(name) || name.t != T::text || name.s != "loopscope-records" || !r.next(version) ||
        version.t != T::integer || version.i != 2 || !r.next(kinds) || kinds.t != T::seq) {
      error_ = "the recorder's stream does not start with its header (an older or newer recorder?)";
      return false;
    }
    for (int64_t j = 0; j < kinds.i; ++j) {
      Val k;
      if (!r.next(k) || k.t != T::text) return bad("a kind is not text");
      std::vector<std::string> parts;
      std::string_view s = k.s;
      for (size_t at; (at = s.find("%s")) != std::string_view::npos; s.remove_prefix(at + 2))
        parts.emplace_back(s.substr(0, at));
      parts.emplace_back(s);
      kinds_.push_back(std::move(parts));
    }
    // RESUME: (resume kind, step.begin without file, with file, (step.end kinds without file), (with file),
    // (task.done kinds))
    const int64_t nk = int64_t(kinds_.size());
    auto kind_code = [&](int64_t& code) {
      Val v;
      if (!r.next(v) || v.t != T::integer || v.i < 0 || v.i >= nk) return false;
      code = v.i;
      return true;
    };
    Val resume;
    if (!r.next(resume) || resume.t != T::seq || resume.i != 6 || !kind_code(resume_) || !kind_code(begin_nofile_) ||
        !kind_code(begin_file_) || kinds_[size_t(resume_)].size() != 6 || kinds_[size_t(begin_nofile_)].size() != 3 ||
        kinds_[size_t(begin_file_)].size() != 4)
      return bad("the header's RESUME");
    resume_role_.assign(kinds_.size(), 0);
    for (uint8_t role = 1; role <= 3; ++role) {  // step.end without file, with file, task.done
      Val ends;
      if (!r.next(ends) || ends.t != T::seq) return bad("the header's RESUME");
      for (int64_t j = 0; j < ends.i; ++j) {
        int64_t code = 0;
        if (!kind_code(code) || kinds_[size_t(code)].size() < (role == 2 ? 6u : role == 1 ? 5u : 2u))
          return bad("the header's RESUME");
        resume_role_[size_t(code)] = role;
      }
    }
    return true;
  }
  constexpr size_t kMaxFields = 32;
  Val f[kMaxFields];
  for (int64_t k = 0; k < top.i; ++k) {
    Val rec;
    if (!r.next(rec) || rec.t != T::seq || rec.i < 4 || size_t(rec.i) > kMaxFields)
      return bad("event " + std::to_string(seq_) + " is not a record");
    for (int64_t j = 0; j < rec.i; ++j)
      if (!r.next(f[j]) || f[j].t == T::seq) return bad("event " + std::to_string(seq_) + " has a nested field");
    if (f[0].t != T::integer || f[1].t != T::integer || f[2].t != T::integer || f[3].t != T::integer ||
        f[0].i < 0 || uint64_t(f[0].i) >= kinds_.size())
      return bad("event " + std::to_string(seq_) + " is not a record");
    const std::vector<std::string>& parts = kinds_[size_t(f[0].i)];
    const size_t nargs = size_t(rec.i) - 4;  // the args follow (kind, t, loop, it)
    if (nargs + 1 != parts.size())
      return bad("event " + std::to_string(seq_) + " has " + std::to_string(nargs) + " fields for " +
                 std::to_string(parts.size() - 1));
    int64_t t = f[1].i;
    if (t < last_t_) t = last_t_;  // a worker thread's event may be queued a moment after a later stamp
    last_t_ = t;
    auto head = [&] {
      out += "{\"seq\":";
      put_int(out, int64_t(seq_++));
      out += ",\"t_ns\":";
      put_int(out, t);
      out += ",\"loop\":";
      put_int(out, f[2].i);
      out += ",\"it\":";
      put_int(out, f[3].i);
      out += ",\"ev\":";
    };
    head();
    out += parts[0];
    for (size_t j = 0; j < nargs; ++j) {
      const Val& a = f[4 + j];
      switch (a.t) {
        case T::integer: put_int(out, a.i); break;
        case T::text: put_text(out, a.s); break;
        case T::boolean: out += a.i ? "true" : "false"; break;
        default: out += "null"; break;
      }
      out += parts[j + 1];
    }
    out += '\n';
    const int64_t kind = f[0].i;
    if (kind == resume_) {  // the task's step.begin, where its last step.end left it
      if (f[5].t != T::integer) return bad("event " + std::to_string(seq_) + " resumes no task");
      static const Position kNone;  // never seen suspend (the recorder sends none such): line 0, as it writes
      auto known = resumes_.find(resume_key(f[2].i, f[5].i));
      const Position& at = known != resumes_.end() ? known->second : kNone;
      const std::vector<std::string>& b = kinds_[size_t(at.has_file ? begin_file_ : begin_nofile_)];
      head();
      out += b[0];
      put_int(out, f[5].i);
      out += b[1];
      put_int(out, at.line);
      out += b[2];
      if (at.has_file) {
        put_text(out, at.file);
        out += b[3];
      }
      out += '\n';
    } else if (resume_role_[size_t(kind)] == 3) {  // task.done: its position is not needed again
      if (f[4].t == T::integer) resumes_.erase(resume_key(f[2].i, f[4].i));
    } else if (resume_role_[size_t(kind)] != 0 && f[4].t == T::integer && f[5].t == T::integer) {
      Position& at = resumes_[resume_key(f[2].i, f[4].i)];  // args: task, line, wait, dur, [file]
      at.line = f[5].i;
      at.has_file = resume_role_[size_t(kind)] == 2 && f[8].t == T::text;
      if (at.has_file) at.file.assign(f[8].s);
      else at.file.clear();
    }
  }
  return true;
}

}  // namespace loopscope::cli
