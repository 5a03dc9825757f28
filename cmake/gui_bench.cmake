# The view's frame-time benchmark (bench/gui_frame_bench.cpp, run by
# bench/gui_run.sh): whole-screen frames at 1280x720, headless, on synthetic
# traces of 10^3 and 10^6 events (bench/synthetic_trace.cpp). Measured, never asserted.
if(NOT TARGET loopscope_gui)
  return()
endif()
# loopscope_synthetic_trace comes from cmake/gui.cmake (the GUI tests use it too).
add_executable(gui_frame_bench bench/gui_frame_bench.cpp)
target_link_libraries(gui_frame_bench PRIVATE loopscope_gui loopscope_synthetic_trace)
loopscope_target(gui_frame_bench)
