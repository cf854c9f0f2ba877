#pragma once
// A ride request: what a rider asks for, before any vehicle is involved.

#include <cstdint>
#include <optional>
#include <vector>

#include "geo/lat_lon.h"

namespace bitgoeul::taxi {

struct TripRequest {
  uint32_t id = 0;              // dense, in order of request time
  double request_time_s = 0.0;  // seconds since the scenario's midnight
  geo::LatLon origin;
  geo::LatLon destination;
  uint16_t passengers = 1;
  std::optional<double> latest_pickup_s;  // the rider's own limit; the scenario's maximum wait applies otherwise
};

// Sorts by request time (stable, ties keep file order) and renumbers ids densely from 0.
void sort_and_number(std::vector<TripRequest>& requests);

}  // namespace bitgoeul::taxi
