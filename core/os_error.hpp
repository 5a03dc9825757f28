// libuv error codes as the OSError subclasses Python raises for the same errno
// (ConnectionResetError, ConnectionRefusedError, FileNotFoundError...), with
// Python's "[Errno N] text" message.
#pragma once

#include <exception>
#include <string>

namespace loopscope {

// `uv_err` is a negative libuv code; `detail` is appended as Python appends
// a filename or an address (empty: nothing appended).
std::exception_ptr os_error(int uv_err, const std::string& detail = {});

}  // namespace loopscope
