#pragma once
// The state of a fleet and its riders at one moment, and the only ways to change it: plans are checked against
// every rider's limits before they are committed. Dispatch policies read this state and commit plans; the
// simulator (and later the live service) moves vehicles and executes stops. Time is always passed in.

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "road/ch_search_space.h"
#include "taxi/road_travel.h"
#include "taxi/scenario.h"
#include "taxi/trip_request.h"

namespace bitgoeul::taxi {

enum class RequestStatus : uint8_t { kPending, kAssigned, kOnboard, kCompleted, kRejected };

enum class RejectReason : uint8_t {
  kNone,
  kNotOnRoad,         // origin or destination farther than max_snap_m from any road
  kUnroutable,        // no drive from origin to destination
  kTooManyPassengers, // more riders than any vehicle has seats
  kNoVehicleInTime,   // nobody could reach the rider before their latest pick-up
  kAfterServiceEnd,   // still waiting when the service closed
  // Rules of a demonstration permit (taxi/rules/permit.h):
  kOutsidePermittedArea,   // origin or destination outside the permitted area, or inside an excluded one
  kOutsideOperatingHours,  // requested while the permit's operating hours are closed
  kNoDesignatedStop,       // no designated stop within walking distance of the origin or destination
  kServiceSuspended,       // requested during a suspension window (weather, events)
};
const char* reject_reason_name(RejectReason reason);

struct RequestState {
  TripRequest request;
  Location origin;
  Location destination;
  double direct_time_s = 0.0;
  double direct_distance_m = 0.0;
  double latest_pickup_s = 0.0;
  double max_ride_s = 0.0;
  RequestStatus status = RequestStatus::kPending;
  RejectReason reject_reason = RejectReason::kNone;
  uint32_t vehicle = UINT32_MAX;
  double assigned_s = -1.0;
  double pickup_s = -1.0;
  double dropoff_s = -1.0;
  double rejected_s = -1.0;
  double ride_distance_m = 0.0;  // driven while this rider was aboard
};

struct Stop {
  enum class Kind : uint8_t { kPickup, kDropoff };
  Kind kind;
  uint32_t request;
  friend bool operator==(const Stop&, const Stop&) = default;
};

struct VehicleState {
  uint32_t id = 0;
  uint16_t capacity = 4;
  uint16_t onboard = 0;  // riders aboard
  // The vehicle is at `anchor` at `anchor_s` and from there drives `leg` towards plan.front() (or the
  // repositioning target). While stopped (dwell) anchor_s lies in the future.
  RoadPosition anchor;
  double anchor_s = 0.0;
  std::vector<Stop> plan;
  std::optional<Location> reposition_to;
  Leg leg;
  double leg_factor = 1.0;  // travel-time factor of the hour the leg started
  bool driving = false;
  uint64_t version = 0;  // bumped at every change of course: stale arrival events are ignored
  double arrival_s = 0.0;
  // No pick-up may happen after this time (a permit's safety-driver shift end; -inf while off shift).
  double pickups_until_s = std::numeric_limits<double>::infinity();

  // Totals for KPIs.
  double occupied_m = 0.0;
  double empty_m = 0.0;
  double occupied_s = 0.0;
  double empty_driving_s = 0.0;
  double passenger_m = 0.0;  // riders × metres

  bool idle() const { return plan.empty(); }
};

struct VehicleEvent {
  double time_s;
  uint32_t vehicle;
  std::string kind;  // assign, pickup, dropoff, reposition, idle
  uint32_t request;  // UINT32_MAX when none
  geo::LatLon point;
  uint16_t onboard;
};

class FleetState {
 public:
  FleetState(RoadTravel& travel, const Scenario& scenario);

  // Adds a request arriving now: snaps and measures it; returns false (and marks it rejected) when it cannot
  // be served at all.
  bool add_request(const TripRequest& request);
  // Adds a request that a rule refused before it reached dispatch (e.g. a permit's area or hours).
  void add_refused_request(const TripRequest& request, RejectReason reason);
  // `capacity` 0: the scenario's fleet capacity.
  void add_vehicle(const RoadPosition& position, double time_s, uint16_t capacity = 0);

  // Where the vehicle can start a new course from, and when: its position now if driving empty or idle, else the
  // end of its current stop/leg commitments are respected by planning from its current position with its plan.
  RoadPosition position_now(const VehicleState& vehicle, double now_s) const;
  // Crow-fly metres from where the vehicle is now to `point`, from positions projected once per moment: the cheap
  // bound dispatchers use to rank vehicles before asking the road network.
  double crow_fly_m(const VehicleState& vehicle, double now_s, const geo::LatLon& point);
  // For every vehicle at once, a value within a few units in the last place of crow_fly_m (without its rounding
  // care), for ranking a whole fleet cheaply before asking crow_fly_m about the few that matter.
  void crow_fly_all_m(double now_s, const geo::LatLon& point, std::vector<double>& metres);

  // Arrival times of each stop of `plan` for `vehicle` starting now; false if the plan breaks any rider's limit or
  // the seats. `etas` (optional) receives the arrival time of each stop.
  bool evaluate_plan(const VehicleState& vehicle, const std::vector<Stop>& plan, double now_s,
                     std::vector<double>* etas = nullptr);
  // Replaces the vehicle's plan (which must have passed evaluate_plan) and sets it on its way.
  void commit_plan(uint32_t vehicle, std::vector<Stop> plan, double now_s);
  // Replaces the plans of several vehicles at once, riders moving between them (a dispatcher that reassigns): a
  // rider assigned to one of these vehicles and left out of its new plan is first unassigned from it ("unassign"
  // event, as unassign records), then assigned to the vehicle whose new plan has them ("assign" event), or stays
  // pending if none has. A vehicle left without a plan records "idle".
  // REQUIRES: distinct vehicles; each plan passed evaluate_plan for its vehicle at now_s, before any of them was
  // committed, and keeps the drop-offs of the vehicle's riders aboard; a rider is in at most one of the plans, and
  // only if pending or assigned to one of these vehicles.
  void commit_plans(std::vector<std::pair<uint32_t, std::vector<Stop>>> plans, double now_s);
  // Sends an idle vehicle towards `target`; it stays available for assignment.
  void reposition(uint32_t vehicle, const Location& target, double now_s);
  void reject(uint32_t request, RejectReason reason, double now_s);

  // The vehicle reached plan.front() (or its repositioning target): executes the stop, starts the next leg.
  void arrive(uint32_t vehicle, double now_s);

  // A live fleet (taxi_service) learns positions from telemetry and does a stop when the vehicle confirms it, not
  // on simulated arrival:
  //
  // The vehicle is at `position` (a snapped telemetry point) at `time_s`; it keeps its plan and heads on from there.
  void relocate(uint32_t vehicle, const RoadPosition& position, double time_s);
  // The vehicle has done `stop`, which must be in its plan (not necessarily first) and, for a drop-off, whose rider
  // is aboard, for a pick-up whose riders fit in the free seats: it stands at the stop now. Returns false and
  // changes nothing otherwise (a replayed, forged or out-of-order confirmation).
  bool execute_stop(uint32_t vehicle, const Stop& stop, double now_s);
  // Whether the riders of `request` fit in the vehicle's free seats now.
  bool fits_aboard(uint32_t vehicle, uint32_t request) const {
    return vehicles_[vehicle].onboard + requests_[request].request.passengers <= vehicles_[vehicle].capacity;
  }
  // Takes an assigned rider not yet picked up out of their vehicle's plan: pending again, in request order.
  // Returns false and changes nothing unless the request is assigned.
  bool unassign(uint32_t request, double now_s);
  // Takes back the last request added, which must still be pending (a quote's tentative request, after asking the
  // dispatcher what it would do without committing it).
  void withdraw_last_request();
  // Recovery from a store: the pending `request` is aboard `vehicle` since `pickup_s`. Its drop-off comes back with
  // the vehicle's plan (commit_plan).
  void restore_onboard(uint32_t request, uint32_t vehicle, double pickup_s);

  // Vehicles whose course changed since the last call (the simulator schedules their arrivals).
  std::vector<uint32_t> take_changed_vehicles();

  double travel_factor(double time_s) const;
  RoadTravel& travel() { return travel_; }
  const Scenario& scenario() const { return scenario_; }
  std::vector<VehicleState>& vehicles() { return vehicles_; }
  const std::vector<VehicleState>& vehicles() const { return vehicles_; }
  std::vector<RequestState>& requests() { return requests_; }
  const std::vector<RequestState>& requests() const { return requests_; }
  // Requests waiting for a vehicle, oldest first.
  const std::vector<uint32_t>& pending() const { return pending_; }
  const std::vector<VehicleEvent>& events() const { return events_; }
  uint16_t max_capacity() const { return max_capacity_; }

  // Checks every invariant (seats, plan consistency, request status against plans); empty when all hold.
  std::string verify() const;

  // Routing for planners that try many plans (insertion): the pieces evaluate_plan is made of, so that a planner
  // can reuse the committed part of a plan and get the same times evaluate_plan would.
  //
  // CH search spaces of the options of every waiting or travelling rider's pick-up and drop-off, built when first
  // needed and dropped once the stop is done: a plan's legs are then answered by merging two sorted lists, not by
  // searching, which is what makes trying many insertions affordable.
  struct OptionSpaces {
    road::ChSearchSpace from;  // routes leaving the option
    road::ChSearchSpace to;    // routes arriving at it
  };
  using StopSpaces = std::array<OptionSpaces, 2>;
  // REQUIRES: the stop's request is waiting or travelling.
  const StopSpaces& stop_spaces(const Stop& stop);
  const Location& stop_location(const Stop& stop) const;
  // The space of routes leaving `position`, remembered per vehicle while it stays there; with `limit_ms`, only
  // its part within that time (see ChSearchSpaceBuilder::build).
  const road::ChSearchSpace& position_space(const VehicleState& vehicle, const RoadPosition& position,
                                            road::TravelTimeMs limit_ms = road::kInfiniteTime);
  // A drive to a stop: seconds to its best option (kUnreachable if none), and which option that is.
  struct Hop {
    double seconds = kUnreachable;
    uint8_t option = 0;
  };
  // The drive from `from` (whose space of leaving routes is `from_space`) to `stop`, as evaluate_plan drives it.
  Hop measure_hop(const road::ChSearchSpace& from_space, const RoadPosition& from, const Stop& stop);
  // The drive from option `option` of the committed plan's stop `k` to stop k + 1; kept while the plan stands.
  // REQUIRES: k + 1 < plan.size(), option < the stop's option_count.
  Hop plan_hop(uint32_t vehicle, size_t k, uint8_t option);
  // The rest of the leg a driving vehicle drives to plan.front(), as evaluate_plan counts it when a plan starts
  // with that stop; nullopt when the vehicle is not on its way to a stop.
  std::optional<Hop> heading_hop(const VehicleState& vehicle, double now_s) const;

 private:
  // `front_option`: the option of plan.front() to drive to when the plan was evaluated with it (see heading_hop).
  void start_leg(VehicleState& vehicle, double now_s, std::optional<uint8_t> front_option = std::nullopt);
  // The option of plan.front() to keep heading to when `plan` replaces the vehicle's plan (see commit_plan).
  std::optional<uint8_t> kept_front_option(const VehicleState& vehicle, const std::vector<Stop>& plan,
                                           double now_s) const;
  // commit_plan once the vehicle has stopped driving, with the front option found before it stopped.
  void install_plan(VehicleState& vehicle, std::vector<Stop> plan, double now_s, std::optional<uint8_t> front_option);
  void stop_driving(VehicleState& vehicle, double now_s);
  void record(double time_s, const VehicleState& vehicle, const char* kind, uint32_t request);
  // Does `stop` (already taken out of the plan): the rider boards or alights.
  void do_stop(VehicleState& vehicle, const Stop& stop, double now_s);
  void release_spaces(uint32_t request, Stop::Kind kind);
  // Seconds from `from` (whose space is `from_space`) to the best option of `stop`; `option` gets its index.
  double drive_to_stop_s(const road::ChSearchSpace& from_space, const RoadPosition& from, const Stop& stop,
                         uint8_t& option);

  struct PositionSpace {
    RoadPosition position;
    road::ChSearchSpace space;
    road::TravelTimeMs limit_ms = road::kInfiniteTime;
    bool valid = false;
  };
  // Legs already measured since the fleet last changed, keyed by where they start (a stop option's space, or a
  // vehicle's position) and the stop they reach: trying every insertion into a plan re-drives the same legs.
  struct LegKey {
    const road::ChSearchSpace* from_space;
    road::EdgeId from_edge;
    double from_fraction;
    uint64_t stop;  // request * 2 + kind
    bool operator==(const LegKey&) const = default;
  };
  struct LegKeyHash {
    size_t operator()(const LegKey& key) const {
      return std::hash<const void*>()(key.from_space) ^ (std::hash<double>()(key.from_fraction) * 31) ^
             (uint64_t{key.from_edge} * 0x9E3779B97F4A7C15ULL) ^ (key.stop * 0xC2B2AE3D27D4EB4FULL);
    }
  };
  struct MeasuredLeg {
    double seconds;
    uint8_t option;
  };
  void forget_measured_legs();
  // Projects every vehicle's position at now_s once (for crow_fly_m).
  void project_fleet(double now_s);
  // plan_hop's memory per vehicle: hops[k][option] from plan[k] to plan[k + 1] of the plan as it was at `version`.
  struct PlanHops {
    uint64_t version = UINT64_MAX;
    std::vector<Stop> plan;
    std::vector<std::array<Hop, 2>> hops;
    std::vector<std::array<bool, 2>> known;
  };

  RoadTravel& travel_;
  const Scenario& scenario_;
  std::vector<VehicleState> vehicles_;
  std::vector<RequestState> requests_;
  std::vector<uint32_t> pending_;
  std::vector<uint32_t> changed_;
  std::vector<VehicleEvent> events_;
  uint16_t max_capacity_ = 0;
  std::vector<std::array<std::unique_ptr<StopSpaces>, 2>> stop_spaces_;  // per request: pick-up, drop-off
  std::vector<PositionSpace> position_spaces_;  // per vehicle
  std::vector<PlanHops> plan_hops_;             // per vehicle
  road::ChSearchSpaceBuilder space_builder_;
  std::unordered_map<LegKey, MeasuredLeg, LegKeyHash> measured_legs_;
  geo::LocalProjection projection_;
  double projected_at_s_ = -1.0;
  std::vector<geo::LocalProjection::Xy> projected_;  // per vehicle, at projected_at_s_
  std::vector<uint64_t> projected_version_;          // per parked vehicle, its version when projected
};

}  // namespace bitgoeul::taxi
