// A list that grows without moving what it holds: the model's lane segments.
//
// A std::vector grows by copying everything into a buffer twice as large, all
// in one call: during a live run at 10^5 events a second a lane's segments
// reached 4-16 MiB, and the one frame that grew them spent 15-66 ms copying and
// faulting in the new buffer's pages (docs/performance.md, session 9). Here the
// first kHead elements grow like a vector's (copies of at most 8 KiB); after
// them come chunks of kHead, 2 kHead, 4 kHead, ... elements that are never
// copied, so an append costs the same at any size and a new chunk's pages are
// touched one by one as elements arrive. Indexing is O(1) (a bit scan).
//
// A small list costs what a vector does (24 bytes, the same head allocations):
// a 10^6-task trace has 10^6 lanes of a few segments each.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace loopscope::model {

template <class T>
class ChunkedVector {
  // Elements are copied as bytes and never destroyed one by one.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr unsigned kHeadBits = unsigned(std::bit_width(std::max<size_t>(8192 / sizeof(T), 1)) - 1);
  static constexpr size_t kHead = size_t(1) << kHeadBits;

  template <bool Const>
  class Iter {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using reference = std::conditional_t<Const, const T&, T&>;
    using Owner = std::conditional_t<Const, const ChunkedVector, ChunkedVector>;

    Iter() = default;
    Iter(Owner* v, size_t i) : v_(v), i_(i) {}
    operator Iter<true>() const requires(!Const) { return {v_, i_}; }
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    reference operator[](difference_type n) const { return (*v_)[size_t(difference_type(i_) + n)]; }
    Iter& operator++() { return ++i_, *this; }
    Iter operator++(int) { Iter t = *this; ++i_; return t; }
    Iter& operator--() { return --i_, *this; }
    Iter operator--(int) { Iter t = *this; --i_; return t; }
    Iter& operator+=(difference_type n) { return i_ = size_t(difference_type(i_) + n), *this; }
    Iter& operator-=(difference_type n) { return i_ = size_t(difference_type(i_) - n), *this; }
    friend Iter operator+(Iter a, difference_type n) { return a += n; }
    friend Iter operator+(difference_type n, Iter a) { return a += n; }
    friend Iter operator-(Iter a, difference_type n) { return a -= n; }
    friend difference_type operator-(const Iter& a, const Iter& b) { return difference_type(a.i_) - difference_type(b.i_); }
    friend bool operator==(const Iter& a, const Iter& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const Iter& a, const Iter& b) { return a.i_ <=> b.i_; }

   private:
    Owner* v_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;
  using value_type = T;

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& o) { append_all(o); }
  ChunkedVector(ChunkedVector&& o) noexcept { swap(o); }
  ChunkedVector& operator=(ChunkedVector o) noexcept {  // by value: copy or move, then swap
    swap(o);
    return *this;
  }
  ~ChunkedVector() { release(); }
  void swap(ChunkedVector& o) noexcept {
    std::swap(head_, o.head_);
    std::swap(chunks_, o.chunks_);
    std::swap(size_, o.size_);
    std::swap(head_log_, o.head_log_);
    std::swap(nchunks_, o.nchunks_);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return nchunks_ ? kHead << nchunks_ : head_cap(); }

  T& operator[](size_t i) { return *slot(i); }
  const T& operator[](size_t i) const { return *slot(i); }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  // std::partition_point over [from, size()): the first index at or after `from` whose element
  // fails `pred` (true, then false, along the list). The chunks' contiguous runs are searched with
  // raw pointers: through the iterators, every probe would locate its chunk again.
  template <class Pred>
  size_t partition_point(size_t from, Pred pred) const {
    for (size_t i = from; i < size_;) {
      const size_t hi = i >> kHeadBits;
      const unsigned k = hi ? unsigned(std::bit_width(hi)) : 0;
      const size_t end = std::min<size_t>(size_, kHead << k);  // chunk k ends at kHead << k
      const T* p = slot(i);
      const T* last = p + (end - 1 - i);
      if (pred(*last)) {
        i = end;
        continue;
      }
      return i + size_t(std::partition_point(p, last, pred) - p);
    }
    return size_;
  }

  void push_back(const T& v) {
    const T copy = v;  // `v` may be one of ours, and the head may move
    if (size_ == capacity()) grow();
    ::new (static_cast<void*>(slot(size_))) T(copy);
    ++size_;
  }
  void pop_back() {
    assert(size_ > 0);
    --size_;
  }
  void clear() { size_ = 0; }  // keeps the room, as a vector does
  // Room for n elements: up to kHead, a head of the next power of two; past it, chunks.
  void reserve(size_t n) {
    if (n <= capacity()) return;
    if (!nchunks_) resize_head(std::min(std::bit_ceil(n), kHead));
    while (capacity() < n) add_chunk();
  }

 private:
  size_t head_cap() const { return head_log_ ? size_t(1) << (head_log_ - 1) : 0; }
  // Element i is in the head below kHead, else in chunk k = bit_width(i / kHead) (1-based), which
  // starts at kHead << (k - 1) and holds as many elements.
  T* slot(size_t i) const {
    assert(i < capacity());
    const size_t hi = i >> kHeadBits;
    if (hi == 0) return head_ + i;
    const unsigned k = unsigned(std::bit_width(hi));
    return chunks_[k - 1] + (i - (kHead << (k - 1)));
  }
  void grow() {
    const size_t cap = head_cap();
    if (cap < kHead) resize_head(cap ? 2 * cap : 1);
    else add_chunk();
  }
  void resize_head(size_t cap) {
    T* h = std::allocator<T>().allocate(cap);
    if (head_) {
      std::uninitialized_copy_n(head_, std::min<size_t>(size_, head_cap()), h);
      std::allocator<T>().deallocate(head_, head_cap());
    }
    head_ = h;
    head_log_ = uint8_t(std::bit_width(cap));
  }
  void add_chunk() {
    if (head_cap() < kHead) resize_head(kHead);
    // The chunk table grows by one pointer at a time: a copy of at most ~40 pointers.
    T** table = new T*[nchunks_ + 1];
    std::copy_n(chunks_, nchunks_, table);
    table[nchunks_] = std::allocator<T>().allocate(kHead << nchunks_);
    delete[] chunks_;
    chunks_ = table;
    ++nchunks_;
  }
  void append_all(const ChunkedVector& o) {
    reserve(o.size_);
    for (size_t i = 0; i < o.size_; ++i) ::new (static_cast<void*>(slot(i))) T(o[i]);
    size_ = o.size_;
  }
  void release() {
    for (unsigned k = 0; k < nchunks_; ++k) std::allocator<T>().deallocate(chunks_[k], kHead << k);
    delete[] chunks_;
    if (head_) std::allocator<T>().deallocate(head_, head_cap());
    head_ = nullptr, chunks_ = nullptr, size_ = 0, head_log_ = 0, nchunks_ = 0;
  }

  T* head_ = nullptr;
  T** chunks_ = nullptr;  // chunk k (1-based) at chunks_[k - 1]
  uint32_t size_ = 0;     // the model's indexes are 32-bit
  uint8_t head_log_ = 0;  // the head holds 1 << (head_log_ - 1) elements; 0: no head
  uint8_t nchunks_ = 0;
};

}  // namespace loopscope::model
