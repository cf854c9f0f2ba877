#pragma once
// Synthetic ride requests when no trip records exist yet: a day of requests with an hourly profile, origins and
// destinations drawn over zones in proportion to their weight (population), or uniformly over a map's roads.
// Seeded: the same options give the same requests.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "geo/zones.h"
#include "road/road_graph.h"
#include "taxi/trip_request.h"

namespace bitgoeul::taxi {

// Share of a day's requests in each hour (any positive scale; normalised when used).
struct HourlyProfile {
  std::array<double, 24> weight{};
  // An assumed weekday shape in the pattern reported for Korean city taxis (morning peak at 8-9, evening peak at
  // 18-19, a late-night peak at 22-24, a trough at 4-5). Replace with measured shares when the pilot has them.
  static HourlyProfile weekday();
};

struct SyntheticDemandOptions {
  uint64_t total_trips = 10000;  // over the whole day (scaled down when the time span is shorter)
  uint64_t seed = 1;
  HourlyProfile profile = HourlyProfile::weekday();
  double start_s = 0.0;  // time span of the requests, seconds since midnight
  double end_s = 86400.0;
  double min_trip_distance_m = 500.0;  // shorter trips are redrawn: nobody hails a taxi for 200 m
  // Probability of 1, 2, 3, 4 passengers.
  std::array<double, 4> passengers_share{0.80, 0.15, 0.04, 0.01};
};

// Origins and destinations drawn independently over zones, each zone with probability proportional to its weight,
// uniformly inside it. Errors: no zone with positive weight, a span outside [0, 86400 * 7], zones too small for
// the minimum trip distance.
Result<std::vector<TripRequest>> generate_zone_demand(const std::vector<geo::Zone>& zones,
                                                      const SyntheticDemandOptions& options);

// Origins and destinations uniformly over the road network (by length).
Result<std::vector<TripRequest>> generate_road_demand(const road::RoadGraph& graph,
                                                      const SyntheticDemandOptions& options);

// Gives each small zone (e.g. a dong) the share of its parent's population (e.g. its district's) proportional to
// its area, the parent being the zone containing most of its interior (sampled). Errors name a small zone inside no parent, and a
// parent missing from `parent_population` (keyed by parent zone id).
Status apportion_population(std::vector<geo::Zone>& small_zones, const std::vector<geo::Zone>& parents,
                            const std::map<std::string, double>& parent_population);

// Reads a table of zone populations (e.g. ../shared/data/gwangju/district_population.csv: code,...,population).
// Errors name file, line and column; populations must be non-negative; ids unique.
Result<std::map<std::string, double>> read_zone_population_csv(const std::string& path,
                                                               const std::string& id_column = "code",
                                                               const std::string& population_column = "population");

}  // namespace bitgoeul::taxi
