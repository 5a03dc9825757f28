# libFuzzer target for the trace loader (fuzz/run_short.sh builds it into build-fuzz).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LOOPSCOPE_FUZZ needs clang (CXX=clang++ CC=clang)")
endif()
add_executable(trace_load_fuzzer fuzz/trace_load_fuzzer.cpp core/trace_load.cpp core/trace.cpp core/clock.cpp)
target_include_directories(trace_load_fuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/core)
target_link_libraries(trace_load_fuzzer PRIVATE PkgConfig::UV Threads::Threads)
target_compile_options(trace_load_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
target_link_options(trace_load_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
