// What the benchmarks report of a sample of times: median, p95 and max, by
// nearest rank on the sorted sample (p95 of 20 samples is the 20th).
#pragma once

#include <algorithm>
#include <vector>

namespace loopscope::bench {

struct Spread {
  double median = 0, p95 = 0, max = 0;
};

inline Spread spread(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[std::min(v.size() - 1, size_t(p * double(v.size())))]; };
  return {at(0.5), at(0.95), v.back()};
}

}  // namespace loopscope::bench
