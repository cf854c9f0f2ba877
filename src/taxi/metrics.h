#pragma once
// The numbers a mobility team decides on: service rate, waits, detours, vehicle-km, occupancy, utilisation and
// rejections, overall, per hour of request and per zone of origin.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "geo/zones.h"
#include "taxi/simulation.h"

namespace bitgoeul::taxi {

struct RequestKpis {
  uint64_t requests = 0;
  uint64_t served = 0;     // dropped off
  uint64_t unfinished = 0; // assigned or aboard when the simulation stopped
  uint64_t rejected = 0;
  double service_rate = 0.0;  // served / requests
  double wait_mean_s = 0.0, wait_p50_s = 0.0, wait_p95_s = 0.0;
  double ride_mean_s = 0.0;   // in-vehicle time
  double detour_mean = 0.0;   // ride time / direct drive time
  std::map<std::string, uint64_t> rejections;  // by reason
};

struct FleetKpis {
  uint32_t vehicles = 0;
  double occupied_km = 0.0;
  double empty_km = 0.0;
  double passenger_km = 0.0;
  double average_occupancy = 0.0;  // riders per occupied vehicle-km
  double utilisation = 0.0;        // share of vehicle-time driving with riders over the service span
  double empty_share = 0.0;        // empty km / all km
};

struct Kpis {
  RequestKpis overall;
  FleetKpis fleet;
  std::vector<RequestKpis> per_hour;  // by hour of request since midnight
  std::vector<std::pair<std::string, RequestKpis>> per_zone;  // zone id (name) of origin; "outside" last
};

Kpis compute_kpis(const SimulationResult& result, const std::vector<geo::Zone>* zones = nullptr);
nlohmann::json kpis_to_json(const Kpis& kpis);

}  // namespace bitgoeul::taxi
