#include "taxi/metrics.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace bitgoeul::taxi {
namespace {

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

class RequestAccumulator {
 public:
  void add(const RequestState& request) {
    ++kpis_.requests;
    switch (request.status) {
      case RequestStatus::kCompleted:
        ++kpis_.served;
        waits_.push_back(request.pickup_s - request.request.request_time_s);
        ride_sum_s_ += request.dropoff_s - request.pickup_s;
        if (request.direct_time_s > 0) detour_sum_ += (request.dropoff_s - request.pickup_s) / request.direct_time_s;
        break;
      case RequestStatus::kRejected:
        ++kpis_.rejected;
        ++kpis_.rejections[reject_reason_name(request.reject_reason)];
        break;
      default:
        ++kpis_.unfinished;
        break;
    }
  }
  RequestKpis finish() {
    std::sort(waits_.begin(), waits_.end());
    if (kpis_.requests > 0) kpis_.service_rate = static_cast<double>(kpis_.served) / static_cast<double>(kpis_.requests);
    if (kpis_.served > 0) {
      double sum = 0;
      for (const double wait : waits_) sum += wait;
      kpis_.wait_mean_s = sum / static_cast<double>(waits_.size());
      kpis_.wait_p50_s = percentile(waits_, 50);
      kpis_.wait_p95_s = percentile(waits_, 95);
      kpis_.ride_mean_s = ride_sum_s_ / static_cast<double>(kpis_.served);
      kpis_.detour_mean = detour_sum_ / static_cast<double>(kpis_.served);
    }
    return kpis_;
  }

 private:
  RequestKpis kpis_;
  std::vector<double> waits_;
  double ride_sum_s_ = 0.0;
  double detour_sum_ = 0.0;
};

nlohmann::json request_kpis_json(const RequestKpis& kpis) {
  return {{"requests", kpis.requests},       {"served", kpis.served},
          {"rejected", kpis.rejected},       {"unfinished", kpis.unfinished},
          {"service_rate", kpis.service_rate}, {"wait_mean_s", kpis.wait_mean_s},
          {"wait_p50_s", kpis.wait_p50_s},   {"wait_p95_s", kpis.wait_p95_s},
          {"ride_mean_s", kpis.ride_mean_s}, {"detour_mean", kpis.detour_mean},
          {"rejections", kpis.rejections}};
}

}  // namespace

Kpis compute_kpis(const SimulationResult& result, const std::vector<geo::Zone>* zones) {
  Kpis kpis;
  RequestAccumulator overall;
  std::vector<RequestAccumulator> per_hour;
  std::vector<RequestAccumulator> per_zone(zones != nullptr ? zones->size() + 1 : 0);
  for (const RequestState& request : result.requests) {
    overall.add(request);
    const auto hour = static_cast<size_t>(std::max(0.0, request.request.request_time_s) / 3600.0);
    if (per_hour.size() <= hour) per_hour.resize(hour + 1);
    per_hour[hour].add(request);
    if (zones != nullptr) {
      const int zone = geo::find_zone(*zones, request.request.origin);
      per_zone[zone < 0 ? zones->size() : static_cast<size_t>(zone)].add(request);
    }
  }
  kpis.overall = overall.finish();
  for (RequestAccumulator& hour : per_hour) kpis.per_hour.push_back(hour.finish());
  for (size_t z = 0; z < per_zone.size(); ++z) {
    const std::string label = z < zones->size() ? (*zones)[z].id + " " + (*zones)[z].name : "outside";
    kpis.per_zone.emplace_back(label, per_zone[z].finish());
  }
  FleetKpis& fleet = kpis.fleet;
  double occupied_s = 0.0;
  for (const VehicleState& vehicle : result.vehicles) {
    ++fleet.vehicles;
    fleet.occupied_km += vehicle.occupied_m / 1000.0;
    fleet.empty_km += vehicle.empty_m / 1000.0;
    fleet.passenger_km += vehicle.passenger_m / 1000.0;
    occupied_s += vehicle.occupied_s;
  }
  if (fleet.occupied_km > 0) fleet.average_occupancy = fleet.passenger_km / fleet.occupied_km;
  if (fleet.vehicles > 0 && result.span_s > 0) fleet.utilisation = occupied_s / (fleet.vehicles * result.span_s);
  if (fleet.occupied_km + fleet.empty_km > 0) fleet.empty_share = fleet.empty_km / (fleet.occupied_km + fleet.empty_km);
  return kpis;
}

nlohmann::json kpis_to_json(const Kpis& kpis) {
  nlohmann::json per_hour = nlohmann::json::array();
  for (size_t hour = 0; hour < kpis.per_hour.size(); ++hour) {
    nlohmann::json entry = request_kpis_json(kpis.per_hour[hour]);
    entry["hour"] = hour;
    per_hour.push_back(std::move(entry));
  }
  nlohmann::json per_zone = nlohmann::json::array();
  for (const auto& [zone, zone_kpis] : kpis.per_zone) {
    nlohmann::json entry = request_kpis_json(zone_kpis);
    entry["zone"] = zone;
    per_zone.push_back(std::move(entry));
  }
  const FleetKpis& fleet = kpis.fleet;
  return {{"overall", request_kpis_json(kpis.overall)},
          {"fleet",
           {{"vehicles", fleet.vehicles},
            {"occupied_km", fleet.occupied_km},
            {"empty_km", fleet.empty_km},
            {"passenger_km", fleet.passenger_km},
            {"average_occupancy", fleet.average_occupancy},
            {"utilisation", fleet.utilisation},
            {"empty_share", fleet.empty_share}}},
          {"per_hour", std::move(per_hour)},
          {"per_zone", std::move(per_zone)}};
}

}  // namespace bitgoeul::taxi
