#pragma once
// The assignment step of the request-trip-vehicle (RTV) dispatcher: given candidate trips (a set of requests a
// vehicle can serve together, with a cost), choose at most one trip per vehicle and put every request in at most
// one chosen trip (exactly one for the requests that must be served), minimising the chosen trips' costs plus a
// penalty per request left unserved. Solved as an integer programme by COIN-OR CBC (cbc_assignment.cpp, the only
// file that sees COIN-OR), with a greedy fall-back.

#include <cstdint>
#include <vector>

namespace bitgoeul::taxi {

struct TripCandidate {
  uint32_t vehicle = 0;            // < TripProblem::vehicles
  std::vector<uint32_t> requests;  // distinct, each < TripProblem::requests
  double cost_s = 0.0;             // non-negative
};

struct TripProblem {
  uint32_t vehicles = 0;
  uint32_t requests = 0;
  std::vector<TripCandidate> trips;
  double unserved_penalty_s = 0.0;  // per request served by no chosen trip
  // Requests every selection must serve (empty: none), a hard constraint: the RTV dispatcher's requests already
  // promised a vehicle. `fallback` is a feasible selection (trip indices, one trip per vehicle at most, requests
  // disjoint) that serves every one of them: the dispatcher's "every vehicle keeps its current trip".
  std::vector<bool> must_serve;
  std::vector<uint32_t> fallback;
};

// Whether `chosen` (trip indices) is a feasible selection: one trip per vehicle, every request at most once, every
// request that must be served exactly once.
bool trip_selection_feasible(const TripProblem& problem, const std::vector<uint32_t>& chosen);

// Objective of a selection (indices into problem.trips): costs plus the penalty for each request not covered.
// REQUIRES: the selection is feasible (one trip per vehicle, requests disjoint).
double trip_objective(const TripProblem& problem, const std::vector<uint32_t>& chosen);

// A penalty per unserved request larger than any feasible sum of trip costs: with it the optimum serves as many
// requests as possible and, among those selections, costs least.
double lexicographic_penalty_s(const TripProblem& problem);

// Alonso-Mora et al.'s greedy: trips by decreasing size, then increasing cost (then index), each taken when its
// vehicle and requests are still free. When that misses a request that must be served, the fall-back trip serving
// it is forced in, with every chosen trip that shares its vehicle or a request dropped, until all such requests
// are served (at worst: the whole fall-back selection); the vehicles and requests left free are then filled
// greedily again. Returns a feasible selection's trip indices in increasing order.
std::vector<uint32_t> greedy_trip_assignment(const TripProblem& problem);

struct TripSolverLimits {
  // Branch-and-bound nodes CBC may explore; 0 skips CBC (greedy only). A node limit, unlike a time limit, gives
  // the same answer on every machine.
  uint32_t max_nodes = 2000;
  // Wall-clock budget in seconds; 0 = none. When it binds, results depend on the machine's speed.
  double max_seconds = 0.0;
};

struct TripAssignment {
  enum class Source : uint8_t { kOptimal, kSolverIncumbent, kGreedy };
  std::vector<uint32_t> chosen;  // trip indices, increasing
  double objective = 0.0;
  Source source = Source::kGreedy;
};

// CBC started from the greedy selection; the greedy selection is kept when CBC is skipped, fails or stops at its
// limit without anything better. Deterministic for a given problem and node limit (when max_seconds is 0).
TripAssignment solve_trip_assignment(const TripProblem& problem, const TripSolverLimits& limits);

}  // namespace bitgoeul::taxi
