// The application: the composition of the view's parts (a RunView per run, compare mode, the quiz, the export
// panel, a program's source, the gallery, the toolbar's widgets: docs/architecture.md; they return commands that
// App::apply carries out), the view settings, and App::frame(), which builds the whole screen into the current
// ImGui frame. The window, the headless renderer and the tests all call the same frame(): they show the same thing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "command.hpp"
#include "compare.hpp"
#include "compare_view.hpp"
#include "export_panel.hpp"
#include "file_browser.hpp"
#include "gallery.hpp"
#include "model/model.hpp"
#include "model/predict.hpp"
#include "open_server_controls.hpp"
#include "param_widgets.hpp"
#include "playback.hpp"
#include "predict_quiz.hpp"
#include "program_source.hpp"
#include "run_view.hpp"
#include "session.hpp"
#include "shortcuts.hpp"
#include "story_axis.hpp"
#include "theme.hpp"

struct ImVec2;
struct ImDrawList;

namespace loopscope::gui {

// The story axis ("by iteration") draws every visible event: beyond this many
// events the timeline keeps real time, where it folds what is narrower than a pixel.
constexpr size_t kStoryAxisMaxEvents = 200000;

constexpr int kPanels = 6;  // Stage, Timeline, Code, Why, Console, Tasks (keys 1-6)
struct Appearance {
  bool dark = true;
  bool show[kPanels] = {true, true, true, true, true, true};  // Tasks (6) is left out in presenter mode
  bool presenter = false;
  float scale = 1.0f;  // F5/F6 on top of the mode's size
  float display_h = 1080;  // the window's height: presenter text is a share of it
  // Presenter text keeps the same share of the screen at any resolution (a
  // 720p projector shows the same layout as a 1080p one): 1/28 of the height.
  // Presenter mode never goes below floor_px(), whatever F5 asks: the smallest
  // text drawn (0.8 of the body size, axis ticks) stays on the floor.
  float font_px() const {
    if (!presenter) return 18.0f * scale;
    return std::max(std::clamp(display_h / 28.0f, 22.0f, 48.0f) * scale, floor_px() / 0.8f);
  }
  // The smallest text in presenter mode: 1/36 of the window's height (a
  // projector's back row); 11 px at the desk.
  float floor_px() const { return presenter ? display_h / 36.0f : 11.0f; }
};

// What the timeline shows: a range of its x-axis. On the real-time axis the
// range is trace time (ns); on the story axis ("by iteration") it is story
// time (Playback's clock, in ns), where every event gets a slot and long
// waits are compressed, so runs whose events bunch up in real time stay
// readable.
struct TimelineView {
  bool fit = true;  // follow the whole run
  int64_t t0 = 0, t1 = 1;
  float lane_scroll = 0, lane_scroll2 = 0;  // compare mode: each timeline scrolls its own lanes
  bool axis_auto = true;  // story axis when real time would crowd most events into a few pixels
  bool story = false;     // the axis in use (set every frame when axis_auto)
};

// Chips glide between stage areas: the stage tweens from the layout of
// `from` to the layout of `to` over kTweenSeconds of playback time.
constexpr double kTweenSeconds = 0.3;
struct Tween {
  size_t from = 0, to = 0;
  double t = 1;  // 0..1, 1 = settled
  uint64_t generation = 0;
};

// Where things were drawn in the last frame, in pixels: for tests and tools
// that check real pixels against what the view meant to show.
struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
struct Geometry {
  Box stage, timeline, plot, code, why, console, tasks;  // plot: the timeline's lanes area
  std::vector<float> lane_mid;                     // y of each model lane's centre line
  Box timeline2, plot2, summary;                   // compare mode: the second run's timeline, the summary strip
  std::vector<float> lane_mid2;
  std::vector<std::string> lane_labels, lane_labels2;  // each lane label as drawn (in view), top first
  std::vector<std::pair<std::string, Box>> wait_labels, wait_labels2;  // what a wait awaits ("sleep"), where drawn over its lane
  float playhead_x = -1, playhead2_x = -1;  // compare mode: run 2's playhead
  int lanes_hidden = 0, lanes_hidden2 = 0;   // lanes scrolled out of view (counted on screen)
  Box lanes_count, lanes_count2;             // where they are counted (a strip under the lanes; empty: none hidden)
  std::vector<std::pair<std::string, Box>> toolbar;  // each toolbar control, by name, where it was drawn
  std::vector<std::string> stage_chips;            // chip texts on the stage, settled state
  int stage_hidden = 0;                            // chips that did not fit their area (counted on screen)
  std::vector<Box> stage_chip_boxes;               // every stage chip drawn, gliding and fading ones too
  std::vector<std::pair<std::string, Box>> stage_notes;  // "empty", "none armed", ... where drawn
  std::vector<std::pair<int, int32_t>> cursors;    // code cursors: (line, task id)
  // Code rows drawn: a listing line, or its trailing comment wrapped onto a row of its own.
  struct CodeRow {
    int line = 0;
    bool comment = false;
    float y0 = 0, y1 = 0, x = 0;  // x: where the row's first character starts
    std::string text;
  };
  std::vector<CodeRow> code_rows;
  struct CodeChip {
    int line = 0;
    int32_t task = -1;
    float x0 = 0, x1 = 0;
  };
  std::vector<CodeChip> code_chips;  // cursor chips drawn after their lines' text
  float code_px = 0, code_char_w = 0, code_hscroll = 0;
  std::vector<std::string> console_rows;  // the Console's rows as drawn, top first (a wrapped print: one per row)
  struct TaskRow {
    int32_t task = -1;
    std::string state, awaits;
    std::string since;  // how long it has been in its state at the playhead ("" when not drawn)
  };
  std::vector<TaskRow> task_rows;                  // the Tasks panel's rows, top first
  struct ChoiceButton {
    int choice = -1;          // index into the open question's choices
    Box box;
    uint32_t fill = 0;        // the button's colour (ImU32)
    bool marked_wrong = false;  // after the reveal: the student's wrong guess, outlined
  };
  std::vector<ChoiceButton> predict_choices;  // predict mode's choice buttons, in order
  Box predict_body;          // the Predict panel's body (never scrolls)
  float predict_px = 0;      // its text size
  float predict_bottom = 0;  // the bottom of the last thing it drew
  std::vector<FileBrowser::Row> open_files;  // the Open dialog's file list, as drawn
  float code_overflow = 0;  // px the widest row is wider than the panel (the sideways scroll's range)
  std::string why_text, why_other_loop;  // the Why panel's text: loop 0's story, and another loop's event at the playhead
  std::vector<std::pair<std::string, std::string>> help_rows;  // the help overlay as drawn: (keys, what they do)
  Box help;                                                    // the help overlay's window (empty when closed)
};
// Notes the last ImGui item as toolbar control `name`, where it was drawn (tests check none is missing or cut).
void note_toolbar_item(Geometry& g, std::string name);

// Where a frame lays the view out. The window and screenshots give the whole
// display, headed by the toolbar; a clip gives the rectangle its header and
// caption bands leave, without the toolbar (a clip has no use for buttons).
struct ViewArea {
  Box rect;              // px; empty (x1 <= x0): the whole display
  bool toolbar = true;
  // The height presenter text follows (Appearance::display_h); 0: the display's.
  // A captioned clip gives the height above its caption band, as it always has.
  float text_h = 0;
};

class App {
 public:
  explicit App(Appearance a = {});

  // [SECTION] Runs
  void start(const Scenario& s, const Params& p);
  void start_selected();  // the toolbar's scenario and parameters
  // concurrent-server's open server mode (the toolbar's "open server" toggle; `--listen` on the command line):
  // listening on 127.0.0.1:port for curl, nc or a browser, for `duration` s.
  void start_open(const Params& p, int port, double duration);
  OpenServerControls& open_server() { return open_; }
  // The gallery (G, toolbar "Scenarios"): every scenario as a card with its
  // title, lesson, parameters and Run; natural pairs offer Compare.
  void open_gallery() { gallery_.set_open(true); }
  bool gallery_open() const { return gallery_.open(); }
  // Runs gallery card `scenario` (as its Run button does); with `compare`, the card's Compare button.
  void run_card(int scenario, bool compare = false);
  std::string load(const std::string& path);
  // Compare mode: a second run on the same time axis, with a summary strip.
  void start_compare(const Scenario& s, const Params& p);
  std::string load_compare(const std::string& path);  // a saved trace as the second run; "" or an error
  void stop_compare();
  bool compare_active() const { return compare_.on(); }
  Session& compare_session() { return compare_.run().session(); }
  const Session& compare_session() const { return compare_.run().session(); }
  // Compare mode: run 2's playhead is at the same real time since its start
  // as run 1's (one real-time axis, two playheads).
  size_t compare_index() const { return compare_.run().index(); }
  const model::LoopState& compare_state() const { return compare_.run().state(); }
  // Which run Code, Why and Console follow in compare mode (Tab switches): 0 or 1.
  int focus() const { return compare_.focus(); }
  void toggle_focus() { compare_.toggle_focus(); }
  Session& session() { return run1_.session(); }
  const Session& session() const { return run1_.session(); }
  Playback& playback() { return run1_.playback(); }
  const Playback& playback() const { return run1_.playback(); }

  // [SECTION] Your own program (live_program_ui.cpp): a .py file run live
  // under CPython with the recorder; Stop sends it SIGINT (KeyboardInterrupt).
  void start_program(const std::string& path, const std::vector<std::string>& args = {});  // args: its sys.argv[1:]
  void rerun_program();  // the program under view again (re-run on save, the editor's Save & Run)
  // A file dropped on the window: a .py runs; a .jsonl trace is replayed. "" or a one-line error.
  std::string open_file(const std::string& path);
  bool drop_file(const std::string& path);  // open_file; on an error the Open dialog shows it
  std::vector<std::string>& recent_programs() { return recent_; }  // newest first (settings.ini keeps them)
  // The program file is watched: saved in the user's editor, it runs again.
  bool watching() const { return program_.watching(); }
  void set_watching(bool on) { program_.set_watching(on); }
  // The open dialog (toolbar "Open .py", Ctrl+O): a path box over the recent files.
  void open_program_dialog() { open_dialog_ = true, open_focus_ = true, open_focus_browser_ = true; }
  std::string& open_path() { return open_path_; }
  // The built-in editor (toolbar "Edit", Ctrl+E): Save & Run writes the file and runs it again.
  void open_editor() { program_.open_editor(run1_); }
  bool editor_open() const { return program_.editor_open(); }
  std::string& editor_text() { return program_.editor_text(); }
  std::string save_and_run() { apply(program_.save_and_run()); return program_.editor_error(); }  // "" or a one-line error
  // The Code panel's file tab (a program's files that have a task in them).
  const std::string& code_file() const { return program_.code_file(); }
  void set_code_file(const std::string& f) { program_.set_code_file(f); }
  // Where the program failed: a task's exception or a syntax error (file, line, what).
  using Failure = ProgramFailure;
  const std::vector<Failure>& failures() const { return run1_.program_files().failures; }
  const std::vector<std::string>& code_tabs() const { return run1_.program_files().tabs; }

  // [SECTION] Saving and recording (ExportPanel): toolbar buttons, Ctrl+S / Ctrl+R
  void open_save_dialog() { export_.open_save(export_view()); }
  void open_record_dialog() { export_.open_record(export_view()); }
  bool dialog_open() const { return export_.dialog_open() || open_dialog_; }
  // What the dialogs fill in and confirm (Enter or their button).
  std::string& save_path() { return export_.save_path(); }
  ClipRequest& clip_request() { return export_.clip_request(); }
  // Saves the run under view to save_path(); records clip_request(). Both report through status().
  void save_now() { export_.save_now(export_view()); }
  void record_now() { export_.record_now(export_view()); }
  ClipJob& clip_job() { return export_.clip_job(); }
  const ClipJob& clip_job() const { return export_.clip_job(); }
  // The last save / record outcome, as the toolbar shows it ("" when none).
  const std::string& status() const { return export_.status(); }
  bool status_is_error() const { return export_.status_is_error(); }
  // The loopscope executable that records clips (default: this process's own).
  void set_program(std::string path) { export_.set_program(std::move(path)); }

  // [SECTION] Predict mode (predict_ui.cpp): Q toggles. Playback stops before
  // each scheduling decision and the Why panel asks which handle runs next.
  void toggle_predict();
  bool predict_on() const { return quiz_.on(); }
  // The open question (null when none), whether it was answered, and the reveal text.
  const model::Question* question() const { return quiz_.question(); }
  bool revealed() const { return quiz_.revealed(); }
  const std::string& reveal_text() const { return quiz_.reveal_text(); }
  void answer(int choice);  // -1: just show me
  void continue_after_answer();
  int predict_score() const { return quiz_.score(); }
  int predict_asked() const { return quiz_.asked(); }

  // [SECTION] Platform hooks
  // After the ImGui context exists: fonts and style. False when the fonts are missing.
  bool init_context();
  // The platform rebuilds the font texture when this returns true (then calls reload_fonts()).
  bool fonts_dirty() const { return fonts_dirty_; }
  bool reload_fonts();
  // Faces a client adds to the atlas (clips: the title card's sizes). Every
  // reload clears the atlas, so they are added again after each one; a face
  // pointer kept from before a reload dangles. False from it fails the reload.
  // Set it before init_context(), so the atlas is built once.
  void set_extra_fonts(std::function<bool()> add) { extra_fonts_ = std::move(add); }
  bool take_fullscreen_toggle() { return std::exchange(fullscreen_toggle_, false); }
  const Theme& theme() const { return gui::theme(look_.dark); }
  const Appearance& appearance() const { return look_; }
  void set_appearance(const Appearance& a);

  // [SECTION] Frames
  // Pulls new events, advances playback by dt (wall seconds), handles this
  // frame's keys (the platform translates them: shortcuts.hpp) and builds the
  // screen in `area` (default: the whole display, with the toolbar).
  void frame(float dt, const KeyInput& keys = {}, const ViewArea& area = {});
  // What a shortcut does (keys, menus and tests go through here).
  void act(Action a, int arg = 0);
  // What the view's parts (the quiz, the dialogs, the widgets) ask for, in order.
  void apply(const Commands& commands);
  const std::vector<Fired>& fired() const { return fired_; }  // the shortcuts the last frame's keys triggered
  bool fired(Action a) const;
  // Seeks and lets the stage settle (for screenshots and tests).
  void seek(size_t event_index);
  void seek_end();  // the last event; during a live run the view follows the newest again
  bool settled() const { return tween_.t >= 1.0; }
  // Something on screen changes without input: playback, a live run (either
  // side), the stage's tween, a clip being exported. The window waits for
  // events only when this is false.
  bool animating() const;
  bool following_live() const { return follow_live_; }
  bool help_open() const { return help_; }
  const TimelineView& timeline() const { return timeline_; }
  TimelineView& timeline() { return timeline_; }  // clips: compare runs on one shared time range
  const model::LoopState& state() const { return cur_; }
  // The event whose state the stage shows (what the last frame drew; the Why panel narrates the same one).
  size_t shown_index() const { return cur_index_; }
  const Geometry& geometry() const { return geo_; }

  // Playback commands (keys and toolbar buttons).
  void step(int dir);            // one event
  void step_task(int dir);       // one task step
  void step_iteration(int dir);  // one loop iteration
  void step_notable(int dir);
  // Bookmarks: a teacher's marks on events (M marks / unmarks the event at the
  // playhead, B / Shift+B jump to the next / previous). Drawn on the timeline.
  void toggle_bookmark();
  void step_bookmark(int dir);
  const std::vector<size_t>& bookmarks() const { return run1_.bookmarks(); }  // event indexes, sorted
  void toggle_play();
  // The playhead in trace time: between events it moves with playback (a long
  // block's time passes on screen instead of jumping at its end).
  int64_t playhead_ns() const;
  void seek_time(int64_t t_ns);  // the playhead at trace time t_ns, inside its event's slot
  void cycle_pause();  // H: playback holds on each notable event for 0, 1 or 2 s
  void zoom(float factor, double anchor_frac = -1);
  void toggle_axis();  // A: real time <-> by iteration (leaves auto)
  // The timeline's x-axis coordinate of trace time t (ns), and back.
  double axis_of(int64_t t_ns) const;
  int64_t trace_of(double axis) const;
  // The by-iteration axis's stretch of blocked time: blocked gaps are drawn this many times their real length (>= 1).
  double axis_block_scale() const { return timeline_.story ? (update_axis(), axis_.k()) : 1.0; }

 private:
  void handle_keys(const KeyInput& keys);
  std::vector<Fired> fired_;
  // The by-iteration axis: each event's x (ns of axis), and which gaps are blocked time (timeline.cpp).
  void update_axis() const;
  mutable StoryAxis axis_;
  void update_states(double dt_play);
  void draw_toolbar();
  ExportPanel::View export_view() const;  // what the export panel reads this frame
  void set_status(std::string text, bool error) { export_.set_status(std::move(text), error); }
  void predict_gate();  // after playback moved: stop before a decision not yet answered
  void draw_predict();  // the Why panel's body while a question is open
  PredictQuiz::Playhead quiz_playhead() const;
  PredictBody predict_body() const { return quiz_.body(run1_.model(), run1_.playback().index()); }
  float predict_height(const PredictBody& b, float scale, float width) const;  // its height at text scale `scale`
  float predict_need(float panel_w) const;  // the panel's height that shows it at body size
  void draw_predict_choices(const PredictBody& b);  // its choice buttons (and Continue after the reveal)
  void draw_help();
  void stop_following() { follow_live_ = false; }

  // Panels (stage.cpp, timeline.cpp, panels.cpp).
  void draw_stage(const ImVec2& size);
  void draw_timeline(const ImVec2& size, int which = 0);  // which = 1: the compare run
  // A narrow presenter view: stage (Why, Console under it) beside the timeline, the code under them. False
  // (nothing drawn) when too short for it.
  bool draw_narrow(const ImVec2& avail);
  // Closes the main window, then draws what floats over it (gallery, dialogs, help).
  void end_main_window();
  void draw_code(const ImVec2& size);
  void draw_why(const ImVec2& size);
  void draw_console(const ImVec2& size);
  // Rows the tallest of the focused run's prints wraps into in a Console `w` px wide inside (the last 64 prints).
  float console_it_w(const model::Model& m, const std::vector<size_t>& prints, float px) const;
  float tallest_print_rows(float w, ImFont* font, float fpx, bool it_col);
  void draw_tasks(const ImVec2& size);  // task_list.cpp
  std::string awaits_text(const model::TaskSnapshot& t) const;
  std::string awaits_text_of(const model::TaskSnapshot& t) const;  // the same without its via
  const std::string& listing_line(int line);  // 1-based; "" when out of range
  // What Code, Why and Console show: run 1, or in compare mode the focused run.
  struct Focus {
    const Session* s;
    size_t index;
    const model::LoopState* state;
    const std::vector<size_t>* prints;
    int run;  // 0 or 1
  };
  Focus focused() const;
  RunView& focused_run() { return focus() == 1 ? compare_.run() : run1_; }
  std::string focus_title(const char* panel) const;  // "Code", or "Code: 2 asyncio-sleep" in compare mode

  RunView run1_;  // the run under view
  CompareView compare_;  // compare mode: the second run, its summary strip
  Appearance look_;
  Fonts fonts_;
  std::function<bool()> extra_fonts_;
  OpenServerControls open_;  // the toolbar's open server mode controls (concurrent-server)
  // Your own program (live_program_ui.cpp).
  void draw_open_dialog();
  // What the Code panel lists: the scenario's listing, or the tab's file (run 1 only).
  const std::vector<std::string>& code_lines(int run) const;
  // The Console's tail: what the program wrote to stderr (a traceback), in
  // the rows at the bottom of [c0, c1]; c1.y moves up above it.
  void draw_program_stderr(ImDrawList* dl, const ImVec2& c0, ImVec2& c1);
  size_t program_stderr_lines() const;  // what the Console's height makes room for
  ProgramSource program_;  // a program's editor, file watch, program bar and Code tabs
  std::vector<std::string> recent_;
  std::string open_path_, open_error_;
  bool open_dialog_ = false, open_focus_ = false;
  bool open_focus_browser_ = false;  // the Open dialog just opened: list its folder afresh
  FileBrowser open_browser_;
  bool fonts_dirty_ = false, fullscreen_toggle_ = false, help_ = false;
  Gallery gallery_;
  bool follow_live_ = false, was_live_ = false;
  TimelineView timeline_;
  Tween tween_;
  model::LoopState prev_, cur_;
  size_t cur_index_ = SIZE_MAX;
  uint64_t cur_generation_ = UINT64_MAX, cur_version_ = UINT64_MAX;  // same run: glide; new events: replay the state
  // Toolbar selection.
  int selected_ = 0;
  ParamWidgets params_;  // the toolbar's and the gallery cards' parameter values
  void select_scenario(int i);
  void follow_new_run();  // a run just started: the view follows it live, then replays it
  void start_scenario(int scenario);                         // with its widgets' values
  void mirror_toolbar(const Scenario& s, const Params& p);  // the toolbar shows this run
  bool crowded_real_axis(float width);
  struct { uint64_t version = UINT64_MAX; int w = 0; bool crowded = false; } crowd_;
  std::vector<model::DrawItem> items_;  // reused by the timeline each frame
  const std::vector<std::string>* code_shown_ = nullptr;  // the lines the Code panel drew this frame (a RunView's)
  float code_hscroll_ = 0;  // px the code is scrolled right (Shift+wheel) when even wrapped lines are too wide
  Geometry geo_;
  bool clip_layout_ = false;  // this frame has no toolbar (a clip): nobody scrolls or clicks
  ExportPanel export_;  // saving and recording
  PredictQuiz quiz_;  // predict mode
};

}  // namespace loopscope::gui
