# Benchmarks (Google Benchmark from Debian's libbenchmark-dev). bench/run.sh runs them.
find_package(benchmark REQUIRED)
add_executable(engine_bench bench/engine_bench.cpp)
target_link_libraries(engine_bench PRIVATE loopscope_core benchmark::benchmark)
loopscope_target(engine_bench)

# Loading a 10^6-event JSON Lines trace (core/trace_load.cpp): events per second.
add_executable(trace_load_bench bench/trace_load_bench.cpp)
target_link_libraries(trace_load_bench PRIVATE loopscope_core loopscope_synthetic_trace benchmark::benchmark)
loopscope_target(trace_load_bench)
