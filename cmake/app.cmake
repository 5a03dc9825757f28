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
