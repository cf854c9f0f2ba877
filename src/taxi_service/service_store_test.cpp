// The dispatch store as a specification: what is committed is read back whole after reopening, what is rolled back
// never was, and damaged rows are named.

#include "taxi_service/service_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/sqlite_db.h"

namespace bitgoeul::taxi_service {
namespace {

std::string fresh_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_service_store_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

StoredVehicle vehicle(const std::string& id, int64_t index) {
  StoredVehicle v;
  v.id = id;
  v.index = index;
  v.capacity = 3;
  v.lat = 37.51;
  v.lon = 127.11;
  v.edge = 17;
  v.fraction = 0.25;
  v.anchor_s = 1.7e9 + 4;
  v.status = "available";
  v.registered = 1.7e9;
  v.updated = 1.7e9 + 5.5;
  v.plan_version = 2;
  v.plan = {{0, true}, {0, false}};
  return v;
}

StoredRide ride(int64_t index) {
  StoredRide r;
  r.index = index;
  r.rider = "ann";
  r.status = "assigned";
  r.asked_origin_lat = 37.5102;
  r.asked_origin_lon = 127.1101;
  r.asked_destination_lat = 37.5249;
  r.asked_destination_lon = 127.1098;
  r.origin_lat = 37.5101;
  r.origin_lon = 127.1102;
  r.destination_lat = 37.525;
  r.destination_lon = 127.1097;
  r.pickup_stop = "S14";
  r.dropoff_stop = "S44";
  r.passengers = 2;
  r.requested = 1.7e9 + 1;
  r.latest_pickup = 1.7e9 + 601;
  r.vehicle = "v1";
  r.assigned = 1.7e9 + 1;
  return r;
}

TEST(ServiceStore, WhatWasCommittedIsReadBackAfterReopening) {
  const std::string path = fresh_path("commit.sqlite");
  {
    auto store = ServiceStore::open(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->begin().is_ok());
    ASSERT_TRUE((*store)->put_vehicle(vehicle("v1", 0)).is_ok());
    ASSERT_TRUE((*store)->put_ride(ride(0)).is_ok());
    ASSERT_TRUE((*store)->add_ride_event(0, 1.7e9 + 1, "assigned", "dispatch", "v1").is_ok());
    ASSERT_TRUE((*store)->set_zone_suspended("pilot-east", true, 1.7e9, "ops-1").is_ok());
    ASSERT_TRUE((*store)->set_zone_suspended("pilot-west", false, 1.7e9, "ops-1").is_ok());
    auto incident = (*store)->add_incident({0, "v1", 1.7e9 + 3, "disengagement", "pedestrian", 37.5, std::nullopt});
    ASSERT_TRUE(incident.is_ok());
    EXPECT_EQ(*incident, 1);
    ASSERT_TRUE((*store)->put_position("v1", 37.52, 127.12, 18, 0.5, 1.7e9 + 8, "busy", 1.7e9 + 9).is_ok());
    ASSERT_TRUE((*store)->commit().is_ok());
  }
  auto store = ServiceStore::open(path);
  ASSERT_TRUE(store.is_ok());
  auto state = (*store)->load();
  ASSERT_TRUE(state.is_ok()) << state.status().to_string();
  StoredVehicle moved = vehicle("v1", 0);
  moved.lat = 37.52;
  moved.lon = 127.12;
  moved.edge = 18;
  moved.fraction = 0.5;
  moved.anchor_s = 1.7e9 + 8;
  moved.status = "busy";
  moved.updated = 1.7e9 + 9;
  ASSERT_EQ(state->vehicles.size(), 1u);
  EXPECT_EQ(state->vehicles[0], moved);
  ASSERT_EQ(state->rides.size(), 1u);
  EXPECT_EQ(state->rides[0], ride(0));
  EXPECT_EQ(state->suspended_zones, std::vector<std::string>{"pilot-east"});
  EXPECT_EQ(state->incidents, 1);
}

TEST(ServiceStore, WhatWasRolledBackNeverWas) {
  const std::string path = fresh_path("rollback.sqlite");
  auto store = ServiceStore::open(path);
  ASSERT_TRUE(store.is_ok());
  const auto empty = (*store)->dump();
  ASSERT_TRUE(empty.is_ok());
  ASSERT_TRUE((*store)->begin().is_ok());
  ASSERT_TRUE((*store)->put_vehicle(vehicle("v1", 0)).is_ok());
  EXPECT_FALSE((*store)->begin().is_ok());  // one transaction at a time
  (*store)->rollback();
  EXPECT_EQ(*(*store)->dump(), *empty);
  // A position for a vehicle never registered is refused.
  ASSERT_TRUE((*store)->begin().is_ok());
  const Status unknown = (*store)->put_position("v9", 37.5, 127.1, 1, 0.0, 1.0, "available", 1.0);
  EXPECT_EQ(unknown.code(), ErrorCode::kNotFound);
  (*store)->rollback();
  EXPECT_FALSE((*store)->commit().is_ok());  // nothing open
  EXPECT_EQ(*(*store)->dump(), *empty);
}

TEST(ServiceStore, PlansRoundTripAndBadOnesAreNamed) {
  const std::vector<StoredStop> plan = {{12, true}, {13, true}, {12, false}, {13, false}};
  EXPECT_EQ(format_plan(plan), "p12 p13 d12 d13");
  EXPECT_EQ(*parse_plan("p12 p13 d12 d13"), plan);
  EXPECT_TRUE(parse_plan("")->empty());
  for (const char* bad : {"x12", "p", "p-1", "p12x", "p12  d12", "d1e3"}) {
    const auto parsed = parse_plan(bad);
    EXPECT_FALSE(parsed.is_ok()) << bad;
    if (!parsed.is_ok()) {
      EXPECT_NE(parsed.status().message().find("is not p<ride> or d<ride>"), std::string::npos);
    }
  }
}

TEST(ServiceStore, ANonDatabaseFileIsRefusedByName) {
  const std::string path = fresh_path("garbage.sqlite");
  {
    FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not a database, just text long enough to look like a header.........................", file);
    std::fclose(file);
  }
  const auto store = ServiceStore::open(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().to_string();
}

TEST(ServiceStore, DamagedRowsAreNamedOnLoad) {
  const std::string path = fresh_path("damaged.sqlite");
  {
    auto store = ServiceStore::open(path);
    ASSERT_TRUE(store.is_ok());
    ASSERT_TRUE((*store)->begin().is_ok());
    ASSERT_TRUE((*store)->put_vehicle(vehicle("v1", 0)).is_ok());
    ASSERT_TRUE((*store)->commit().is_ok());
  }
  {
    auto db = SqliteDb::open(path, false);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE((*db)->exec("UPDATE vehicles SET plan = 'p1 q2'").is_ok());
  }
  auto store = ServiceStore::open(path);
  ASSERT_TRUE(store.is_ok());
  const auto state = (*store)->load();
  ASSERT_FALSE(state.is_ok());
  EXPECT_NE(state.status().message().find("vehicle 'v1'"), std::string::npos) << state.status().to_string();
}

TEST(ServiceStore, ADayHoldsTheRidesAndIncidentsOfItsSpanOnly) {
  const std::string path = fresh_path("day.sqlite");
  auto store = ServiceStore::open(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  const double from = 1.7e9, to = 1.7e9 + 86400;
  StoredRide before = ride(0);  // requested and over the day before
  before.status = "rejected";
  before.requested = from - 10;
  before.ended = from - 10;
  before.assigned.reset();
  before.picked_up.reset();
  before.dropped_off.reset();
  StoredRide across = ride(1);  // requested the day before, dropped off on the day
  across.status = "completed";
  across.requested = from - 100;
  across.picked_up = from - 50;
  across.dropped_off = from + 50;
  StoredRide last = ride(2);  // requested at the day's last second
  last.requested = to - 1;
  last.assigned = to - 1;
  StoredRide after = ride(3);  // the next day's first
  after.requested = to;
  after.assigned = to;
  ASSERT_TRUE((*store)->begin().is_ok());
  for (const StoredRide& r : {before, across, last, after}) ASSERT_TRUE((*store)->put_ride(r).is_ok());
  ASSERT_TRUE((*store)->add_incident({0, "v1", from - 1, "incident", "", std::nullopt, std::nullopt}).is_ok());
  ASSERT_TRUE((*store)->add_incident({0, "v2", from, "disengagement", "cyclist", 37.5, 127.1}).is_ok());
  ASSERT_TRUE((*store)->add_incident({0, "v1", to, "incident", "", std::nullopt, std::nullopt}).is_ok());
  ASSERT_TRUE((*store)->set_zone_suspended("north", true, from + 5, "operator:ops").is_ok());
  ASSERT_TRUE((*store)->commit().is_ok());
  auto day = (*store)->load_day(from, to);
  ASSERT_TRUE(day.is_ok()) << day.status().to_string();
  ASSERT_EQ(day->rides.size(), 2u);
  EXPECT_EQ(day->rides[0], across);
  EXPECT_EQ(day->rides[1], last);
  ASSERT_EQ(day->incidents.size(), 1u);
  EXPECT_EQ(day->incidents[0].vehicle, "v2");
  EXPECT_EQ(day->incidents[0].lon, 127.1);
  ASSERT_EQ(day->zones.size(), 1u);
  EXPECT_EQ(day->zones[0].id, "north");
  EXPECT_TRUE(day->zones[0].suspended);
  EXPECT_EQ(day->zones[0].time, from + 5);
  EXPECT_EQ(day->zones[0].actor, "operator:ops");
}

}  // namespace
}  // namespace bitgoeul::taxi_service
