# doctest suites: one file per concept under tests/. Each file is its own
# executable so ctest runs them in parallel and reports them by name.
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h REQUIRED)
add_library(loopscope_doctest_main STATIC tests/support/doctest_main.cpp)
target_include_directories(loopscope_doctest_main PUBLIC ${DOCTEST_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/tests)
loopscope_target(loopscope_doctest_main)

file(GLOB ENGINE_TESTS CONFIGURE_DEPENDS tests/engine/test_*.cpp)
foreach(src ${ENGINE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE loopscope_scenarios loopscope_doctest_main)
  target_compile_definitions(${name} PRIVATE LOOPSCOPE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                                             LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>")
  loopscope_target(${name})
  add_test(NAME engine/${name} COMMAND ${name})
  set_tests_properties(engine/${name} PROPERTIES LABELS engine TIMEOUT 300)
endforeach()
# The Chrome export is checked by reading it back with the project's JSON library.
target_link_libraries(test_chrome_trace PRIVATE simdjson::simdjson)

file(GLOB CLI_TESTS CONFIGURE_DEPENDS tests/cli/test_*.cpp)
foreach(src ${CLI_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE loopscope_scenarios loopscope_doctest_main)
  target_compile_definitions(${name} PRIVATE LOOPSCOPE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                                             LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>")
  add_dependencies(${name} loopscope)
  loopscope_target(${name})
  add_test(NAME cli/${name} COMMAND ${name})
  set_tests_properties(cli/${name} PROPERTIES LABELS cli TIMEOUT 300)
endforeach()

if(LOOPSCOPE_GUI)
  include(cmake/gui_tests.cmake OPTIONAL)
endif()

# Scenario lessons: each scenario's lesson holds on the real loop.
file(GLOB SCENARIO_TESTS CONFIGURE_DEPENDS tests/scenarios/test_*.cpp)
foreach(src ${SCENARIO_TESTS})
  get_filename_component(name ${src} NAME_WE)
  # Target prefixed: tests/engine/test_timeout.cpp and tests/scenarios/test_timeout.cpp both exist.
  set(target scenario_${name})
  add_executable(${target} ${src})
  target_link_libraries(${target} PRIVATE loopscope_scenarios loopscope_doctest_main)
  target_compile_definitions(${target} PRIVATE LOOPSCOPE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                                               LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>")
  add_dependencies(${target} loopscope)  # test_open_server also drives the real binary
  loopscope_target(${target})
  add_test(NAME scenarios/${name} COMMAND ${target})
  set_tests_properties(scenarios/${name} PROPERTIES LABELS "scenarios;engine" TIMEOUT 300)
endforeach()

# The CPython recorder (core/cpython/): a stdlib unittest script that records
# real programs (tests/programs, tests/reference) and loads their traces with
# `loopscope view --check`. Label `recorder`.
add_test(NAME recorder/test_recorder
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/tests/recorder/test_recorder.py -v)
set_tests_properties(recorder/test_recorder PROPERTIES LABELS recorder TIMEOUT 1200
                     ENVIRONMENT "LOOPSCOPE_BINARY=$<TARGET_FILE:loopscope>")
# The same suite with the recorder's C hot path off: the pure-Python hooks are what
# an interpreter that cannot import it (another version, no python3-dev) runs.
add_test(NAME recorder/test_recorder_pure
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/tests/recorder/test_recorder.py -v)
set_tests_properties(recorder/test_recorder_pure PROPERTIES LABELS recorder TIMEOUT 1200
                     ENVIRONMENT "LOOPSCOPE_BINARY=$<TARGET_FILE:loopscope>;LOOPSCOPE_RECORDER_PURE=1")
set_tests_properties(cli/test_run_python_program PROPERTIES LABELS "cli;recorder")

# The attack corpus (tests/attacks/): hostile traces, hostile HTTP requests and
# bad command lines against the real binary, each case's expected exit status
# and one-line message written beside it (tests/attacks/README.md).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME attacks/corpus COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tests/attacks/run.py
                                     $<TARGET_FILE:loopscope>)
set_tests_properties(attacks/corpus PROPERTIES LABELS "cli;attacks" TIMEOUT 1200)
