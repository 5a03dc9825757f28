// One run under view and what the view derives from it: the loop's state at
// the run's playhead, its print lines, its cost summary. Every derived piece
// is keyed to one version, which poll() bumps when the run is replaced or
// new events arrive: one invalidation path instead of a generation and a
// length compared by each cache on its own.
//
// Compare mode's second run is a RunView; the first run's pieces still live
// in App (FIXME-VIEW: move them here too, with its Playback).
#pragma once

#include <cstdint>
#include <vector>

#include "compare.hpp"
#include "model/model.hpp"
#include "session.hpp"

namespace loopscope::gui {

// Keeps `prints` (indexes of print events) up to date with `m` after events
// from `changed_from` on changed: only those are scanned.
void track_prints(const model::Model& m, std::vector<size_t>& prints, size_t changed_from);

class RunView {
 public:
  Session& session() { return session_; }
  const Session& session() const { return session_; }
  const model::Model& model() const { return session_.model(); }

  // Takes in what the run published since the last call (and a new run, or
  // events a Session::wait() pulled). True when anything changed.
  bool poll();
  uint64_t version() const { return version_; }

  // The playhead: an event index (clamped to the run).
  void seek(size_t index) { index_ = index; }
  size_t index() const { return index_; }
  // The loop's state at index(): replayed only when the playhead or the run changed.
  const model::LoopState& state() const;
  const std::vector<size_t>& prints() const { return prints_; }
  const RunSummary& summary() const;  // summarize() walks the whole trace: once per version

 private:
  Session session_;
  uint64_t version_ = 0;
  uint64_t seen_generation_ = UINT64_MAX;
  size_t seen_size_ = 0;
  size_t index_ = 0;
  std::vector<size_t> prints_;
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
