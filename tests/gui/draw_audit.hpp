// What the last frame really drew, read back from ImGui's draw data: every
// glyph quad is matched to the glyph it came from in the font atlas, which
// gives the size the text was drawn at and whether it was cut (clipped by a
// clip rectangle on the CPU, or straddling its draw command's scissor).
#pragma once

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace loopscope::gui::test {

struct DrawnGlyph {
  float x0, y0, x1, y1;
  float px;  // the text size the glyph was drawn at
  bool cut;  // clipped: part of it is not on screen
  unsigned codepoint;
};

inline std::vector<DrawnGlyph> drawn_glyphs() {
  std::vector<DrawnGlyph> out;
  ImDrawData* dd = ImGui::GetDrawData();
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (!dd || !atlas) return out;
  struct G {
    float size, h, u1, v1;
    unsigned c;
  };
  // Keyed by the glyph's top-left texel: unique per glyph in the atlas.
  std::map<std::pair<int, int>, G> glyphs;
  auto key = [&](float u, float v) {
    return std::make_pair(int(std::lround(u * float(atlas->TexWidth) * 4)), int(std::lround(v * float(atlas->TexHeight) * 4)));
  };
  for (ImFont* f : atlas->Fonts)
    for (const ImFontGlyph& g : f->Glyphs)
      if (g.Visible && g.Y1 > g.Y0) glyphs[key(g.U0, g.V0)] = {f->FontSize, g.Y1 - g.Y0, g.U1, g.V1, g.Codepoint};
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImDrawList* dl = dd->CmdLists[l];
    for (const ImDrawCmd& cmd : dl->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != atlas->TexID) continue;
      // Glyphs are quads: indices a, a+1, a+2, a, a+2, a+3 (PrimRectUV).
      for (unsigned i = cmd.IdxOffset; i + 6 <= cmd.IdxOffset + cmd.ElemCount; i += 3) {
        const ImDrawIdx* ix = dl->IdxBuffer.Data + i;
        unsigned a = cmd.VtxOffset + ix[0];
        if (ix[1] != ix[0] + 1 || ix[2] != ix[0] + 2 || ix[3] != ix[0] || ix[4] != ix[0] + 2 || ix[5] != ix[0] + 3) continue;
        const ImDrawVert* v = dl->VtxBuffer.Data + a;
        auto it = glyphs.find(key(v[0].uv.x, v[0].uv.y));
        if (it == glyphs.end()) continue;
        const G& g = it->second;
        float h = v[2].pos.y - v[0].pos.y;
        bool uv_whole = std::fabs(v[2].uv.x - g.u1) < 1e-6f && std::fabs(v[2].uv.y - g.v1) < 1e-6f;
        const ImVec4& c = cmd.ClipRect;
        bool outside = v[2].pos.x <= c.x || v[0].pos.x >= c.z || v[2].pos.y <= c.y || v[0].pos.y >= c.w;
        if (outside) {
          i += 3;
          continue;  // wholly out of view (a scrolled-away lane or row): not drawn, not cut
        }
        bool straddles = v[0].pos.x < c.x - 0.5f || v[2].pos.x > c.z + 0.5f || v[0].pos.y < c.y - 0.5f || v[2].pos.y > c.w + 0.5f;
        float px = uv_whole ? g.size * h / g.h : g.size;  // a CPU-clipped quad's height is no measure
        out.push_back({v[0].pos.x, v[0].pos.y, v[2].pos.x, v[2].pos.y, px, !uv_whole || straddles, g.c});
        i += 3;
      }
    }
  }
  return out;
}

// The text the last frame drew inside a box, read from its glyphs: rows top
// to bottom (a new row where a glyph starts below the row's lowest glyph so far:
// a '.' sits low, and is still on its row),
// left to right, a space where glyphs stand apart by a quarter of their size.
inline std::string drawn_text(float x0, float y0, float x1, float y1) {
  std::vector<DrawnGlyph> in;
  for (const DrawnGlyph& g : drawn_glyphs())
    if (g.x0 >= x0 && g.x1 <= x1 && g.y0 >= y0 && g.y1 <= y1) in.push_back(g);
  std::stable_sort(in.begin(), in.end(), [](const DrawnGlyph& a, const DrawnGlyph& b) { return a.y0 < b.y0; });
  std::vector<std::vector<DrawnGlyph>> rows;
  float bottom = -1e9f;
  for (const DrawnGlyph& g : in) {
    if (rows.empty() || g.y0 > bottom - 1) rows.emplace_back(), bottom = -1e9f;
    rows.back().push_back(g);
    bottom = std::max(bottom, g.y1);
  }
  std::string out;
  for (auto& row : rows) {
    std::sort(row.begin(), row.end(), [](const DrawnGlyph& a, const DrawnGlyph& b) { return a.x0 < b.x0; });
    if (!out.empty()) out += '\n';
    for (size_t i = 0; i < row.size(); ++i) {
      if (i && row[i].x0 - row[i - 1].x1 > row[i].px * 0.25f) out += ' ';
      unsigned c = row[i].codepoint;  // as UTF-8
      if (c < 0x80) out += char(c);
      else if (c < 0x800) out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
      else out += char(0xE0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace loopscope::gui::test
