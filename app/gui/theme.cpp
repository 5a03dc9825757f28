#include "theme.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "model/model.hpp"

#ifndef LOOPSCOPE_FONT_DIR
#define LOOPSCOPE_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#endif

namespace loopscope::gui {

namespace {
constexpr ImU32 rgb(unsigned hex) {
  return IM_COL32((hex >> 16) & 0xff, (hex >> 8) & 0xff, hex & 0xff, 0xff);
}
// Okabe-Ito, reordered so that neighbouring tasks differ most; vermillion
// last because red also means "blocked".
constexpr unsigned kOkabeIto[] = {0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0xF0E442, 0x0072B2, 0xD55E00};
constexpr int kHues = int(sizeof kOkabeIto / sizeof kOkabeIto[0]);
static_assert(kHues == model::kTaskHues, "the model's palette size is the theme's");

Theme make(bool dark) {
  Theme t;
  t.dark = dark;
  if (dark) {
    t.bg = rgb(0x1B1F24), t.panel = rgb(0x23282F), t.panel_border = rgb(0x3A414B);
    t.text = rgb(0xECEFF3), t.text_dim = rgb(0xB4BCC6), t.text_faint = rgb(0x7D8693);
    t.grid = rgb(0x343B45), t.lane_alt = rgb(0x262C33);
    t.loop_run = rgb(0xC9D1DB), t.loop_poll = rgb(0x4A525D);
    t.blocked = rgb(0xFF4D4D), t.blocked_text = rgb(0xFFFFFF), t.error = rgb(0xFF6B6B), t.cancelled = rgb(0xC8A2FF);
    t.done = rgb(0x5B636E), t.playhead = rgb(0xFFFFFF), t.highlight = rgb(0x3B4A5E), t.arrow = rgb(0xAEB7C2);
    t.chip_text = rgb(0x111417), t.callback = rgb(0x9AA4B0);
  } else {
    t.bg = rgb(0xFAFAF7), t.panel = rgb(0xFFFFFF), t.panel_border = rgb(0xC9CDD3);
    t.text = rgb(0x15181C), t.text_dim = rgb(0x3E444C), t.text_faint = rgb(0x737A84);
    t.grid = rgb(0xDCDFE3), t.lane_alt = rgb(0xF1F2EE);
    t.loop_run = rgb(0x3A4350), t.loop_poll = rgb(0xB9BFC7);
    t.blocked = rgb(0xD7191C), t.blocked_text = rgb(0xFFFFFF), t.error = rgb(0xC0161A), t.cancelled = rgb(0x6A3D9A);
    t.done = rgb(0xA3A9B1), t.playhead = rgb(0x111111), t.highlight = rgb(0xDCE8F5), t.arrow = rgb(0x59616B);
    t.chip_text = rgb(0x111417), t.callback = rgb(0x8C96A3);
  }
  return t;
}
}  // namespace

ImU32 mix(ImU32 a, ImU32 b, float t) {
  auto ch = [&](int s) {
    float x = float((a >> s) & 0xff), y = float((b >> s) & 0xff);
    return ImU32(x + (y - x) * t + 0.5f) << s;
  };
  return ch(IM_COL32_R_SHIFT) | ch(IM_COL32_G_SHIFT) | ch(IM_COL32_B_SHIFT) | (a & IM_COL32_A_MASK);
}

ImU32 Theme::task(int color) const { return rgb(kOkabeIto[((color % kHues) + kHues) % kHues]); }
ImU32 Theme::task_light(int color) const { return mix(task(color), bg, 0.55f); }
ImU32 Theme::task_ink(int color) const {
  // Yellow and sky blue are too light to read as text on white; darken them there.
  return dark ? task(color) : mix(task(color), rgb(0x000000), 0.35f);
}

const Theme& theme(bool dark) {
  static const Theme kDark = make(true), kLight = make(false);
  return dark ? kDark : kLight;
}

void apply_style(bool dark, float px) {
  ImGuiStyle style;
  if (dark) ImGui::StyleColorsDark(&style); else ImGui::StyleColorsLight(&style);
  const Theme& t = theme(dark);
  float k = px / 18.0f;
  style.WindowPadding = ImVec2(10 * k, 8 * k);
  style.FramePadding = ImVec2(8 * k, 5 * k);
  style.ItemSpacing = ImVec2(10 * k, 7 * k);
  style.ItemInnerSpacing = ImVec2(6 * k, 5 * k);
  style.ScrollbarSize = 14 * k;
  style.GrabMinSize = 12 * k;
  style.WindowRounding = 0;
  style.ChildRounding = 4 * k;
  style.FrameRounding = 4 * k;
  style.GrabRounding = 4 * k;
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 1;
  style.FrameBorderSize = 1;
  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(t.bg);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);  // panels are outlined, not filled: see App::frame
  c[ImGuiCol_PopupBg] = ImGui::ColorConvertU32ToFloat4(t.panel);
  c[ImGuiCol_Border] = ImGui::ColorConvertU32ToFloat4(t.panel_border);
  c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(t.text);
  c[ImGuiCol_TextDisabled] = ImGui::ColorConvertU32ToFloat4(t.text_faint);
  if (dark) {
    c[ImGuiCol_FrameBg] = ImVec4(0.18f, 0.21f, 0.25f, 1);
    c[ImGuiCol_Button] = ImVec4(0.22f, 0.27f, 0.33f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.35f, 0.44f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.20f, 0.42f, 0.62f, 1);
  } else {
    c[ImGuiCol_FrameBg] = ImVec4(0.94f, 0.95f, 0.96f, 1);
    c[ImGuiCol_Button] = ImVec4(0.88f, 0.90f, 0.93f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.80f, 0.86f, 0.93f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.68f, 0.80f, 0.93f, 1);
  }
  ImGui::GetStyle() = style;
}

bool load_fonts(Fonts& f, float px, const std::function<bool()>& extra) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(io.Fonts->GetGlyphRangesDefault());
    static const ImWchar extra[] = {0x0100, 0x017F, 0x2010, 0x205E, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                    0x2300, 0x23FF, 0x25A0, 0x25FF, 0x2700, 0x27BF, 0};
    b.AddRanges(extra);
    b.BuildRanges(&ranges);
  }
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  auto add = [&](const char* file, float size) -> ImFont* {
    std::string path = std::string(LOOPSCOPE_FONT_DIR) + "/" + file;
    if (FILE* fp = std::fopen(path.c_str(), "rb")) {
      std::fclose(fp);
      return io.Fonts->AddFontFromFileTTF(path.c_str(), size, &cfg, ranges.Data);
    }
    return nullptr;
  };
  f.px = px;
  f.ui = add("DejaVuSans.ttf", px);
  // Code: baked, never scaled (a glyph quad scaled under a pixel high, like
  // the underscore, can miss every pixel centre and vanish), and brightened:
  // without hinting the underscore is two half-covered rows, too faint to
  // read from the back of a room.
  cfg.RasterizerMultiply = 1.6f;
  f.mono = add("DejaVuSansMono.ttf", px);
  f.mono_small_px = std::max(16.0f, std::round(px * 0.85f));
  f.mono_small = f.mono_small_px < px ? add("DejaVuSansMono.ttf", f.mono_small_px) : f.mono;
  // Rounded up: presenter text is at least floor_px() = px * 28/36 (and px >= floor / 0.8).
  f.mono_floor_px = std::max(16.0f, std::ceil(px * 28.0f / 36.0f - 0.01f));
  f.mono_floor = f.mono_floor_px < f.mono_small_px ? add("DejaVuSansMono.ttf", f.mono_floor_px) : f.mono_small;
  if (f.mono_floor == f.mono_small) f.mono_floor_px = f.mono_small_px;
  cfg.RasterizerMultiply = 1.0f;
  f.big = add("DejaVuSans.ttf", px * 1.3f);
  f.bold = add("DejaVuSans-Bold.ttf", px);
  if (!f.bold) f.bold = f.ui;
  if (!f.ui || !f.mono || !f.big) {
    io.Fonts->Clear();
    f.ui = f.mono = f.mono_small = f.mono_floor = f.big = f.bold = io.Fonts->AddFontDefault();
    return false;
  }
  io.FontDefault = f.ui;
  if (extra && !extra()) return false;
  return io.Fonts->Build();
}

}  // namespace loopscope::gui
