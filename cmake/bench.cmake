# Benchmarks (Google Benchmark from Debian's libbenchmark-dev). bench/run.sh runs them.
find_package(benchmark REQUIRED)
add_executable(engine_bench bench/engine_bench.cpp)
target_link_libraries(engine_bench PRIVATE loopscope_core benchmark::benchmark)
loopscope_target(engine_bench)
