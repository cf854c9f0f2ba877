#include "taxi/dispatch/trip_assignment.h"

#include <algorithm>
#include <numeric>

namespace bitgoeul::taxi {

double trip_objective(const TripProblem& problem, const std::vector<uint32_t>& chosen) {
  double objective = 0.0;
  size_t served = 0;
  for (const uint32_t trip : chosen) {
    objective += problem.trips[trip].cost_s;
    served += problem.trips[trip].requests.size();
  }
  return objective + static_cast<double>(problem.requests - served) * problem.unserved_penalty_s;
}

double lexicographic_penalty_s(const TripProblem& problem) {
  std::vector<double> most_per_vehicle(problem.vehicles, 0.0);
  for (const TripCandidate& trip : problem.trips) {
    most_per_vehicle[trip.vehicle] = std::max(most_per_vehicle[trip.vehicle], trip.cost_s);
  }
  return 1.0 + std::accumulate(most_per_vehicle.begin(), most_per_vehicle.end(), 0.0);
}

std::vector<uint32_t> greedy_trip_assignment(const TripProblem& problem) {
  std::vector<uint32_t> order(problem.trips.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const TripCandidate& left = problem.trips[a];
    const TripCandidate& right = problem.trips[b];
    if (left.requests.size() != right.requests.size()) return left.requests.size() > right.requests.size();
    if (left.cost_s != right.cost_s) return left.cost_s < right.cost_s;
    return a < b;
  });
  std::vector<bool> vehicle_used(problem.vehicles, false);
  std::vector<bool> request_served(problem.requests, false);
  std::vector<uint32_t> chosen;
  for (const uint32_t index : order) {
    const TripCandidate& trip = problem.trips[index];
    if (vehicle_used[trip.vehicle]) continue;
    if (std::any_of(trip.requests.begin(), trip.requests.end(), [&](uint32_t r) { return request_served[r]; })) {
      continue;
    }
    vehicle_used[trip.vehicle] = true;
    for (const uint32_t r : trip.requests) request_served[r] = true;
    chosen.push_back(index);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace bitgoeul::taxi
