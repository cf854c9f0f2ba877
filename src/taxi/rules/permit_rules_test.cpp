#include "taxi/rules/permit_rules.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "taxi/rules/permit_file.h"
#include "taxi/rules/testing.h"

namespace bitgoeul::taxi::rules {
namespace {

using testing::everyday_permit;
using testing::kH;
using testing::kWednesday;
using testing::rectangle;

const geo::Zone kArea = rectangle("pilot", {35.10, 126.80}, {35.20, 126.90});

TripRequest trip(double time_s, geo::LatLon from, geo::LatLon to) {
  TripRequest request;
  request.request_time_s = time_s;
  request.origin = from;
  request.destination = to;
  return request;
}

TEST(PermitRules, WindowsCrossMidnightIntoTheNextDay) {
  auto rules = PermitRules::create(everyday_permit(kArea), kWednesday, 30 * kH);
  ASSERT_TRUE(rules.is_ok()) << rules.status().to_string();
  EXPECT_TRUE(rules->open_at(1 * kH));  // Tuesday's 22:00-02:00 window
  EXPECT_FALSE(rules->open_at(2 * kH));
  EXPECT_FALSE(rules->open_at(6.99 * kH));
  EXPECT_TRUE(rules->open_at(7 * kH));
  EXPECT_FALSE(rules->open_at(10 * kH));
  EXPECT_TRUE(rules->open_at(23 * kH));
  EXPECT_TRUE(rules->open_at(25.5 * kH));  // 01:30 on Thursday
  EXPECT_FALSE(rules->open_at(26 * kH));
  EXPECT_EQ(rules->change_times(0, 30 * kH), (std::vector<double>{2 * kH, 7 * kH, 10 * kH, 22 * kH, 26 * kH}));
}

TEST(PermitRules, DayTypesDecideTheHours) {
  Permit permit = everyday_permit(kArea);
  permit.hours[static_cast<size_t>(DayType::kWeekday)] = {{7 * kH, 10 * kH}};
  permit.hours[static_cast<size_t>(DayType::kWeekend)] = {{10 * kH, 26 * kH}};
  permit.hours[static_cast<size_t>(DayType::kHoliday)] = {};
  // Friday 2026-11-27: weekday hours, and none past midnight into Saturday.
  auto friday = PermitRules::create(permit, {2026, 11, 27}, 48 * kH);
  ASSERT_TRUE(friday.is_ok());
  EXPECT_TRUE(friday->open_at(8 * kH));
  EXPECT_FALSE(friday->open_at(12 * kH));
  EXPECT_FALSE(friday->open_at(24.5 * kH));                   // Saturday 00:30
  EXPECT_TRUE(friday->open_at(24 * kH + 10 * kH));             // Saturday 10:00
  EXPECT_TRUE(friday->open_at(48 * kH + 1 * kH));              // Sunday 01:00, Saturday's window
  // Chuseok 2026-09-25, a Friday: closed all day.
  auto chuseok = PermitRules::create(permit, {2026, 9, 25}, 24 * kH);
  EXPECT_FALSE(chuseok->open_at(8 * kH));
  // An extra holiday of the permit closes a weekday.
  permit.extra_holidays = {kWednesday};
  EXPECT_FALSE(PermitRules::create(permit, kWednesday, 24 * kH)->open_at(8 * kH));
  // Outside the permit's validity the service is closed; outside the holiday list it is an error.
  permit.valid_until = {2026, 11, 24};
  EXPECT_FALSE(PermitRules::create(permit, kWednesday, 24 * kH)->open_at(8 * kH));
  Permit far_future = everyday_permit(kArea);
  far_future.valid_until = {2031, 12, 31};
  EXPECT_FALSE(PermitRules::create(far_future, {2031, 1, 6}, 24 * kH).is_ok());
}

TEST(PermitRules, AdmissionNamesTheRuleAndCapsThePickupAtClosing) {
  Permit permit = everyday_permit(kArea);
  permit.excluded = {rectangle("works", {35.14, 126.84}, {35.16, 126.86})};
  permit.suspensions = {{midnight_s(kWednesday) + static_cast<int64_t>(8 * kH),
                         midnight_s(kWednesday) + static_cast<int64_t>(8.5 * kH), "heavy snow"}};
  auto rules = PermitRules::create(permit, kWednesday, 24 * kH);
  ASSERT_TRUE(rules.is_ok());
  const geo::LatLon in1{35.12, 126.82};
  const geo::LatLon in2{35.18, 126.88};

  TripRequest early = trip(6 * kH, in1, in2);
  EXPECT_EQ(rules->admit(early, 600).reason, RejectReason::kOutsideOperatingHours);
  TripRequest snowed = trip(8.2 * kH, in1, in2);
  const Admission suspended = rules->admit(snowed, 600);
  EXPECT_EQ(suspended.reason, RejectReason::kServiceSuspended);
  EXPECT_EQ(suspended.rule, "suspension: heavy snow");
  TripRequest outside = trip(7.5 * kH, in1, {35.25, 126.85});
  EXPECT_EQ(rules->admit(outside, 600).rule, "area: destination outside");
  TripRequest excluded = trip(7.5 * kH, {35.15, 126.85}, in2);
  EXPECT_EQ(rules->admit(excluded, 600).reason, RejectReason::kOutsidePermittedArea);

  TripRequest ok = trip(7.5 * kH, in1, in2);
  EXPECT_EQ(rules->admit(ok, 600).reason, RejectReason::kNone);
  EXPECT_DOUBLE_EQ(*ok.latest_pickup_s, 7.5 * kH + 600);
  TripRequest before_snow = trip(7.95 * kH, in1, in2);
  EXPECT_EQ(rules->admit(before_snow, 600).reason, RejectReason::kNone);
  EXPECT_DOUBLE_EQ(*before_snow.latest_pickup_s, 8 * kH);  // the suspension starts at 08:00
  TripRequest before_closing = trip(9.9 * kH, in1, in2);
  rules->admit(before_closing, 600);
  EXPECT_DOUBLE_EQ(*before_closing.latest_pickup_s, 10 * kH);
}

TEST(PermitRules, DesignatedStopsWithinWalkingDistance) {
  Permit permit = everyday_permit(kArea);
  permit.stops = {{"A", "A", {35.120, 126.820}}, {"B", "B", {35.180, 126.880}}, {"C", "C", {35.121, 126.820}}};
  permit.max_walk_m = 300;
  auto rules = PermitRules::create(permit, kWednesday, 24 * kH);
  ASSERT_TRUE(rules.is_ok());
  TripRequest request = trip(8 * kH, {35.1202, 126.8201}, {35.1790, 126.8800});
  const Admission admission = rules->admit(request, 600);
  ASSERT_EQ(admission.reason, RejectReason::kNone);
  EXPECT_EQ(admission.pickup_stop, 0);
  EXPECT_EQ(admission.dropoff_stop, 1);
  EXPECT_NEAR(admission.walk_to_pickup_m, geo::haversine_m({35.1202, 126.8201}, {35.120, 126.820}), 1e-6);
  EXPECT_NEAR(admission.walk_from_dropoff_m, 111.2, 1.0);
  EXPECT_EQ(request.origin, permit.stops[0].point);  // moved to the stop
  EXPECT_EQ(admission.asked_origin, (geo::LatLon{35.1202, 126.8201}));

  TripRequest far = trip(8 * kH, {35.150, 126.850}, {35.1790, 126.8800});
  const Admission refused = rules->admit(far, 600);
  EXPECT_EQ(refused.reason, RejectReason::kNoDesignatedStop);
  EXPECT_EQ(refused.rule, "stops: none within 300 m of the origin");
  TripRequest same = trip(8 * kH, {35.1200, 126.8200}, {35.1201, 126.8200});
  EXPECT_EQ(rules->admit(same, 600).reason, RejectReason::kNoDesignatedStop);
  // The grid finds the same stop as a scan of all stops, on random points.
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> lat(35.11, 35.19);
  std::uniform_real_distribution<double> lon(126.81, 126.89);
  for (int i = 0; i < 2000; ++i) {
    TripRequest r = trip(8 * kH, {lat(random), lon(random)}, permit.stops[1].point);
    const geo::LatLon asked = r.origin;
    const Admission a = rules->admit(r, 600);
    int best = -1;
    double best_m = std::numeric_limits<double>::infinity();
    for (size_t s = 0; s < permit.stops.size(); ++s) {
      const double m = geo::haversine_m(asked, permit.stops[s].point);
      if (m < best_m) best_m = m, best = static_cast<int>(s);
    }
    if (best_m > 300) best = -1;
    EXPECT_EQ(a.pickup_stop, best) << asked.lat << "," << asked.lon;
  }
}

TEST(PermitRules, SafetyDriverShiftsAndTheFleetCap) {
  Permit permit = everyday_permit(kArea);
  permit.hours = {std::vector<DailyWindow>{{6 * kH, 23 * kH}}, {{6 * kH, 23 * kH}}, {{6 * kH, 23 * kH}}};
  permit.safety_driver_vehicles = 2;
  permit.safety_driver_shifts = {{7 * kH, 12 * kH}, {13 * kH, 18 * kH}};
  permit.max_vehicles = 5;
  auto rules = PermitRules::create(permit, kWednesday, 24 * kH);
  ASSERT_TRUE(rules.is_ok());
  constexpr double kNever = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(rules->pickups_until(0, 6.5 * kH), kNever);     // driver not yet on duty
  EXPECT_EQ(rules->pickups_until(0, 8 * kH), 12 * kH);      // end of the shift
  EXPECT_EQ(rules->pickups_until(1, 12.5 * kH), kNever);    // between shifts
  EXPECT_EQ(rules->pickups_until(2, 6.5 * kH), 23 * kH);    // driverless: end of the service
  EXPECT_EQ(rules->pickups_until(4, 8 * kH), 23 * kH);
  EXPECT_EQ(rules->pickups_until(5, 8 * kH), kNever);       // over the fleet cap
  EXPECT_TRUE(rules->pickup_allowed(0, 12 * kH));           // the shift's last minute counts
  EXPECT_FALSE(rules->pickup_allowed(0, 12.01 * kH));
  EXPECT_EQ(rules->change_times(0, 24 * kH),
            (std::vector<double>{6 * kH, 7 * kH, 12 * kH, 13 * kH, 18 * kH, 23 * kH}));
}

TEST(PermitRules, IntervalArithmetic) {
  EXPECT_EQ(merge_intervals({{5, 7}, {0, 2}, {1, 3}, {7, 8}}).size(), 2u);
  const auto cut = subtract_intervals({{0, 10}, {20, 30}}, {{2, 4}, {8, 22}, {29, 40}});
  ASSERT_EQ(cut.size(), 3u);
  EXPECT_EQ(cut[0].end_s, 2);
  EXPECT_EQ(cut[1].start_s, 4);
  EXPECT_EQ(cut[1].end_s, 8);
  EXPECT_EQ(cut[2].start_s, 22);
  EXPECT_EQ(cut[2].end_s, 29);
}

}  // namespace
}  // namespace bitgoeul::taxi::rules
