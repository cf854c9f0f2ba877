#include "taxi/demand_csv.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul::taxi {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("bitgoeul_demand_csv_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(DemandCsv, ReadsNycTlcYellowColumnsAsTheyAre) {
  // The 2015 yellow-taxi layout, trimmed to a few columns and rows; the (0, 0) row is the TLC's unknown position.
  const std::string path = write_temp("tlc.csv",
                                      "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,"
                                      "pickup_longitude,pickup_latitude,dropoff_longitude,dropoff_latitude\n"
                                      "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,-73.99,40.75,-73.97,40.75\n"
                                      "1,2015-01-15 00:10:00,2015-01-15 00:20:00,3,-73.98,40.76,-73.95,40.78\n"
                                      "1,2015-01-16 01:00:00,2015-01-16 01:20:00,2,-73.98,40.76,-73.95,40.78\n"
                                      "1,2015-01-16 02:00:00,2015-01-16 02:20:00,1,0,0,-73.95,40.78\n");
  DemandReadReport report;
  auto requests = read_demand_csv(path, DemandColumns::nyc_tlc_yellow(), BadRowPolicy::kSkip, &report);
  ASSERT_TRUE(requests.is_ok()) << requests.status().to_string();
  ASSERT_EQ(requests->size(), 3u);
  EXPECT_EQ(report.rows_read, 4u);
  EXPECT_EQ(report.rows_skipped, 1u);
  EXPECT_NE(report.first_errors[0].find(path + ":5: origin is (0, 0)"), std::string::npos) << report.first_errors[0];
  // Sorted by time, seconds since midnight of the first date, ids renumbered.
  EXPECT_DOUBLE_EQ((*requests)[0].request_time_s, 600.0);
  EXPECT_EQ((*requests)[0].passengers, 3);
  EXPECT_EQ((*requests)[0].id, 0u);
  EXPECT_DOUBLE_EQ((*requests)[1].request_time_s, 19 * 3600 + 5 * 60 + 39);
  EXPECT_DOUBLE_EQ((*requests)[2].request_time_s, 86400 + 3600);
  EXPECT_DOUBLE_EQ((*requests)[1].origin.lon, -73.99);
}

TEST(DemandCsv, StopPolicyNamesTheFirstBadRow) {
  const std::string path = write_temp("bad.csv",
                                      "request_time_s,origin_lat,origin_lon,destination_lat,destination_lon\n"
                                      "10,37.51,127.10,37.52,127.11\n"
                                      "20,37.51,abc,37.52,127.11\n");
  auto requests = read_demand_csv(path, DemandColumns{}, BadRowPolicy::kStop);
  ASSERT_FALSE(requests.is_ok());
  EXPECT_NE(requests.status().message().find(path + ":3: column 'origin_lon': 'abc' is not a number"),
            std::string::npos)
      << requests.status().message();
}

TEST(DemandCsv, EachKindOfBadRowIsNamed) {
  const std::string header = "request_time_s,origin_lat,origin_lon,destination_lat,destination_lon,passengers,"
                             "latest_pickup_s\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-5,37.5,127.1,37.52,127.11,1,", "is negative"},
      {"2015-02-30 10:00:00,37.5,127.1,37.52,127.11,1,", "neither seconds nor a date-time"},
      {"10,95,127.1,37.52,127.11,1,", "outside latitude"},
      {"10,37.5,127.1,37.52,127.11,0,", "0 passengers is outside 1..20"},
      {"10,37.5,127.1,37.52,127.11,1,5", "latest pick-up is before the request"},
      {"10,37.5,127.1,37.52,127.11,1", "6 fields, the header has 7"},
      {"10,37.5,127.1,nan,127.11,1,", "'nan' is not a number"},
  };
  for (const auto& [row, expected] : cases) {
    const std::string path = write_temp("case.csv", header + row + "\n");
    auto requests = read_demand_csv(path, DemandColumns{}, BadRowPolicy::kStop);
    ASSERT_FALSE(requests.is_ok()) << row;
    EXPECT_NE(requests.status().message().find(expected), std::string::npos) << requests.status().message();
    EXPECT_NE(requests.status().message().find(":2:"), std::string::npos) << requests.status().message();
  }
  auto missing_column = read_demand_csv(write_temp("nocol.csv", "time,a\n1,2\n"), DemandColumns{}, BadRowPolicy::kStop);
  EXPECT_NE(missing_column.status().message().find("no column 'request_time_s'"), std::string::npos);
}

TEST(DemandCsv, WriteThenReadIsIdentity) {
  std::vector<TripRequest> requests(2);
  requests[0] = {0, 30.5, {37.5, 127.1}, {37.52, 127.11}, 2, 330.5};
  requests[1] = {1, 60.0, {37.51, 127.12}, {37.50, 127.09}, 1, std::nullopt};
  const std::string path = write_temp("roundtrip.csv", "");
  ASSERT_TRUE(write_demand_csv(requests, path).is_ok());
  auto read = read_demand_csv(path, DemandColumns{}, BadRowPolicy::kStop);
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_DOUBLE_EQ((*read)[0].latest_pickup_s.value(), 330.5);
  EXPECT_FALSE((*read)[1].latest_pickup_s.has_value());
  EXPECT_EQ((*read)[0].passengers, 2);
  EXPECT_DOUBLE_EQ((*read)[1].origin.lon, 127.12);
}

}  // namespace
}  // namespace bitgoeul::taxi
