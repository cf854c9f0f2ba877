#include "plan/pareto.h"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

TEST(Pareto, ATableOfOptions) {
  //            cost  service
  // 0            10     0.90   front (cheapest)
  // 1            20     0.95   front
  // 2            25     0.94   dominated by 1
  // 3            30     0.99   front
  // 4            30     0.97   dominated by 3 (same cost, worse)
  // 5            20     0.95   identical to 1: only the first is kept
  const std::vector<TradeOff> options = {{10, 0.90}, {20, 0.95}, {25, 0.94}, {30, 0.99}, {30, 0.97}, {20, 0.95}};
  EXPECT_EQ(pareto_front(options), (std::vector<size_t>{0, 1, 3}));
  EXPECT_TRUE(pareto_front({}).empty());
}

// The obvious quadratic definition, for comparison.
std::vector<size_t> slow_front(const std::vector<TradeOff>& options) {
  std::vector<size_t> front;
  for (size_t i = 0; i < options.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < options.size() && !dominated; ++j) {
      if (j == i) continue;
      const bool no_worse = options[j].cost <= options[i].cost && options[j].service >= options[i].service;
      const bool better = options[j].cost < options[i].cost || options[j].service > options[i].service;
      const bool identical_earlier = options[j].cost == options[i].cost && options[j].service == options[i].service && j < i;
      dominated = (no_worse && better) || identical_earlier;
    }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](size_t a, size_t b) { return options[a].cost < options[b].cost; });
  return front;
}

TEST(Pareto, AgreesWithTheDefinitionOnRandomOptions) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<TradeOff> options(1 + random() % 30);
    for (TradeOff& o : options) o = {static_cast<double>(random() % 10), static_cast<double>(random() % 10)};
    EXPECT_EQ(pareto_front(options), slow_front(options)) << "round " << round;
  }
}

}  // namespace
}  // namespace bitgoeul::plan
