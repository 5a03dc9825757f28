#include "param_widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace loopscope::gui {

ParamWidgets::ParamWidgets() {
  for (const Scenario& s : scenarios()) {
    Values st;
    for (const Param& p : s.params) {
      st.num.push_back(float(std::atof(p.def.c_str())));
      auto it = std::find(p.choices.begin(), p.choices.end(), p.def);
      st.choice.push_back(it == p.choices.end() ? 0 : int(it - p.choices.begin()));
    }
    values_.push_back(std::move(st));
  }
}

void ParamWidgets::mirror(size_t scenario, const Params& p) {
  const Scenario& s = scenarios()[scenario];
  Values& st = values_[scenario];
  for (size_t k = 0; k < s.params.size(); ++k) {
    auto v = p.values.find(s.params[k].key);
    if (v == p.values.end()) continue;
    st.num[k] = float(std::atof(v->second.c_str()));
    const auto& ch = s.params[k].choices;
    auto it = std::find(ch.begin(), ch.end(), v->second);
    if (it != ch.end()) st.choice[k] = int(it - ch.begin());
  }
}

std::vector<std::string> ParamWidgets::sets(int scenario) const {
  const Scenario& s = scenarios()[size_t(scenario)];
  const Values& st = values_[size_t(scenario)];
  std::vector<std::string> sets;
  for (size_t k = 0; k < s.params.size(); ++k) {
    const Param& p = s.params[k];
    if (!p.choices.empty()) {
      sets.push_back(p.key + "=" + p.choices[size_t(st.choice[k])]);
    } else if (std::isfinite(st.num[k])) {  // a NaN typed into the widget keeps the default
      double v = p.integer ? std::round(double(st.num[k])) : double(st.num[k]);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", v);
      sets.push_back(p.key + "=" + buf);
    }
  }
  return sets;
}

float param_item_w(const Param& p, float px) {
  return ImGui::CalcTextSize(p.key.c_str()).x + px * 0.3f + (p.choices.empty() ? px * 3.6f : px * 7) +
         ImGui::GetStyle().ItemSpacing.x;
}

bool ParamWidgets::draw(int scenario, float px) {
  const Scenario& s = scenarios()[size_t(scenario)];
  Values& st = values_[size_t(scenario)];
  bool changed = false;
  ImGui::PushID(scenario);
  for (size_t k = 0; k < s.params.size(); ++k) {
    const Param& p = s.params[k];
    if (k > 0) {
      // Flow: the next item on this line when it fits, else on the next.
      float right = ImGui::GetItemRectMax().x + param_item_w(p, px);
      if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
    }
    ImGui::PushID(int(k));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(p.key.c_str());
    if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
    ImGui::SameLine(0, px * 0.3f);
    if (!p.choices.empty()) {
      ImGui::SetNextItemWidth(px * 7);
      std::vector<const char*> names;
      for (const auto& c : p.choices) names.push_back(c.c_str());
      changed |= ImGui::Combo("##v", &st.choice[k], names.data(), int(names.size()));
    } else {
      ImGui::SetNextItemWidth(px * 3.6f);
      changed |= ImGui::DragFloat("##v", &st.num[k], float(p.max - p.min) / 400.0f, float(p.min), float(p.max), p.integer ? "%.0f" : "%g",
                                  ImGuiSliderFlags_AlwaysClamp);
    }
    if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
    ImGui::PopID();
  }
  ImGui::PopID();
  return changed;
}

}  // namespace loopscope::gui
