#include "taxi/dispatch/dispatcher.h"

#include <limits>

#include "taxi/dispatch/batch_matching.h"
#include "taxi/dispatch/insertion.h"
#include "taxi/dispatch/nearest_idle.h"
#include "taxi/dispatch/rtv.h"

namespace bitgoeul::taxi {

const char* dispatch_policy_name(DispatchPolicy policy) {
  switch (policy) {
    case DispatchPolicy::kNearestIdle: return "nearest_idle";
    case DispatchPolicy::kBatchMatching: return "batch_matching";
    case DispatchPolicy::kInsertion: return "insertion";
    case DispatchPolicy::kRtv: return "rtv";
  }
  return "unknown";
}

std::unique_ptr<Dispatcher> make_dispatcher(const DispatchSpec& spec) {
  switch (spec.policy) {
    case DispatchPolicy::kNearestIdle: return std::make_unique<NearestIdleDispatcher>();
    case DispatchPolicy::kBatchMatching: return std::make_unique<BatchMatchingDispatcher>(spec.batch_interval_s);
    case DispatchPolicy::kInsertion: return std::make_unique<InsertionDispatcher>(spec.insertion_interval_s);
    case DispatchPolicy::kRtv: return std::make_unique<RtvDispatcher>(spec);
  }
  return nullptr;
}

std::vector<uint32_t> idle_vehicles(const FleetState& fleet) {
  std::vector<uint32_t> idle;
  for (const VehicleState& vehicle : fleet.vehicles()) {
    if (vehicle.idle() && vehicle.pickups_until_s > -std::numeric_limits<double>::infinity()) idle.push_back(vehicle.id);
  }
  return idle;
}

std::vector<Stop> solo_plan(uint32_t request) {
  return {{Stop::Kind::kPickup, request}, {Stop::Kind::kDropoff, request}};
}

}  // namespace bitgoeul::taxi
