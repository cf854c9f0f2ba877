#pragma once

#include <vector>

#include "taxi/dispatch/dispatcher.h"

namespace bitgoeul::taxi {

class NearestIdleDispatcher final : public Dispatcher {
 public:
  void on_request(FleetState& fleet, uint32_t request, double now_s) override;
  void on_vehicle_idle(FleetState& fleet, uint32_t vehicle, double now_s) override;

 private:
  std::vector<RoadPosition> positions_;
  std::vector<double> seconds_;
};

}  // namespace bitgoeul::taxi
