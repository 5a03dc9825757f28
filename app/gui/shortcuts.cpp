#include "shortcuts.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace loopscope::gui {

const char* key_name(Key k) {
  static const std::array<const char*, kKeyCount> names = [] {
    std::array<const char*, kKeyCount> n{};
    static const char* letters[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                    "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
    static const char* digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    static const char* fkeys[] = {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"};
    for (int i = 0; i < 26; ++i) n[size_t(int(Key::A) + i)] = letters[i];
    for (int i = 0; i < 10; ++i) n[size_t(int(Key::D0) + i)] = digits[i];
    for (int i = 0; i < 12; ++i) n[size_t(int(Key::F1) + i)] = fkeys[i];
    auto set = [&](Key k, const char* s) { n[size_t(k)] = s; };
    set(Key::None, ""), set(Key::Left, "Left"), set(Key::Right, "Right"), set(Key::Up, "Up"), set(Key::Down, "Down");
    set(Key::Home, "Home"), set(Key::End, "End"), set(Key::PageUp, "Page Up"), set(Key::PageDown, "Page Down");
    set(Key::Space, "Space"), set(Key::Enter, "Enter"), set(Key::Escape, "Esc"), set(Key::Tab, "Tab");
    set(Key::Backspace, "Backspace"), set(Key::Delete, "Delete");
    set(Key::Equal, "+"), set(Key::Minus, "-"), set(Key::Slash, "/");  // + is the = key unshifted
    set(Key::KeypadAdd, "Keypad +"), set(Key::KeypadSubtract, "Keypad -");
    return n;
  }();
  return int(k) < kKeyCount ? names[size_t(k)] : "";
}

namespace {
constexpr uint8_t kAny = kView | kQuestion;
constexpr const char* kPanelsHelp = "show / hide Stage, Timeline, Code, Why, Console, Tasks";
constexpr const char* kAnswerHelp = "answer: which handle runs next";

#define ROW(action, arg, key, mods, repeat, where, help) Shortcut{Action::action, arg, Key::key, mods, repeat, where, true, help}
#define ALIAS(action, arg, key, mods, repeat, where, help) Shortcut{Action::action, arg, Key::key, mods, repeat, where, false, help}
constexpr Shortcut kShortcuts[] = {
    ROW(Play, 0, Space, kNoMods, false, kView, "play / pause"),
    ROW(Step, +1, Right, kNoMods, true, kView, "one event forward / back"),
    ROW(Step, -1, Left, kNoMods, true, kView, "one event forward / back"),
    ROW(StepTask, +1, Right, kShift, true, kView, "one task step"),
    ROW(StepTask, -1, Left, kShift, true, kView, "one task step"),
    ROW(StepIteration, +1, Right, kCtrl, true, kView, "one loop iteration"),
    ROW(StepIteration, -1, Left, kCtrl, true, kView, "one loop iteration"),
    ROW(Notable, +1, N, kNoMods, true, kView, "next / previous notable event"),
    ROW(Notable, -1, P, kNoMods, true, kView, "next / previous notable event"),
    ROW(Bookmark, 0, M, kNoMods, false, kView, "mark the moment at the playhead (again: unmark it)"),
    ROW(NextBookmark, +1, B, kNoMods, true, kView, "next / previous bookmark"),
    ROW(NextBookmark, -1, B, kShift, true, kView, "next / previous bookmark"),
    ROW(HoldNotable, 0, H, kNoMods, false, kView, "playback holds on each notable event: off, 1 s, 2 s"),
    ROW(Start, 0, Home, kNoMods, false, kView, "start / end of the run"),
    ROW(End, 0, End, kNoMods, false, kView, "start / end of the run"),
    ROW(ZoomIn, 0, Equal, kNoMods, true, kView, "zoom the timeline / fit the run"),
    ROW(ZoomOut, 0, Minus, kNoMods, true, kView, "zoom the timeline / fit the run"),
    ROW(Fit, 0, D0, kNoMods, false, kView, "zoom the timeline / fit the run"),
    ALIAS(ZoomIn, 0, KeypadAdd, kNoMods, true, kView, "zoom the timeline / fit the run"),
    ALIAS(ZoomOut, 0, KeypadSubtract, kNoMods, true, kView, "zoom the timeline / fit the run"),
    ROW(Pan, +1, Right, kAlt, true, kView, "pan the timeline (or drag it)"),
    ROW(Pan, -1, Left, kAlt, true, kView, "pan the timeline (or drag it)"),
    ROW(Axis, 0, A, kNoMods, false, kView, "timeline axis: real time / by iteration"),
    ROW(Focus, 0, Tab, kNoMods, false, kView, "compare: Code, Why and Console follow run 1 / run 2"),
    ROW(Panel, 0, D1, kNoMods, false, kView, kPanelsHelp),
    ROW(Panel, 1, D2, kNoMods, false, kView, kPanelsHelp),
    ROW(Panel, 2, D3, kNoMods, false, kView, kPanelsHelp),
    ROW(Panel, 3, D4, kNoMods, false, kView, kPanelsHelp),
    ROW(Panel, 4, D5, kNoMods, false, kView, kPanelsHelp),
    ROW(Panel, 5, D6, kNoMods, false, kView, kPanelsHelp),
    ROW(Gallery, 0, G, kNoMods, false, kAny, "the scenario gallery: lessons, parameters, Run"),
    ROW(Predict, 0, Q, kNoMods, false, kAny, "predict mode: guess which handle runs next"),
    ROW(Rerun, 0, R, kNoMods, false, kView, "run the scenario (or your program) again"),
    ROW(Open, 0, O, kCtrl, false, kView, "open your own asyncio program (.py): it runs live"),
    ROW(Edit, 0, E, kCtrl, false, kView, "edit your program; Ctrl+Enter saves and runs it"),
    ROW(Save, 0, S, kCtrl, false, kView, "save the run as a trace file (JSON Lines)"),
    ROW(Record, 0, R, kCtrl, false, kView, "record the run as a clip (mp4, gif, webm, PNG)"),
    ROW(Theme, 0, T, kNoMods, false, kView, "dark / light theme"),
    ROW(Smaller, 0, F5, kNoMods, false, kView, "smaller / larger text"),
    ROW(Larger, 0, F6, kNoMods, false, kView, "smaller / larger text"),
    ROW(Presenter, 0, F7, kNoMods, false, kView, "presenter mode (large text)"),
    ROW(Fullscreen, 0, F11, kNoMods, false, kView, "full screen"),
    ROW(Help, 0, F1, kNoMods, false, kView, "this overlay"),
    ROW(Help, 0, Slash, kShift, false, kView, "this overlay"),
    ROW(CloseHelp, 0, Escape, kNoMods, false, kView, "close this overlay"),
    // A predict question waiting for its answer.
    ROW(Answer, 0, D1, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 1, D2, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 2, D3, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 3, D4, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 4, D5, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 5, D6, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 6, D7, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 7, D8, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(Answer, 8, D9, kNoMods, false, kQuestion, kAnswerHelp),
    ROW(ShowOrContinue, 0, Space, kNoMods, false, kQuestion, "show me the answer / continue"),
    ROW(ShowOrContinue, 0, Enter, kNoMods, false, kQuestion, "show me the answer / continue"),
    ROW(LeavePredict, 0, Escape, kNoMods, false, kQuestion, "leave predict mode"),
    // The gallery page.
    ROW(CloseGallery, 0, G, kNoMods, false, kGallery, "close the gallery"),
    ROW(CloseGallery, 0, Escape, kNoMods, false, kGallery, "close the gallery"),
    // A dialog (Save trace, Record clip, Open a program): Enter in its file field confirms.
    ROW(CloseDialog, 0, Escape, kNoMods, false, kDialog, "close the dialog (Cancel)"),
    // The program editor: it works while the text box has the keyboard.
    ROW(SaveAndRun, 0, Enter, kCtrl, false, kEditor, "save your program and run it again"),
};
#undef ROW
#undef ALIAS

std::string mods_prefix(uint8_t m) {
  std::string s;
  if (m & kCtrl) s += "Ctrl+";
  if (m & kAlt) s += "Alt+";
  if (m & kShift) s += "Shift+";
  return s;
}
// "?" is Shift and the / key on the keyboards GLFW names keys after (US layout).
std::string binding_name(const Shortcut& s) {
  if (s.key == Key::Slash && s.mods == kShift) return "?";
  return mods_prefix(s.mods) + key_name(s.key);
}
bool is_digit(Key k) { return k >= Key::D0 && k <= Key::D9; }
bool same_row(const Shortcut& a, const Shortcut& b) {
  return a.where == b.where && std::string_view(a.help) == std::string_view(b.help);
}
}  // namespace

std::span<const Shortcut> shortcuts() { return kShortcuts; }

std::string row_keys(size_t first, size_t* next) {
  auto all = shortcuts();
  size_t end = first;
  while (end < all.size() && same_row(all[first], all[end])) ++end;
  if (next) *next = end;
  std::vector<const Shortcut*> shown;
  for (size_t i = first; i < end; ++i)
    if (all[i].listed) shown.push_back(&all[i]);
  if (shown.empty()) return "";
  bool one_mods = true;
  for (const Shortcut* s : shown) one_mods &= s->mods == shown[0]->mods && binding_name(*s) != "?";
  std::string out = one_mods ? mods_prefix(shown[0]->mods) : "";
  for (size_t i = 0; i < shown.size();) {
    // Three or more digits in a row read as a range: "1 - 6".
    size_t j = i;
    while (j + 1 < shown.size() && is_digit(shown[i]->key) && shown[j + 1]->key == Key(int(shown[j]->key) + 1)) ++j;
    if (i) out += " / ";
    auto name = [&](const Shortcut* s) { return one_mods ? std::string(key_name(s->key)) : binding_name(*s); };
    out += j >= i + 2 ? name(shown[i]) + " - " + name(shown[j]) : name(shown[i]);
    if (j < i + 2) j = i;
    i = j + 1;
  }
  return out;
}

std::string keys_of(Action a) {
  for (const Shortcut& s : shortcuts())
    if (s.action == a && s.listed) return binding_name(s);
  return "";
}

std::string keys_of(Action a, int arg) {
  for (const Shortcut& s : shortcuts())
    if (s.action == a && s.arg == arg && s.listed) return binding_name(s);
  return "";
}

std::string with_keys(const char* text, Action a) { return std::string(text) + " (" + keys_of(a) + ")"; }
std::string with_keys(const char* text, Action a, int arg) { return std::string(text) + " (" + keys_of(a, arg) + ")"; }

}  // namespace loopscope::gui
