# The loopscope program: CLI always; the GUI view when LOOPSCOPE_GUI is on.
file(GLOB APP_CLI_SOURCES CONFIGURE_DEPENDS app/cli/*.cpp)
add_library(loopscope_cli STATIC ${APP_CLI_SOURCES})
target_include_directories(loopscope_cli PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/app)
target_link_libraries(loopscope_cli PUBLIC loopscope_scenarios)
loopscope_target(loopscope_cli)

# The view model (app/model, no GL): owned by cmake/model.cmake, tests included.
file(GLOB _model_sources app/model/*.cpp)
if(_model_sources)
  include(cmake/model.cmake OPTIONAL)
endif()

if(LOOPSCOPE_GUI)
  include(cmake/gui.cmake OPTIONAL)
endif()

add_executable(loopscope app/main.cpp)
target_link_libraries(loopscope PRIVATE loopscope_cli)
if(LOOPSCOPE_GUI AND TARGET loopscope_gui)
  target_link_libraries(loopscope PRIVATE loopscope_gui loopscope_record)
  target_compile_definitions(loopscope PRIVATE LOOPSCOPE_HAVE_GUI=1)
endif()
loopscope_target(loopscope)

# The CPython recorder ships beside the binary (build tree) and in share/loopscope
# (install prefix): app/cli/python_program.cpp looks in both places.
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/core/cpython/loopscope_recorder.py
               ${CMAKE_CURRENT_BINARY_DIR}/loopscope_recorder.py COPYONLY)
include(GNUInstallDirs)
install(TARGETS loopscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES core/cpython/loopscope_recorder.py DESTINATION ${CMAKE_INSTALL_DATADIR}/loopscope)

# Its hot path in C (core/cpython/_loopscope_recorder.c), built for the build's
# Python (Debian's python3-dev) and put beside the recorder: a recording
# interpreter whose ABI tag matches imports it, any other runs the recorder's
# pure-Python hooks (docs/recorder.md).
find_package(Python3 COMPONENTS Interpreter Development.Module)
if(Python3_Development.Module_FOUND)
  Python3_add_library(_loopscope_recorder MODULE WITH_SOABI core/cpython/_loopscope_recorder.c)
  set_target_properties(_loopscope_recorder PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
                        C_VISIBILITY_PRESET hidden)
  target_compile_options(_loopscope_recorder PRIVATE -Wall -Wextra -Werror=implicit-function-declaration)
  add_dependencies(loopscope _loopscope_recorder)
  install(TARGETS _loopscope_recorder LIBRARY DESTINATION ${CMAKE_INSTALL_DATADIR}/loopscope)
else()
  message(STATUS "loopscope: no Python development files (python3-dev): the recorder runs without its C hot path")
endif()
