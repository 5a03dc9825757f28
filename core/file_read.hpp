// Reading a file the aiofiles way: the blocking open/read/close run in
// libuv's thread pool (uv_fs_open, uv_fs_read, uv_fs_close), the loop stays free.
//
//   Value html = co_await at(read_file("index.html"), 14);  // async with aiofiles.open(...) as f: await f.read()
//
// Traced as ONE io op of kind fs per file (io.wait with the path when the open
// is submitted, io.done with the byte count when the close completes), not as
// pool jobs: libuv's fs requests give no hook on the worker side, so the
// worker's start/end cannot be observed without simulating them.
// Errors arrive as Python's: FileNotFoundError, PermissionError, OSError.
#pragma once

#include <uv.h>

#include <string>

#include "coro.hpp"

namespace loopscope {

class FileRead : public Future {
 public:
  FileRead(Loop& loop, std::string path);
  void start();

 private:
  static void on_open(uv_fs_t* req);
  static void on_read(uv_fs_t* req);
  static void on_close(uv_fs_t* req);
  static void deliver_cb(void* self, void*);
  void read_next();
  void finish(int err);

  uv_fs_t req_{};
  std::string path_;
  std::string data_;
  uv_file fd_ = -1;
  int err_ = 0;
  int32_t op_, task_;
  char chunk_[64 * 1024];
};

FileRead& read_file(std::string path);

inline FutureAwaiter at(FileRead& f, int line) { return at(f, line, Wait::io, AwaitOn::io_read); }
inline FutureAwaiter operator co_await(FileRead& f) { return at(f, 0); }

}  // namespace loopscope
