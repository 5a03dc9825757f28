// One way to write an output file: traces, Chrome traces, settings,
// screenshots and clips all go through OutputFile.
//
//   OutputFile f;
//   if (std::string err = f.open(path); !err.empty()) return err;
//   f.write(text);
//   return f.commit();  // renamed into place, or "" untouched on error
//
// - A regular file (or a new name) is written to a temporary next to it,
//   created with O_CREAT|O_EXCL|O_NOFOLLOW (`F.part`, or `F.part-XXXXXX` when
//   that name is taken: a planted `F.part` symlink is never written through),
//   then renamed over F. Nothing is ever half-written under the final name.
//   A symlink F is replaced, not followed.
// - A character device or a pipe (/dev/null, /dev/full, a FIFO, /dev/stdout
//   on a terminal or a pipe) is written directly: it is never replaced by a
//   regular file. /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N use
//   the process's own descriptor, so `> file` and `>> file` keep working.
//   With `Special::refuse` (settings, clips) these are refused instead.
// - A directory, a block device or a socket is refused with one line.
//
// Errors are one line naming the path and the reason ("F: cannot write (No
// space left on device)"). The destructor discards what was not committed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace loopscope {

class OutputFile {
 public:
  enum class Special { write, refuse };

  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { discard(); }

  // Returns "" or a one-line error.
  std::string open(const std::string& path, Special special = Special::write);
  std::string write(const void* data, size_t n);
  std::string write(std::string_view s) { return write(s.data(), s.size()); }
  // Closes and renames into place. Returns "" or a one-line error (the temporary is removed).
  std::string commit();
  // Removes the temporary; a direct output is just closed.
  void discard();

  int fd() const { return fd_; }
  bool direct() const { return direct_; }  // a device or pipe, written in place
  const std::string& path() const { return path_; }

 private:
  std::string fail(const char* what, int err);
  std::string path_, temp_;
  int fd_ = -1, slot_ = -1;  // slot_: registered for remove_temporaries_now()
  bool direct_ = false;
  std::string error_;  // the first write error, reported by commit()
};

// What would stop OutputFile::open(path) before anything is run: "" or one
// line ("F: is a directory", "F: no such directory 'a/b'"). Lets a command
// refuse a bad output before a long run rather than after it.
std::string output_problem(const std::string& path);

// Whether `path` would be written directly (a device or a pipe), "" when not
// or when it does not exist. Lets a command refuse early what OutputFile would
// take but the command cannot use (a clip to /dev/stdout).
bool is_special_output(const std::string& path);

// The same file? Two spellings of one existing file (a/../F, ./F, a hard
// link) or of one new name in the same directory.
bool same_output(const std::string& a, const std::string& b);

// The name of a temporary next to `path`: `path.part` for attempt 0, then
// `path.part-XXXXXX` (random). Create it exclusively (O_EXCL, mkdir) and try
// the next attempt when it exists.
std::string temporary_name(const std::string& path, int attempt);

// Removes every temporary that an OutputFile or `register_temporary` holds
// now. Async-signal-safe: for a fatal-signal handler, so a crash leaves no
// `.part` behind.
void remove_temporaries_now();
// A path (a file, or a directory of frame_NNNNN.png files, `frames` of them)
// that remove_temporaries_now() removes; returns a slot for unregister_temporary.
int register_temporary(const std::string& path, bool frame_dir = false);
void set_temporary_frames(int slot, int frames);
void unregister_temporary(int slot);

}  // namespace loopscope
