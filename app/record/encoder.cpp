// [SECTION] index
// - Formats
// - ffmpeg on a pipe
// - PNG frames
#include "encoder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "core/output_file.hpp"
#include "gui/platform.hpp"

extern char** environ;

namespace loopscope::rec {

// [SECTION] Formats

namespace {
bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
std::string strip_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}
}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::mp4: return "H.264 MP4";
    case Format::gif: return "GIF";
    case Format::webm: return "VP9 WebM";
    case Format::png: return "PNG frames";
  }
  return "?";
}

bool format_of(const std::string& out, Format& f) {
  std::string lower = out;  // OUT.MP4 is an MP4 too
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower.ends_with(".mp4")) return f = Format::mp4, true;
  if (lower.ends_with(".gif")) return f = Format::gif, true;
  if (lower.ends_with(".webm")) return f = Format::webm, true;
  std::string p = strip_slashes(out);
  std::string base = p.substr(p.find_last_of('/') + 1);
  if (out.back() == '/' || is_dir(p) || base.find('.') == std::string::npos) return f = Format::png, true;
  return false;
}

bool needs_ffmpeg(Format f) { return f != Format::png; }

bool ffmpeg_available() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t at = 0;
  while (at <= dirs.size()) {
    size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(at, end - at);
    std::string exe = (dir.empty() ? std::string(".") : dir) + "/ffmpeg";
    if (::access(exe.c_str(), X_OK) == 0 && !is_dir(exe)) return true;
    at = end + 1;
  }
  return false;
}

std::vector<std::string> ffmpeg_args(Format f, const std::string& path, int w, int h, int fps) {
  std::vector<std::string> a = {"-hide_banner", "-loglevel", "error", "-y",
                                "-f", "rawvideo", "-pix_fmt", "rgba",
                                "-s", std::to_string(w) + "x" + std::to_string(h),
                                "-r", std::to_string(fps), "-i", "-"};
  auto add = [&](std::initializer_list<const char*> more) { a.insert(a.end(), more.begin(), more.end()); };
  switch (f) {
    case Format::mp4:
      // veryfast keeps encoding ahead of rendering; crf 18 keeps small text crisp.
      add({"-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
           "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
           "-vf", "scale=out_color_matrix=bt709", "-movflags", "+faststart", "-f", "mp4"});
      break;
    case Format::gif:
      // One filter graph: the palette is made from the whole clip, then used
      // for every frame. Ordered dithering only where colours change, so
      // flat panels stay flat and the file stays small.
      add({"-filter_complex",
           "[0:v]split[a][b];[a]palettegen=stats_mode=diff:reserve_transparent=0[p];"
           "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle",
           "-f", "gif"});
      break;
    case Format::webm:
      add({"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-crf", "30",
           "-b:v", "0", "-pix_fmt", "yuv420p", "-f", "webm"});
      break;
    case Format::png:
      break;
  }
  a.push_back(path);
  return a;
}

// [SECTION] ffmpeg on a pipe

namespace {

std::atomic<pid_t> g_ffmpeg{-1};  // for kill_encoders_now() in a fatal-signal handler

class FfmpegEncoder : public Encoder {
 public:
  ~FfmpegEncoder() override { abort(); }

  std::string start(Format f, const std::string& out, int w, int h, int fps) {
    frame_bytes_ = size_t(w) * size_t(h) * 4;
    // The clip's temporary, created by us with O_EXCL; ffmpeg writes it
    // through its descriptor (/proc/self/fd/3), never by a name that
    // someone could have planted a symlink under.
    std::string err = out_.open(out, OutputFile::Special::refuse);
    if (!err.empty()) return err;
    // ffmpeg's stderr: a file unlinked at once, so nothing is left in /tmp whatever happens.
    const char* tmp = std::getenv("TMPDIR");
    std::string errname = std::string(tmp && *tmp ? tmp : "/tmp") + "/loopscope-ffmpeg-XXXXXX";
    errfd_ = ::mkostemp(errname.data(), O_CLOEXEC);
    if (errfd_ < 0) return "cannot create a temporary file in " + errname + ": " + std::strerror(errno);
    ::unlink(errname.c_str());
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
    // A bigger pipe: fewer wake-ups per 3.7 MB frame.
    ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);

    std::vector<std::string> args = ffmpeg_args(f, "/proc/self/fd/3", w, h, fps);
    args.insert(args.begin(), "ffmpeg");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, errfd_, 2);
    posix_spawn_file_actions_adddup2(&fa, out_.fd(), 3);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    // Its own process group: Ctrl-C reaches loopscope only, which stops
    // ffmpeg itself and removes the partial file.
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    int rc = ::posix_spawnp(&pid_, "ffmpeg", &fa, &at, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    ::close(fds[0]);
    if (rc != 0) {
      ::close(fds[1]);
      pid_ = -1;
      return std::string("cannot start ffmpeg: ") + std::strerror(rc);
    }
    g_ffmpeg = pid_;
    fd_ = fds[1];
    return "";
  }

  std::string write(const uint8_t* rgba) override {
    size_t done = 0;
    while (done < frame_bytes_) {
      ssize_t n = ::write(fd_, rgba + done, frame_bytes_ - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return stopped("ffmpeg stopped reading frames");
      done += size_t(n);
    }
    return "";
  }

  std::string finish() override {
    ::close(fd_);
    fd_ = -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    g_ffmpeg = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return stopped("ffmpeg failed");
    std::string err = out_.commit();
    abort();
    return err;
  }

  void abort() override {
    if (fd_ >= 0) ::close(fd_), fd_ = -1;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
      g_ffmpeg = -1;
    }
    out_.discard();
    if (errfd_ >= 0) ::close(errfd_), errfd_ = -1;
  }

 private:
  // A one-line error with ffmpeg's last words, then cleans up.
  std::string stopped(const std::string& what) {
    std::string text, last;
    char buf[4096];
    ssize_t n;
    struct stat st;
    off_t from = errfd_ >= 0 && ::fstat(errfd_, &st) == 0 ? std::max<off_t>(0, st.st_size - 65536) : 0;  // its last words
    for (off_t at = from; errfd_ >= 0 && (n = ::pread(errfd_, buf, sizeof buf, at)) > 0; at += n) text.append(buf, size_t(n));
    for (size_t a = 0; a < text.size();) {
      size_t b = text.find('\n', a);
      if (b == std::string::npos) b = text.size();
      std::string line = text.substr(a, b - a);
      while (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) last = line;
      a = b + 1;
    }
    abort();
    return what + (last.empty() ? "" : ": " + last);
  }

  OutputFile out_;
  size_t frame_bytes_ = 0;
  pid_t pid_ = -1;
  int fd_ = -1, errfd_ = -1;
};

// [SECTION] PNG frames

// frame_00000.png ... : exactly the names a clip writes (5 digits or more).
bool is_frame_name(const char* name) {
  if (std::strncmp(name, "frame_", 6) != 0) return false;
  const char* p = name + 6;
  int digits = 0;
  while (*p >= '0' && *p <= '9') ++p, ++digits;
  return digits >= 5 && std::strcmp(p, ".png") == 0;
}

// Removes the frame files a recording wrote into `dir`, and nothing else.
void remove_frames(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d))
    if (is_frame_name(e->d_name)) ::unlinkat(::dirfd(d), e->d_name, 0);
  ::closedir(d);
}

class PngEncoder : public Encoder {
 public:
  ~PngEncoder() override {
    if (!done_) abort();
  }

  std::string start(const std::string& out, int w, int h) {
    dir_ = strip_slashes(out);
    w_ = w, h_ = h;
    std::string err = check_frame_dir(dir_);
    if (!err.empty()) return err;
    // A new directory of our own (mkdir never reuses an existing name or follows a link).
    for (int attempt = 0; attempt < 16 && part_.empty(); ++attempt) {
      std::string t = temporary_name(dir_, attempt);
      if (::mkdir(t.c_str(), 0777) == 0) part_ = t;
      else if (errno != EEXIST) return "cannot create '" + t + "': " + std::strerror(errno);
    }
    if (part_.empty()) return "cannot create a temporary directory next to '" + dir_ + "'";
    slot_ = register_temporary(part_, true);
    return "";
  }

  std::string write(const uint8_t* rgba) override {
    char name[32];
    std::snprintf(name, sizeof name, "/frame_%05d.png", n_);
    set_temporary_frames(slot_, n_);
    ++n_;
    return gui::write_png(part_ + name, w_, h_, rgba);
  }

  std::string finish() override {
    done_ = true;
    struct stat st;
    if (::lstat(dir_.c_str(), &st) != 0) {
      if (std::rename(part_.c_str(), dir_.c_str()) == 0) return forget();
      std::string e = "cannot create '" + dir_ + "': " + std::strerror(errno);
      abort();
      return e;
    }
    // An existing directory: checked again (it may have changed during the
    // clip), then an earlier recording's frames are replaced by this one's.
    std::string err = check_frame_dir(dir_);
    if (!err.empty()) {
      abort();
      return err;
    }
    remove_frames(dir_);
    for (int i = 0; i < n_; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "/frame_%05d.png", i);
      if (std::rename((part_ + name).c_str(), (dir_ + name).c_str()) != 0) {
        std::string e = "cannot move frames into '" + dir_ + "': " + std::strerror(errno);
        abort();
        return e;
      }
    }
    ::rmdir(part_.c_str());
    return forget();
  }

  void abort() override {
    done_ = true;
    if (part_.empty()) return;
    remove_frames(part_);
    ::rmdir(part_.c_str());
    forget();
  }

 private:
  std::string forget() {
    unregister_temporary(slot_);
    slot_ = -1;
    part_.clear();
    return "";
  }

  std::string dir_, part_;
  int w_ = 0, h_ = 0, n_ = 0, slot_ = -1;
  bool done_ = false;
};

}  // namespace

std::string check_frame_dir(const std::string& out) {
  std::string dir = strip_slashes(out);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return "";  // a new directory
  if (S_ISLNK(st.st_mode)) return "'" + dir + "' is a symbolic link; give the directory itself for PNG frames";
  if (!S_ISDIR(st.st_mode)) return "'" + dir + "' exists and is not a directory";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return "cannot read '" + dir + "': " + std::strerror(errno);
  std::string other;
  while (dirent* e = ::readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    struct stat fs;
    bool frame = is_frame_name(e->d_name) && ::fstatat(::dirfd(d), e->d_name, &fs, AT_SYMLINK_NOFOLLOW) == 0 &&
                 S_ISREG(fs.st_mode);
    if (!frame) {
      other = e->d_name;
      break;
    }
  }
  ::closedir(d);
  if (other.empty()) return "";
  return "'" + dir + "' holds '" + other +
         "', which is not a frame of a clip; PNG frames go to a new or empty directory, or one holding only "
         "frame_NNNNN.png files (replaced)";
}

void kill_encoders_now() {
  pid_t pid = g_ffmpeg.load();
  if (pid > 0) ::kill(pid, SIGKILL);
}

std::unique_ptr<Encoder> open_encoder(Format f, const std::string& out, int w, int h, int fps, std::string& err) {
  if (f == Format::png) {
    auto e = std::make_unique<PngEncoder>();
    err = e->start(out, w, h);
    return err.empty() ? std::move(e) : nullptr;
  }
  auto e = std::make_unique<FfmpegEncoder>();
  err = e->start(f, out, w, h, fps);
  return err.empty() ? std::move(e) : nullptr;
}

}  // namespace loopscope::rec
