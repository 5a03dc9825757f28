// Where a clip's frames go: the ffmpeg program fed raw RGBA frames on a pipe
// (.mp4 H.264, .gif with a palette made from the clip, .webm VP9), or PNG
// files in a directory (no ffmpeg needed). Nothing appears under the final
// name until the clip is complete: video goes to a temporary made by
// OutputFile (OUT.part, written by ffmpeg through its descriptor), PNG frames
// to a new directory OUT.part/ (OUT.part-XXXXXX if that name is taken),
// renamed by finish(); abort() removes them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace loopscope::rec {

enum class Format { mp4, gif, webm, png };

const char* format_name(Format f);
// The format OUT asks for by its name (an existing directory or a name with
// no extension means PNG frames). False for an extension we do not write.
bool format_of(const std::string& out, Format& f);
bool needs_ffmpeg(Format f);
// True when an executable `ffmpeg` is on PATH.
bool ffmpeg_available();
// The ffmpeg command line for a clip (without the program name).
std::vector<std::string> ffmpeg_args(Format f, const std::string& path, int w, int h, int fps);

class Encoder {
 public:
  virtual ~Encoder() = default;
  // One frame: w*h*4 bytes, top row first. Returns "" or a one-line error.
  virtual std::string write(const uint8_t* rgba) = 0;
  // Completes the output and moves it under its final name.
  virtual std::string finish() = 0;
  // Stops and removes everything written so far.
  virtual void abort() = 0;
};

// PNG frames may go to a new directory, an empty one, or one holding only
// frame_NNNNN.png files (an earlier clip's, replaced); anything else there
// is the user's and the clip is refused. Returns "" or a one-line error.
std::string check_frame_dir(const std::string& out);

// Kills a running ffmpeg. Async-signal-safe, for a fatal-signal handler.
void kill_encoders_now();

// Returns nullptr with a one-line error in `err` when the output cannot be started.
std::unique_ptr<Encoder> open_encoder(Format f, const std::string& out, int w, int h, int fps, std::string& err);

}  // namespace loopscope::rec
