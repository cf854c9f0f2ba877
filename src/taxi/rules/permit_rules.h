#pragma once
// A permit applied to one service day: which requests may be served (area, hours, suspensions, designated stops)
// and until when each vehicle may pick riders up (service hours, safety-driver shifts, the fleet cap). Times are
// seconds since the service day's midnight (past 86400 on the next day), as in the simulator and the live service;
// this class never reads a clock.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "taxi/fleet_state.h"
#include "taxi/rules/permit.h"
#include "taxi/trip_request.h"

namespace bitgoeul::taxi::rules {

struct Interval {
  double start_s = 0.0;
  double end_s = 0.0;  // exclusive
};

// What the permit made of one request.
struct Admission {
  RejectReason reason = RejectReason::kNone;  // kNone: admitted
  std::string rule;                           // the rule that refused it, in words (for the audit log)
  int32_t pickup_stop = -1;                   // index into permit.stops, with designated stops
  int32_t dropoff_stop = -1;
  double walk_to_pickup_m = 0.0;  // crow-fly, from the rider's origin to the stop
  double walk_from_dropoff_m = 0.0;
  geo::LatLon asked_origin;  // as the rider gave them, before any move to a stop
  geo::LatLon asked_destination;
};

class PermitRules {
 public:
  // `day` is the service day; `span_end_s` the last time the caller will ask about. Errors: a day outside the
  // maintained holiday list.
  static Result<PermitRules> create(const Permit& permit, const Date& day, double span_end_s);

  const Permit& permit() const { return permit_; }
  const Date& day() const { return day_; }

  // Admits or refuses a request arriving at its request time. An admitted request is rewritten in place: origin and
  // destination moved to the designated stops, the latest pick-up no later than the service's next closing.
  // `max_wait_s` is the scenario's default wait when the rider gave no latest pick-up.
  Admission admit(TripRequest& request, double max_wait_s) const;

  // Open intervals of the service: operating hours of each day's type within the permit's validity, minus
  // suspensions.
  const std::vector<Interval>& service() const { return service_; }
  bool open_at(double time_s) const;
  // Whether a pick-up by `vehicle` at `time_s` keeps the permit (window ends count as inside: a pick-up planned
  // for the closing minute is allowed).
  bool pickup_allowed(uint32_t vehicle, double time_s) const;
  // The suspension in force at `time_s`, if any.
  const Suspension* suspension_at(double time_s) const;
  // The latest time `vehicle` may pick riders up, seen at `time_s`: the end of the open interval (and of its
  // safety driver's shift); -infinity when it may not pick up now (closed, suspended, off shift, over the cap).
  double pickups_until(uint32_t vehicle, double time_s) const;
  // Every time in [from_s, to_s] at which pickups_until() may change, sorted and distinct.
  std::vector<double> change_times(double from_s, double to_s) const;
  // Whether safety drivers are on duty.
  bool shift_on(double time_s) const;
  bool needs_safety_driver(uint32_t vehicle) const { return vehicle < permit_.safety_driver_vehicles; }
  const std::vector<Interval>& shifts() const { return shifts_; }

 private:
  PermitRules(const Permit& permit, const Date& day) : permit_(permit), day_(day) {}
  // Index of the nearest designated stop within walking distance of `point`, or -1.
  int32_t nearest_stop(const geo::LatLon& point, double& walk_m) const;

  Permit permit_;
  Date day_;
  std::vector<Interval> service_;
  std::vector<Interval> shifts_;
  std::vector<Interval> suspensions_;  // relative to the day, with index into permit_.suspensions
  std::vector<size_t> suspension_index_;
  // Designated stops bucketed on a grid of max_walk_m cells (local metres) for the nearest-stop search.
  geo::LocalProjection projection_{geo::LatLon{0.0, 0.0}};
  double cell_m_ = 1.0;
  std::vector<std::pair<int64_t, int32_t>> stop_cells_;  // (cell key, stop), sorted
};

// Intervals sorted and merged where they touch or overlap.
std::vector<Interval> merge_intervals(std::vector<Interval> intervals);
// `from` minus every interval of `cut`.
std::vector<Interval> subtract_intervals(const std::vector<Interval>& from, const std::vector<Interval>& cut);

}  // namespace bitgoeul::taxi::rules
