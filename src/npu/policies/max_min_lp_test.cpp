// Gavel's max-min fairness LP against allocations computed by hand.

#include "npu/policies/max_min_lp.h"

#include <gtest/gtest.h>

namespace bitgoeul::npu {
namespace {

TEST(MaxMinLp, TwoJobsShareTheFastDeviceAsComputedByHand) {
  // One fast device (V) and one slow (K). Job A runs 3× faster on V (normalised: V 1, K 1/3), job B 2× (V 1,
  // K 1/2). Giving V wholly to A yields min(1, 1/2) = 1/2; to B, min(1/3, 1) = 1/3. Time-sharing does better:
  // A spends a of its time on V and 1 − a on K, B the complement; A gets (1 + 2a)/3 and B 1 − a/2, equal at
  // a = 4/7, where both get 5/7.
  Result<MaxMinAllocation> result = solve_max_min_fairness({{1.0, 1.0 / 3.0}, {1.0, 0.5}}, {1.0, 1.0}, {1.0, 1.0});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_NEAR(result->min_throughput, 5.0 / 7.0, 1e-7);
  EXPECT_NEAR(result->x[0][0], 4.0 / 7.0, 1e-7);
  EXPECT_NEAR(result->x[0][1], 3.0 / 7.0, 1e-7);
  EXPECT_NEAR(result->x[1][0], 3.0 / 7.0, 1e-7);
  EXPECT_NEAR(result->x[1][1], 4.0 / 7.0, 1e-7);
}

TEST(MaxMinLp, CapacityGangSizeAndForbiddenTypesAreHonoured) {
  // Three jobs on 2 devices of one type: a 2-device gang and two 1-device jobs. Each unit of the gang's time
  // takes both devices: t = x_gang = x1 = x2 with 2 x_gang + x1 + x2 <= 2 gives t = 1/2. A forbidden type (0)
  // is never used.
  Result<MaxMinAllocation> result =
      solve_max_min_fairness({{1.0, 0.0}, {1.0, 0.0}, {1.0, 0.0}}, {2.0, 1.0, 1.0}, {2.0, 5.0});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_NEAR(result->min_throughput, 0.5, 1e-7);
  double used = 0.0;
  for (size_t m = 0; m < 3; ++m) {
    EXPECT_EQ(result->x[m][1], 0.0);
    used += (m == 0 ? 2.0 : 1.0) * result->x[m][0];
    EXPECT_GE(result->x[m][0], 0.5 - 1e-7);
  }
  EXPECT_LE(used, 2.0 + 1e-7);
  // Room for everyone: each job runs all the time at full speed.
  Result<MaxMinAllocation> roomy = solve_max_min_fairness({{1.0, 0.5}, {0.25, 1.0}}, {1.0, 1.0}, {4.0, 4.0});
  ASSERT_TRUE(roomy.is_ok());
  EXPECT_NEAR(roomy->min_throughput, 1.0, 1e-7);
}

TEST(MaxMinLp, MalformedInputsAreErrors) {
  EXPECT_FALSE(solve_max_min_fairness({{1.0}}, {1.0, 1.0}, {1.0}).is_ok());
  EXPECT_FALSE(solve_max_min_fairness({{1.0, 0.5}}, {1.0}, {1.0}).is_ok());
  EXPECT_FALSE(solve_max_min_fairness({{1.5}}, {1.0}, {1.0}).is_ok());
  EXPECT_FALSE(solve_max_min_fairness({{1.0}}, {0.0}, {1.0}).is_ok());
  EXPECT_FALSE(solve_max_min_fairness({{1.0}}, {1.0}, {-1.0}).is_ok());
  Result<MaxMinAllocation> empty = solve_max_min_fairness({}, {}, {2.0});
  ASSERT_TRUE(empty.is_ok());
  EXPECT_TRUE(empty->x.empty());
}

}  // namespace
}  // namespace bitgoeul::npu
