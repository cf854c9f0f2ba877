#include "plan/cost_model.h"

#include <algorithm>
#include <cmath>

#include "core/config_reader.h"

namespace bitgoeul::plan {
namespace {

constexpr double kHoursPerYear = 8760.0;

// A required number within [low, high].
Result<double> bounded(ConfigReader& reader, std::string_view key, double low, double high) {
  BITGOEUL_ASSIGN_OR_RETURN(double value, reader.number(key));
  if (!std::isfinite(value) || value < low || value > high) {
    return reader.error(key, fmt::format("must be between {:g} and {:g}", low, high));
  }
  return value;
}

constexpr double kMaxKrw = 1e15;  // a thousand trillion won: anything larger is a typo

}  // namespace

double annuity_krw_per_year(double price_krw, double years, double interest_rate) {
  if (interest_rate <= 0.0) return price_krw / years;
  return price_krw * interest_rate / (1.0 - std::pow(1.0 + interest_rate, -years));
}

Result<TaxiCostModel> read_taxi_cost_model(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml_file(path));
  ConfigReader reader(root, path, "");
  BITGOEUL_ASSIGN_OR_RETURN(std::string currency, reader.string("currency"));
  if (currency != "KRW") return reader.error("currency", "only KRW is supported");
  TaxiCostModel model;
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> vehicle, reader.table_or_none("vehicle"));
  if (!vehicle) return reader.error({}, "missing [vehicle]");
  BITGOEUL_ASSIGN_OR_RETURN(model.vehicle_price_krw, bounded(*vehicle, "price_krw", 0, kMaxKrw));
  BITGOEUL_ASSIGN_OR_RETURN(model.vehicle_lifetime_years, bounded(*vehicle, "lifetime_years", 0.1, 50));
  BITGOEUL_ASSIGN_OR_RETURN(model.interest_rate, bounded(*vehicle, "interest_rate", 0, 1));
  BITGOEUL_RETURN_IF_ERROR(vehicle->finish());
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> operation, reader.table_or_none("operation"));
  if (!operation) return reader.error({}, "missing [operation]");
  BITGOEUL_ASSIGN_OR_RETURN(model.operation_krw_per_km, bounded(*operation, "krw_per_km", 0, 1e6));
  BITGOEUL_RETURN_IF_ERROR(operation->finish());
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> drivers, reader.table_or_none("safety_driver"));
  if (!drivers) return reader.error({}, "missing [safety_driver]");
  BITGOEUL_ASSIGN_OR_RETURN(model.safety_drivers_per_vehicle, bounded(*drivers, "per_vehicle", 0, 10));
  BITGOEUL_ASSIGN_OR_RETURN(model.safety_driver_krw_per_hour, bounded(*drivers, "krw_per_hour", 0, 1e7));
  BITGOEUL_RETURN_IF_ERROR(drivers->finish());
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<ConfigReader> depot, reader.table_or_none("depot"));
  if (!depot) return reader.error({}, "missing [depot]");
  BITGOEUL_ASSIGN_OR_RETURN(model.depot_krw_per_day, bounded(*depot, "krw_per_day", 0, 1e12));
  BITGOEUL_ASSIGN_OR_RETURN(const double per_depot, bounded(*depot, "vehicles_per_depot", 0, 1e6));
  if (per_depot != std::floor(per_depot)) return depot->error("vehicles_per_depot", "must be a whole number");
  model.vehicles_per_depot = static_cast<uint32_t>(per_depot);
  BITGOEUL_RETURN_IF_ERROR(depot->finish());
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  return model;
}

TaxiCost taxi_day_cost(const TaxiCostModel& model, uint32_t vehicles, uint32_t scenario_depots, double vehicle_km,
                       double service_hours) {
  TaxiCost cost;
  cost.depots = std::max<uint32_t>(1, scenario_depots);
  if (model.vehicles_per_depot > 0) {
    cost.depots = std::max(cost.depots, (vehicles + model.vehicles_per_depot - 1) / model.vehicles_per_depot);
  }
  cost.vehicles_krw =
      vehicles * annuity_krw_per_year(model.vehicle_price_krw, model.vehicle_lifetime_years, model.interest_rate) /
      365.0;
  cost.depots_krw = cost.depots * model.depot_krw_per_day;
  cost.operation_krw = vehicle_km * model.operation_krw_per_km;
  cost.safety_drivers_krw =
      vehicles * model.safety_drivers_per_vehicle * service_hours * model.safety_driver_krw_per_hour;
  return cost;
}

Result<NpuCostModel> read_npu_cost_model(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml_file(path));
  ConfigReader reader(root, path, "");
  BITGOEUL_ASSIGN_OR_RETURN(std::string currency, reader.string("currency"));
  if (currency != "KRW") return reader.error("currency", "only KRW is supported");
  NpuCostModel model;
  BITGOEUL_ASSIGN_OR_RETURN(model.lifetime_years, bounded(reader, "lifetime_years", 0.1, 50));
  BITGOEUL_ASSIGN_OR_RETURN(model.interest_rate, bounded(reader, "interest_rate", 0, 1));
  BITGOEUL_ASSIGN_OR_RETURN(model.electricity_krw_per_kwh, bounded(reader, "electricity_krw_per_kwh", 0, 1e5));
  BITGOEUL_ASSIGN_OR_RETURN(model.pue, bounded(reader, "pue", 1, 5));
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<ConfigReader> types, reader.tables_or_empty("device_types"));
  if (types.empty()) return reader.error({}, "missing [[device_types]]: price at least one device type");
  for (ConfigReader& type : types) {
    BITGOEUL_ASSIGN_OR_RETURN(std::string name, type.string("name"));
    NpuDeviceCost cost;
    BITGOEUL_ASSIGN_OR_RETURN(cost.card_price_krw, bounded(type, "card_price_krw", 0, kMaxKrw));
    BITGOEUL_ASSIGN_OR_RETURN(cost.card_idle_w, bounded(type, "card_idle_w", 0, 1e5));
    BITGOEUL_ASSIGN_OR_RETURN(cost.card_peak_w, bounded(type, "card_peak_w", 0, 1e5));
    if (cost.card_peak_w < cost.card_idle_w) return type.error("card_peak_w", "must not be below card_idle_w");
    BITGOEUL_ASSIGN_OR_RETURN(cost.node_price_krw, bounded(type, "node_price_krw", 0, kMaxKrw));
    BITGOEUL_ASSIGN_OR_RETURN(cost.node_w, bounded(type, "node_w", 0, 1e6));
    BITGOEUL_ASSIGN_OR_RETURN(cost.operation_krw_per_node_year, bounded(type, "operation_krw_per_node_year", 0, kMaxKrw));
    BITGOEUL_RETURN_IF_ERROR(type.finish());
    if (!model.device_types.emplace(name, cost).second) {
      return type.error("name", fmt::format("device type '{}' priced twice", name));
    }
  }
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  return model;
}

Result<NpuCost> npu_year_cost(const NpuCostModel& model, const std::vector<NpuTypeLoad>& load) {
  NpuCost cost;
  double it_w = 0.0;
  for (const NpuTypeLoad& type : load) {
    const auto found = model.device_types.find(type.type);
    if (found == model.device_types.end()) {
      return invalid_input("the cost model prices no device type '{}'", type.type);
    }
    const NpuDeviceCost& price = found->second;
    const double utilisation = std::clamp(type.utilisation, 0.0, 1.0);
    cost.capital_krw += annuity_krw_per_year(type.cards * price.card_price_krw + type.nodes * price.node_price_krw,
                                             model.lifetime_years, model.interest_rate);
    cost.operation_krw += type.nodes * price.operation_krw_per_node_year;
    it_w += type.cards * (price.card_idle_w + utilisation * (price.card_peak_w - price.card_idle_w)) +
            type.nodes * price.node_w;
  }
  cost.power_kw = it_w * model.pue / 1000.0;
  cost.power_krw = cost.power_kw * kHoursPerYear * model.electricity_krw_per_kwh;
  return cost;
}

}  // namespace bitgoeul::plan
