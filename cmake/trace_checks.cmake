# Checks of the trace as a file format that need more than doctest:
# the Chrome trace export read by a real consumer under node (label `node`,
# skipped with code 77 when node or its npm package is missing).
add_test(NAME trace/chrome_trace_consumer
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tools/chrome-trace-check/run.sh $<TARGET_FILE:loopscope>
                 ${CMAKE_CURRENT_BINARY_DIR}/chrome-trace-check)
set_tests_properties(trace/chrome_trace_consumer PROPERTIES LABELS node SKIP_RETURN_CODE 77 TIMEOUT 300)

# libFuzzer target for the trace loader: only with clang and -DLOOPSCOPE_FUZZ=ON (fuzz/run_short.sh).
option(LOOPSCOPE_FUZZ "Build the libFuzzer target for the trace loader (clang only)" OFF)
if(LOOPSCOPE_FUZZ)
  include(cmake/fuzz.cmake)
endif()

# The trace writer/reader pair across threads: a plain test here, and the
# ThreadSanitizer build of it in build-tsan (tests/tsan/run.sh).
file(GLOB TSAN_TESTS CONFIGURE_DEPENDS tests/tsan/test_*.cpp)
foreach(src ${TSAN_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE loopscope_core loopscope_doctest_main)
  loopscope_target(${name})
  add_test(NAME tsan/${name} COMMAND ${name})
  set_tests_properties(tsan/${name} PROPERTIES LABELS "engine;tsan" TIMEOUT 300)
endforeach()
