#include "taxi/synthetic_demand.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/csv_reader.h"

namespace bitgoeul::taxi {
namespace {

constexpr int kMaxRedraws = 1000;

Status check_options(const SyntheticDemandOptions& options) {
  if (!(options.start_s >= 0 && options.end_s > options.start_s && options.end_s <= 7 * 86400.0)) {
    return invalid_input("synthetic demand: time span [{}, {}) s must lie within a week and be non-empty",
                         options.start_s, options.end_s);
  }
  if (std::any_of(options.profile.weight.begin(), options.profile.weight.end(),
                  [](double w) { return !(w >= 0) || !std::isfinite(w); }) ||
      std::accumulate(options.profile.weight.begin(), options.profile.weight.end(), 0.0) <= 0) {
    return invalid_input("synthetic demand: hourly profile needs non-negative weights with a positive sum");
  }
  if (std::any_of(options.passengers_share.begin(), options.passengers_share.end(), [](double s) { return !(s >= 0); }) ||
      std::accumulate(options.passengers_share.begin(), options.passengers_share.end(), 0.0) <= 0) {
    return invalid_input("synthetic demand: passenger shares must be non-negative with a positive sum");
  }
  return Status::ok();
}

// Request times: the day's trips spread over hours by the profile (each hour's count is its expected share,
// rounded by largest remainder so the total is exact), uniform within the hour, restricted to the span.
std::vector<double> draw_request_times(const SyntheticDemandOptions& options, std::mt19937_64& random) {
  std::vector<double> hour_weight;  // one per hour of the span, clipped to the span
  const int first_hour = static_cast<int>(std::floor(options.start_s / 3600.0));
  const int last_hour = static_cast<int>(std::ceil(options.end_s / 3600.0));
  double day_weight = std::accumulate(options.profile.weight.begin(), options.profile.weight.end(), 0.0);
  for (int hour = first_hour; hour < last_hour; ++hour) {
    const double lo = std::max(options.start_s, hour * 3600.0);
    const double hi = std::min(options.end_s, (hour + 1) * 3600.0);
    hour_weight.push_back(options.profile.weight[hour % 24] * (hi - lo) / 3600.0);
  }
  const double span_weight = std::accumulate(hour_weight.begin(), hour_weight.end(), 0.0);
  // total_trips is per day: a span of one day takes them all, a shorter span its share, a longer one more.
  const double expected_total = static_cast<double>(options.total_trips) * span_weight / day_weight;
  const auto total = static_cast<uint64_t>(std::llround(expected_total));
  std::vector<uint64_t> counts(hour_weight.size());
  std::vector<std::pair<double, size_t>> remainders;
  uint64_t assigned = 0;
  for (size_t h = 0; h < hour_weight.size(); ++h) {
    const double exact = span_weight > 0 ? total * hour_weight[h] / span_weight : 0.0;
    counts[h] = static_cast<uint64_t>(std::floor(exact));
    assigned += counts[h];
    remainders.emplace_back(exact - std::floor(exact), h);
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; assigned < total && i < remainders.size(); ++i, ++assigned) ++counts[remainders[i].second];

  std::vector<double> times;
  times.reserve(total);
  for (size_t h = 0; h < counts.size(); ++h) {
    const int hour = first_hour + static_cast<int>(h);
    std::uniform_real_distribution<double> within(std::max(options.start_s, hour * 3600.0),
                                                  std::min(options.end_s, (hour + 1) * 3600.0));
    for (uint64_t i = 0; i < counts[h]; ++i) times.push_back(within(random));
  }
  std::sort(times.begin(), times.end());
  return times;
}

template <typename DrawPoint>
Result<std::vector<TripRequest>> generate(const SyntheticDemandOptions& options, DrawPoint&& draw_point) {
  BITGOEUL_RETURN_IF_ERROR(check_options(options));
  std::mt19937_64 random(options.seed);
  const std::vector<double> times = draw_request_times(options, random);
  std::discrete_distribution<int> passengers(options.passengers_share.begin(), options.passengers_share.end());
  std::vector<TripRequest> requests;
  requests.reserve(times.size());
  for (const double time_s : times) {
    TripRequest request;
    request.request_time_s = time_s;
    int attempt = 0;
    do {
      if (++attempt > kMaxRedraws) {
        return invalid_input("synthetic demand: no origin/destination pair {} m apart after {} draws; the area is too "
                             "small for min_trip_distance_m",
                             options.min_trip_distance_m, kMaxRedraws);
      }
      request.origin = draw_point(random);
      request.destination = draw_point(random);
    } while (geo::haversine_m(request.origin, request.destination) < options.min_trip_distance_m);
    request.passengers = static_cast<uint16_t>(passengers(random) + 1);
    requests.push_back(request);
  }
  sort_and_number(requests);
  return requests;
}

}  // namespace

HourlyProfile HourlyProfile::weekday() {
  return {{5.0, 3.5, 2.5, 1.8, 1.2, 1.2, 2.0, 3.8, 5.5, 5.0, 4.3, 4.3,
           4.5, 4.4, 4.4, 4.5, 4.7, 5.3, 6.0, 5.6, 5.0, 5.2, 6.0, 5.8}};
}

Result<std::vector<TripRequest>> generate_zone_demand(const std::vector<geo::Zone>& zones,
                                                      const SyntheticDemandOptions& options) {
  std::vector<double> weights;
  for (const geo::Zone& zone : zones) weights.push_back(geo::area_km2(zone) > 0 ? zone.weight : 0.0);
  if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0) {
    return invalid_input("synthetic demand: no zone has a positive weight (population) and area");
  }
  std::discrete_distribution<size_t> pick_zone(weights.begin(), weights.end());
  return generate(options, [&](std::mt19937_64& random) { return geo::sample_uniform(zones[pick_zone(random)], random); });
}

Result<std::vector<TripRequest>> generate_road_demand(const road::RoadGraph& graph,
                                                      const SyntheticDemandOptions& options) {
  if (graph.edge_count() == 0) return invalid_input("synthetic demand: the road graph has no edges");
  std::discrete_distribution<road::EdgeId> pick_edge(graph.distance_m.begin(), graph.distance_m.end());
  return generate(options, [&](std::mt19937_64& random) {
    const road::EdgeId edge = pick_edge(random);
    const std::vector<geo::LatLon> line = graph.edge_geometry(edge);
    // A point uniformly along the polyline, by length.
    std::vector<double> cumulative_m{0.0};
    for (size_t i = 1; i < line.size(); ++i) cumulative_m.push_back(cumulative_m.back() + geo::haversine_m(line[i - 1], line[i]));
    const double at_m = std::uniform_real_distribution<double>(0.0, cumulative_m.back())(random);
    size_t segment = 1;
    while (segment + 1 < line.size() && cumulative_m[segment] < at_m) ++segment;
    const double length_m = cumulative_m[segment] - cumulative_m[segment - 1];
    const double t = length_m > 0 ? (at_m - cumulative_m[segment - 1]) / length_m : 0.0;
    return geo::LatLon{line[segment - 1].lat + t * (line[segment].lat - line[segment - 1].lat),
                       line[segment - 1].lon + t * (line[segment].lon - line[segment - 1].lon)};
  });
}

Status apportion_population(std::vector<geo::Zone>& small_zones, const std::vector<geo::Zone>& parents,
                            const std::map<std::string, double>& parent_population) {
  std::vector<int> parent_of(small_zones.size(), -1);
  std::vector<double> parent_area_km2(parents.size(), 0.0);
  std::mt19937_64 random(0);  // interior points only decide containment; any fixed seed does
  for (size_t i = 0; i < small_zones.size(); ++i) {
    // Published outlines are simplified and do not tile exactly, so a parent is chosen by a vote of interior points.
    std::map<int, int> votes;
    for (int sample = 0; sample < 25; ++sample) {
      const int parent = geo::find_zone(parents, geo::sample_uniform(small_zones[i], random));
      if (parent >= 0) ++votes[parent];
    }
    int best_votes = 0;
    for (const auto& [parent, count] : votes) {
      if (count > best_votes) {
        best_votes = count;
        parent_of[i] = parent;
      }
    }
    if (parent_of[i] < 0) {
      return invalid_input("population: zone '{}' ({}) lies inside no parent zone", small_zones[i].id,
                           small_zones[i].name);
    }
    parent_area_km2[parent_of[i]] += geo::area_km2(small_zones[i]);
  }
  for (size_t i = 0; i < small_zones.size(); ++i) {
    const geo::Zone& parent = parents[parent_of[i]];
    const auto population = parent_population.find(parent.id);
    if (population == parent_population.end()) {
      return invalid_input("population: no population given for zone '{}' ({})", parent.id, parent.name);
    }
    small_zones[i].weight = population->second * geo::area_km2(small_zones[i]) / parent_area_km2[parent_of[i]];
  }
  return Status::ok();
}

Result<std::map<std::string, double>> read_zone_population_csv(const std::string& path, const std::string& id_column,
                                                               const std::string& population_column) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t id, reader.column(id_column));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t population, reader.column(population_column));
  std::map<std::string, double> result;
  std::vector<std::string> fields;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool has_row, reader.next(fields));
    if (!has_row) break;
    BITGOEUL_ASSIGN_OR_RETURN(const double value, parse_csv_double(reader, population_column, fields[population]));
    if (value < 0) return invalid_input("{}column '{}': population {} is negative", reader.where(), population_column, value);
    if (!result.emplace(fields[id], value).second) {
      return invalid_input("{}column '{}': zone '{}' appears twice", reader.where(), id_column, fields[id]);
    }
  }
  return result;
}

}  // namespace bitgoeul::taxi
