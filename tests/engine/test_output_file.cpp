// OutputFile, the one writer of every output: a regular file appears whole or
// not at all, a symlink is never written through, a device or a pipe is
// written in place and never replaced, and a crash leaves no temporary.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/output_file.hpp"

using namespace loopscope;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  std::string dir = (fs::temp_directory_path() / ("loopscope-output-file-" + std::to_string(getpid()))).string();
  TempDir() { fs::create_directories(dir); }
  ~TempDir() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return dir + "/" + name; }
};
std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
std::string save(const std::string& path, const std::string& text, OutputFile::Special sp = OutputFile::Special::write) {
  OutputFile f;
  std::string err = f.open(path, sp);
  if (err.empty()) err = f.write(text);
  return err.empty() ? f.commit() : err;
}
size_t entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_CASE("a regular file appears under its name only when complete, and nothing else is left") {
  TempDir d;
  OutputFile f;
  REQUIRE(f.open(d / "t.jsonl") == "");
  CHECK_FALSE(f.direct());
  REQUIRE(f.write("half") == "");
  CHECK_FALSE(fs::exists(d / "t.jsonl"));
  REQUIRE(f.commit() == "");
  CHECK(read(d / "t.jsonl") == "half");
  CHECK(entries(d.dir) == 1);
  // Replacing an existing file; a discarded write leaves the old one as it was.
  REQUIRE(save(d / "t.jsonl", "whole") == "");
  CHECK(read(d / "t.jsonl") == "whole");
  {
    OutputFile g;
    REQUIRE(g.open(d / "t.jsonl") == "");
    g.write("never");
  }  // destroyed without commit
  CHECK(read(d / "t.jsonl") == "whole");
  CHECK(entries(d.dir) == 1);
}

TEST_CASE("a planted F.part symlink is not written through") {
  TempDir d;
  std::ofstream(d / "victim") << "precious";
  fs::create_symlink(d / "victim", d / "t.jsonl.part");
  REQUIRE(save(d / "t.jsonl", "trace") == "");
  CHECK(read(d / "victim") == "precious");
  CHECK(fs::is_symlink(d / "t.jsonl.part"));
  CHECK(read(d / "t.jsonl") == "trace");
  CHECK(entries(d.dir) == 3);  // victim, the planted link, t.jsonl: no temporary left
}

TEST_CASE("an output that is a symlink is replaced by the file, its target untouched") {
  TempDir d;
  std::ofstream(d / "victim") << "precious";
  fs::create_symlink(d / "victim", d / "t.jsonl");
  REQUIRE(save(d / "t.jsonl", "trace") == "");
  CHECK(read(d / "victim") == "precious");
  CHECK_FALSE(fs::is_symlink(d / "t.jsonl"));
  CHECK(read(d / "t.jsonl") == "trace");
}

TEST_CASE("/dev/full is written in place and gives a clear error; it stays a device") {
  std::string err = save("/dev/full", std::string(1 << 16, 'x'));
  CHECK(err == "/dev/full: cannot write (No space left on device)");
  struct stat st;
  REQUIRE(::stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK_FALSE(fs::exists("/dev/full.part"));
  CHECK(save("/dev/null", "gone") == "");
}

TEST_CASE("a FIFO is written in place, never replaced by a regular file") {
  TempDir d;
  REQUIRE(::mkfifo((d / "p").c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = read(d / "p"); });
  CHECK(save(d / "p", "through the pipe") == "");
  reader.join();
  CHECK(got == "through the pipe");
  struct stat st;
  REQUIRE(::lstat((d / "p").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("settings and clips refuse a device or a pipe; a directory is refused everywhere") {
  TempDir d;
  CHECK(save("/dev/null", "x", OutputFile::Special::refuse).find("not a regular file") != std::string::npos);
  CHECK(save(d.dir, "x") == d.dir + ": is a directory");
  CHECK(output_problem(d.dir) == d.dir + ": is a directory");
  CHECK(output_problem(d / "no/such/f") == (d / "no/such/f") + ": no such directory '" + (d / "no/such") + "'");
  CHECK(output_problem("") == "an empty file name");
  CHECK(output_problem(d / "new.jsonl") == "");
  CHECK(is_special_output("/dev/stdout"));
  CHECK(is_special_output("/dev/null"));
  CHECK_FALSE(is_special_output(d / "new.jsonl"));
}

TEST_CASE("two spellings of one output are the same output") {
  TempDir d;
  fs::create_directories(d / "sub");
  CHECK(same_output(d / "f", d / "sub/../f"));  // neither exists yet
  CHECK_FALSE(same_output(d / "f", d / "g"));
  std::ofstream(d / "a") << "x";
  fs::create_hard_link(d / "a", d / "b");
  CHECK(same_output(d / "a", d / "b"));
  CHECK(same_output(d / "a", d / "./a"));
}

TEST_CASE("a crash handler's remove_temporaries_now leaves no temporary behind") {
  TempDir d;
  OutputFile f;
  REQUIRE(f.open(d / "t.jsonl") == "");
  REQUIRE(::mkdir((d / "frames.part").c_str(), 0777) == 0);
  std::ofstream(d / "frames.part/frame_00000.png") << "png";
  std::ofstream(d / "frames.part/frame_00001.png") << "png";
  int slot = register_temporary(d / "frames.part", true);
  set_temporary_frames(slot, 1);
  CHECK(entries(d.dir) == 2);
  remove_temporaries_now();
  CHECK(entries(d.dir) == 0);
}
