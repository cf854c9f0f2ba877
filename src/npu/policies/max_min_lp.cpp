// The only npu file that includes COIN-OR: Gavel's max-min fairness LP for CLP.

#include "npu/policies/max_min_lp.h"

#include <cmath>

#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>

namespace bitgoeul::npu {

Result<MaxMinAllocation> solve_max_min_fairness(const std::vector<std::vector<double>>& throughput,
                                                const std::vector<double>& scale, const std::vector<double>& capacity) {
  const size_t jobs = throughput.size();
  const size_t types = capacity.size();
  if (scale.size() != jobs) return invalid_input("max-min LP: {} jobs but {} scales", jobs, scale.size());
  for (size_t m = 0; m < jobs; ++m) {
    if (throughput[m].size() != types) return invalid_input("max-min LP: job {} has the wrong number of types", m);
    if (!(scale[m] > 0.0)) return invalid_input("max-min LP: job {} needs a positive device count", m);
    for (double v : throughput[m]) {
      if (!(v >= 0.0 && v <= 1.0)) return invalid_input("max-min LP: job {}: throughput must be in [0, 1]", m);
    }
  }
  for (double c : capacity) {
    if (!(c >= 0.0) || !std::isfinite(c)) return invalid_input("max-min LP: capacities must be finite and >= 0");
  }
  MaxMinAllocation allocation;
  allocation.x.assign(jobs, std::vector<double>(types, 0.0));
  if (jobs == 0) return allocation;

  // Columns: X[m][j] at m * types + j, then t. Rows: jobs fairness rows, jobs time rows, types capacity rows.
  const int columns = static_cast<int>(jobs * types + 1);
  const int t_column = columns - 1;
  std::vector<double> column_lower(static_cast<size_t>(columns), 0.0);
  std::vector<double> column_upper(static_cast<size_t>(columns), 1.0);
  std::vector<double> objective(static_cast<size_t>(columns), 0.0);
  objective[static_cast<size_t>(t_column)] = 1.0;
  column_upper[static_cast<size_t>(t_column)] = COIN_DBL_MAX;
  CoinPackedMatrix matrix(false, 0, 0);
  matrix.setDimensions(0, columns);
  std::vector<double> row_lower;
  std::vector<double> row_upper;
  std::vector<int> indices;
  std::vector<double> values;
  const auto add_row = [&](double lower, double upper) {
    matrix.appendRow(static_cast<int>(indices.size()), indices.data(), values.data());
    row_lower.push_back(lower);
    row_upper.push_back(upper);
    indices.clear();
    values.clear();
  };
  for (size_t m = 0; m < jobs; ++m) {
    // t - sum_j T X <= 0
    indices.push_back(t_column);
    values.push_back(1.0);
    for (size_t j = 0; j < types; ++j) {
      const auto column = static_cast<int>(m * types + j);
      if (throughput[m][j] > 0.0) {
        indices.push_back(column);
        values.push_back(-throughput[m][j]);
      } else {
        column_upper[static_cast<size_t>(column)] = 0.0;
      }
    }
    add_row(-COIN_DBL_MAX, 0.0);
  }
  for (size_t m = 0; m < jobs; ++m) {
    for (size_t j = 0; j < types; ++j) {
      indices.push_back(static_cast<int>(m * types + j));
      values.push_back(1.0);
    }
    add_row(-COIN_DBL_MAX, 1.0);
  }
  for (size_t j = 0; j < types; ++j) {
    for (size_t m = 0; m < jobs; ++m) {
      indices.push_back(static_cast<int>(m * types + j));
      values.push_back(scale[m]);
    }
    add_row(-COIN_DBL_MAX, capacity[j]);
  }

  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(matrix, column_lower.data(), column_upper.data(), objective.data(), row_lower.data(),
                    row_upper.data());
  model.setOptimizationDirection(-1.0);  // maximise
  model.primal();
  if (!model.isProvenOptimal()) return internal_error("max-min LP: CLP status {} (not optimal)", model.status());
  const double* solution = model.primalColumnSolution();
  for (size_t m = 0; m < jobs; ++m) {
    for (size_t j = 0; j < types; ++j) allocation.x[m][j] = std::max(0.0, solution[m * types + j]);
  }
  allocation.min_throughput = solution[t_column];
  return allocation;
}

}  // namespace bitgoeul::npu
