// The CPython recorder's compact records (core/cpython/loopscope_recorder.py,
// `--records-fd`) turned into the JSON Lines trace of docs/trace-format.md.
//
// The recorder does not format JSON per event (it cost more than CPython's own
// step): each flush is a frame, a 4-byte little-endian length and a
// `marshal.dumps(list_of_records, 4)`; a record is one flat tuple
// (kind, t, loop, it, *args).
// The first frame is ("loopscope-records", 2, KINDS, RESUME): for each kind
// the JSON text after "ev": with a %s per arg. Args are ints (written in
// decimal) or JSON text (written as it is). Here the records are numbered
// (seq), their t_ns clamped never to decrease, and the templates filled: the
// same bytes the recorder writes itself with `--events`. RESUME names the one
// derived kind: a task's ready.run whose step.begin is not sent, because the
// step resumes where that task's last step.end left it (its line and file,
// remembered here); RESUME = (that kind, step.begin without / with file,
// step.end kinds without / with file, task.done kinds: forgotten then).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loopscope::cli {

class RecordStream {
 public:
  // One decoded marshal value (record_stream.cpp): an int, a str (JSON text),
  // None, a bool, or a tuple/list header whose items follow in the stream.
  struct Value {
    enum class Type : uint8_t { none, boolean, integer, text, seq } t = Type::none;
    int64_t i = 0;  // seq: how many items follow
    std::string_view s;
  };

  // Takes the next bytes of the stream; appends each whole frame's events to
  // `out` as whole lines. False once the stream is malformed (error() says
  // how); later calls then do nothing.
  bool feed(const char* data, size_t size, std::string& out);
  // True when no frame is cut short (a crash can cut the last one: it is dropped).
  bool at_frame_boundary() const { return pending_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t events() const { return seq_; }

 private:
  bool frame(std::string_view data, std::string& out);

  std::string pending_;  // bytes of a frame not yet complete
  std::vector<std::vector<std::string>> kinds_;  // per kind: the template's text between its %s
  std::vector<Value> refs_;                      // marshal's reference table of the frame being read
  // RESUME (see above): kind codes, -1 until the header says.
  int64_t resume_ = -1, begin_nofile_ = -1, begin_file_ = -1;
  std::vector<uint8_t> resume_role_;  // by kind: 1 a step.end without file, 2 with file, 3 task.done, 0 other
  struct Position {
    int64_t line = 0;
    bool has_file = false;
    std::string file;  // JSON text
  };
  std::unordered_map<uint64_t, Position> resumes_;  // (loop, task) -> where its last step.end left it
  uint64_t seq_ = 0;
  int64_t last_t_ = 0;
  std::string error_;
};

}  // namespace loopscope::cli
