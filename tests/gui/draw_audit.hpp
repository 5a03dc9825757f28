// What the last frame really drew, read back from ImGui's draw data: every
// glyph quad is matched to the glyph it came from in the font atlas, which
// gives the size the text was drawn at and whether it was cut (clipped by a
// clip rectangle on the CPU, or straddling its draw command's scissor).
#pragma once

#include <imgui.h>

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

}  // namespace loopscope::gui::test
