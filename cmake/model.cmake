# The view model (app/model): plain data derived from the trace, no GL. Its
# tests (tests/model/test_*.cpp) run real scenarios and feed the model.
file(GLOB MODEL_SOURCES CONFIGURE_DEPENDS app/model/*.cpp)
add_library(loopscope_model STATIC ${MODEL_SOURCES})
target_include_directories(loopscope_model PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/app)
target_link_libraries(loopscope_model PUBLIC loopscope_core)
loopscope_target(loopscope_model)

# loopscope_doctest_main comes from cmake/tests.cmake, included later; names resolve at generate time.
file(GLOB MODEL_TESTS CONFIGURE_DEPENDS tests/model/test_*.cpp)
foreach(src ${MODEL_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(model_${name} ${src})
  target_link_libraries(model_${name} PRIVATE loopscope_scenarios loopscope_model loopscope_doctest_main)
  loopscope_target(model_${name})
  add_test(NAME model/${name} COMMAND model_${name})
  set_tests_properties(model/${name} PROPERTIES LABELS model TIMEOUT 300)
endforeach()

# Seeking and the timeline query on 10^6 events: measured, never asserted.
if(LOOPSCOPE_BENCH)
  find_package(benchmark QUIET)
  if(benchmark_FOUND AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/bench/model_bench.cpp)
    add_executable(model_bench bench/model_bench.cpp)
    target_link_libraries(model_bench PRIVATE loopscope_model benchmark::benchmark)
    loopscope_target(model_bench)
  endif()
endif()

# Tests over CPython-recorded runs record them with `loopscope run FILE.py`.
foreach(name test_cpython_narration test_gather_outcome test_handles_that_never_run test_who_cancels
             test_queue_contents test_what_a_callback_completes test_how_a_wait_for_ends test_why_a_taskgroup_cancels
             test_cancel_after_uncancel test_pool_job_raised test_pool_result_dropped test_run_until_complete_raises
             test_inside_an_asyncio_call)
  if(TARGET model_${name})
    target_compile_definitions(model_${name} PRIVATE LOOPSCOPE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                                                     LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>")
    add_dependencies(model_${name} loopscope)
    set_tests_properties(model/${name} PROPERTIES LABELS "model;recorder")
  endif()
endforeach()
