// The only file that includes COIN-OR: the trip assignment as a set-packing integer programme for CBC.
//
//   minimise   sum_t (cost_t - penalty * |t|) x_t          (+ penalty * requests, a constant)
//   subject to sum_{t of vehicle v} x_t <= 1               for every vehicle
//              sum_{t containing r} x_t <= 1               for every request that may stay unserved
//              sum_{t containing r} x_t  = 1               for every request that must be served
//              x_t in {0, 1}
//
// Leaving out the "unserved" variables of Alonso-Mora et al. gives the same optimum with fewer columns.

#include <algorithm>
#include <vector>

#include <CbcModel.hpp>
#include <CoinMessageHandler.hpp>
#include <OsiClpSolverInterface.hpp>

#include "taxi/dispatch/trip_assignment.h"

namespace bitgoeul::taxi {
TripAssignment solve_trip_assignment(const TripProblem& problem, const TripSolverLimits& limits) {
  TripAssignment greedy;
  greedy.chosen = greedy_trip_assignment(problem);
  greedy.objective = trip_objective(problem, greedy.chosen);
  greedy.source = TripAssignment::Source::kGreedy;
  if (limits.max_nodes == 0 || problem.trips.empty()) {
    if (problem.trips.empty()) greedy.source = TripAssignment::Source::kOptimal;
    return greedy;
  }

  const int columns = static_cast<int>(problem.trips.size());
  const int rows = static_cast<int>(problem.vehicles + problem.requests);
  std::vector<CoinBigIndex> starts;
  std::vector<int> indices;
  std::vector<double> values;
  std::vector<double> objective;
  starts.reserve(problem.trips.size() + 1);
  objective.reserve(problem.trips.size());
  for (const TripCandidate& trip : problem.trips) {
    starts.push_back(static_cast<CoinBigIndex>(indices.size()));
    indices.push_back(static_cast<int>(trip.vehicle));
    std::vector<uint32_t> sorted = trip.requests;
    std::sort(sorted.begin(), sorted.end());  // CoinPackedMatrix wants each column's rows in order
    for (const uint32_t r : sorted) indices.push_back(static_cast<int>(problem.vehicles + r));
    values.resize(indices.size(), 1.0);
    objective.push_back(trip.cost_s - problem.unserved_penalty_s * static_cast<double>(trip.requests.size()));
  }
  starts.push_back(static_cast<CoinBigIndex>(indices.size()));
  const std::vector<double> column_lower(problem.trips.size(), 0.0);
  const std::vector<double> column_upper(problem.trips.size(), 1.0);
  std::vector<double> row_lower(static_cast<size_t>(rows), 0.0);
  for (uint32_t r = 0; r < problem.must_serve.size(); ++r) {
    if (problem.must_serve[r]) row_lower[problem.vehicles + r] = 1.0;
  }
  const std::vector<double> row_upper(static_cast<size_t>(rows), 1.0);

  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(columns, rows, starts.data(), indices.data(), values.data(), column_lower.data(),
                     column_upper.data(), objective.data(), row_lower.data(), row_upper.data());
  for (int column = 0; column < columns; ++column) solver.setInteger(column);

  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.setMaximumNodes(static_cast<int>(limits.max_nodes));
  if (limits.max_seconds > 0) model.setMaximumSeconds(limits.max_seconds);
  // Start from the greedy selection (feasible: it serves every request that must be served), so CBC only ever
  // improves on it.
  const double constant = problem.unserved_penalty_s * static_cast<double>(problem.requests);
  std::vector<double> start(problem.trips.size(), 0.0);
  for (const uint32_t trip : greedy.chosen) start[trip] = 1.0;
  model.setBestSolution(start.data(), columns, greedy.objective - constant, true);
  model.branchAndBound();

  const double* best = model.bestSolution();
  if (best == nullptr || model.isAbandoned()) return greedy;
  TripAssignment solved;
  for (int column = 0; column < columns; ++column) {
    if (best[column] > 0.5) solved.chosen.push_back(static_cast<uint32_t>(column));
  }
  if (!trip_selection_feasible(problem, solved.chosen)) return greedy;
  solved.objective = trip_objective(problem, solved.chosen);
  if (solved.objective > greedy.objective) return greedy;
  solved.source = model.isProvenOptimal() ? TripAssignment::Source::kOptimal
                                          : TripAssignment::Source::kSolverIncumbent;
  return solved;
}

}  // namespace bitgoeul::taxi
