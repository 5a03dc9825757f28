# Clips (loopscope record): a library of its own over the GUI library, whose
# headless renderer draws the frames. record depends on gui, never the
# reverse: loopscope_gui cannot include app/record (it does not link it).
# tests/record/test_*.cpp drive the real command and check its output with
# ffprobe/ffmpeg (label record).
file(GLOB RECORD_SOURCES CONFIGURE_DEPENDS app/record/*.cpp)
# The include path reaches app/record from app/gui too: refuse such an include here.
file(GLOB _gui_files app/gui/*.cpp app/gui/*.hpp)
foreach(f ${_gui_files})
  file(STRINGS ${f} _up REGEX "#include \"record/")
  if(_up)
    message(FATAL_ERROR "${f} includes app/record: the view must not depend on the recorder (record depends on gui)")
  endif()
endforeach()
add_library(loopscope_record STATIC ${RECORD_SOURCES})
target_link_libraries(loopscope_record PUBLIC loopscope_gui)
loopscope_target(loopscope_record)

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
    target_link_libraries(record_${name} PRIVATE loopscope_record loopscope_doctest_main)
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
