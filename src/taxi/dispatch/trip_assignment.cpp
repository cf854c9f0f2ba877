#include "taxi/dispatch/trip_assignment.h"

#include <algorithm>
#include <cstdint>
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

bool trip_selection_feasible(const TripProblem& problem, const std::vector<uint32_t>& chosen) {
  std::vector<bool> vehicle_used(problem.vehicles, false);
  std::vector<bool> request_served(problem.requests, false);
  for (const uint32_t index : chosen) {
    if (index >= problem.trips.size()) return false;
    const TripCandidate& trip = problem.trips[index];
    if (vehicle_used[trip.vehicle]) return false;
    vehicle_used[trip.vehicle] = true;
    for (const uint32_t r : trip.requests) {
      if (request_served[r]) return false;
      request_served[r] = true;
    }
  }
  for (uint32_t r = 0; r < problem.must_serve.size(); ++r) {
    if (problem.must_serve[r] && !request_served[r]) return false;
  }
  return true;
}

namespace {

// The selection being built: which vehicles and requests its trips hold.
struct Selection {
  std::vector<bool> taken;  // per trip
  std::vector<bool> vehicle_used;
  std::vector<bool> request_served;

  explicit Selection(const TripProblem& problem)
      : taken(problem.trips.size(), false), vehicle_used(problem.vehicles, false),
        request_served(problem.requests, false) {}
  bool fits(const TripCandidate& trip) const {
    return !vehicle_used[trip.vehicle] &&
           std::none_of(trip.requests.begin(), trip.requests.end(), [&](uint32_t r) { return request_served[r]; });
  }
  void set(const TripProblem& problem, uint32_t index, bool take) {
    taken[index] = take;
    vehicle_used[problem.trips[index].vehicle] = take;
    for (const uint32_t r : problem.trips[index].requests) request_served[r] = take;
  }
  // Takes each trip of `order` that fits.
  void fill(const TripProblem& problem, const std::vector<uint32_t>& order) {
    for (const uint32_t index : order) {
      if (!taken[index] && fits(problem.trips[index])) set(problem, index, true);
    }
  }
};

}  // namespace

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
  Selection selection(problem);
  selection.fill(problem, order);

  // Requests that must be served and were missed: force the fall-back trip serving each. Forcing a trip drops the
  // chosen trips it conflicts with, which can miss further such requests. Fall-back trips never conflict with each
  // other, so a forced trip stays, and each pass forces at least one more: this ends, at the latest with the whole
  // fall-back selection.
  std::vector<uint32_t> fallback_of(problem.requests, UINT32_MAX);
  for (const uint32_t index : problem.fallback) {
    for (const uint32_t r : problem.trips[index].requests) fallback_of[r] = index;
  }
  bool repaired = false;
  for (;;) {
    std::vector<uint32_t> forced;
    for (uint32_t r = 0; r < problem.must_serve.size(); ++r) {
      // (A request the fall-back does not serve breaks the contract; it is left, lest this never end.)
      if (problem.must_serve[r] && !selection.request_served[r] && fallback_of[r] != UINT32_MAX) {
        forced.push_back(fallback_of[r]);
      }
    }
    if (forced.empty()) break;
    repaired = true;
    std::sort(forced.begin(), forced.end());
    forced.erase(std::unique(forced.begin(), forced.end()), forced.end());
    for (const uint32_t index : forced) {
      const TripCandidate& trip = problem.trips[index];
      for (uint32_t other = 0; other < problem.trips.size(); ++other) {
        if (!selection.taken[other]) continue;
        const TripCandidate& held = problem.trips[other];
        const bool conflicts =
            held.vehicle == trip.vehicle ||
            std::any_of(held.requests.begin(), held.requests.end(), [&](uint32_t r) {
              return std::find(trip.requests.begin(), trip.requests.end(), r) != trip.requests.end();
            });
        if (conflicts) selection.set(problem, other, false);
      }
      selection.set(problem, index, true);
    }
  }
  // Dropped trips may have freed vehicles and requests that other trips can still use.
  if (repaired) selection.fill(problem, order);

  std::vector<uint32_t> chosen;
  for (uint32_t index = 0; index < problem.trips.size(); ++index) {
    if (selection.taken[index]) chosen.push_back(index);
  }
  return chosen;
}

}  // namespace bitgoeul::taxi
