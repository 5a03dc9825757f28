// The timeline query: a lane's segments in a visible range, with runs of
// segments narrower than a few pixels folded into one counted item (Tracy's
// way). Binary search to the range, then each emitted item advances at least
// min_ns, so a frame costs O(visible pixels * log n), never O(segments).
// A folded item spans at most about three fold widths.
#include <algorithm>

#include "model/model.hpp"

namespace loopscope::model {

namespace {
DrawItem item_of(const Segment& s) {
  DrawItem d;
  d.t0 = s.t0;
  d.t1 = s.t1;
  d.state = s.state;
  d.wait = s.wait;
  d.blocked = s.blocked;
  d.first_event = s.first_event;
  d.task = s.task;
  return d;
}
}  // namespace

void Model::visible(const Lane& lane, int64_t t0, int64_t t1, int64_t min_ns, std::vector<DrawItem>& out) const {
  out.clear();
  const ChunkedVector<Segment>& seg = lane.segments;
  const size_t n = seg.size();
  // Segments are sorted and disjoint, so their ends are sorted too: the first that ends at or after t.
  auto first_ending_from = [&seg](size_t from, int64_t t) {
    return seg.partition_point(from, [t](const Segment& s) { return s.t1 < t; });
  };
  size_t i = first_ending_from(0, t0);
  min_ns = std::max<int64_t>(min_ns, 1);
  while (i < n && seg[i].t0 <= t1) {
    const Segment& s = seg[i];
    if (s.t1 - s.t0 >= min_ns) {
      out.push_back(item_of(s));
      ++i;
      continue;
    }
    // A run of narrow segments: jump ahead by min_ns at a time.
    DrawItem d = item_of(s);
    size_t j = i + 1;
    int64_t end = s.t1;
    // A fold stops after about two fold widths, so dense stretches still show
    // where they are dense (and where the loop was blocked).
    while (j < n && end < t1 && end - d.t0 < 2 * min_ns) {
      // Everything ending within min_ns of `end` is narrow and close: absorb it.
      size_t k = first_ending_from(j, end + min_ns);
      if (k > j) {
        end = seg[k - 1].t1;
        d.blocked = d.blocked || seg[k - 1].blocked;
        j = k;
      }
      if (k == n) break;
      const Segment& next = seg[k];
      if (next.t1 - next.t0 >= min_ns || next.t0 - end >= min_ns) break;
      end = next.t1;
      d.blocked = d.blocked || next.blocked;
      j = k + 1;
    }
    d.t1 = end;
    d.folded = uint32_t(j - i);
    out.push_back(d);
    i = j;
  }
}

std::pair<size_t, size_t> Model::wakeups_into(const Lane& lane, int64_t t0, int64_t t1) const {
  const std::vector<uint32_t>& in = lane.wakeups_in;
  auto arrives = [this](uint32_t w) { return wakeups_[w].t_to; };
  auto a = std::lower_bound(in.begin(), in.end(), t0, [&](uint32_t w, int64_t t) { return arrives(w) < t; });
  auto b = std::upper_bound(a, in.end(), t1, [&](int64_t t, uint32_t w) { return t < arrives(w); });
  return {size_t(a - in.begin()), size_t(b - in.begin())};
}

}  // namespace loopscope::model
