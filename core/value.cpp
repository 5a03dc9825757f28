#include "value.hpp"

#include <cstdio>

namespace loopscope {

namespace {
// Python's repr of a str: single quotes unless the text has one and no double quote.
std::string py_quote(const std::string& s) {
  bool single = s.find('\'') != std::string::npos, dbl = s.find('"') != std::string::npos;
  char q = (single && !dbl) ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == q) out += '\\';
        out += c;
    }
  }
  out += q;
  return out;
}
}  // namespace

double Value::number() const {
  if (auto* d = std::get_if<double>(&v_)) return *d;
  if (auto* i = std::get_if<int64_t>(&v_)) return double(*i);
  return 0.0;
}

std::string Value::repr() const {
  struct V {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      // Shortest text that reads back the same, as Python prints floats.
      for (int p = 1; p < 17; ++p) {
        char t[32];
        std::snprintf(t, sizeof t, "%.*g", p, d);
        if (std::strtod(t, nullptr) == d) {
          std::snprintf(buf, sizeof buf, "%s", t);
          break;
        }
      }
      std::string s = buf;
      if (s.find_first_of(".einn") == std::string::npos) s += ".0";
      return s;
    }
    std::string operator()(const std::string& s) const { return py_quote(s); }
    std::string operator()(const std::shared_ptr<List>& l) const {
      std::string out = "[";
      for (size_t i = 0; i < l->size(); ++i) out += (i ? ", " : "") + (*l)[i].repr();
      return out + "]";
    }
    std::string operator()(const std::exception_ptr& e) const { return loopscope::repr(e); }
  };
  return std::visit(V{}, v_);
}

std::string Value::str_text() const {
  if (is_str()) return str();
  return repr();
}

std::string PyError::repr() const {
  if (message_.empty()) return type_ + "()";
  return type_ + "(" + py_quote(message_) + ")";
}

ExceptionGroup::ExceptionGroup(std::string msg, std::vector<std::exception_ptr> excs)
    : Exception("ExceptionGroup", std::move(msg)), excs_(std::move(excs)) {}

std::string ExceptionGroup::repr() const {
  std::string out = "ExceptionGroup(" + py_quote(message()) + ", [";
  for (size_t i = 0; i < excs_.size(); ++i) out += (i ? ", " : "") + loopscope::repr(excs_[i]);
  return out + "])";
}

std::string repr(const std::exception_ptr& e) {
  if (!e) return "None";
  try {
    std::rethrow_exception(e);
  } catch (const PyError& p) {
    return p.repr();
  } catch (const std::exception& x) {
    return std::string("RuntimeError(") + py_quote(x.what()) + ")";
  } catch (...) {
    return "BaseException()";
  }
}

std::string type_name(const std::exception_ptr& e) {
  if (!e) return "None";
  try {
    std::rethrow_exception(e);
  } catch (const PyError& p) {
    return p.type();
  } catch (const std::exception&) {
    return "RuntimeError";
  } catch (...) {
    return "BaseException";
  }
}

bool is_cancelled_error(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace loopscope
