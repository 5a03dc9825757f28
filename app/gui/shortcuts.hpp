// Keyboard shortcuts: the view's own key names, the one table of what each
// key does (the help overlay and the tooltips list the same table, so the
// shortcuts shown are the shortcuts handled), and this frame's keyboard.
//
// Dear ImGui 1.86's ImGuiKey names only the keys its widgets need (arrows,
// Tab, Enter, A/C/V/X/Y/Z); io.KeysDown is indexed by the backend's native
// codes. So the view names its keys itself and the platform layer
// (platform.cpp, the only file that knows GLFW) translates its codes to these
// names once per frame.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace loopscope::gui {

// [SECTION] Keys
enum class Key : uint8_t {
  None,
  A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z,
  D0, D1, D2, D3, D4, D5, D6, D7, D8, D9,  // the digit row
  F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
  Left, Right, Up, Down, Home, End, PageUp, PageDown,
  Space, Enter, Escape, Tab, Backspace, Delete,
  Equal, Minus, Slash, KeypadAdd, KeypadSubtract,
  Count
};
constexpr int kKeyCount = int(Key::Count);
inline Key digit_key(int d) { return Key(int(Key::D0) + d); }
const char* key_name(Key k);  // "A", "F5", "Right", "+" (Equal: the + key), ...

enum Mods : uint8_t { kNoMods = 0, kCtrl = 1, kShift = 2, kAlt = 4 };

// One frame's keyboard, in the view's key names: what went down this frame
// (`pressed`), or went down or auto-repeats while held (`repeated`), and the
// modifiers held.
struct KeyInput {
  bool pressed[kKeyCount] = {};
  bool repeated[kKeyCount] = {};
  uint8_t mods = kNoMods;
  // A press delivered as it comes from the keyboard: down this frame (and a repeat).
  void press(Key k, uint8_t m = kNoMods) {
    pressed[int(k)] = repeated[int(k)] = true;
    mods = m;
  }
};

// [SECTION] Actions
enum class Action : uint8_t {
  Play, Step, StepTask, StepIteration, Notable, Bookmark, NextBookmark, HoldNotable, Start, End,
  ZoomIn, ZoomOut, Fit, Pan, Axis, Focus, Panel,
  Gallery, Predict, Rerun, Open, Edit, Save, Record,
  Theme, Smaller, Larger, Presenter, Fullscreen, Help, CloseHelp,
  Answer, ShowOrContinue, LeavePredict,  // while a predict question is open
  CloseGallery,                          // while the gallery is open
  CloseDialog,                           // while a dialog is open (Save trace, Record clip, Open a program)
  SaveAndRun,                            // while the program editor is open
  Count
};

// Where a shortcut works: the usual view, a predict question waiting for an
// answer, the gallery page, a dialog, the program editor. A key may mean
// different things in each (digits toggle panels, or answer a question).
enum Context : uint8_t { kView = 1, kQuestion = 2, kGallery = 4, kDialog = 8, kEditor = 16 };

struct Shortcut {
  Action action;
  int8_t arg;     // the direction (+1 / -1), the panel or the answer (0-based)
  Key key;
  uint8_t mods;   // exactly these modifiers held
  bool repeat;    // fires again while held
  uint8_t where;  // Context bits
  bool listed;    // false: an alias left out of the help (the keypad's + and -)
  const char* help;  // the help overlay's row; consecutive shortcuts with the same text share it
};

// Every shortcut, in the help overlay's order.
std::span<const Shortcut> shortcuts();

// The shortcuts that fired this frame in `where`, in table order.
struct Fired {
  Action action;
  int arg;
};
template <class F>
void for_each_fired(const KeyInput& in, Context where, F&& f) {
  for (const Shortcut& s : shortcuts()) {
    if (!(s.where & where) || s.mods != in.mods) continue;
    if (s.repeat ? in.repeated[int(s.key)] : in.pressed[int(s.key)]) f(Fired{s.action, s.arg});
  }
}

// "Ctrl+S", "Right / Left", "1 - 6", "F1 / ?": the keys of the table's row
// that starts at `first`, as the help overlay and tooltips show them. `next`
// gets the index after the row.
std::string row_keys(size_t first, size_t* next = nullptr);
// The key of `a` (its first listed binding; with `arg`, the one with that
// arg), for tooltips and menus: "Ctrl+S", "Left".
std::string keys_of(Action a);
std::string keys_of(Action a, int arg);
// "text (keys)": a tooltip that names its shortcut.
std::string with_keys(const char* text, Action a);
std::string with_keys(const char* text, Action a, int arg);

}  // namespace loopscope::gui
