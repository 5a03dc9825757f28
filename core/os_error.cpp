#include "os_error.hpp"

#include <uv.h>

#include <cstring>

#include "value.hpp"

namespace loopscope {

std::exception_ptr os_error(int uv_err, const std::string& detail) {
  const int errnum = -uv_err;  // libuv codes are -errno on Unix
  std::string msg = "[Errno " + std::to_string(errnum) + "] " + std::strerror(errnum);
  if (!detail.empty()) msg += ": " + detail;
  switch (uv_err) {
    case UV_ECONNRESET: return std::make_exception_ptr(ConnectionResetError(msg));
    case UV_ECONNREFUSED: return std::make_exception_ptr(ConnectionRefusedError(msg));
    case UV_EPIPE: return std::make_exception_ptr(BrokenPipeError(msg));
    case UV_ECONNABORTED: return std::make_exception_ptr(ConnectionError("ConnectionAbortedError", msg));
    case UV_ENOENT: return std::make_exception_ptr(OSError("FileNotFoundError", msg));
    case UV_EACCES: case UV_EPERM: return std::make_exception_ptr(OSError("PermissionError", msg));
    case UV_ETIMEDOUT: return std::make_exception_ptr(OSError("TimeoutError", msg));
    default: return std::make_exception_ptr(OSError(msg));
  }
}

}  // namespace loopscope
