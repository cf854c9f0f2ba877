#pragma once
// The dispatch service's durable state: one SQLite file in WAL mode (core/sqlite_db.h) holding the vehicles (their
// registration, last reported and snapped position, status and plan), the rides (every field, and each change of
// status as a ride event), incidents and zone suspensions. The service writes all changes of one request in one
// transaction and answers only after it committed; a service started on the file rebuilds its fleet from load().
//
// Durability: WAL with synchronous=NORMAL — a committed transaction survives the process being killed (kill -9);
// after a power loss the last transactions may be lost, never half-applied.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/sqlite_db.h"

namespace bitgoeul::taxi_service {

struct StoredStop {
  int64_t ride = 0;  // ride index
  bool pickup = true;
  friend bool operator==(const StoredStop&, const StoredStop&) = default;
};

struct StoredVehicle {
  std::string id;
  int64_t index = 0;  // its place in the fleet (registration order)
  int64_t capacity = 4;
  double lat = 0.0;  // as last reported
  double lon = 0.0;
  int64_t edge = 0;  // where the fleet places it (FleetState's anchor): a snapped report, or a stop it confirmed
  double fraction = 0.0;
  double anchor_s = 0.0;  // since when it is there (it drives its plan's route from there at that time)
  std::string status = "available";  // as last reported: available | busy | offline
  bool pulled = false;               // by an operator: no new assignments
  double registered = 0.0;           // seconds since the epoch
  double updated = 0.0;              // time of the last report
  int64_t plan_version = 0;          // bumped at each change of the plan
  std::vector<StoredStop> plan;
  friend bool operator==(const StoredVehicle&, const StoredVehicle&) = default;
};

struct StoredRide {
  int64_t index = 0;  // the ride's id is "r" + index
  std::string rider;
  std::string status;  // waiting | assigned | onboard | completed | cancelled | rejected
  std::string reason;  // why rejected or cancelled ("" otherwise)
  std::string rule;    // the permit rule in words, when one refused it
  double asked_origin_lat = 0.0, asked_origin_lon = 0.0;  // as the rider asked
  double asked_destination_lat = 0.0, asked_destination_lon = 0.0;
  double origin_lat = 0.0, origin_lon = 0.0;  // where the vehicle stops (a designated stop under a permit)
  double destination_lat = 0.0, destination_lon = 0.0;
  std::string pickup_stop;  // designated stop ids, "" when door to door
  std::string dropoff_stop;
  int64_t passengers = 1;
  double requested = 0.0;      // seconds since the epoch
  double latest_pickup = 0.0;  // seconds since the epoch
  std::string vehicle;         // "" when none
  std::optional<double> assigned;
  std::optional<double> picked_up;
  std::optional<double> dropped_off;
  std::optional<double> ended;  // cancelled or rejected at
  friend bool operator==(const StoredRide&, const StoredRide&) = default;
};

struct StoredIncident {
  int64_t id = 0;
  std::string vehicle;
  double time = 0.0;
  std::string kind;  // incident | disengagement
  std::string note;
  std::optional<double> lat;
  std::optional<double> lon;
};

struct StoredZone {
  std::string id;
  bool suspended = false;
  double time = 0.0;  // of its last suspension or resumption
  std::string actor;
};

// What happened in one span of time (a day of the regulator's report), read from the store.
struct StoredDay {
  std::vector<StoredRide> rides;          // requested, picked up, dropped off or ended in [from, to), by index
  std::vector<StoredIncident> incidents;  // recorded in [from, to), by time
  std::vector<StoredZone> zones;          // every zone an operator ever suspended, as it stands now
};

struct StoredState {
  std::vector<StoredVehicle> vehicles;   // by index
  std::vector<StoredRide> rides;         // by index
  std::vector<std::string> suspended_zones;  // sorted
  int64_t incidents = 0;
};

class ServiceStore {
 public:
  // Opens or creates the store at `path` (and its schema). Errors name the file: not a database, a newer schema.
  static Result<std::unique_ptr<ServiceStore>> open(const std::string& path);
  ~ServiceStore();

  Result<StoredState> load();

  // Writes happen between begin() and commit(); a failed or missing commit() leaves the store as it was.
  // REQUIRES: no transaction open (begin), one open (the rest).
  Status begin();
  Status commit();
  void rollback();
  bool in_transaction() const { return transaction_.has_value(); }

  Status put_vehicle(const StoredVehicle& vehicle);
  // The telemetry fast path: only the position, status and time of a registered vehicle.
  Status put_position(const std::string& vehicle, double lat, double lon, int64_t edge, double fraction,
                      double anchor_s, const std::string& status, double updated);
  Status put_ride(const StoredRide& ride);
  // One change of a ride's status, with who made it (for the ride's history).
  Status add_ride_event(int64_t ride, double time, const std::string& status, const std::string& actor,
                        const std::string& detail);
  // Returns the incident's id.
  Result<int64_t> add_incident(const StoredIncident& incident);
  Status set_zone_suspended(const std::string& zone, bool suspended, double time, const std::string& actor);

  // The rides, incidents and zone states of [from_s, to_s) (seconds since the epoch), straight from the file.
  Result<StoredDay> load_day(double from_s, double to_s);

  // Every row of every table as text, in a fixed order: tests compare it before and after a refused request.
  Result<std::string> dump();
  const std::string& path() const { return db_->path(); }

 private:
  explicit ServiceStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Result<SqliteStatement*> statement(int slot, const char* sql);
  // Binds `values` to ?1, ?2, ... in order and runs the statement of `slot` (prepared from `sql` the first time).
  template <typename... Values>
  Status write(int slot, const char* sql, const Values&... values);

  std::unique_ptr<SqliteDb> db_;
  std::optional<SqliteTransaction> transaction_;
  std::vector<std::optional<SqliteStatement>> statements_;  // prepared once, by slot
};

// "p12 d12 p13" <-> plan.
std::string format_plan(const std::vector<StoredStop>& plan);
Result<std::vector<StoredStop>> parse_plan(const std::string& text);

}  // namespace bitgoeul::taxi_service
