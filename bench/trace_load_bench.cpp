// Loading a JSON Lines trace (core/trace_load.cpp), as `loopscope view F.jsonl`
// does: a synthetic 10^6-event trace shaped like the engine's
// (bench/synthetic_trace.hpp: every kind the view draws, on 10 task lanes and
// 2 pool workers), written once to a temporary file, then
//   TraceLoad/bytes: parsed from memory (load_trace_bytes: the parser alone);
//   TraceLoad/file:  read from the file (load_trace_file: what the view pays).
// items_per_second = events loaded per second. Measured, never asserted.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "core/trace_load.hpp"
#include "synthetic_trace.hpp"

using namespace loopscope;

namespace {

struct Fixture {
  std::string path;
  std::string bytes;
  size_t events = 0;
  Fixture() {
    char dir[] = "/tmp/loopscope-load-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    path = std::string(dir) + "/big.jsonl";
    bench::SyntheticShape shape;
    shape.events = 1'000'000;
    std::string err = bench::write_synthetic_trace(path, shape, &events);
    if (!err.empty()) std::fprintf(stderr, "trace_load_bench: %s\n", err.c_str()), std::abort();
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    bytes = s.str();
  }
  ~Fixture() {
    std::remove(path.c_str());
    ::rmdir(path.substr(0, path.rfind('/')).c_str());
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void report(benchmark::State& state, size_t events, size_t bytes) {
  state.SetItemsProcessed(int64_t(state.iterations() * events));
  state.SetBytesProcessed(int64_t(state.iterations() * bytes));
}

void TraceLoadBytes(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    Trace t;
    std::string err = load_trace_bytes("big.jsonl", f.bytes.data(), f.bytes.size(), t);
    if (!err.empty()) state.SkipWithError(err.c_str());
    benchmark::DoNotOptimize(t.size());
  }
  report(state, f.events, f.bytes.size());
}
BENCHMARK(TraceLoadBytes)->Name("TraceLoad/bytes")->Unit(benchmark::kMillisecond);

void TraceLoadFile(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    Trace t;
    std::string err = load_trace_file(f.path, t);
    if (!err.empty()) state.SkipWithError(err.c_str());
    benchmark::DoNotOptimize(t.size());
  }
  report(state, f.events, f.bytes.size());
}
BENCHMARK(TraceLoadFile)->Name("TraceLoad/file")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
