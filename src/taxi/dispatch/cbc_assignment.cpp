// The only file that includes COIN-OR: the trip assignment as a set-packing integer programme for CBC.
//
//   minimise   sum_t (cost_t - penalty * |t|) x_t          (+ penalty * requests, a constant)
//   subject to sum_{t of vehicle v} x_t <= 1               for every vehicle
//              sum_{t containing r} x_t <= 1               for every request
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
namespace {

// A selection CBC returned, checked by us: one trip per vehicle, every request once.
bool feasible(const TripProblem& problem, const std::vector<uint32_t>& chosen) {
  std::vector<bool> vehicle_used(problem.vehicles, false);
  std::vector<bool> request_served(problem.requests, false);
  for (const uint32_t index : chosen) {
    const TripCandidate& trip = problem.trips[index];
    if (vehicle_used[trip.vehicle]) return false;
    vehicle_used[trip.vehicle] = true;
    for (const uint32_t r : trip.requests) {
      if (request_served[r]) return false;
      request_served[r] = true;
    }
  }
  return true;
}

}  // namespace

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
  const std::vector<double> row_lower(static_cast<size_t>(rows), 0.0);
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
  // Start from the greedy selection, so CBC only ever improves on it.
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
  if (!feasible(problem, solved.chosen)) return greedy;
  solved.objective = trip_objective(problem, solved.chosen);
  if (solved.objective > greedy.objective) return greedy;
  solved.source = model.isProvenOptimal() ? TripAssignment::Source::kOptimal
                                          : TripAssignment::Source::kSolverIncumbent;
  return solved;
}

}  // namespace bitgoeul::taxi
