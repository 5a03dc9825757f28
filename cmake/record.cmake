# Clips (loopscope record): app/record joins the GUI library, whose headless
# renderer draws the frames; tests/record/test_*.cpp drive the real command
# and check its output with ffprobe/ffmpeg (label record).
file(GLOB RECORD_SOURCES CONFIGURE_DEPENDS app/record/*.cpp)
target_sources(loopscope_gui PRIVATE ${RECORD_SOURCES})

find_program(FFMPEG_EXECUTABLE ffmpeg)
find_program(FFPROBE_EXECUTABLE ffprobe)
if(NOT FFMPEG_EXECUTABLE OR NOT FFPROBE_EXECUTABLE)
  message(STATUS "ffmpeg/ffprobe not found: loopscope record writes PNG frames only; video tests will skip")
endif()

# Tests are defined here (gui.cmake is included before tests.cmake), so they
# wait until the doctest main library exists: cmake_language(DEFER).
function(loopscope_record_tests)
  file(GLOB RECORD_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/record/test_*.cpp)
  foreach(src ${RECORD_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_executable(record_${name} ${src})
    target_link_libraries(record_${name} PRIVATE loopscope_gui loopscope_doctest_main)
    target_compile_definitions(record_${name} PRIVATE LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>")
    add_dependencies(record_${name} loopscope)
    loopscope_target(record_${name})
    add_test(NAME record/${name} COMMAND record_${name})
    # No display: the clips must render with EGL's surfaceless platform alone.
    set_tests_properties(record/${name} PROPERTIES LABELS record TIMEOUT 600
                         ENVIRONMENT_MODIFICATION "DISPLAY=unset:;WAYLAND_DISPLAY=unset:")
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL loopscope_record_tests)
