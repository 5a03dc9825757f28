// One run under view and what the view derives from it: its Session (the
// run's thread or a loaded trace, and the model), its Playback (the playhead
// in story time), the loop's state at the playhead, its print lines, its
// bookmarks, its cost summary, the areas its stage needs, its listing's
// lines, a program's files and failures, the predict quiz's questions.
// Every derived piece is keyed to one version, which take_in() bumps, and
// nothing else: when the run is replaced or new events arrive (take_in also
// says from which event the incremental scans are stale). One invalidation
// path instead of a generation and a length compared by each cache on its own.
//
// Run 1 and compare mode's run 2 are both a RunView.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "compare.hpp"
#include "model/model.hpp"
#include "model/predict.hpp"
#include "playback.hpp"
#include "session.hpp"

namespace loopscope::gui {

// Keeps `prints` (indexes of print events) up to date with `m` after events
// from `changed_from` on changed: only those are scanned.
void track_prints(const model::Model& m, std::vector<size_t>& prints, size_t changed_from);

// "id k=v ...": a run's scenario and parameters ("(saved trace)" without one).
std::string run_label(const Session& s);

// A text's lines, without their line ends.
std::vector<std::string> split_lines(const std::string& s);

// Where a program failed: a task's exception or a syntax error (file, line, what).
struct ProgramFailure {
  std::string file;
  int line = 0;
  std::string what;
  size_t at = 0;  // event index from which it shows
};

// What a CPython trace says about the program's files (empty for a scenario).
struct ProgramFiles {
  struct Source {
    std::string file, text;
    std::vector<std::string> lines;  // split once
  };
  std::deque<Source> sources;     // a deque: a Source's lines stay put while more arrive
  std::vector<std::string> tabs;  // files a task stepped in, first seen first
  std::vector<ProgramFailure> failures;
};

// Which stage areas a run ever uses: areas it never uses are left out.
struct StageUses {
  bool io = false, pool = false, queue = false;
};

// What the view remembers about a run while it is under view (a new run starts afresh).
struct RunMemo {
  float why_w = 0, why_px = 0, why_need = 0;  // the Why panel's grow-only height at this width and text size
  size_t failures_seen = 0;                  // program failures the playhead had reached at the last frame
};

class RunView {
 public:
  RunView();
  RunView(const RunView&) = delete;
  RunView& operator=(const RunView&) = delete;

  Session& session() { return session_; }
  const Session& session() const { return session_; }
  const model::Model& model() const { return session_.model(); }
  Playback& playback() { return playback_; }
  const Playback& playback() const { return playback_; }

  // A new run replaces this one: the playhead goes back to the start.
  void start(const Scenario& s, const Params& p);
  void start_open(const Params& p, int port, double duration);
  void start_program(const std::string& file, const std::vector<std::string>& args);
  // Replays a saved trace, with the bookmarks saved in it. "" or a one-line error.
  std::string load(const std::string& path);

  // Takes in what the run published since the last call (and a new run, or
  // events a Session::wait() pulled). True when anything changed.
  bool poll();
  // Session::wait() (joins a finished run), then takes in every event afresh.
  void wait();
  // Bumps on every change of the run or its events: what is derived from the
  // run is valid for one version.
  uint64_t version() const { return version_; }
  // Which run this is (bumps on every start or load; events arriving keep it).
  uint64_t generation() const { return session_.generation(); }

  // The playhead: an event index (clamped to the run).
  void seek(size_t index) { playback_.seek(index); }
  size_t index() const { return playback_.index(); }
  // The loop's state at index(): replayed only when the playhead or the version changed.
  const model::LoopState& state() const;
  const std::vector<size_t>& prints() const { return prints_; }
  // A teacher's marks (event indexes, sorted): a new run starts without any.
  std::vector<size_t>& bookmarks() { return bookmarks_; }
  const std::vector<size_t>& bookmarks() const { return bookmarks_; }
  const RunSummary& summary() const;  // summarize() walks the whole trace: once per version
  const StageUses& stage_uses() const;  // scanned incrementally
  // A program's files (a live program, or a trace recorded under CPython), scanned incrementally.
  const ProgramFiles& program_files() const;
  // The Code panel's lines: the scenario's listing, or program file `file`'s
  // (the first file when `file` is not one of them).
  const std::vector<std::string>& listing_lines(const std::string& file) const;
  const std::vector<std::string>& listing_lines() const { return listing_lines_; }  // the session's listing
  // Predict mode's questions (model::quiz), of a finished run: once per version.
  const std::vector<model::Question>& questions() const;
  RunMemo& memo() { return memo_; }

 private:
  void take_in(size_t from);  // the one place that bumps version_
  Session session_;
  Playback playback_;
  uint64_t version_ = 0;
  uint64_t seen_generation_ = UINT64_MAX;
  size_t seen_size_ = 0;
  std::vector<size_t> prints_, bookmarks_;
  std::vector<std::string> listing_lines_;  // the session's listing, split once per run
  RunMemo memo_;
  mutable struct {
    size_t n = 0;  // events scanned
    StageUses u;
  } uses_;
  mutable struct {
    size_t n = 0;
    ProgramFiles f;
    std::vector<std::pair<const char*, int>> last_at;  // [task + 1] -> its last (file, line); [0]: no task
    const char* last_tab = nullptr;                    // the file of the latest step (most steps repeat it)
  } program_;
  mutable struct {
    uint64_t version = UINT64_MAX;
    std::vector<model::Question> q;
  } questions_;
  mutable struct {
    uint64_t version = UINT64_MAX;
    size_t index = SIZE_MAX;
    model::LoopState state;
  } state_;
  mutable struct {
    uint64_t version = UINT64_MAX;
    RunSummary r;
  } summary_;
};

}  // namespace loopscope::gui
