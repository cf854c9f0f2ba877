#pragma once
// An indexed d-ary min-heap over the ids [0, capacity): the priority queue of Dijkstra-like searches. Each id is
// in the heap at most once and its key can be changed in place, so a search never pushes stale duplicates. All
// memory is allocated by the constructor; push, pop, set_key and clear never allocate, which lets query objects
// reuse one heap across millions of queries. clear() costs O(size), not O(capacity).

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace bitgoeul {

template <typename Key, unsigned kArity = 4>
class IndexedMinHeap {
  static_assert(kArity >= 2);

 public:
  struct Entry {
    uint32_t id;
    Key key;
  };

  explicit IndexedMinHeap(uint32_t capacity = 0) { reset(capacity); }

  // Forgets all entries and makes room for ids [0, capacity).
  void reset(uint32_t capacity) {
    position_.assign(capacity, kAbsent);
    heap_.clear();
    heap_.reserve(capacity);
  }

  uint32_t capacity() const { return static_cast<uint32_t>(position_.size()); }
  bool empty() const { return heap_.empty(); }
  uint32_t size() const { return static_cast<uint32_t>(heap_.size()); }
  bool contains(uint32_t id) const { return position_[id] != kAbsent; }
  // REQUIRES: contains(id).
  const Key& key_of(uint32_t id) const { return heap_[position_[id]].key; }
  // REQUIRES: !empty().
  const Entry& top() const { return heap_.front(); }

  // REQUIRES: id < capacity() and !contains(id).
  void push(uint32_t id, Key key) {
    assert(id < capacity() && !contains(id));
    position_[id] = size();
    heap_.push_back({id, std::move(key)});
    sift_up(size() - 1);
  }

  // Inserts `id` or lowers its key; a larger key than the current one is ignored. Returns whether anything changed.
  bool push_or_decrease(uint32_t id, Key key) {
    if (!contains(id)) {
      push(id, std::move(key));
      return true;
    }
    const uint32_t at = position_[id];
    if (!(key < heap_[at].key)) return false;
    heap_[at].key = std::move(key);
    sift_up(at);
    return true;
  }

  // Inserts `id` or moves its key up or down.
  void set_key(uint32_t id, Key key) {
    if (!contains(id)) {
      push(id, std::move(key));
      return;
    }
    const uint32_t at = position_[id];
    const bool lower = key < heap_[at].key;
    heap_[at].key = std::move(key);
    if (lower) {
      sift_up(at);
    } else {
      sift_down(at);
    }
  }

  // REQUIRES: !empty().
  Entry pop() {
    assert(!empty());
    Entry result = std::move(heap_.front());
    position_[result.id] = kAbsent;
    if (heap_.size() > 1) {
      heap_.front() = std::move(heap_.back());
      position_[heap_.front().id] = 0;
      heap_.pop_back();
      sift_down(0);
    } else {
      heap_.pop_back();
    }
    return result;
  }

  // REQUIRES: contains(id).
  void erase(uint32_t id) {
    const uint32_t at = position_[id];
    position_[id] = kAbsent;
    const uint32_t last = size() - 1;
    if (at != last) {
      const bool lower = heap_[last].key < heap_[at].key;
      heap_[at] = std::move(heap_[last]);
      position_[heap_[at].id] = at;
      heap_.pop_back();
      if (lower) {
        sift_up(at);
      } else {
        sift_down(at);
      }
    } else {
      heap_.pop_back();
    }
  }

  void clear() {
    for (const Entry& entry : heap_) position_[entry.id] = kAbsent;
    heap_.clear();
  }

 private:
  static constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();

  void sift_up(uint32_t at) {
    Entry moving = std::move(heap_[at]);
    while (at > 0) {
      const uint32_t parent = (at - 1) / kArity;
      if (!(moving.key < heap_[parent].key)) break;
      heap_[at] = std::move(heap_[parent]);
      position_[heap_[at].id] = at;
      at = parent;
    }
    position_[moving.id] = at;
    heap_[at] = std::move(moving);
  }

  void sift_down(uint32_t at) {
    const uint32_t count = size();
    Entry moving = std::move(heap_[at]);
    while (true) {
      const uint64_t first_child = static_cast<uint64_t>(at) * kArity + 1;
      if (first_child >= count) break;
      const uint32_t end = static_cast<uint32_t>(std::min<uint64_t>(first_child + kArity, count));
      uint32_t best = static_cast<uint32_t>(first_child);
      for (uint32_t child = best + 1; child < end; ++child) {
        if (heap_[child].key < heap_[best].key) best = child;
      }
      if (!(heap_[best].key < moving.key)) break;
      heap_[at] = std::move(heap_[best]);
      position_[heap_[at].id] = at;
      at = best;
    }
    position_[moving.id] = at;
    heap_[at] = std::move(moving);
  }

  std::vector<uint32_t> position_;  // per id: index in heap_, or kAbsent
  std::vector<Entry> heap_;
};

}  // namespace bitgoeul
