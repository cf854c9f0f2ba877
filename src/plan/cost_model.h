#pragma once
// What an option costs, in KRW, from a cost model file the planner can read and edit (TOML; the shipped defaults
// and their sources or stated assumptions are in examples/plan/*-cost-model.toml and docs/capacity-planning.md).
//
// Capital is spread over the equipment's life as an annuity: price × r / (1 − (1 + r)^−n) per year at interest
// rate r over n years (price / n when r = 0), no residual value.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace bitgoeul::plan {

// KRW per year that repays `price_krw` over `years` at `interest_rate` (REQUIRES years > 0, interest_rate >= 0).
double annuity_krw_per_year(double price_krw, double years, double interest_rate);

// ---- Robotaxi fleet -------------------------------------------------------------------------------------------

struct TaxiCostModel {
  double vehicle_price_krw = 0.0;         // one vehicle with its automated-driving kit
  double vehicle_lifetime_years = 5.0;
  double interest_rate = 0.0;             // a year, e.g. 0.045
  double operation_krw_per_km = 0.0;      // energy, maintenance, tyres, insurance per vehicle-km driven
  double safety_drivers_per_vehicle = 0.0;  // on board while the service runs
  double safety_driver_krw_per_hour = 0.0;  // wage with the employer's social charges
  double depot_krw_per_day = 0.0;         // lease, chargers, staff of one depot
  uint32_t vehicles_per_depot = 0;        // 0: one depot per scenario depot whatever the fleet
};

// Reads a taxi cost model; every field is required (a cost silently defaulted to zero would flatter an option).
// Errors name the file, line and key.
Result<TaxiCostModel> read_taxi_cost_model(const std::string& path);

// One service day of an option: capital and depots for a whole day, driving and safety drivers as simulated.
struct TaxiCost {
  double vehicles_krw = 0.0;        // capital, a day's share
  double depots_krw = 0.0;
  double operation_krw = 0.0;       // vehicle-km × KRW/km
  double safety_drivers_krw = 0.0;  // vehicles × drivers per vehicle × service hours × wage
  uint32_t depots = 0;
  double total_krw() const { return vehicles_krw + depots_krw + operation_krw + safety_drivers_krw; }
};

// `scenario_depots` is the number of depots the scenario starts its fleet from (at least one depot is paid for);
// with vehicles_per_depot > 0, enough depots for the fleet.
TaxiCost taxi_day_cost(const TaxiCostModel& model, uint32_t vehicles, uint32_t scenario_depots, double vehicle_km,
                       double service_hours);

// ---- NPU center -----------------------------------------------------------------------------------------------

struct NpuDeviceCost {
  double card_price_krw = 0.0;
  double card_idle_w = 0.0;  // drawn by an idle card
  double card_peak_w = 0.0;  // drawn by a busy card (board power)
  double node_price_krw = 0.0;  // the host server of one node (CPUs, memory, network), without its cards
  double node_w = 0.0;          // the host's own draw
  double operation_krw_per_node_year = 0.0;  // maintenance contract, rack space, the operators' share
};

struct NpuCostModel {
  double lifetime_years = 5.0;
  double interest_rate = 0.0;
  double electricity_krw_per_kwh = 0.0;
  double pue = 1.0;  // facility power / IT power
  std::map<std::string, NpuDeviceCost, std::less<>> device_types;  // by device type name
};

Result<NpuCostModel> read_npu_cost_model(const std::string& path);

struct NpuTypeLoad {
  std::string type;
  uint32_t nodes = 0;
  uint32_t cards = 0;
  double utilisation = 0.0;  // busy share of the cards' time, 0..1
};

// A year of an option. Errors: a device type the model does not price.
struct NpuCost {
  double capital_krw = 0.0;
  double power_krw = 0.0;
  double operation_krw = 0.0;
  double power_kw = 0.0;  // mean facility draw (IT × PUE)
  double total_krw() const { return capital_krw + power_krw + operation_krw; }
};
Result<NpuCost> npu_year_cost(const NpuCostModel& model, const std::vector<NpuTypeLoad>& load);

}  // namespace bitgoeul::plan
