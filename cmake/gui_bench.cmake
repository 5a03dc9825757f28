# The view's frame-time benchmark (bench/gui_frame_bench.cpp, run by
# bench/gui_run.sh): whole-screen frames at 1280x720, headless, on synthetic
# traces of 10^3 and 10^6 events (bench/synthetic_trace.cpp). Measured, never asserted.
if(NOT TARGET loopscope_gui)
  return()
endif()
# loopscope_synthetic_trace comes from CMakeLists.txt (the GUI tests use it too).
add_executable(gui_frame_bench bench/gui_frame_bench.cpp)
target_link_libraries(gui_frame_bench PRIVATE loopscope_gui loopscope_synthetic_trace)
loopscope_target(gui_frame_bench)

# The live view's latency at 10^5 events/s (bench/live_latency.cpp, bench/live_feed.py).
add_executable(live_latency_bench bench/live_latency.cpp)
target_link_libraries(live_latency_bench PRIVATE loopscope_gui)
target_compile_definitions(live_latency_bench PRIVATE LOOPSCOPE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}")
add_dependencies(live_latency_bench loopscope)  # the recorder is copied beside the binaries
loopscope_target(live_latency_bench)
