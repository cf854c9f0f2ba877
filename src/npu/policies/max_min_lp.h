#pragma once
// Gavel's heterogeneity-aware max-min fairness as a linear program (Narayanan et al., OSDI 2020, §4.1), solved with
// COIN-OR CLP. The only file that includes COIN-OR in npu is max_min_lp.cpp.
//
// Variables X[m][j] >= 0: the fraction of time job m spends on device type j. With normalised throughput T[m][j]
// (the job's speed on j over its speed on its fastest type; 0 = not allowed) and s_m devices per job:
//
//   maximise   t
//   subject to t <= sum_j T[m][j] X[m][j]          for every job m   (its effective normalised throughput)
//              sum_j X[m][j] <= 1                   for every job m   (one job runs on one type at a time)
//              sum_m s_m X[m][j] <= capacity[j]     for every type j  (devices of the type)
//              X[m][j] = 0 where T[m][j] = 0
//
// Gavel normalises by the throughput under an equal share of the cluster; we normalise by the job's fastest type,
// so t is the fraction of its best possible speed that the least-served job gets.

#include <vector>

#include "core/error.h"

namespace bitgoeul::npu {

struct MaxMinAllocation {
  std::vector<std::vector<double>> x;  // [job][type] time fractions
  double min_throughput = 0.0;         // t
};

// REQUIRES: every row of `throughput` has capacity.size() entries in [0, 1]; scale.size() == throughput.size().
// Fails when the inputs are malformed or CLP does not reach an optimum.
Result<MaxMinAllocation> solve_max_min_fairness(const std::vector<std::vector<double>>& throughput,
                                                const std::vector<double>& scale, const std::vector<double>& capacity);

}  // namespace bitgoeul::npu
