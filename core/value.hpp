// Values and exceptions as a Python listing sees them.
//
// Results travel through futures as a dynamic Value (None, bool, int, float,
// str, list, or an exception object, as `gather(return_exceptions=True)`
// returns). Exceptions are C++ exceptions derived from PyError, so a scenario
// catches them where its Python listing has `except`. repr() gives Python's
// text, which is what the listing prints and the trace records.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace loopscope {

class Value;
using List = std::vector<Value>;

class Value {
 public:
  Value() = default;
  Value(bool b) : v_(b) {}
  Value(int i) : v_(int64_t(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(List l) : v_(std::make_shared<List>(std::move(l))) {}
  Value(std::exception_ptr e) : v_(std::move(e)) {}

  bool is_none() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_str() const { return std::holds_alternative<std::string>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_list() const { return std::holds_alternative<std::shared_ptr<List>>(v_); }
  bool is_exception() const { return std::holds_alternative<std::exception_ptr>(v_); }
  const std::string& str() const { return std::get<std::string>(v_); }
  int64_t integer() const { return std::get<int64_t>(v_); }
  double number() const;
  const List& list() const { return *std::get<std::shared_ptr<List>>(v_); }
  const std::exception_ptr& exception() const { return std::get<std::exception_ptr>(v_); }

  std::string repr() const;  // Python's repr()
  std::string str_text() const;  // Python's str()

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<List>, std::exception_ptr> v_;
};

// [SECTION] Exceptions

// A Python exception: type name and message, repr() as Python writes it.
class PyError : public std::exception {
 public:
  PyError(std::string type, std::string message) : type_(std::move(type)), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& type() const { return type_; }
  const std::string& message() const { return message_; }
  virtual std::string repr() const;

 private:
  std::string type_, message_;
};

#define LOOPSCOPE_PY_ERROR(Name, Base)                                   \
  struct Name : Base {                                                   \
    explicit Name(std::string msg = {}) : Base(#Name, std::move(msg)) {} \
    Name(std::string type, std::string msg) : Base(std::move(type), std::move(msg)) {} \
  }

// BaseException subclasses are not Exceptions, as in Python.
LOOPSCOPE_PY_ERROR(CancelledError, PyError);
LOOPSCOPE_PY_ERROR(KeyboardInterrupt, PyError);  // a blocking call interrupted by a stop (Ctrl-C)
LOOPSCOPE_PY_ERROR(Exception, PyError);
LOOPSCOPE_PY_ERROR(ValueError, Exception);
LOOPSCOPE_PY_ERROR(RuntimeError, Exception);
LOOPSCOPE_PY_ERROR(TimeoutError, Exception);
LOOPSCOPE_PY_ERROR(OSError, Exception);
LOOPSCOPE_PY_ERROR(ConnectionError, OSError);
LOOPSCOPE_PY_ERROR(ConnectionResetError, ConnectionError);
LOOPSCOPE_PY_ERROR(ConnectionRefusedError, ConnectionError);
LOOPSCOPE_PY_ERROR(BrokenPipeError, ConnectionError);
LOOPSCOPE_PY_ERROR(IncompleteReadError, Exception);
LOOPSCOPE_PY_ERROR(QueueEmpty, Exception);
LOOPSCOPE_PY_ERROR(QueueFull, Exception);
LOOPSCOPE_PY_ERROR(InvalidStateError, Exception);
#undef LOOPSCOPE_PY_ERROR

// `BaseExceptionGroup(msg, excs)`: an ExceptionGroup when every member is an
// Exception (as Python's constructor decides).
class ExceptionGroup : public Exception {
 public:
  ExceptionGroup(std::string msg, std::vector<std::exception_ptr> excs);
  const std::vector<std::exception_ptr>& exceptions() const { return excs_; }
  std::string repr() const override;
  // `except* T`: the members that are T (nullptr when none), leaving the rest in `rest`.
  template <class T>
  std::shared_ptr<ExceptionGroup> split(std::shared_ptr<ExceptionGroup>* rest = nullptr) const;

 private:
  std::vector<std::exception_ptr> excs_;
};

// repr() of any exception, PyError or not.
std::string repr(const std::exception_ptr& e);
// The exception's Python type name (`ValueError`, `CancelledError`).
std::string type_name(const std::exception_ptr& e);
// True when e holds a CancelledError.
bool is_cancelled_error(const std::exception_ptr& e);

template <class T>
std::shared_ptr<ExceptionGroup> ExceptionGroup::split(std::shared_ptr<ExceptionGroup>* rest) const {
  std::vector<std::exception_ptr> match, other;
  for (const auto& e : excs_) {
    try {
      std::rethrow_exception(e);
    } catch (const T&) {
      match.push_back(e);
    } catch (...) {
      other.push_back(e);
    }
  }
  if (rest) *rest = other.empty() ? nullptr : std::make_shared<ExceptionGroup>(message(), other);
  return match.empty() ? nullptr : std::make_shared<ExceptionGroup>(message(), match);
}

}  // namespace loopscope
