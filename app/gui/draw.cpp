#include "draw.hpp"

#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace loopscope::gui {

void begin_panel(const char* id, const char* title, const ImVec2& size, const Fonts& f, const Theme& th,
                 ImGuiWindowFlags flags) {
  ImGui::BeginChild(id, size, true, flags | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PushFont(f.bold);
  ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

void end_panel() { ImGui::EndChild(); }

void window_box(float& x0, float& y0, float& x1, float& y1) {
  ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  x0 = p.x, y0 = p.y, x1 = p.x + s.x, y1 = p.y + s.y;
}

ImU32 ink_on(ImU32 bg) {
  float r = float((bg >> IM_COL32_R_SHIFT) & 0xff) / 255, g = float((bg >> IM_COL32_G_SHIFT) & 0xff) / 255,
        b = float((bg >> IM_COL32_B_SHIFT) & 0xff) / 255;
  float lum = 0.2126f * r + 0.7152f * g + 0.0722f * b;
  return lum > 0.42f ? IM_COL32(17, 20, 23, 255) : IM_COL32(255, 255, 255, 255);
}

void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float spacing, float thickness) {
  dl->PushClipRect(a, b, true);
  float h = b.y - a.y;
  for (float x = a.x - h; x < b.x; x += spacing) dl->AddLine(ImVec2(x, b.y), ImVec2(x + h, a.y), col, thickness);
  dl->PopClipRect();
}

void task_pattern(ImDrawList* dl, ImVec2 a, ImVec2 b, int color, ImU32 fill, float px) {
  int pattern = color / model::kTaskHues;
  if (pattern <= 0) return;
  // Not diagonal: diagonal stripes already mean "ready" and "blocked".
  ImU32 ink = (ink_on(fill) & ~IM_COL32_A_MASK) | (ImU32(150) << IM_COL32_A_SHIFT);
  float step = std::max(4.0f, px * 0.35f), r = std::max(1.5f, px * 0.08f);
  dl->PushClipRect(a, b, true);
  switch (pattern % 3) {
    case 1:  // dots
      for (float y = a.y + step * 0.5f; y < b.y; y += step)
        for (float x = a.x + step * 0.5f; x < b.x; x += step) dl->AddRectFilled(ImVec2(x - r, y - r), ImVec2(x + r, y + r), ink);
      break;
    case 2:  // vertical bars
      for (float x = a.x + step * 0.5f; x < b.x; x += step) dl->AddRectFilled(ImVec2(x - r * 0.6f, a.y), ImVec2(x + r * 0.6f, b.y), ink);
      break;
    default:  // a grid
      for (float x = a.x + step * 0.5f; x < b.x; x += step) dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), ink, r);
      for (float y = a.y + step * 0.5f; y < b.y; y += step) dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), ink, r);
      break;
  }
  dl->PopClipRect();
}

float task_tab(ImDrawList* dl, ImVec2 a, ImVec2 b, int color, ImU32 fill, float px) {
  if (color < model::kTaskHues) return a.x;
  float w = (b.y - a.y) * 0.9f;
  ImVec2 tb(a.x + w, b.y);
  dl->AddRectFilled(a, tb, mix(fill, ink_on(fill), 0.25f), px * 0.3f);
  task_pattern(dl, a, tb, color, fill, px);
  return tb.x;
}

void text_centered(ImDrawList* dl, ImFont* font, float px, ImVec2 a, ImVec2 b, ImU32 col, const char* text) {
  ImVec2 sz = font->CalcTextSizeA(px, b.x - a.x, 0, text);
  std::string cut;
  if (sz.x > b.x - a.x - 4 && !std::strchr(text, '\n')) {
    // Too wide for its box: end it with "…" where it still fits, so the reader sees it goes on.
    const float room = b.x - a.x - 4 - font->CalcTextSizeA(px, FLT_MAX, 0, "\xE2\x80\xA6").x;
    const char* end = text;
    float w = 0;  // ImGui 1.86 does not kern: widths add up character by character
    for (const char* c = text; *c;) {
      const char* next = c + 1;
      while ((static_cast<unsigned char>(*next) & 0xC0) == 0x80) ++next;
      w += font->CalcTextSizeA(px, FLT_MAX, 0, c, next).x;
      if (w > room) break;
      end = c = next;
    }
    cut.assign(text, end);
    cut += "\xE2\x80\xA6";
    text = cut.c_str();
    sz = font->CalcTextSizeA(px, FLT_MAX, 0, text);
  }
  ImVec2 p(std::max(a.x + 2, (a.x + b.x - sz.x) * 0.5f), (a.y + b.y - sz.y) * 0.5f);
  ImVec4 clip(a.x, a.y, b.x, b.y);
  dl->AddText(font, px, p, col, text, nullptr, 0, &clip);
}

std::string format_duration(int64_t ns) {
  char buf[32];
  double a = std::fabs(double(ns));
  // Units are picked after rounding: 999.6 ms is "1.00 s", never "1000 ms".
  if (a >= 9.995e8) std::snprintf(buf, sizeof buf, "%.2f s", double(ns) / 1e9);
  else if (a >= 9.95e6) std::snprintf(buf, sizeof buf, "%.0f ms", double(ns) / 1e6);
  else if (a >= 9.995e5) std::snprintf(buf, sizeof buf, "%.1f ms", double(ns) / 1e6);
  else if (a >= 999.5) std::snprintf(buf, sizeof buf, "%.0f \xc2\xb5s", double(ns) / 1e3);
  else std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
  return buf;
}

std::string format_clock(int64_t ns) {
  char buf[32];
  if (ns < 999950000) std::snprintf(buf, sizeof buf, "%.1f ms", double(ns) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.3f s", double(ns) / 1e9);
  return buf;
}

std::string elide(ImFont* font, float px, const std::string& text, float max_w) {
  const char* end = text.c_str() + text.size();
  if (font->CalcTextSizeA(px, FLT_MAX, 0, text.c_str(), end).x <= max_w) return text;
  // CalcTextSizeA stops at the first character past the width: one pass, whole characters.
  const char* cut = nullptr;
  float dots = font->CalcTextSizeA(px, FLT_MAX, 0, "\xe2\x80\xa6").x;
  font->CalcTextSizeA(px, std::max(max_w - dots, 0.0f), 0, text.c_str(), end, &cut);
  return std::string(text.c_str(), cut ? cut : text.c_str()) + "\xe2\x80\xa6";
}

const char* wrap_row(ImFont* font, float px, const char* p, const char* end, float max_w, const char** next) {
  const float scale = px / font->FontSize;
  const char* brk = nullptr;  // the row's end at the last break that fits
  const char* brk_next = nullptr;
  // Where a word wider than the row may break: after its last '.' or '_', or
  // before a capital that follows a small letter ("Stream|Reader|Protocol.|connection_|made").
  const char* soft = nullptr;
  float w = 0;
  auto skip_spaces = [&](const char* q) {
    while (q < end && *q == ' ') ++q;
    return q;
  };
  for (const char* s = p; s < end;) {
    unsigned c = uint8_t(*s);
    const char* after = s + 1;
    if (c >= 0x80) after = s + std::max(1, ImTextCharFromUtf8(&c, s, end));
    if (c == '\n') {
      *next = after;
      return s;
    }
    if (c == ' ') {  // a break before the space; the next row starts at the next word
      brk = s, brk_next = skip_spaces(s);
      soft = nullptr;
      w += font->GetCharAdvance(ImWchar(c)) * scale;
      s = after;
      continue;
    }
    if (c >= 'A' && c <= 'Z' && s > p && s[-1] >= 'a' && s[-1] <= 'z') soft = s;
    w += font->GetCharAdvance(ImWchar(c)) * scale;
    if (w > max_w) {
      if (brk && brk > p) {
        *next = brk_next;
        return brk;
      }
      if (soft && soft > p) {  // a word wider than the row: broken at its last such place that fits
        *next = soft;
        return soft;
      }
      const char* cut = s > p ? s : after;  // ... else where the row is full
      *next = skip_spaces(cut);
      return cut;
    }
    if ((c == ',' || c == ';') && after < end && *after != ' ') brk = brk_next = after;
    if ((c == '.' || c == '_') && after < end) soft = after;
    s = after;
  }
  *next = end;
  return end;
}

float button_w(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

float ease_in_out(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

}  // namespace loopscope::gui
