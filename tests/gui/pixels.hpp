// Reading real pixels of a rendered frame (RGBA, top row first).
#pragma once

#include <imgui.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace loopscope::gui::test {

struct Frame {
  std::vector<uint8_t> rgba;
  int w = 0, h = 0;
  const uint8_t* at(int x, int y) const { return rgba.data() + (size_t(y) * size_t(w) + size_t(x)) * 4; }
  // Is the pixel within `tol` (per channel) of an ImU32 colour?
  bool near(int x, int y, ImU32 c, int tol = 24) const {
    if (x < 0 || y < 0 || x >= w || y >= h) return false;
    const uint8_t* p = at(x, y);
    return std::abs(p[0] - int((c >> IM_COL32_R_SHIFT) & 0xff)) <= tol &&
           std::abs(p[1] - int((c >> IM_COL32_G_SHIFT) & 0xff)) <= tol &&
           std::abs(p[2] - int((c >> IM_COL32_B_SHIFT) & 0xff)) <= tol;
  }
  // How many pixels of colour c lie in the box [x0,x1) x [y0,y1).
  int count(float x0, float y0, float x1, float y1, ImU32 c, int tol = 24) const {
    int n = 0;
    for (int y = int(y0); y < int(y1); ++y)
      for (int x = int(x0); x < int(x1); ++x) n += near(x, y, c, tol);
    return n;
  }
  float luminance(int x, int y) const {
    const uint8_t* p = at(x, y);
    return (0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2]) / 255.0f;
  }
};

}  // namespace loopscope::gui::test
