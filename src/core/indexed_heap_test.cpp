#include "core/indexed_heap.h"

#include <algorithm>
#include <map>
#include <random>

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

TEST(IndexedMinHeap, PopsInKeyOrder) {
  IndexedMinHeap<uint32_t> heap(10);
  heap.push(3, 30);
  heap.push(1, 10);
  heap.push(7, 5);
  heap.push(2, 20);
  EXPECT_EQ(heap.size(), 4u);
  EXPECT_EQ(heap.top().id, 7u);
  EXPECT_EQ(heap.pop().id, 7u);
  EXPECT_EQ(heap.pop().id, 1u);
  EXPECT_EQ(heap.pop().id, 2u);
  const auto last = heap.pop();
  EXPECT_EQ(last.id, 3u);
  EXPECT_EQ(last.key, 30u);
  EXPECT_TRUE(heap.empty());
}

TEST(IndexedMinHeap, DecreaseIgnoresLargerKeysAndSetKeyMovesBothWays) {
  IndexedMinHeap<uint32_t> heap(4);
  EXPECT_TRUE(heap.push_or_decrease(0, 50));
  EXPECT_TRUE(heap.push_or_decrease(1, 40));
  EXPECT_FALSE(heap.push_or_decrease(0, 60));
  EXPECT_EQ(heap.key_of(0), 50u);
  EXPECT_TRUE(heap.push_or_decrease(0, 10));
  EXPECT_EQ(heap.top().id, 0u);
  heap.set_key(0, 100);
  EXPECT_EQ(heap.top().id, 1u);
  heap.erase(1);
  EXPECT_FALSE(heap.contains(1));
  EXPECT_EQ(heap.pop().id, 0u);
}

TEST(IndexedMinHeap, ClearForgetsOnlyWhatWasInside) {
  IndexedMinHeap<uint32_t> heap(5);
  heap.push(4, 1);
  heap.push(0, 2);
  heap.clear();
  EXPECT_TRUE(heap.empty());
  EXPECT_FALSE(heap.contains(4));
  heap.push(4, 3);  // would assert if the position had not been reset
  EXPECT_EQ(heap.pop().key, 3u);
}

TEST(IndexedMinHeap, MatchesAnOrderedMapUnderRandomOperations) {
  std::mt19937 random(7);
  constexpr uint32_t kIds = 200;
  IndexedMinHeap<uint64_t, 3> heap(kIds);
  std::map<uint32_t, uint64_t> reference;  // id -> key
  for (int step = 0; step < 20000; ++step) {
    const uint32_t id = random() % kIds;
    const uint64_t key = random() % 1000;
    switch (random() % 4) {
      case 0: {
        heap.set_key(id, key);
        reference[id] = key;
        break;
      }
      case 1: {
        heap.push_or_decrease(id, key);
        auto [it, inserted] = reference.emplace(id, key);
        if (!inserted) it->second = std::min(it->second, key);
        break;
      }
      case 2: {
        if (heap.contains(id)) {
          heap.erase(id);
          reference.erase(id);
        }
        break;
      }
      default: {
        if (reference.empty()) break;
        const uint64_t min_key = std::min_element(reference.begin(), reference.end(), [](auto& a, auto& b) {
                                   return a.second < b.second;
                                 })->second;
        const auto popped = heap.pop();
        ASSERT_EQ(popped.key, min_key);
        ASSERT_EQ(reference.at(popped.id), popped.key);
        reference.erase(popped.id);
      }
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
}

}  // namespace
}  // namespace bitgoeul
