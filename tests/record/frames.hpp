// PNG frames of a clip read back (stb_image): the files `record -o DIR`
// writes, as a viewer would see them.
#pragma once

#include <doctest/doctest.h>
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "gui/pixels.hpp"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

namespace loopscope::rec::test {

// Sorted frame_*.png names in `dir`.
inline std::vector<std::string> frame_files(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::string(e->d_name).rfind("frame_", 0) == 0) out.push_back(e->d_name);
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A PNG file decoded to RGBA.
inline gui::test::Frame read_png(const std::string& path) {
  gui::test::Frame f;
  int n = 0;
  unsigned char* px = stbi_load(path.c_str(), &f.w, &f.h, &n, 4);
  REQUIRE_MESSAGE(px != nullptr, path);
  f.rgba.assign(px, px + size_t(f.w) * size_t(f.h) * 4);
  stbi_image_free(px);
  return f;
}

inline void remove_frames_dir(const std::string& dir) {
  for (const auto& name : frame_files(dir)) std::remove((dir + "/" + name).c_str());
  ::rmdir(dir.c_str());
}

// The x of the timeline's playhead in [x0, x1) x [y0, y1): the column with
// the longest vertical run of pixels in the playhead's colour (a 2 px line
// through the lanes), or -1 when no run is at least `min_run` tall.
inline int playhead_x(const gui::test::Frame& f, ImU32 colour, int x0, int x1, int y0, int y1, int min_run = 60) {
  int best_x = -1, best = 0;
  for (int x = x0; x < x1; ++x) {
    int run = 0, longest = 0;
    for (int y = y0; y < y1; ++y) {
      run = f.near(x, y, colour, 6) ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    if (longest > best) best = longest, best_x = x;
  }
  return best >= min_run ? best_x : -1;
}

}  // namespace loopscope::rec::test
