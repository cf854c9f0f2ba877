#include "taxi_service/service_store.h"

#include <cmath>

#include <fmt/format.h>

namespace bitgoeul::taxi_service {
namespace {

constexpr int64_t kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vehicles (
  id TEXT PRIMARY KEY, idx INTEGER NOT NULL UNIQUE, capacity INTEGER NOT NULL,
  lat REAL NOT NULL, lon REAL NOT NULL, edge INTEGER NOT NULL, fraction REAL NOT NULL, anchor_s REAL NOT NULL,
  status TEXT NOT NULL, pulled INTEGER NOT NULL, registered REAL NOT NULL, updated REAL NOT NULL,
  plan_version INTEGER NOT NULL, plan TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rides (
  idx INTEGER PRIMARY KEY, rider TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, rule TEXT NOT NULL,
  asked_origin_lat REAL NOT NULL, asked_origin_lon REAL NOT NULL,
  asked_destination_lat REAL NOT NULL, asked_destination_lon REAL NOT NULL,
  origin_lat REAL NOT NULL, origin_lon REAL NOT NULL, destination_lat REAL NOT NULL, destination_lon REAL NOT NULL,
  pickup_stop TEXT NOT NULL, dropoff_stop TEXT NOT NULL, passengers INTEGER NOT NULL,
  requested REAL NOT NULL, latest_pickup REAL NOT NULL, vehicle TEXT NOT NULL,
  assigned REAL, picked_up REAL, dropped_off REAL, ended REAL);
CREATE INDEX IF NOT EXISTS rides_by_rider ON rides (rider);
CREATE TABLE IF NOT EXISTS ride_events (
  ride INTEGER NOT NULL REFERENCES rides (idx), time REAL NOT NULL, status TEXT NOT NULL, actor TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY, vehicle TEXT NOT NULL, time REAL NOT NULL, kind TEXT NOT NULL, note TEXT NOT NULL,
  lat REAL, lon REAL);
CREATE TABLE IF NOT EXISTS zones (id TEXT PRIMARY KEY, suspended INTEGER NOT NULL, time REAL NOT NULL,
  actor TEXT NOT NULL);
)sql";

constexpr const char* kRideColumns =
    "idx, rider, status, reason, rule, asked_origin_lat, asked_origin_lon, asked_destination_lat, "
    "asked_destination_lon, origin_lat, origin_lon, destination_lat, destination_lon, pickup_stop, "
    "dropoff_stop, passengers, requested, latest_pickup, vehicle, assigned, picked_up, dropped_off, ended";

// One row of SELECT kRideColumns FROM rides.
StoredRide read_ride(const SqliteStatement& rides) {
  StoredRide r;
  r.index = rides.integer(0);
  r.rider = rides.text(1);
  r.status = rides.text(2);
  r.reason = rides.text(3);
  r.rule = rides.text(4);
  r.asked_origin_lat = rides.real(5);
  r.asked_origin_lon = rides.real(6);
  r.asked_destination_lat = rides.real(7);
  r.asked_destination_lon = rides.real(8);
  r.origin_lat = rides.real(9);
  r.origin_lon = rides.real(10);
  r.destination_lat = rides.real(11);
  r.destination_lon = rides.real(12);
  r.pickup_stop = rides.text(13);
  r.dropoff_stop = rides.text(14);
  r.passengers = rides.integer(15);
  r.requested = rides.real(16);
  r.latest_pickup = rides.real(17);
  r.vehicle = rides.text(18);
  r.assigned = rides.optional_real(19);
  r.picked_up = rides.optional_real(20);
  r.dropped_off = rides.optional_real(21);
  r.ended = rides.optional_real(22);
  return r;
}

enum Slot { kPutVehicle, kPutPosition, kPutRide, kAddRideEvent, kAddIncident, kSetZone, kSlotCount };

}  // namespace

std::string format_plan(const std::vector<StoredStop>& plan) {
  std::string text;
  for (const StoredStop& stop : plan) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{}{}", stop.pickup ? 'p' : 'd', stop.ride);
  }
  return text;
}

Result<std::vector<StoredStop>> parse_plan(const std::string& text) {
  std::vector<StoredStop> plan;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    int64_t ride = -1;
    size_t used = 0;
    if (word.size() >= 2 && (word[0] == 'p' || word[0] == 'd')) {
      try {
        ride = std::stoll(word.substr(1), &used);
      } catch (const std::exception&) {
        ride = -1;
      }
    }
    if (ride < 0 || used + 1 != word.size()) return corrupt("plan '{}': '{}' is not p<ride> or d<ride>", text, word);
    plan.push_back({ride, word[0] == 'p'});
    at = end + 1;
  }
  return plan;
}

ServiceStore::~ServiceStore() {
  transaction_.reset();
  statements_.clear();  // finalized before the connection closes
}

Result<std::unique_ptr<ServiceStore>> ServiceStore::open(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::open(path, /*create=*/true));
  BITGOEUL_RETURN_IF_ERROR(db->exec(kSchema));
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement version, db->prepare("SELECT value FROM meta WHERE key = 'schema'"));
  BITGOEUL_ASSIGN_OR_RETURN(const bool found, version.step());
  if (!found) {
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement insert, db->prepare("INSERT INTO meta (key, value) VALUES ('schema', ?1)"));
    BITGOEUL_RETURN_IF_ERROR(insert.bind(1, std::to_string(kSchemaVersion)).run());
  } else if (version.text(0) != std::to_string(kSchemaVersion)) {
    return unsupported("{}: dispatch store schema {} (this version reads {})", path, version.text(0), kSchemaVersion);
  }
  std::unique_ptr<ServiceStore> store(new ServiceStore(std::move(db)));
  store->statements_.resize(kSlotCount);
  return store;
}

Result<SqliteStatement*> ServiceStore::statement(int slot, const char* sql) {
  std::optional<SqliteStatement>& prepared = statements_[static_cast<size_t>(slot)];
  if (!prepared) {
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement made, db_->prepare(sql));
    prepared.emplace(std::move(made));
  } else {
    prepared->reset();
  }
  return &*prepared;
}

Status ServiceStore::begin() {
  if (transaction_) return internal_error("{}: a transaction is already open", path());
  BITGOEUL_ASSIGN_OR_RETURN(SqliteTransaction transaction, SqliteTransaction::begin(*db_));
  transaction_.emplace(std::move(transaction));
  return Status::ok();
}

Status ServiceStore::commit() {
  if (!transaction_) return internal_error("{}: commit without a transaction", path());
  Status status = transaction_->commit();
  transaction_.reset();  // rolls back if the commit failed
  return status;
}

void ServiceStore::rollback() { transaction_.reset(); }

Status ServiceStore::put_vehicle(const StoredVehicle& v) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kPutVehicle,
                "INSERT OR REPLACE INTO vehicles (id, idx, capacity, lat, lon, edge, fraction, status, pulled, "
                "registered, updated, plan_version, plan, anchor_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                "?12, ?13, ?14)"));
  return s->bind(1, v.id)
      .bind(2, v.index)
      .bind(3, v.capacity)
      .bind(4, v.lat)
      .bind(5, v.lon)
      .bind(6, v.edge)
      .bind(7, v.fraction)
      .bind(8, v.status)
      .bind(9, int64_t{v.pulled ? 1 : 0})
      .bind(10, v.registered)
      .bind(11, v.updated)
      .bind(12, v.plan_version)
      .bind(13, format_plan(v.plan))
      .bind(14, v.anchor_s)
      .run();
}

Status ServiceStore::put_position(const std::string& vehicle, double lat, double lon, int64_t edge, double fraction,
                                  double anchor_s, const std::string& status, double updated) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kPutPosition,
                "UPDATE vehicles SET lat = ?2, lon = ?3, edge = ?4, fraction = ?5, status = ?6, updated = ?7, anchor_s = ?8 "
                "WHERE id = ?1"));
  BITGOEUL_RETURN_IF_ERROR(s->bind(1, vehicle)
                               .bind(2, lat)
                               .bind(3, lon)
                               .bind(4, edge)
                               .bind(5, fraction)
                               .bind(6, status)
                               .bind(7, updated)
                               .bind(8, anchor_s)
                               .run());
  if (db_->changes() != 1) return not_found("{}: no vehicle '{}'", path(), vehicle);
  return Status::ok();
}

Status ServiceStore::put_ride(const StoredRide& r) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kPutRide,
                "INSERT OR REPLACE INTO rides (idx, rider, status, reason, rule, asked_origin_lat, asked_origin_lon, "
                "asked_destination_lat, asked_destination_lon, origin_lat, origin_lon, destination_lat, "
                "destination_lon, pickup_stop, dropoff_stop, passengers, requested, latest_pickup, vehicle, assigned, "
                "picked_up, dropped_off, ended) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)"));
  return s->bind(1, r.index)
      .bind(2, r.rider)
      .bind(3, r.status)
      .bind(4, r.reason)
      .bind(5, r.rule)
      .bind(6, r.asked_origin_lat)
      .bind(7, r.asked_origin_lon)
      .bind(8, r.asked_destination_lat)
      .bind(9, r.asked_destination_lon)
      .bind(10, r.origin_lat)
      .bind(11, r.origin_lon)
      .bind(12, r.destination_lat)
      .bind(13, r.destination_lon)
      .bind(14, r.pickup_stop)
      .bind(15, r.dropoff_stop)
      .bind(16, r.passengers)
      .bind(17, r.requested)
      .bind(18, r.latest_pickup)
      .bind(19, r.vehicle)
      .bind(20, r.assigned)
      .bind(21, r.picked_up)
      .bind(22, r.dropped_off)
      .bind(23, r.ended)
      .run();
}

Status ServiceStore::add_ride_event(int64_t ride, double time, const std::string& status, const std::string& actor,
                                    const std::string& detail) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kAddRideEvent, "INSERT INTO ride_events (ride, time, status, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)"));
  return s->bind(1, ride).bind(2, time).bind(3, status).bind(4, actor).bind(5, detail).run();
}

Result<int64_t> ServiceStore::add_incident(const StoredIncident& incident) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kAddIncident, "INSERT INTO incidents (vehicle, time, kind, note, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  BITGOEUL_RETURN_IF_ERROR(s->bind(1, incident.vehicle)
                               .bind(2, incident.time)
                               .bind(3, incident.kind)
                               .bind(4, incident.note)
                               .bind(5, incident.lat)
                               .bind(6, incident.lon)
                               .run());
  return db_->last_insert_id();
}

Status ServiceStore::set_zone_suspended(const std::string& zone, bool suspended, double time, const std::string& actor) {
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement * s,
      statement(kSetZone, "INSERT OR REPLACE INTO zones (id, suspended, time, actor) VALUES (?1, ?2, ?3, ?4)"));
  return s->bind(1, zone).bind(2, int64_t{suspended ? 1 : 0}).bind(3, time).bind(4, actor).run();
}

Result<StoredState> ServiceStore::load() {
  StoredState state;
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement vehicles,
      db_->prepare("SELECT id, idx, capacity, lat, lon, edge, fraction, status, pulled, registered, updated, "
                   "plan_version, plan, anchor_s FROM vehicles ORDER BY idx"));
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, vehicles.step());
    if (!row) break;
    StoredVehicle v;
    v.id = vehicles.text(0);
    v.index = vehicles.integer(1);
    v.capacity = vehicles.integer(2);
    v.lat = vehicles.real(3);
    v.lon = vehicles.real(4);
    v.edge = vehicles.integer(5);
    v.fraction = vehicles.real(6);
    v.status = vehicles.text(7);
    v.pulled = vehicles.integer(8) != 0;
    v.registered = vehicles.real(9);
    v.updated = vehicles.real(10);
    v.plan_version = vehicles.integer(11);
    v.anchor_s = vehicles.real(13);
    auto plan = parse_plan(vehicles.text(12));
    if (!plan.is_ok()) return corrupt("{}: vehicle '{}': {}", path(), v.id, plan.status().message());
    v.plan = std::move(plan).value();
    if (v.index != static_cast<int64_t>(state.vehicles.size())) {
      return corrupt("{}: vehicle '{}' has index {}, expected {} (indices are dense)", path(), v.id, v.index,
                     state.vehicles.size());
    }
    state.vehicles.push_back(std::move(v));
  }
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement rides,
      db_->prepare(fmt::format("SELECT {} FROM rides ORDER BY idx", kRideColumns)));
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, rides.step());
    if (!row) break;
    StoredRide r = read_ride(rides);
    if (r.index != static_cast<int64_t>(state.rides.size())) {
      return corrupt("{}: ride {} follows ride {} (indices are dense)", path(), r.index,
                     static_cast<int64_t>(state.rides.size()) - 1);
    }
    state.rides.push_back(std::move(r));
  }
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement zones, db_->prepare("SELECT id FROM zones WHERE suspended = 1 ORDER BY id"));
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, zones.step());
    if (!row) break;
    state.suspended_zones.push_back(zones.text(0));
  }
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement incidents, db_->prepare("SELECT COUNT(*) FROM incidents"));
  BITGOEUL_ASSIGN_OR_RETURN(const bool counted, incidents.step());
  state.incidents = counted ? incidents.integer(0) : 0;
  return state;
}

Result<StoredDay> ServiceStore::load_day(double from_s, double to_s) {
  StoredDay day;
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement rides,
      db_->prepare(fmt::format("SELECT {} FROM rides WHERE (requested >= ?1 AND requested < ?2) OR "
                               "(picked_up >= ?1 AND picked_up < ?2) OR (dropped_off >= ?1 AND dropped_off < ?2) OR "
                               "(ended >= ?1 AND ended < ?2) ORDER BY idx",
                               kRideColumns)));
  rides.bind(1, from_s).bind(2, to_s);
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, rides.step());
    if (!row) break;
    day.rides.push_back(read_ride(rides));
  }
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement incidents,
      db_->prepare("SELECT id, vehicle, time, kind, note, lat, lon FROM incidents WHERE time >= ?1 AND time < ?2 "
                   "ORDER BY time, id"));
  incidents.bind(1, from_s).bind(2, to_s);
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, incidents.step());
    if (!row) break;
    StoredIncident incident;
    incident.id = incidents.integer(0);
    incident.vehicle = incidents.text(1);
    incident.time = incidents.real(2);
    incident.kind = incidents.text(3);
    incident.note = incidents.text(4);
    incident.lat = incidents.optional_real(5);
    incident.lon = incidents.optional_real(6);
    day.incidents.push_back(std::move(incident));
  }
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement zones, db_->prepare("SELECT id, suspended, time, actor FROM zones ORDER BY id"));
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool row, zones.step());
    if (!row) break;
    day.zones.push_back({zones.text(0), zones.integer(1) != 0, zones.real(2), zones.text(3)});
  }
  return day;
}

Result<std::string> ServiceStore::dump() {
  std::string text;
  for (const char* table : {"vehicles ORDER BY idx", "rides ORDER BY idx", "ride_events ORDER BY rowid",
                            "incidents ORDER BY id", "zones ORDER BY id"}) {
    BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement rows, db_->prepare(std::string("SELECT * FROM ") + table));
    text += fmt::format("-- {}\n", table);
    while (true) {
      BITGOEUL_ASSIGN_OR_RETURN(const bool row, rows.step());
      if (!row) break;
      for (int column = 0; column < rows.column_count(); ++column) {
        text += rows.is_null(column) ? "null" : rows.text(column);
        text += '|';
      }
      text += '\n';
    }
  }
  return text;
}

}  // namespace bitgoeul::taxi_service
