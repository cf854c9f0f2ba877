#include "taxi_service/service_store.h"

#include <cmath>
#include <string_view>
#include <tuple>
#include <utility>

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

constexpr int column_count(std::string_view columns) {
  int count = 1;
  for (const char c : columns) count += c == ',' ? 1 : 0;
  return count;
}

// The columns in the order put_vehicle binds and load reads them.
constexpr const char* kVehicleColumns =
    "id, idx, capacity, lat, lon, edge, fraction, status, pulled, registered, updated, plan_version, plan, anchor_s";
constexpr int kVehicleColumnCount = column_count(kVehicleColumns);

// The columns in the order put_ride binds and read_ride reads them.
constexpr const char* kRideColumns =
    "idx, rider, status, reason, rule, asked_origin_lat, asked_origin_lon, asked_destination_lat, "
    "asked_destination_lon, origin_lat, origin_lon, destination_lat, destination_lon, pickup_stop, "
    "dropoff_stop, passengers, requested, latest_pickup, vehicle, assigned, picked_up, dropped_off, ended";
constexpr int kRideColumnCount = column_count(kRideColumns);

// "?1, ?2, ..., ?n".
std::string placeholders(int n) {
  std::string text;
  for (int i = 1; i <= n; ++i) text += fmt::format("{}?{}", i > 1 ? ", " : "", i);
  return text;
}

// Each record's fields in the order of its table's column list: put_* binds them, load and load_day read them back.
template <typename Vehicle>
auto vehicle_fields(Vehicle& v) {
  return std::tie(v.id, v.index, v.capacity, v.lat, v.lon, v.edge, v.fraction, v.status, v.pulled, v.registered,
                  v.updated, v.plan_version, v.plan, v.anchor_s);
}
template <typename Ride>
auto ride_fields(Ride& r) {
  return std::tie(r.index, r.rider, r.status, r.reason, r.rule, r.asked_origin_lat, r.asked_origin_lon,
                  r.asked_destination_lat, r.asked_destination_lon, r.origin_lat, r.origin_lon, r.destination_lat,
                  r.destination_lon, r.pickup_stop, r.dropoff_stop, r.passengers, r.requested, r.latest_pickup,
                  r.vehicle, r.assigned, r.picked_up, r.dropped_off, r.ended);
}
// Without the id (the store gives it) when written.
template <typename Incident>
auto incident_fields(Incident& i) {
  return std::tie(i.vehicle, i.time, i.kind, i.note, i.lat, i.lon);
}
static_assert(std::tuple_size_v<decltype(vehicle_fields(std::declval<StoredVehicle&>()))> == kVehicleColumnCount);
static_assert(std::tuple_size_v<decltype(ride_fields(std::declval<StoredRide&>()))> == kRideColumnCount);

// A field as a column: flags are 0/1, plans their text (format_plan).
void bind_field(SqliteStatement& s, int index, bool value) { s.bind(index, int64_t{value ? 1 : 0}); }
void bind_field(SqliteStatement& s, int index, const std::vector<StoredStop>& plan) { s.bind(index, format_plan(plan)); }
template <typename T>
void bind_field(SqliteStatement& s, int index, const T& value) {
  s.bind(index, value);
}

Status read_field(const SqliteStatement& row, int column, std::string& value) {
  value = row.text(column);
  return Status::ok();
}
Status read_field(const SqliteStatement& row, int column, int64_t& value) {
  value = row.integer(column);
  return Status::ok();
}
Status read_field(const SqliteStatement& row, int column, double& value) {
  value = row.real(column);
  return Status::ok();
}
Status read_field(const SqliteStatement& row, int column, std::optional<double>& value) {
  value = row.optional_real(column);
  return Status::ok();
}
Status read_field(const SqliteStatement& row, int column, bool& value) {
  value = row.integer(column) != 0;
  return Status::ok();
}
Status read_field(const SqliteStatement& row, int column, std::vector<StoredStop>& plan) {
  BITGOEUL_ASSIGN_OR_RETURN(plan, parse_plan(row.text(column)));
  return Status::ok();
}

// Reads columns first, first + 1, ... of the current row into `fields`; stops at the first that is not readable.
template <typename... Fields>
Status read_row(const SqliteStatement& row, std::tuple<Fields&...> fields, int first = 0) {
  Status status = Status::ok();
  int column = first;
  std::apply([&](auto&... field) { static_cast<void>((... && (status = read_field(row, column++, field)).is_ok())); },
             fields);
  return status;
}

// Calls `take(row)` for each row `rows` gives; the first error (stepping or from `take`) ends it.
template <typename Take>
Status for_each_row(SqliteStatement& rows, Take take) {
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool found, rows.step());
    if (!found) return Status::ok();
    BITGOEUL_RETURN_IF_ERROR(take(rows));
  }
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

template <typename... Values>
Status ServiceStore::write(int slot, const char* sql, const Values&... values) {
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement * s, statement(slot, sql));
  int index = 0;
  (bind_field(*s, ++index, values), ...);
  return s->run();
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
  static const std::string sql = fmt::format("INSERT OR REPLACE INTO vehicles ({}) VALUES ({})", kVehicleColumns,
                                             placeholders(kVehicleColumnCount));
  return std::apply([&](const auto&... fields) { return write(kPutVehicle, sql.c_str(), fields...); }, vehicle_fields(v));
}

Status ServiceStore::put_position(const std::string& vehicle, double lat, double lon, int64_t edge, double fraction,
                                  double anchor_s, const std::string& status, double updated) {
  BITGOEUL_RETURN_IF_ERROR(write(kPutPosition,
                                 "UPDATE vehicles SET lat = ?2, lon = ?3, edge = ?4, fraction = ?5, status = ?6, "
                                 "updated = ?7, anchor_s = ?8 WHERE id = ?1",
                                 vehicle, lat, lon, edge, fraction, status, updated, anchor_s));
  if (db_->changes() != 1) return not_found("{}: no vehicle '{}'", path(), vehicle);
  return Status::ok();
}

Status ServiceStore::put_ride(const StoredRide& r) {
  static const std::string sql =
      fmt::format("INSERT OR REPLACE INTO rides ({}) VALUES ({})", kRideColumns, placeholders(kRideColumnCount));
  return std::apply([&](const auto&... fields) { return write(kPutRide, sql.c_str(), fields...); }, ride_fields(r));
}

Status ServiceStore::add_ride_event(int64_t ride, double time, const std::string& status, const std::string& actor,
                                    const std::string& detail) {
  return write(kAddRideEvent, "INSERT INTO ride_events (ride, time, status, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
               ride, time, status, actor, detail);
}

Result<int64_t> ServiceStore::add_incident(const StoredIncident& incident) {
  BITGOEUL_RETURN_IF_ERROR(std::apply(
      [&](const auto&... fields) {
        return write(kAddIncident, "INSERT INTO incidents (vehicle, time, kind, note, lat, lon) VALUES (?1, ?2, ?3, ?4, "
                     "?5, ?6)", fields...);
      },
      incident_fields(incident)));
  return db_->last_insert_id();
}

Status ServiceStore::set_zone_suspended(const std::string& zone, bool suspended, double time, const std::string& actor) {
  return write(kSetZone, "INSERT OR REPLACE INTO zones (id, suspended, time, actor) VALUES (?1, ?2, ?3, ?4)", zone,
               suspended, time, actor);
}

Result<StoredState> ServiceStore::load() {
  StoredState state;
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement vehicles,
                            db_->prepare(fmt::format("SELECT {} FROM vehicles ORDER BY idx", kVehicleColumns)));
  BITGOEUL_RETURN_IF_ERROR(for_each_row(vehicles, [&](const SqliteStatement& row) {
    StoredVehicle v;
    if (Status read = read_row(row, vehicle_fields(v)); !read.is_ok()) {
      return corrupt("{}: vehicle '{}': {}", path(), v.id, read.message());
    }
    if (v.index != static_cast<int64_t>(state.vehicles.size())) {
      return corrupt("{}: vehicle '{}' has index {}, expected {} (indices are dense)", path(), v.id, v.index,
                     state.vehicles.size());
    }
    state.vehicles.push_back(std::move(v));
    return Status::ok();
  }));
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement rides,
                            db_->prepare(fmt::format("SELECT {} FROM rides ORDER BY idx", kRideColumns)));
  BITGOEUL_RETURN_IF_ERROR(for_each_row(rides, [&](const SqliteStatement& row) {
    StoredRide r;
    if (Status read = read_row(row, ride_fields(r)); !read.is_ok()) return read;
    if (r.index != static_cast<int64_t>(state.rides.size())) {
      return corrupt("{}: ride {} follows ride {} (indices are dense)", path(), r.index,
                     static_cast<int64_t>(state.rides.size()) - 1);
    }
    state.rides.push_back(std::move(r));
    return Status::ok();
  }));
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement zones, db_->prepare("SELECT id FROM zones WHERE suspended = 1 ORDER BY id"));
  BITGOEUL_RETURN_IF_ERROR(for_each_row(zones, [&](const SqliteStatement& row) {
    state.suspended_zones.push_back(row.text(0));
    return Status::ok();
  }));
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
  BITGOEUL_RETURN_IF_ERROR(for_each_row(rides, [&](const SqliteStatement& row) {
    return read_row(row, ride_fields(day.rides.emplace_back()));
  }));
  BITGOEUL_ASSIGN_OR_RETURN(
      SqliteStatement incidents,
      db_->prepare("SELECT id, vehicle, time, kind, note, lat, lon FROM incidents WHERE time >= ?1 AND time < ?2 "
                   "ORDER BY time, id"));
  incidents.bind(1, from_s).bind(2, to_s);
  BITGOEUL_RETURN_IF_ERROR(for_each_row(incidents, [&](const SqliteStatement& row) {
    StoredIncident& incident = day.incidents.emplace_back();
    incident.id = row.integer(0);
    return read_row(row, incident_fields(incident), 1);
  }));
  BITGOEUL_ASSIGN_OR_RETURN(SqliteStatement zones, db_->prepare("SELECT id, suspended, time, actor FROM zones ORDER BY id"));
  BITGOEUL_RETURN_IF_ERROR(for_each_row(zones, [&](const SqliteStatement& row) {
    day.zones.push_back({row.text(0), row.integer(1) != 0, row.real(2), row.text(3)});
    return Status::ok();
  }));
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
