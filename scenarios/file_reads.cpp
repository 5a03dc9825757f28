// file-reads: several files read at once through the thread pool, the
// aiofiles way. Each open+read is a blocking call; to_thread moves it to a
// pool worker, so the reads overlap and the loop stays free meanwhile.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/blocking.hpp"
#include "core/thread_pool.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
import os
import tempfile


def read_text(path):
    with open(path) as f:  # a blocking open and read: aiofiles runs them in a thread
        return f.read()


async def read_one(path):
    print(f"reading {os.path.basename(path)}")  # @reading
    text = await asyncio.to_thread(read_text, path)  # @to_thread
    return len(text)


async def main():
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i in range(1, ${files} + 1):
            path = os.path.join(folder, f"part{i}.txt")
            with open(path, "w") as f:
                f.write("x" * ${kib} * 1024 * i)
            paths.append(path)
        sizes = await asyncio.gather(*(read_one(p) for p in paths))  # @gather
        for path, size in zip(paths, sizes):
            print(f"{os.path.basename(path)}: {size} characters")  # @size


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int reading, to_thread, gather, size;
} L;

namespace fs = std::filesystem;

// tempfile.TemporaryDirectory(): made on entry, removed with its contents on exit
// (also when the run ends early and the coroutine frame is destroyed).
struct TemporaryDirectory {
  fs::path path;
  TemporaryDirectory() {
    std::string tmpl = (fs::temp_directory_path() / "loopscope-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw OSError("cannot create a temporary directory");
    path = tmpl;
  }
  ~TemporaryDirectory() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
};

// Runs on a pool worker: it gets its own copy of the path.
Value read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw OSError("No such file or directory: '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

Coroutine read_one(fs::path path) {
  std::string name = path.filename().string();
  print(L.reading, "reading " + name);
  // Made outside the co_await expression: GCC 12 destroys a lambda temporary
  // with captures twice when it lives in a co_await's full-expression.
  PoolJob& job = to_thread([p = path.string()] { return read_text(p); }, "read_text(" + name + ")");
  Value text = co_await at(job, L.to_thread);
  co_return int64_t(text.str().size());
}

Coroutine file_reads_main(const Params& p) {
  TemporaryDirectory folder;
  std::vector<fs::path> paths;
  for (int i = 1; i <= p.integer("files"); ++i) {
    fs::path path = folder.path / ("part" + std::to_string(i) + ".txt");
    std::ofstream(path, std::ios::binary) << std::string(size_t(p.integer("kib")) * 1024 * i, 'x');
    check_interrupt();  // Ctrl-C between two writes: KeyboardInterrupt, and the folder is removed
    paths.push_back(path);
  }
  std::vector<Awaitable> reads;
  for (const fs::path& path : paths) reads.emplace_back(read_one(path).named(path.filename().string()));
  Value sizes = co_await at(gather_list(std::move(reads), false), L.gather);
  for (size_t i = 0; i < paths.size(); ++i)
    print(L.size, paths[i].filename().string() + ": " + sizes.list()[i].repr() + " characters");
  co_return {};
}

}  // namespace

Scenario scenario_file_reads() {
  Scenario s;
  s.id = "file-reads";
  s.title = "File reads in the thread pool";
  s.lesson =
      "Reading a file is a blocking call, and asyncio has no non-blocking files. So aiofiles (and to_thread here) "
      "hands each read to a worker thread: all the reads are submitted in one iteration, run side by side on the "
      "pool's workers, and the loop is free until each result comes back as a completion.";
  Listing listing("file-reads", kListing);
  L = {.reading = listing.line("reading"), .to_thread = listing.line("to_thread"), .gather = listing.line("gather"),
      .size = listing.line("size")};
  s.listing = listing.text();
  s.params = {integer_param("files", "4", 1, 8, "how many files"),
              integer_param("kib", "512", 1, 16384, "size of part1 in KiB (part i is i times that)")};
  s.main = file_reads_main;
  return s;
}

}  // namespace loopscope
