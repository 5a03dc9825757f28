// [SECTION] index
// - Window: GLFW + GL 3.3 core, the interactive GUI
// - Headless: EGL on Mesa's surfaceless platform + a framebuffer object
// - PNG output
#include "platform.hpp"

// glad's headers first: they stand in for the system GL/EGL headers.
#include <glad/egl.h>
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "app.hpp"
#include "core/limits.hpp"
#include "core/output_file.hpp"

namespace loopscope::gui {

namespace {
// ImGui does not check its allocations: under `ulimit -v` the font atlas
// (GetTexDataAsRGBA32) wrote through a null pointer. Out of memory here ends
// the process with one line instead, after removing half-written outputs.
void* checked_alloc(size_t n, void*) {
  if (void* p = std::malloc(n)) return p;
  static const char msg[] = "loopscope: out of memory while building the view (fonts, draw lists); see ulimit -v\n";
  ssize_t w = ::write(2, msg, sizeof msg - 1);
  (void)w;
  remove_temporaries_now();
  ::_exit(1);
}
void checked_free(void* p, void*) { std::free(p); }
void use_checked_allocator() { ImGui::SetAllocatorFunctions(checked_alloc, checked_free, nullptr); }

// Mesa's llvmpipe does not survive running out of address space while it
// creates a context (a double free in swrast_dri, seen under ulimit -v
// 400000): under a limit, the room is checked before Mesa is asked.
std::string view_memory_problem() {
  struct rlimit lim;
  if (::getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return "";
  unsigned long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  uint64_t used = uint64_t(pages) * uint64_t(::sysconf(_SC_PAGESIZE));
  uint64_t left = lim.rlim_cur > used ? lim.rlim_cur - used : 0;
  if (left >= limits::kViewAddressSpace) return "";
  return "not enough memory to draw the view: ulimit -v leaves " + std::to_string(left >> 20) + " MiB, it needs about " +
         std::to_string(limits::kViewAddressSpace >> 20) + " MiB";
}
}  // namespace

bool display_available() {
  const char* x = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  return (x && *x) || (w && *w);
}

namespace {
// Rebuilds the font texture when the app changed size or presenter mode.
void refresh_fonts(App& app) {
  if (!app.fonts_dirty()) return;
  app.reload_fonts();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void clear_to(const App& app) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(app.theme().bg);
  glClearColor(c.x, c.y, c.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}
}  // namespace

// [SECTION] Window

namespace {
void install_input_counter(GLFWwindow* win);  // below, with the other input plumbing
}  // namespace

std::unique_ptr<Window> Window::open(int w, int h, std::string& err) {
  if (std::string why = view_memory_problem(); !why.empty()) {
    err = why;
    return nullptr;
  }
  if (!display_available()) {
    err = "no display (DISPLAY and WAYLAND_DISPLAY are unset)";
    return nullptr;
  }
  static std::string glfw_error;
  glfwSetErrorCallback([](int, const char* what) { glfw_error = what ? what : ""; });
  if (!glfwInit()) {
    err = "cannot open a window: " + (glfw_error.empty() ? std::string("glfwInit failed") : glfw_error);
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* win = glfwCreateWindow(w, h, "loopscope", nullptr, nullptr);
  if (!win) {
    err = "cannot open a window with an OpenGL 3.3 core context";
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(1);
  if (!gladLoadGL(glfwGetProcAddress)) {
    err = "cannot load OpenGL 3.3 functions";
    glfwDestroyWindow(win);
    glfwTerminate();
    return nullptr;
  }
  std::unique_ptr<Window> out(new Window());
  out->win_ = win;
  install_input_counter(win);  // before ImGui's backend, which chains to these callbacks
  IMGUI_CHECKVERSION();
  use_checked_allocator();
  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  out->last_ = glfwGetTime();
  return out;
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(static_cast<GLFWwindow*>(win_));
  glfwTerminate();
}

namespace {
// ImGui 1.86's GLFW backend derives Ctrl/Shift/Alt from the modifier keys' own
// down state, so a chord is delivered as the modifier keys, then the key.
constexpr int kModKeys[][2] = {{GLFW_MOD_SHIFT, GLFW_KEY_LEFT_SHIFT},
                               {GLFW_MOD_CONTROL, GLFW_KEY_LEFT_CONTROL},
                               {GLFW_MOD_ALT, GLFW_KEY_LEFT_ALT}};
void send_key(GLFWwindow* win, int key, int action, int mods) {
  ImGui_ImplGlfw_KeyCallback(win, key, glfwGetKeyScancode(key), action, mods);
}
}  // namespace

// [SECTION] Keys: GLFW's key codes in the view's names (shortcuts.hpp)
namespace {
int glfw_key(Key k) {
  int i = int(k);
  if (k >= Key::A && k <= Key::Z) return GLFW_KEY_A + (i - int(Key::A));
  if (k >= Key::D0 && k <= Key::D9) return GLFW_KEY_0 + (i - int(Key::D0));
  if (k >= Key::F1 && k <= Key::F12) return GLFW_KEY_F1 + (i - int(Key::F1));
  switch (k) {
    case Key::Left: return GLFW_KEY_LEFT;
    case Key::Right: return GLFW_KEY_RIGHT;
    case Key::Up: return GLFW_KEY_UP;
    case Key::Down: return GLFW_KEY_DOWN;
    case Key::Home: return GLFW_KEY_HOME;
    case Key::End: return GLFW_KEY_END;
    case Key::PageUp: return GLFW_KEY_PAGE_UP;
    case Key::PageDown: return GLFW_KEY_PAGE_DOWN;
    case Key::Space: return GLFW_KEY_SPACE;
    case Key::Enter: return GLFW_KEY_ENTER;
    case Key::Escape: return GLFW_KEY_ESCAPE;
    case Key::Tab: return GLFW_KEY_TAB;
    case Key::Backspace: return GLFW_KEY_BACKSPACE;
    case Key::Delete: return GLFW_KEY_DELETE;
    case Key::Equal: return GLFW_KEY_EQUAL;
    case Key::Minus: return GLFW_KEY_MINUS;
    case Key::Slash: return GLFW_KEY_SLASH;
    case Key::KeypadAdd: return GLFW_KEY_KP_ADD;
    case Key::KeypadSubtract: return GLFW_KEY_KP_SUBTRACT;
    default: return GLFW_KEY_UNKNOWN;
  }
}

int glfw_mods(uint8_t m) {
  return (m & kCtrl ? GLFW_MOD_CONTROL : 0) | (m & kShift ? GLFW_MOD_SHIFT : 0) | (m & kAlt ? GLFW_MOD_ALT : 0);
}

// This frame's keys, read from ImGui's io (which the GLFW backend fills with
// GLFW's codes) after NewFrame: ImGui keeps the held times behind key repeat.
KeyInput read_keys() {
  KeyInput in;
  const ImGuiIO& io = ImGui::GetIO();
  for (int k = 1; k < kKeyCount; ++k) {
    int code = glfw_key(Key(k));
    if (code < 0 || code >= int(IM_ARRAYSIZE(io.KeysDown))) continue;
    in.pressed[k] = ImGui::IsKeyPressed(code, false);
    in.repeated[k] = ImGui::IsKeyPressed(code, true);
  }
  in.mods = uint8_t((io.KeyCtrl ? kCtrl : 0) | (io.KeyShift ? kShift : 0) | (io.KeyAlt ? kAlt : 0));
  return in;
}
}  // namespace

namespace {
// Input events seen by any window (GLFW calls these on the GUI thread).
uint64_t g_inputs = 0;
// Files dropped on the window, taken by the next frame (a .py runs, a .jsonl replays).
std::vector<std::string> g_dropped;
void on_drop(GLFWwindow*, int n, const char** paths) {
  ++g_inputs;
  for (int k = 0; k < n; ++k)
    if (paths[k]) g_dropped.push_back(paths[k]);
}
void install_input_counter(GLFWwindow* win) {
  glfwSetKeyCallback(win, [](GLFWwindow*, int, int, int, int) { ++g_inputs; });
  glfwSetCharCallback(win, [](GLFWwindow*, unsigned) { ++g_inputs; });
  glfwSetMouseButtonCallback(win, [](GLFWwindow*, int, int, int) { ++g_inputs; });
  glfwSetCursorPosCallback(win, [](GLFWwindow*, double, double) { ++g_inputs; });
  glfwSetScrollCallback(win, [](GLFWwindow*, double, double) { ++g_inputs; });
  glfwSetCursorEnterCallback(win, [](GLFWwindow*, int) { ++g_inputs; });
  glfwSetWindowFocusCallback(win, [](GLFWwindow*, int) { ++g_inputs; });
  glfwSetFramebufferSizeCallback(win, [](GLFWwindow*, int, int) { ++g_inputs; });
  glfwSetWindowRefreshCallback(win, [](GLFWwindow*) { ++g_inputs; });
  glfwSetDropCallback(win, on_drop);
}
}  // namespace

void Window::drop(const std::vector<std::string>& paths) {
  std::vector<const char*> c;
  for (const std::string& p : paths) c.push_back(p.c_str());
  on_drop(static_cast<GLFWwindow*>(win_), int(c.size()), c.data());
}

void Window::press(int key, int mods) {
  auto* win = static_cast<GLFWwindow*>(win_);
  for (auto& m : kModKeys)
    if (mods & m[0]) send_key(win, m[1], GLFW_PRESS, mods);
  send_key(win, key, GLFW_PRESS, mods);
  pending_release_ = key;  // released after the next frame has seen the press
  pending_mods_ = mods;
  quiet_frames_ = 0;  // delivered straight to ImGui, not through GLFW's queue: draw at once
}

void Window::press(Key key, uint8_t mods) { press(glfw_key(key), glfw_mods(mods)); }

bool Window::frame(App& app) {
  auto* win = static_cast<GLFWwindow*>(win_);
  waited_last_ = idle_wait_ && quiet_frames_ >= kSettleFrames;
  if (waited_last_) glfwWaitEventsTimeout(kIdleWait);
  else glfwPollEvents();
  const bool input = g_inputs != inputs_seen_;
  inputs_seen_ = g_inputs;
  if (glfwWindowShouldClose(win)) return false;
  if (app.take_fullscreen_toggle()) {
    GLFWmonitor* mon = glfwGetPrimaryMonitor();
    if (!fullscreen_ && mon) {
      glfwGetWindowPos(win, &saved_[0], &saved_[1]);
      glfwGetWindowSize(win, &saved_[2], &saved_[3]);
      const GLFWvidmode* mode = glfwGetVideoMode(mon);
      glfwSetWindowMonitor(win, mon, 0, 0, mode->width, mode->height, mode->refreshRate);
      fullscreen_ = true;
    } else if (fullscreen_) {
      glfwSetWindowMonitor(win, nullptr, saved_[0], saved_[1], saved_[2], saved_[3], 0);
      fullscreen_ = false;
    }
  }
  // The first dropped file that opens wins (a bad one opens the Open dialog with its error).
  for (const std::string& p : std::exchange(g_dropped, {}))
    if (app.drop_file(p)) break;
  refresh_fonts(app);
  double now = glfwGetTime();
  float dt = float(std::min(0.1, std::max(1e-4, now - last_)));
  last_ = now;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  app.frame(dt, read_keys());
  ImGui::Render();
  int fw, fh;
  glfwGetFramebufferSize(win, &fw, &fh);
  glViewport(0, 0, fw, fh);
  clear_to(app);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (capture_) {
    capture_->resize(size_t(fw) * size_t(fh) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, capture_->data());
    capture_w_ = fw, capture_h_ = fh;
    capture_ = nullptr;
  }
  glfwSwapBuffers(win);
  ++frames_;
  quiet_frames_ = input || app.animating() || pending_release_ >= 0 ? 0 : quiet_frames_ + 1;
  if (pending_release_ >= 0) {
    send_key(win, pending_release_, GLFW_RELEASE, pending_mods_);
    for (auto& m : kModKeys)
      if (pending_mods_ & m[0]) send_key(win, m[1], GLFW_RELEASE, 0);
    pending_release_ = -1;
  }
  return true;
}

bool run_window(App& app, std::string& err) {
  auto w = Window::open(1280, 720, err);
  if (!w) return false;
  if (!app.init_context()) {
    err = "cannot load the DejaVu fonts from " LOOPSCOPE_FONT_DIR " (install fonts-dejavu-core)";
    return false;
  }
  w->set_idle_wait(true);
  while (w->frame(app)) {
  }
  return true;
}

// [SECTION] Headless

std::unique_ptr<Headless> Headless::create(int w, int h, std::string& err) {
  if (std::string why = view_memory_problem(); !why.empty()) {
    err = why;
    return nullptr;
  }
  // Load libEGL, then the surfaceless display: no X server, no window.
  if (!gladLoaderLoadEGL(EGL_NO_DISPLAY)) {
    err = "cannot load libEGL.so.1 (install libegl1 and libegl-mesa0)";
    return nullptr;
  }
  if (!eglGetPlatformDisplayEXT) {
    err = "EGL has no eglGetPlatformDisplayEXT (needs EGL_EXT_platform_base)";
    return nullptr;
  }
  EGLDisplay dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  EGLint major = 0, minor = 0;
  if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor)) {
    err = "cannot open Mesa's surfaceless EGL display (install libegl-mesa0)";
    return nullptr;
  }
  gladLoaderLoadEGL(dpy);  // again, now with the display's extensions
  if (!eglBindAPI(EGL_OPENGL_API)) {
    err = "EGL cannot bind desktop OpenGL";
    eglTerminate(dpy);
    return nullptr;
  }
  const EGLint config_attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8,
                                 EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_NONE};
  EGLConfig cfg = nullptr;
  EGLint n = 0;
  if (!eglChooseConfig(dpy, config_attrs, &cfg, 1, &n) || n < 1) cfg = nullptr;  // EGL_KHR_no_config_context
  const EGLint ctx_attrs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                              EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
  EGLContext ctx = eglCreateContext(dpy, cfg, EGL_NO_CONTEXT, ctx_attrs);
  if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
    err = "cannot create a surfaceless OpenGL 3.3 core context with EGL";
    if (ctx != EGL_NO_CONTEXT) eglDestroyContext(dpy, ctx);
    eglTerminate(dpy);
    return nullptr;
  }
  if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress))) {
    err = "cannot load OpenGL 3.3 functions through EGL";
    eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(dpy, ctx);
    eglTerminate(dpy);
    return nullptr;
  }
  std::unique_ptr<Headless> out(new Headless());
  out->w_ = w, out->h_ = h, out->dpy_ = dpy, out->ctx_ = ctx;
  glGenFramebuffers(1, &out->fbo_);
  glGenRenderbuffers(1, &out->color_);
  glBindRenderbuffer(GL_RENDERBUFFER, out->color_);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
  glBindFramebuffer(GL_FRAMEBUFFER, out->fbo_);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, out->color_);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
    err = "the offscreen framebuffer is incomplete";
    return nullptr;
  }
  IMGUI_CHECKVERSION();
  use_checked_allocator();
  out->imgui_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(w), float(h));
  io.BackendPlatformName = "loopscope-headless";
  // ImGui's GL3 backend loads GL through its own loader (libGL.so.1, glvnd):
  // glvnd dispatches to whichever context is current, EGL included.
  if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
    err = "ImGui's OpenGL 3 renderer failed to start (out of memory?)";
    return nullptr;
  }
  out->renderer_ = true;
  return out;
}

Headless::~Headless() {
  if (imgui_) {
    ImGui::SetCurrentContext(static_cast<ImGuiContext*>(imgui_));
    if (renderer_) ImGui_ImplOpenGL3_Shutdown();  // it asserts when Init failed
    ImGui::DestroyContext(static_cast<ImGuiContext*>(imgui_));
  }
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (color_) glDeleteRenderbuffers(1, &color_);
  if (dpy_) {
    eglMakeCurrent(static_cast<EGLDisplay>(dpy_), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (ctx_) eglDestroyContext(static_cast<EGLDisplay>(dpy_), static_cast<EGLContext>(ctx_));
    eglTerminate(static_cast<EGLDisplay>(dpy_));
  }
}

void Headless::frame(App& app, float dt, std::vector<uint8_t>* rgba) {
  begin_frame(app, dt);
  app.frame(dt, std::exchange(keys_, {}), area_);
  end_frame(app, rgba);
}

void Headless::begin_frame(App& app, float dt) {
  ImGui::SetCurrentContext(static_cast<ImGuiContext*>(imgui_));
  refresh_fonts(app);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(w_), float(h_));
  io.DeltaTime = std::max(dt, 1e-4f);
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no mouse: no hover tooltips in screenshots
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
}

void Headless::end_frame(App& app, std::vector<uint8_t>* rgba) {
  ImGui::Render();
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, w_, h_);
  clear_to(app);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (!rgba) return;
  rgba->resize(size_t(w_) * size_t(h_) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w_, h_, GL_RGBA, GL_UNSIGNED_BYTE, rgba->data());
  // GL's rows run bottom-up; images run top-down. Alpha is meaningless here.
  size_t row = size_t(w_) * 4;
  std::vector<uint8_t> tmp(row);
  for (int y = 0; y < h_ / 2; ++y) {
    uint8_t* a = rgba->data() + size_t(y) * row;
    uint8_t* b = rgba->data() + size_t(h_ - 1 - y) * row;
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
  for (size_t i = 3; i < rgba->size(); i += 4) (*rgba)[i] = 255;
}

// [SECTION] PNG output

std::string write_png(const std::string& path, int w, int h, const uint8_t* rgba) {
  OutputFile f;
  std::string err = f.open(path);
  if (!err.empty()) return err;
  auto put = [](void* to, void* data, int n) { static_cast<OutputFile*>(to)->write(data, size_t(n)); };
  if (!stbi_write_png_to_func(put, &f, w, h, 4, rgba, w * 4)) return path + ": cannot encode the PNG";
  return f.commit();  // reports the first write error
}

}  // namespace loopscope::gui
