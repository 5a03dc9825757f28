// Where the view is drawn: a GLFW window (the GUI) or a headless EGL context
// on Mesa's surfaceless platform rendering into a framebuffer object (screenshots,
// clips, tests). Both run the same App::frame(), so a PNG shows exactly what the
// window shows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app.hpp"
#include "shortcuts.hpp"

namespace loopscope::gui {

// True when a windowing system is reachable (DISPLAY or WAYLAND_DISPLAY set).
bool display_available();

// [SECTION] Window

// Opens a window and runs the app until it is closed. Returns false (with a
// one-line reason in `err`) when no window could be opened.
bool run_window(App& app, std::string& err);

// A window driven frame by frame (the Xvfb tests use this to press keys).
class Window {
 public:
  static std::unique_ptr<Window> open(int w, int h, std::string& err);
  ~Window();
  // Polls events, renders one frame of `app`. Returns false once closed.
  // With idle waiting on, a frame first waits for input (at most kIdleWait
  // seconds) when the app is not animating and the last kSettleFrames frames
  // saw no input: a paused window costs no CPU, yet redraws at once on input.
  bool frame(App& app);
  void set_idle_wait(bool on) { idle_wait_ = on; }  // run_window turns it on
  static constexpr int kSettleFrames = 3;    // ImGui needs a few frames to settle after input
  static constexpr double kIdleWait = 0.25;  // seconds: clocks and timed-out messages still update
  // Test hooks: frames drawn so far, and whether the last one waited for events first.
  uint64_t frames() const { return frames_; }
  bool waited_last() const { return waited_last_; }
  // Delivers a key press + release through the GLFW callback path ImGui uses.
  void press(int glfw_key, int mods = 0);
  void press(Key key, uint8_t mods);  // the view's key name, translated as a keyboard's is
  // Delivers files dropped on the window through the GLFW drop callback (tests).
  void drop(const std::vector<std::string>& paths);
  void* handle() const { return win_; }
  // The next frame is also read back into `rgba` (bottom row first, as GL gives it).
  void capture_next(std::vector<uint8_t>* rgba) { capture_ = rgba; }
  int captured_w() const { return capture_w_; }
  int captured_h() const { return capture_h_; }

 private:
  Window() = default;
  void* win_ = nullptr;  // GLFWwindow
  double last_ = 0;
  bool fullscreen_ = false;
  int saved_[4] = {0, 0, 1280, 720};
  int pending_release_ = -1, pending_mods_ = 0;
  bool idle_wait_ = false, waited_last_ = false;
  int quiet_frames_ = 0;  // frames in a row with no input and nothing animating
  uint64_t frames_ = 0;
  uint64_t inputs_seen_ = 0;
  std::vector<uint8_t>* capture_ = nullptr;
  int capture_w_ = 0, capture_h_ = 0;
};

// [SECTION] Headless

// An EGL surfaceless GL 3.3 core context with an RGBA8 framebuffer object of
// w x h and its own ImGui context. No display or X server needed.
class Headless {
 public:
  static std::unique_ptr<Headless> create(int w, int h, std::string& err);
  ~Headless();
  int width() const { return w_; }
  int height() const { return h_; }
  // One frame of the app advanced by `dt` seconds of wall time, laid out in
  // set_area()'s area. With `rgba`, reads the frame back: w*h*4 bytes, top
  // row first, opaque.
  void frame(App& app, float dt, std::vector<uint8_t>* rgba = nullptr);
  // The same in two halves, for a caller that draws over the view in the same
  // frame (clips: header, captions, title card): begin_frame, App::frame with
  // the caller's area, the caller's own drawing, end_frame.
  void begin_frame(App& app, float dt);
  void end_frame(App& app, std::vector<uint8_t>* rgba = nullptr);
  // Where frame() lays the view out (default: the whole surface, with the toolbar).
  void set_area(const ViewArea& a) { area_ = a; }
  // No keyboard here: a key pressed for the next frame (tests, tools).
  void press(Key key, uint8_t mods = kNoMods) { keys_.press(key, mods); }

 private:
  Headless() = default;
  int w_ = 0, h_ = 0;
  void* dpy_ = nullptr;  // EGLDisplay
  void* ctx_ = nullptr;  // EGLContext
  unsigned fbo_ = 0, color_ = 0;
  void* imgui_ = nullptr;  // ImGuiContext
  bool renderer_ = false;  // ImGui_ImplOpenGL3_Init succeeded
  KeyInput keys_;
  ViewArea area_;
};

// Writes an RGBA buffer (top row first) as PNG through OutputFile: a temporary
// renamed at the end, or a device or pipe written directly. Returns "" or a one-line error.
std::string write_png(const std::string& path, int w, int h, const uint8_t* rgba);
inline std::string write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba) {
  return write_png(path, w, h, rgba.data());
}

}  // namespace loopscope::gui
