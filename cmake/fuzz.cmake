# libFuzzer target for the trace loader (fuzz/run_short.sh builds it into build-fuzz).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LOOPSCOPE_FUZZ needs clang (CXX=clang++ CC=clang)")
endif()
# The target also saves what loaded (trace_json) and feeds the view model (app/model).
file(GLOB FUZZ_MODEL_SOURCES CONFIGURE_DEPENDS app/model/*.cpp)
add_executable(trace_load_fuzzer fuzz/trace_load_fuzzer.cpp core/trace_load.cpp core/trace.cpp core/clock.cpp
                                 core/trace_json.cpp core/output_file.cpp ${FUZZ_MODEL_SOURCES})
target_include_directories(trace_load_fuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/core
                                                     ${CMAKE_CURRENT_SOURCE_DIR}/app)
target_link_libraries(trace_load_fuzzer PRIVATE PkgConfig::UV Threads::Threads simdjson::simdjson)
target_compile_options(trace_load_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
target_link_options(trace_load_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
