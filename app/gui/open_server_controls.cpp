#include "open_server_controls.hpp"

#include <imgui.h>

namespace loopscope::gui {

void OpenServerControls::started(int p, double seconds) {
  on = true, port = p, duration = float(seconds);
  started_ = std::chrono::steady_clock::now();
}

double OpenServerControls::seconds_left(double seconds) const {
  return seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void OpenServerControls::draw(float px, bool live) {
  ImGui::SameLine(0, px * 0.6f);
  if (live) ImGui::BeginDisabled();
  ImGui::Checkbox("open server", &on);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Open server mode: Run listens on 127.0.0.1 for real clients (curl, nc, a browser)\n"
                      "instead of the scenario's own; each connection appears as it arrives.");
  if (on) {
    ImGui::SameLine(0, px * 0.3f);
    ImGui::TextUnformatted("port");
    ImGui::SameLine(0, px * 0.3f);
    ImGui::SetNextItemWidth(px * 3.6f);
    ImGui::DragInt("##port", &port, 1, 0, 65535, "%d", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("0: any free port");
    ImGui::SameLine(0, px * 0.3f);
    ImGui::TextUnformatted("for");
    ImGui::SameLine(0, px * 0.3f);
    ImGui::SetNextItemWidth(px * 3.6f);
    ImGui::DragFloat("##duration", &duration, 1, 5, 3600, "%g s", ImGuiSliderFlags_AlwaysClamp);
  }
  if (live) ImGui::EndDisabled();
}

}  // namespace loopscope::gui
