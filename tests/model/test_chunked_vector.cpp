// The lanes' segment list (app/model/chunked_vector.hpp): a list that grows
// without moving what it already holds, indexed like a vector.
#include <doctest/doctest.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "model/model.hpp"

using namespace loopscope::model;

namespace {
Segment seg(size_t i) {
  Segment s;
  s.t0 = int64_t(10 * i);
  s.t1 = int64_t(10 * i + 5);
  s.first_event = uint32_t(i);
  return s;
}
}  // namespace

TEST_CASE("a chunked list holds what was pushed, in order, across its head and many chunks") {
  ChunkedVector<Segment> v;
  const size_t n = 40 * ChunkedVector<Segment>::kHead + 7;  // the head and five chunks, the last partly filled
  for (size_t i = 0; i < n; ++i) v.push_back(seg(i));
  REQUIRE(v.size() == n);
  CHECK(v.capacity() >= n);
  size_t i = 0;
  for (const Segment& s : v) CHECK_MESSAGE(s.first_event == i++, "element " << i - 1);
  CHECK(i == n);
  CHECK(v.front().first_event == 0);
  CHECK(v.back().first_event == n - 1);
  CHECK(v[ChunkedVector<Segment>::kHead].first_event == ChunkedVector<Segment>::kHead);
  // Random-access iterators: the standard algorithms work on it as on a vector.
  auto it = std::lower_bound(v.begin(), v.end(), int64_t(10 * 1234), [](const Segment& s, int64_t t) { return s.t0 < t; });
  CHECK(it - v.begin() == 1234);
  CHECK(std::is_sorted(v.begin(), v.end(), [](const Segment& a, const Segment& b) { return a.t0 < b.t0; }));
}

TEST_CASE("past its head the list grows without moving an element it already holds") {
  ChunkedVector<Segment> v;
  const size_t head = ChunkedVector<Segment>::kHead;
  for (size_t i = 0; i <= head; ++i) v.push_back(seg(i));
  const Segment* first = &v[0];
  const Segment* in_chunk = &v[head];
  for (size_t i = head + 1; i < 100 * head; ++i) v.push_back(seg(i));
  CHECK(&v[0] == first);
  CHECK(&v[head] == in_chunk);
  CHECK(v[head].first_event == head);
}

TEST_CASE("partition_point finds the first element that fails the test from any start, in any chunk") {
  ChunkedVector<Segment> v;
  const size_t n = 9 * ChunkedVector<Segment>::kHead + 3;
  for (size_t i = 0; i < n; ++i) v.push_back(seg(i));
  std::vector<Segment> ref(v.begin(), v.end());
  for (size_t from : {size_t(0), size_t(1), ChunkedVector<Segment>::kHead - 1, ChunkedVector<Segment>::kHead,
                      3 * ChunkedVector<Segment>::kHead + 5, n - 1, n})
    for (int64_t t : {int64_t(-1), int64_t(0), int64_t(6), int64_t(10 * ChunkedVector<Segment>::kHead + 5),
                      int64_t(10 * n), int64_t(10 * n + 100)}) {
      auto ends_before = [t](const Segment& s) { return s.t1 < t; };
      const size_t want =
          size_t(std::partition_point(ref.begin() + std::ptrdiff_t(from), ref.end(), ends_before) - ref.begin());
      CHECK_MESSAGE(v.partition_point(from, ends_before) == want, "from " << from << ", t " << t);
    }
}

TEST_CASE("popped elements make room that the next pushes reuse, and a copy is a list of its own") {
  ChunkedVector<Segment> v;
  const size_t n = 3 * ChunkedVector<Segment>::kHead;
  for (size_t i = 0; i < n; ++i) v.push_back(seg(i));
  const size_t cap = v.capacity();
  for (size_t i = 0; i < n / 2; ++i) v.pop_back();
  CHECK(v.size() == n - n / 2);
  CHECK(v.back().first_event == n - n / 2 - 1);
  for (size_t i = 0; i < n / 2; ++i) v.push_back(seg(1000 + i));
  CHECK(v.capacity() == cap);
  CHECK(v.back().first_event == 1000 + n / 2 - 1);

  ChunkedVector<Segment> c = v;
  c.back().blocked = true;
  c.push_back(seg(7));
  CHECK_FALSE(v.back().blocked);
  CHECK(v.size() == n);
  CHECK(c.size() == n + 1);
  CHECK(c[n - 1].first_event == v[n - 1].first_event);

  ChunkedVector<Segment> moved = std::move(c);
  CHECK(moved.size() == n + 1);
  v.clear();
  CHECK(v.empty());
  CHECK(v.capacity() == cap);
}

TEST_CASE("pushing a copy of the list's own element is safe while the head moves") {
  ChunkedVector<Segment> v;
  v.push_back(seg(5));
  for (size_t i = 0; i < 2 * ChunkedVector<Segment>::kHead; ++i) v.push_back(v.back());
  CHECK(std::all_of(v.begin(), v.end(), [](const Segment& s) { return s.first_event == 5; }));
}

TEST_CASE("a short list costs what a vector costs: the same size and the same room") {
  // A 10^6-task trace has 10^6 lanes of a few segments each (docs/performance.md, memory).
  CHECK(sizeof(ChunkedVector<Segment>) == sizeof(std::vector<Segment>));
  // The lanes' vector moves its lanes when it grows, never copies their segments.
  static_assert(std::is_nothrow_move_constructible_v<Lane>);
  ChunkedVector<Segment> v;
  std::vector<Segment> w;
  for (size_t i = 0; i < 5; ++i) {
    v.push_back(seg(i));
    w.push_back(seg(i));
    CHECK(v.capacity() == w.capacity());
  }
  ChunkedVector<Segment> r;
  r.reserve(3);
  CHECK(r.empty());
  CHECK(r.capacity() >= 3);
  CHECK(r.capacity() < ChunkedVector<Segment>::kHead);
}
