#include "output_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace loopscope {

// [SECTION] Temporaries a crash must not leave behind

namespace {
constexpr int kSlots = 16;
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 live
  char path[PATH_MAX];
  bool frame_dir;
  std::atomic<int> frames{0};
};
Slot g_slots[kSlots];

// "dir/frame_00042.png" without snprintf (not async-signal-safe).
void frame_path(const char* dir, int i, char* out, size_t cap) {
  size_t n = 0;
  for (const char* p = dir; *p && n + 20 < cap; ++p) out[n++] = *p;
  const char* stem = "/frame_";
  for (const char* p = stem; *p; ++p) out[n++] = *p;
  char digits[12];
  int d = 0;
  for (unsigned v = unsigned(i); d < 5 || v; v /= 10) digits[d++] = char('0' + v % 10);
  while (d) out[n++] = digits[--d];
  for (const char* p = ".png"; *p; ++p) out[n++] = *p;
  out[n] = 0;
}
}  // namespace

int register_temporary(const std::string& path, bool frame_dir) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expect = 0;
    if (!g_slots[i].state.compare_exchange_strong(expect, 1)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].frame_dir = frame_dir;
    g_slots[i].frames = 0;
    g_slots[i].state = 2;
    return i;
  }
  return -1;  // all taken: that temporary is only removed on the normal paths
}

void set_temporary_frames(int slot, int frames) {
  if (slot >= 0) g_slots[slot].frames = frames;
}

void unregister_temporary(int slot) {
  if (slot >= 0) g_slots[slot].state = 0;
}

void remove_temporaries_now() {
  for (Slot& s : g_slots) {
    if (s.state.load() != 2) continue;
    if (s.frame_dir) {
      char p[PATH_MAX + 32];
      for (int i = 0, n = s.frames.load(); i <= n; ++i) {
        frame_path(s.path, i, p, sizeof p);
        ::unlink(p);
      }
      ::rmdir(s.path);
    } else {
      ::unlink(s.path);
    }
    s.state = 0;
  }
}

// [SECTION] Where an output goes

namespace {
enum class Kind { missing, regular, special, refused };

// /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: our own descriptor N, or -1.
int own_descriptor(const std::string& p) {
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    size_t n = std::strlen(prefix);
    if (p.compare(0, n, prefix) == 0 && p.size() > n && p.size() - n < 6 &&
        p.find_first_not_of("0123456789", n) == std::string::npos)
      return std::atoi(p.c_str() + n);
  }
  return -1;
}

Kind kind_of(const std::string& path, std::string& why) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? Kind::missing : (why = std::strerror(errno), Kind::refused);
  if (S_ISLNK(st.st_mode)) {
    // The link itself is replaced, unless it leads to a device or a pipe.
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return Kind::regular;
  }
  if (S_ISREG(st.st_mode)) return Kind::regular;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Kind::special;
  why = S_ISDIR(st.st_mode) ? "is a directory" : S_ISBLK(st.st_mode) ? "is a block device; refusing to write to it"
                                                                     : "is not a file, a device or a pipe";
  return Kind::refused;
}
}  // namespace

std::string output_problem(const std::string& path) {
  if (path.empty()) return "an empty file name";
  if (own_descriptor(path) >= 0) return "";
  std::string why;
  Kind k = kind_of(path, why);
  if (k == Kind::refused) return path + ": " + why;
  if (k != Kind::missing) return "";
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return path + ": no such directory '" + dir + "'";
  if (::access(dir.c_str(), W_OK) != 0) return path + ": cannot write in '" + dir + "' (" + std::strerror(errno) + ")";
  return "";
}

bool is_special_output(const std::string& path) {
  std::string why;
  return own_descriptor(path) >= 0 || kind_of(path, why) == Kind::special;
}

bool same_output(const std::string& a, const std::string& b) {
  if (a == b) return true;
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  // New names: the same directory and the same last component.
  auto split = [](const std::string& p, std::string& dir, std::string& base) {
    size_t slash = p.find_last_of('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : p.substr(0, slash);
    base = slash == std::string::npos ? p : p.substr(slash + 1);
  };
  std::string da, ba, db, bb;
  split(a, da, ba);
  split(b, db, bb);
  return ba == bb && ::stat(da.c_str(), &sa) == 0 && ::stat(db.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// [SECTION] OutputFile

std::string temporary_name(const std::string& path, int attempt) {
  std::string t = path + ".part";
  if (attempt == 0) return t;
  unsigned char r[6];
  if (::getrandom(r, sizeof r, 0) != sizeof r)
    for (unsigned char& c : r) c = static_cast<unsigned char>(std::rand());
  t += '-';
  for (unsigned char c : r) t += "abcdefghijklmnopqrstuvwxyz0123456789"[c % 36];
  return t;
}

std::string OutputFile::fail(const char* what, int err) {
  return path_ + ": " + what + " (" + std::strerror(err) + ")";
}

std::string OutputFile::open(const std::string& path, Special special) {
  discard();
  path_ = path;
  error_.clear();
  if (path.empty()) return "an empty file name";
  std::string why;
  int own = own_descriptor(path);
  Kind k = own >= 0 ? Kind::special : kind_of(path, why);
  if (k == Kind::refused) return path + ": " + why;
  if (k == Kind::special) {
    if (special == Special::refuse) return path + ": not a regular file (a device or a pipe); give a file name";
    direct_ = true;
    fd_ = own >= 0 ? ::fcntl(own, F_DUPFD_CLOEXEC, 3) : ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) return fail("cannot write", errno);
    struct stat st;
    // Swapped for something else between the look and the open: refuse it.
    if (own < 0 && (::fstat(fd_, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))) {
      discard();
      return path + ": changed while being opened; not written";
    }
    return "";
  }
  // A temporary next to the target: F.part, else F.part-XXXXXX. O_EXCL never
  // opens an existing name and O_NOFOLLOW never goes through a link.
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string t = temporary_name(path, attempt);
    fd_ = ::open(t.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ >= 0) {
      temp_ = t;
      slot_ = register_temporary(temp_);
      return "";
    }
    if (errno != EEXIST) return fail("cannot write", errno);
  }
  return path + ": cannot create a temporary file next to it (too many taken)";
}

std::string OutputFile::write(const void* data, size_t n) {
  if (fd_ < 0 || !error_.empty()) return error_.empty() ? path_ + ": not open" : error_;
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return error_ = fail("cannot write", w < 0 ? errno : ENOSPC);
    p += w, n -= size_t(w);
  }
  return "";
}

std::string OutputFile::commit() {
  if (fd_ < 0) return error_.empty() ? path_ + ": not open" : error_;
  std::string err = error_;
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && err.empty()) err = fail("cannot write", errno);
  if (err.empty() && !direct_ && ::rename(temp_.c_str(), path_.c_str()) != 0) err = fail("cannot rename into place", errno);
  if (!err.empty()) {
    discard();
    return err;
  }
  unregister_temporary(slot_);
  slot_ = -1;
  temp_.clear();
  return "";
}

void OutputFile::discard() {
  if (fd_ >= 0) ::close(fd_), fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str()), temp_.clear();
  unregister_temporary(slot_);
  slot_ = -1;
  direct_ = false;
}

}  // namespace loopscope
