// One run under view and what the view derives from it: its Session (the
// run's thread or a loaded trace, and the model), its Playback (the playhead
// in story time), the loop's state at the playhead, its print lines, its
// bookmarks, its cost summary. Every derived piece is keyed to one version,
// which take_in() bumps, and nothing else: when the run is replaced or new
// events arrive. One invalidation path instead of a generation and a length
// compared by each cache on its own.
//
// Run 1 and compare mode's run 2 are both a RunView.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compare.hpp"
#include "model/model.hpp"
#include "playback.hpp"
#include "session.hpp"

namespace loopscope::gui {

// Keeps `prints` (indexes of print events) up to date with `m` after events
// from `changed_from` on changed: only those are scanned.
void track_prints(const model::Model& m, std::vector<size_t>& prints, size_t changed_from);

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

 private:
  void take_in(size_t from);  // the one place that bumps version_
  Session session_;
  Playback playback_;
  uint64_t version_ = 0;
  uint64_t seen_generation_ = UINT64_MAX;
  size_t seen_size_ = 0;
  std::vector<size_t> prints_, bookmarks_;
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
