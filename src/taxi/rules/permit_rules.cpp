#include "taxi/rules/permit_rules.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "geo/lat_lon.h"

namespace bitgoeul::taxi::rules {
namespace {

constexpr double kDay = 86400.0;
constexpr double kNever = -std::numeric_limits<double>::infinity();

int64_t cell_key(int64_t x, int64_t y) { return (x << 32) ^ (y & 0xffffffff); }

// The interval of `intervals` (sorted, disjoint) containing `time_s`, or nullptr.
const Interval* interval_at(const std::vector<Interval>& intervals, double time_s) {
  const auto after = std::upper_bound(intervals.begin(), intervals.end(), time_s,
                                      [](double t, const Interval& interval) { return t < interval.start_s; });
  if (after == intervals.begin()) return nullptr;
  const Interval& candidate = *(after - 1);
  return time_s < candidate.end_s ? &candidate : nullptr;
}

}  // namespace

std::vector<Interval> merge_intervals(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) { return a.start_s < b.start_s; });
  std::vector<Interval> merged;
  for (const Interval& interval : intervals) {
    if (interval.end_s <= interval.start_s) continue;
    if (!merged.empty() && interval.start_s <= merged.back().end_s) {
      merged.back().end_s = std::max(merged.back().end_s, interval.end_s);
    } else {
      merged.push_back(interval);
    }
  }
  return merged;
}

std::vector<Interval> subtract_intervals(const std::vector<Interval>& from, const std::vector<Interval>& cut) {
  const std::vector<Interval> cuts = merge_intervals(cut);
  std::vector<Interval> result;
  for (Interval piece : from) {
    for (const Interval& c : cuts) {
      if (c.end_s <= piece.start_s || c.start_s >= piece.end_s) continue;
      if (c.start_s > piece.start_s) result.push_back({piece.start_s, c.start_s});
      piece.start_s = std::max(piece.start_s, c.end_s);
      if (piece.start_s >= piece.end_s) break;
    }
    if (piece.start_s < piece.end_s) result.push_back(piece);
  }
  return result;
}

Result<PermitRules> PermitRules::create(const Permit& permit, const Date& day, double span_end_s) {
  PermitRules rules(permit, day);
  const int64_t day0 = midnight_s(day);
  // Windows of the day before can reach into this one (they cross midnight).
  const auto last_day = static_cast<int64_t>(std::ceil(std::max(span_end_s, 0.0) / kDay));
  std::vector<Interval> open;
  for (int64_t d = -1; d <= last_day; ++d) {
    const Date date = add_days(day, d);
    if (date < permit.valid_from || permit.valid_until < date) continue;
    BITGOEUL_ASSIGN_OR_RETURN(const DayType type, day_type(date, permit.extra_holidays));
    for (const DailyWindow& window : permit.hours[static_cast<size_t>(type)]) {
      double end_s = d * kDay + window.end_s;
      // The permit ends at midnight after valid_until, even within a window that crosses it.
      if (date == permit.valid_until) end_s = std::min(end_s, (d + 1) * kDay);
      open.push_back({d * kDay + window.start_s, end_s});
    }
    for (const DailyWindow& shift : permit.safety_driver_shifts) {
      rules.shifts_.push_back({d * kDay + shift.start_s, d * kDay + shift.end_s});
    }
  }
  rules.shifts_ = merge_intervals(std::move(rules.shifts_));
  std::vector<Interval> suspended;
  for (size_t i = 0; i < permit.suspensions.size(); ++i) {
    const Suspension& suspension = permit.suspensions[i];
    rules.suspensions_.push_back(
        {static_cast<double>(suspension.start_s - day0), static_cast<double>(suspension.end_s - day0)});
    rules.suspension_index_.push_back(i);
  }
  rules.service_ = subtract_intervals(merge_intervals(std::move(open)), rules.suspensions_);

  if (!permit.stops.empty()) {
    rules.projection_ = geo::LocalProjection(permit.stops.front().point);
    rules.cell_m_ = permit.max_walk_m;
    for (size_t s = 0; s < permit.stops.size(); ++s) {
      const auto xy = rules.projection_.to_xy(permit.stops[s].point);
      rules.stop_cells_.emplace_back(cell_key(static_cast<int64_t>(std::floor(xy.x / rules.cell_m_)),
                                              static_cast<int64_t>(std::floor(xy.y / rules.cell_m_))),
                                     static_cast<int32_t>(s));
    }
    std::sort(rules.stop_cells_.begin(), rules.stop_cells_.end());
  }
  return rules;
}

int32_t PermitRules::nearest_stop(const geo::LatLon& point, double& walk_m) const {
  const auto xy = projection_.to_xy(point);
  const auto cx = static_cast<int64_t>(std::floor(xy.x / cell_m_));
  const auto cy = static_cast<int64_t>(std::floor(xy.y / cell_m_));
  int32_t best = -1;
  walk_m = std::numeric_limits<double>::infinity();
  for (int64_t dx = -1; dx <= 1; ++dx) {
    for (int64_t dy = -1; dy <= 1; ++dy) {
      const int64_t key = cell_key(cx + dx, cy + dy);
      auto it = std::lower_bound(stop_cells_.begin(), stop_cells_.end(), std::make_pair(key, INT32_MIN));
      for (; it != stop_cells_.end() && it->first == key; ++it) {
        const double metres = geo::haversine_m(point, permit_.stops[static_cast<size_t>(it->second)].point);
        // Ties go to the lower index, so the choice does not depend on the bucket order.
        if (metres < walk_m || (metres == walk_m && it->second < best)) {
          walk_m = metres;
          best = it->second;
        }
      }
    }
  }
  if (best >= 0 && walk_m > permit_.max_walk_m) best = -1;
  return best;
}

Admission PermitRules::admit(TripRequest& request, double max_wait_s) const {
  Admission admission;
  admission.asked_origin = request.origin;
  admission.asked_destination = request.destination;
  const double now_s = request.request_time_s;
  if (const Suspension* suspension = suspension_at(now_s)) {
    admission.reason = RejectReason::kServiceSuspended;
    admission.rule = "suspension: " + suspension->reason;
    return admission;
  }
  const Interval* open = interval_at(service_, now_s);
  if (open == nullptr) {
    admission.reason = RejectReason::kOutsideOperatingHours;
    admission.rule = "operating hours";
    return admission;
  }
  if (!in_permitted_area(permit_, request.origin) || !in_permitted_area(permit_, request.destination)) {
    admission.reason = RejectReason::kOutsidePermittedArea;
    admission.rule = in_permitted_area(permit_, request.origin) ? "area: destination outside" : "area: origin outside";
    return admission;
  }
  if (!permit_.stops.empty()) {
    admission.pickup_stop = nearest_stop(request.origin, admission.walk_to_pickup_m);
    admission.dropoff_stop = nearest_stop(request.destination, admission.walk_from_dropoff_m);
    if (admission.pickup_stop < 0 || admission.dropoff_stop < 0 || admission.pickup_stop == admission.dropoff_stop) {
      admission.reason = RejectReason::kNoDesignatedStop;
      admission.rule = admission.pickup_stop < 0    ? fmt::format("stops: none within {:.0f} m of the origin", permit_.max_walk_m)
                       : admission.dropoff_stop < 0 ? fmt::format("stops: none within {:.0f} m of the destination", permit_.max_walk_m)
                                                    : "stops: origin and destination share the nearest stop";
      if (admission.pickup_stop < 0) admission.walk_to_pickup_m = 0;
      if (admission.dropoff_stop < 0) admission.walk_from_dropoff_m = 0;
      return admission;
    }
    request.origin = permit_.stops[static_cast<size_t>(admission.pickup_stop)].point;
    request.destination = permit_.stops[static_cast<size_t>(admission.dropoff_stop)].point;
  }
  const double latest_s = request.latest_pickup_s.value_or(now_s + max_wait_s);
  request.latest_pickup_s = std::min(latest_s, open->end_s);
  return admission;
}

bool PermitRules::open_at(double time_s) const { return interval_at(service_, time_s) != nullptr; }

bool PermitRules::shift_on(double time_s) const { return interval_at(shifts_, time_s) != nullptr; }

bool PermitRules::pickup_allowed(uint32_t vehicle, double time_s) const {
  if (permit_.max_vehicles > 0 && vehicle >= permit_.max_vehicles) return false;
  auto inside = [time_s](const std::vector<Interval>& intervals) {
    return std::any_of(intervals.begin(), intervals.end(),
                       [time_s](const Interval& i) { return time_s >= i.start_s && time_s <= i.end_s; });
  };
  return inside(service_) && (!needs_safety_driver(vehicle) || inside(shifts_));
}

const Suspension* PermitRules::suspension_at(double time_s) const {
  for (size_t i = 0; i < suspensions_.size(); ++i) {
    if (time_s >= suspensions_[i].start_s && time_s < suspensions_[i].end_s) {
      return &permit_.suspensions[suspension_index_[i]];
    }
  }
  return nullptr;
}

double PermitRules::pickups_until(uint32_t vehicle, double time_s) const {
  if (permit_.max_vehicles > 0 && vehicle >= permit_.max_vehicles) return kNever;
  const Interval* open = interval_at(service_, time_s);
  if (open == nullptr) return kNever;
  double until_s = open->end_s;
  if (needs_safety_driver(vehicle)) {
    const Interval* shift = interval_at(shifts_, time_s);
    if (shift == nullptr) return kNever;
    until_s = std::min(until_s, shift->end_s);
  }
  return until_s;
}

std::vector<double> PermitRules::change_times(double from_s, double to_s) const {
  std::vector<double> times;
  auto add = [&](const std::vector<Interval>& intervals) {
    for (const Interval& interval : intervals) {
      for (const double t : {interval.start_s, interval.end_s}) {
        if (t >= from_s && t <= to_s) times.push_back(t);
      }
    }
  };
  add(service_);
  if (permit_.safety_driver_vehicles > 0) add(shifts_);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

}  // namespace bitgoeul::taxi::rules
