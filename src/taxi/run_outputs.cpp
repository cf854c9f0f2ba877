#include "taxi/run_outputs.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv_reader.h"

namespace bitgoeul::taxi {
namespace {

const char* status_name(RequestStatus status) {
  switch (status) {
    case RequestStatus::kPending: return "pending";
    case RequestStatus::kAssigned: return "assigned";
    case RequestStatus::kOnboard: return "onboard";
    case RequestStatus::kCompleted: return "completed";
    case RequestStatus::kRejected: return "rejected";
  }
  return "unknown";
}

Status write_permit_events(const SimulationResult& result, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << "time_s,event,detail\n";
  for (const PermitEvent& e : result.permit_events) {
    out << fmt::format("{:.1f},{},{}\n", e.time_s, e.kind, csv_field(e.detail));
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

std::string optional_time(double seconds) { return seconds < 0 ? std::string() : fmt::format("{:.1f}", seconds); }

Status write_trips(const SimulationResult& result, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << "request_id,request_time_s,origin_lat,origin_lon,destination_lat,destination_lon,passengers,status,"
         "reject_reason,vehicle,assigned_s,pickup_s,dropoff_s,wait_s,ride_s,direct_s,detour,ride_km,walk_origin_m,"
         "walk_destination_m,reject_rule,pickup_stop,dropoff_stop,walk_to_stop_m,walk_from_stop_m\n";
  for (const RequestState& r : result.requests) {
    const bool done = r.status == RequestStatus::kCompleted;
    out << fmt::format("{},{:.1f},{:.7f},{:.7f},{:.7f},{:.7f},{},{},{},{},{},{},{},{},{},{:.1f},{},{},{:.1f},{:.1f},",
                       r.request.id, r.request.request_time_s, r.request.origin.lat, r.request.origin.lon,
                       r.request.destination.lat, r.request.destination.lon, r.request.passengers,
                       status_name(r.status),
                       r.status == RequestStatus::kRejected ? reject_reason_name(r.reject_reason) : "",
                       r.vehicle == UINT32_MAX ? std::string() : std::to_string(r.vehicle), optional_time(r.assigned_s),
                       optional_time(r.pickup_s), optional_time(r.dropoff_s),
                       r.pickup_s >= 0 ? fmt::format("{:.1f}", r.pickup_s - r.request.request_time_s) : "",
                       done ? fmt::format("{:.1f}", r.dropoff_s - r.pickup_s) : "", r.direct_time_s,
                       done && r.direct_time_s > 0 ? fmt::format("{:.3f}", (r.dropoff_s - r.pickup_s) / r.direct_time_s) : "",
                       done ? fmt::format("{:.3f}", r.ride_distance_m / 1000.0) : "", r.origin.snap_distance_m,
                       r.destination.snap_distance_m);
    // With a permit: the rule that refused the request, and the designated stops it was moved to.
    if (r.request.id < result.admissions.size()) {
      const rules::Admission& a = result.admissions[r.request.id];
      out << fmt::format("{},{},{},{},{}\n", csv_field(a.rule),
                         a.pickup_stop >= 0 ? std::to_string(a.pickup_stop) : "",
                         a.dropoff_stop >= 0 ? std::to_string(a.dropoff_stop) : "",
                         a.pickup_stop >= 0 ? fmt::format("{:.1f}", a.walk_to_pickup_m) : "",
                         a.dropoff_stop >= 0 ? fmt::format("{:.1f}", a.walk_from_dropoff_m) : "");
    } else {
      out << ",,,,\n";
    }
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

Status write_events(const SimulationResult& result, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << "time_s,vehicle,event,request_id,lat,lon,onboard\n";
  for (const VehicleEvent& e : result.events) {
    out << fmt::format("{:.1f},{},{},{},{:.7f},{:.7f},{}\n", e.time_s, e.vehicle, e.kind,
                       e.request == UINT32_MAX ? std::string() : std::to_string(e.request), e.point.lat, e.point.lon,
                       e.onboard);
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

Status write_timeline(const SimulationResult& result, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << "time_s,idle,repositioning,to_pickup,occupied,waiting_requests\n";
  for (const FleetSample& s : result.samples) {
    out << fmt::format("{:.0f},{},{},{},{},{}\n", s.time_s, s.idle, s.repositioning, s.to_pickup, s.occupied, s.waiting);
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace

Status write_run_outputs(const SimulationResult& result, const Kpis& kpis, const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return io_error("{}: cannot create directory: {}", directory, error.message());
  BITGOEUL_RETURN_IF_ERROR(write_trips(result, directory + "/trips.csv"));
  BITGOEUL_RETURN_IF_ERROR(write_events(result, directory + "/vehicle_events.csv"));
  BITGOEUL_RETURN_IF_ERROR(write_timeline(result, directory + "/fleet_timeline.csv"));
  if (!result.admissions.empty()) BITGOEUL_RETURN_IF_ERROR(write_permit_events(result, directory + "/permit_events.csv"));
  std::ofstream json(directory + "/kpis.json");
  if (!json) return io_error("{}/kpis.json: cannot open for writing", directory);
  json << kpis_to_json(kpis).dump(2) << "\n";
  if (!json) return io_error("{}/kpis.json: write failed", directory);
  return Status::ok();
}

}  // namespace bitgoeul::taxi
