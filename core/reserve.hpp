// Growing a vector for a known number of new elements without the doubling
// that can leave half of it unused: on a first fill (a whole trace loaded at
// once) the room is exact; when a live run keeps appending, it grows by half.
// For 300k-task traces the doubling alone cost about 100 MiB of the view's
// peak (docs/performance.md).
#pragma once

#include <algorithm>
#include <cstddef>

namespace loopscope {

template <class V>
void reserve_for(V& v, size_t need) {
  if (need > v.capacity()) v.reserve(std::max(need, v.capacity() + v.capacity() / 2));
}

}  // namespace loopscope
