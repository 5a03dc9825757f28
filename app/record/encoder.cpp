// [SECTION] index
// - Formats
// - ffmpeg on a pipe
// - PNG frames
#include "encoder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stb_image_write.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace loopscope::rec {

// [SECTION] Formats

namespace {
bool ends_with(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
  return true;
}
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
  if (ends_with(out, ".mp4")) return f = Format::mp4, true;
  if (ends_with(out, ".gif")) return f = Format::gif, true;
  if (ends_with(out, ".webm")) return f = Format::webm, true;
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

class FfmpegEncoder : public Encoder {
 public:
  ~FfmpegEncoder() override { abort(); }

  std::string start(Format f, const std::string& out, int w, int h, int fps) {
    out_ = out;
    part_ = out + ".part";
    frame_bytes_ = size_t(w) * size_t(h) * 4;
    char errname[] = "/tmp/loopscope-ffmpeg-XXXXXX";
    int errfd = ::mkostemp(errname, O_CLOEXEC);
    if (errfd < 0) return std::string("cannot create a temporary file: ") + std::strerror(errno);
    errlog_ = errname;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      ::close(errfd);
      return std::string("cannot create a pipe: ") + std::strerror(errno);
    }
    // A bigger pipe: fewer wake-ups per 3.7 MB frame.
    ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);

    std::vector<std::string> args = ffmpeg_args(f, part_, w, h, fps);
    args.insert(args.begin(), "ffmpeg");
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);
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
    ::close(errfd);
    if (rc != 0) {
      ::close(fds[1]);
      pid_ = -1;
      return std::string("cannot start ffmpeg: ") + std::strerror(rc);
    }
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
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return stopped("ffmpeg failed");
    if (std::rename(part_.c_str(), out_.c_str()) != 0) {
      std::string e = "cannot write '" + out_ + "': " + std::strerror(errno);
      abort();
      return e;
    }
    part_.clear();
    std::remove(errlog_.c_str());
    errlog_.clear();
    return "";
  }

  void abort() override {
    if (fd_ >= 0) ::close(fd_), fd_ = -1;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (!part_.empty()) std::remove(part_.c_str());
    if (!errlog_.empty()) std::remove(errlog_.c_str());
    errlog_.clear();
  }

 private:
  // A one-line error with ffmpeg's last words, then cleans up.
  std::string stopped(const std::string& what) {
    std::string last;
    if (FILE* fp = std::fopen(errlog_.c_str(), "r")) {
      char line[512];
      while (std::fgets(line, sizeof line, fp))
        if (line[0] != '\n') last = line;
      std::fclose(fp);
    }
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r')) last.pop_back();
    abort();
    return what + (last.empty() ? "" : ": " + last);
  }

  std::string out_, part_, errlog_;
  size_t frame_bytes_ = 0;
  pid_t pid_ = -1;
  int fd_ = -1;
};

// [SECTION] PNG frames

// Removes the frame_NNNNN.png files a recording wrote into `dir`.
void remove_frames(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    unsigned n = 0;
    char tail = 0;
    if (std::sscanf(e->d_name, "frame_%u.pn%c", &n, &tail) == 2 && tail == 'g')
      std::remove((dir + "/" + e->d_name).c_str());
  }
  ::closedir(d);
}

class PngEncoder : public Encoder {
 public:
  ~PngEncoder() override {
    if (!done_) abort();
  }

  std::string start(const std::string& out, int w, int h) {
    dir_ = strip_slashes(out);
    part_ = dir_ + ".part";
    w_ = w, h_ = h;
    if (is_dir(part_)) remove_frames(part_);  // left over from an interrupted run
    else if (::mkdir(part_.c_str(), 0777) != 0)
      return "cannot create '" + part_ + "': " + std::strerror(errno);
    return "";
  }

  std::string write(const uint8_t* rgba) override {
    char name[32];
    std::snprintf(name, sizeof name, "/frame_%05d.png", n_++);
    std::string path = part_ + name;
    if (!stbi_write_png(path.c_str(), w_, h_, 4, rgba, w_ * 4)) return "cannot write '" + path + "'";
    return "";
  }

  std::string finish() override {
    done_ = true;
    if (!is_dir(dir_)) {
      if (std::rename(part_.c_str(), dir_.c_str()) == 0) return "";
      std::string e = "cannot create '" + dir_ + "': " + std::strerror(errno);
      abort();
      return e;
    }
    // An existing directory: replace an earlier recording's frames with this one's.
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
    return "";
  }

  void abort() override {
    done_ = true;
    remove_frames(part_);
    ::rmdir(part_.c_str());
  }

 private:
  std::string dir_, part_;
  int w_ = 0, h_ = 0, n_ = 0;
  bool done_ = false;
};

}  // namespace

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
