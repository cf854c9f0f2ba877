#include "core/event_queue.h"

#include <string>

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

TEST(EventQueue, TimeOrderThenSchedulingOrder) {
  EventQueue<std::string> queue;
  queue.schedule(5.0, "late");
  queue.schedule(1.0, "first at 1");
  queue.schedule(1.0, "second at 1");
  queue.schedule(0.5, "earliest");
  queue.schedule(1.0, "third at 1");
  std::vector<std::string> order;
  double time_s = 0;
  while (!queue.empty()) order.push_back(queue.pop(time_s));
  EXPECT_EQ(order, (std::vector<std::string>{"earliest", "first at 1", "second at 1", "third at 1", "late"}));
  EXPECT_DOUBLE_EQ(time_s, 5.0);
}

}  // namespace
}  // namespace bitgoeul
