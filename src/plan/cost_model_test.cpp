#include "plan/cost_model.h"
#include "plan/testing.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

using testing::write_file;

const std::string kExamples = std::string(BITGOEUL_SOURCE_DIR) + "/examples/plan/";

TEST(Annuity, RepaysThePriceWithInterest) {
  EXPECT_DOUBLE_EQ(annuity_krw_per_year(1000.0, 5, 0.0), 200.0);
  // 100 M KRW over 5 years at 5%: 23,097,480 KRW a year (the textbook annuity factor 0.2309748).
  EXPECT_NEAR(annuity_krw_per_year(100e6, 5, 0.05), 23'097'480.0, 1.0);
  // The payments' present value is the price.
  double present = 0;
  for (int year = 1; year <= 7; ++year) present += annuity_krw_per_year(5e6, 7, 0.03) / std::pow(1.03, year);
  EXPECT_NEAR(present, 5e6, 1e-3);
}

TEST(TaxiCostModel, TheShippedModelReadsAndCostsADay) {
  auto model = read_taxi_cost_model(kExamples + "taxi-cost-model.toml");
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  EXPECT_EQ(model->vehicles_per_depot, 50u);
  const TaxiCost cost = taxi_day_cost(*model, 40, 2, 1000.0, 3.0);
  EXPECT_EQ(cost.depots, 2u);
  EXPECT_NEAR(cost.vehicles_krw, 40 * annuity_krw_per_year(200e6, 5, 0.045) / 365.0, 1e-6);
  EXPECT_DOUBLE_EQ(cost.depots_krw, 2 * 1e6);
  EXPECT_DOUBLE_EQ(cost.operation_krw, 1000.0 * 200);
  EXPECT_DOUBLE_EQ(cost.safety_drivers_krw, 40 * 1.0 * 3.0 * 16500);
  EXPECT_DOUBLE_EQ(cost.total_krw(), cost.vehicles_krw + cost.depots_krw + cost.operation_krw + cost.safety_drivers_krw);
  // 120 vehicles need three depots of 50 even when the scenario starts them from two.
  EXPECT_EQ(taxi_day_cost(*model, 120, 2, 0, 3).depots, 3u);
  EXPECT_EQ(taxi_day_cost(*model, 10, 0, 0, 3).depots, 1u);
}

TEST(TaxiCostModel, MistakesAreNamed) {
  const std::string good =
      "currency = \"KRW\"\n[vehicle]\nprice_krw = 1\nlifetime_years = 5\ninterest_rate = 0\n[operation]\n"
      "krw_per_km = 1\n[safety_driver]\nper_vehicle = 1\nkrw_per_hour = 1\n[depot]\nkrw_per_day = 1\n"
      "vehicles_per_depot = 0\n";
  ASSERT_TRUE(read_taxi_cost_model(write_file("good.toml", good)).is_ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"currency = \"USD\"\n", ":1: currency: only KRW"},
      {"currency = \"KRW\"\n", "missing [vehicle]"},
      {"currency = \"KRW\"\n[vehicle]\nprice_krw = -5\n", ":3: vehicle.price_krw: must be between 0"},
      {"currency = \"KRW\"\n[vehicle]\nprice_krw = \"lots\"\n", "vehicle.price_krw: expected"},
      {"currency = \"KRW\"\n[vehicle]\nprice_krw = 1\nlifetime_years = 0\n", "vehicle.lifetime_years: must be between"},
      {"currency = \"KRW\"\n[vehicle]\nprice_krw = 1\nlifetime_years = 5\n", "missing required key 'vehicle.interest_rate'"},
      {"currency = \"KRW\"\n[vehicle]\nprice_krw = nan\nlifetime_years = 5\ninterest_rate = 0\n", "price_krw: must be"},
      {good + "extra = 1\n", "extra: unknown key"},
      {good.substr(0, good.find("vehicles_per_depot")) + "vehicles_per_depot = 2.5\n", "must be a whole number"},
      {"currency = \"KRW\"\n[vehicle\n", "bad.toml:2"},
  };
  for (const auto& [text, expected] : cases) {
    auto model = read_taxi_cost_model(write_file("bad.toml", text));
    ASSERT_FALSE(model.is_ok()) << text;
    EXPECT_NE(model.status().message().find(expected), std::string::npos) << text << " -> " << model.status().to_string();
  }
  auto missing = read_taxi_cost_model(write_file("none.toml", "") + ".absent");
  EXPECT_FALSE(missing.is_ok());
}

TEST(NpuCostModel, PowerFollowsUtilisationAndUnknownTypesAreRefused) {
  const std::string text =
      "currency = \"KRW\"\nlifetime_years = 4\ninterest_rate = 0\nelectricity_krw_per_kwh = 100\npue = 1.5\n"
      "[[device_types]]\nname = \"NPU\"\ncard_price_krw = 1000\ncard_idle_w = 100\ncard_peak_w = 300\n"
      "node_price_krw = 4000\nnode_w = 500\noperation_krw_per_node_year = 7\n";
  auto model = read_npu_cost_model(write_file("npu.toml", text));
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  auto idle = npu_year_cost(*model, {{"NPU", 2, 16, 0.0}});
  auto busy = npu_year_cost(*model, {{"NPU", 2, 16, 1.0}});
  ASSERT_TRUE(idle.is_ok() && busy.is_ok());
  EXPECT_DOUBLE_EQ(idle->capital_krw, (16 * 1000.0 + 2 * 4000.0) / 4);
  EXPECT_DOUBLE_EQ(idle->operation_krw, 14.0);
  EXPECT_DOUBLE_EQ(idle->power_kw, (16 * 100.0 + 2 * 500.0) * 1.5 / 1000);
  EXPECT_DOUBLE_EQ(busy->power_kw, (16 * 300.0 + 2 * 500.0) * 1.5 / 1000);
  EXPECT_DOUBLE_EQ(busy->power_krw, busy->power_kw * 8760 * 100);
  auto unknown = npu_year_cost(*model, {{"H100", 1, 8, 0.5}});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("'H100'"), std::string::npos);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"currency = \"KRW\"\nlifetime_years = 4\ninterest_rate = 0\nelectricity_krw_per_kwh = 100\npue = 0.5\n",
       ":5: pue: must be between 1"},
      {"currency = \"KRW\"\nlifetime_years = 4\ninterest_rate = 0\nelectricity_krw_per_kwh = 100\npue = 1.2\n",
       "missing [[device_types]]"},
      {text + "[[device_types]]\nname = \"NPU\"\ncard_price_krw = 1\ncard_idle_w = 1\ncard_peak_w = 1\nnode_price_krw = 1\n"
              "node_w = 1\noperation_krw_per_node_year = 1\n",
       "device type 'NPU' priced twice"},
      {"currency = \"KRW\"\nlifetime_years = 4\ninterest_rate = 0\nelectricity_krw_per_kwh = 100\npue = 1.2\n"
       "[[device_types]]\nname = \"X\"\ncard_price_krw = 1\ncard_idle_w = 10\ncard_peak_w = 5\n",
       "card_peak_w: must not be below card_idle_w"},
  };
  for (const auto& [bad, expected] : cases) {
    auto read = read_npu_cost_model(write_file("bad_npu.toml", bad));
    ASSERT_FALSE(read.is_ok()) << bad;
    EXPECT_NE(read.status().message().find(expected), std::string::npos) << bad << " -> " << read.status().to_string();
  }
}

}  // namespace
}  // namespace bitgoeul::plan
