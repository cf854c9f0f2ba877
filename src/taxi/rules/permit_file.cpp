#include "taxi/rules/permit_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/config_reader.h"
#include "core/config_value.h"
#include "core/csv_reader.h"

namespace bitgoeul::taxi::rules {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base) / path).lexically_normal().string();
}

bool parse_clock(std::string_view text, double& seconds) {
  if (text.size() != 5 || text[2] != ':') return false;
  int hours = 0;
  int minutes = 0;
  const auto h = std::from_chars(text.data(), text.data() + 2, hours);
  const auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
  if (h.ec != std::errc() || h.ptr != text.data() + 2 || m.ec != std::errc() || m.ptr != text.data() + 5) return false;
  if (hours < 0 || hours > 24 || minutes < 0 || minutes > 59 || (hours == 24 && minutes != 0)) return false;
  seconds = hours * 3600.0 + minutes * 60.0;
  return true;
}

// "YYYY-MM-DD HH:MM" as local seconds since 1970.
Result<int64_t> parse_date_time(ConfigReader& reader, std::string_view key) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::string text, reader.string(key));
  double clock_s = 0;
  if (text.size() != 16 || (text[10] != ' ' && text[10] != 'T') || !parse_clock(std::string_view(text).substr(11), clock_s)) {
    return reader.error(key, fmt::format("'{}' is not a local time 'YYYY-MM-DD HH:MM'", text));
  }
  auto date = parse_date(std::string_view(text).substr(0, 10), reader.key_path(key));
  if (!date.is_ok()) return reader.error(key, fmt::format("'{}' is not a calendar date", text.substr(0, 10)));
  return midnight_s(*date) + static_cast<int64_t>(clock_s);
}

// Windows of one day type: sorted, none overlapping another, nor the next day's first window when it crosses
// midnight (the next day may have the same type).
Result<std::vector<DailyWindow>> read_windows(ConfigReader& reader, std::string_view key) {
  BITGOEUL_ASSIGN_OR_RETURN(const std::vector<std::string> texts, reader.strings_or_empty(key));
  std::vector<DailyWindow> windows;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto window = parse_daily_window(texts[i], fmt::format("{}[{}]", reader.key_path(key), i));
    if (!window.is_ok()) return reader.error(key, window.status().message());
    windows.push_back(*window);
  }
  std::sort(windows.begin(), windows.end(), [](const DailyWindow& a, const DailyWindow& b) { return a.start_s < b.start_s; });
  for (size_t i = 1; i < windows.size(); ++i) {
    if (windows[i].start_s < windows[i - 1].end_s) {
      return reader.error(key, fmt::format("windows {} and {} overlap", format_window(windows[i - 1]),
                                           format_window(windows[i])));
    }
  }
  if (windows.size() > 1 && windows.back().end_s - 86400.0 > windows.front().start_s) {
    return reader.error(key, fmt::format("window {} runs past midnight into {} of the next day",
                                         format_window(windows.back()), format_window(windows.front())));
  }
  return windows;
}

Result<std::vector<geo::Zone>> read_zone_file(ConfigReader& reader, std::string_view key, const std::string& base,
                                              bool required) {
  std::string file;
  if (required) {
    BITGOEUL_ASSIGN_OR_RETURN(file, reader.string(key));
  } else {
    BITGOEUL_ASSIGN_OR_RETURN(file, reader.string_or(key, ""));
    if (file.empty()) return std::vector<geo::Zone>{};
  }
  geo::ZoneReadOptions options;
  options.id_property = "id";
  auto zones = geo::read_zones_geojson(resolve(base, file), options);
  if (!zones.is_ok()) return reader.error(key, zones.status().message());
  if (zones->empty()) return reader.error(key, fmt::format("{}: no polygons", file));
  return std::move(*zones);
}

Result<std::vector<DesignatedStop>> read_stops_csv(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t id_column, reader.column("id"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lat_column, reader.column("lat"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lon_column, reader.column("lon"));
  const std::optional<size_t> name_column = reader.find_column("name");
  std::vector<DesignatedStop> stops;
  std::vector<std::string> fields;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
    if (!more) break;
    DesignatedStop stop;
    stop.id = fields[id_column];
    if (stop.id.empty()) return reader.row_error("empty stop id");
    BITGOEUL_ASSIGN_OR_RETURN(stop.point.lat, parse_csv_double(reader, "lat", fields[lat_column]));
    BITGOEUL_ASSIGN_OR_RETURN(stop.point.lon, parse_csv_double(reader, "lon", fields[lon_column]));
    if (!geo::is_valid(stop.point)) return reader.row_error(fmt::format("stop '{}': lat/lon out of range", stop.id));
    stop.name = name_column ? fields[*name_column] : stop.id;
    if (std::any_of(stops.begin(), stops.end(), [&](const DesignatedStop& other) { return other.id == stop.id; })) {
      return reader.row_error(fmt::format("stop id '{}' appears twice", stop.id));
    }
    stops.push_back(std::move(stop));
  }
  if (stops.empty()) return invalid_input("{}: no stops", path);
  return stops;
}

Result<int> road_class_by_name(std::string_view name) {
  for (int c = 0; c < static_cast<int>(road::RoadClass::kCount); ++c) {
    if (name == road::road_class_name(static_cast<road::RoadClass>(c))) return c;
  }
  return invalid_input("unknown road class '{}'", name);
}

Result<double> speed_kmh(ConfigReader& reader, std::string_view key, const ConfigValue* value) {
  if (value == nullptr || (value->kind != ConfigValue::Kind::kInteger && value->kind != ConfigValue::Kind::kFloat)) {
    return reader.error(key, "expected a speed in km/h");
  }
  const double kmh = value->kind == ConfigValue::Kind::kInteger ? static_cast<double>(value->integer_value) : value->float_value;
  if (!(kmh >= 5.0 && kmh <= 200.0)) return reader.error(key, fmt::format("{} km/h is not between 5 and 200", kmh));
  return kmh;
}

}  // namespace

std::string format_window(const DailyWindow& window) {
  auto clock = [](double s) {
    const auto minutes = static_cast<int64_t>(std::llround(s / 60.0)) % (24 * 60);
    return fmt::format("{:02d}:{:02d}", minutes / 60, minutes % 60);
  };
  return clock(window.start_s) + "-" + (window.end_s == 86400.0 ? std::string("24:00") : clock(window.end_s));
}

Result<DailyWindow> parse_daily_window(std::string_view text, std::string_view field) {
  DailyWindow window;
  if (text.size() != 11 || text[5] != '-' || !parse_clock(text.substr(0, 5), window.start_s) ||
      !parse_clock(text.substr(6), window.end_s) || window.start_s >= 86400.0) {
    return invalid_input("{}: '{}' is not a window HH:MM-HH:MM", field, text);
  }
  if (window.end_s == window.start_s) return invalid_input("{}: '{}' is empty", field, text);
  if (window.end_s < window.start_s) window.end_s += 86400.0;  // crosses midnight
  return window;
}

bool in_permitted_area(const Permit& permit, const geo::LatLon& point) {
  return geo::find_zone(permit.permitted, point) >= 0 && geo::find_zone(permit.excluded, point) < 0;
}

Status check_permit(const Permit& permit) {
  const std::string& where = permit.path;
  if (permit.permitted.empty()) return invalid_input("{}: area.permitted: no permitted zone", where);
  if (permit.valid_until < permit.valid_from) {
    return invalid_input("{}: valid_until {} is before valid_from {}", where, format_date(permit.valid_until),
                         format_date(permit.valid_from));
  }
  for (const DesignatedStop& stop : permit.stops) {
    if (!in_permitted_area(permit, stop.point)) {
      return invalid_input("{}: stops: stop '{}' ({}, {}) lies outside the permitted area", where, stop.id,
                           stop.point.lat, stop.point.lon);
    }
  }
  if (!permit.stops.empty() && !(permit.max_walk_m > 0)) {
    return invalid_input("{}: stops.max_walk_m: must be positive when stops are designated", where);
  }
  for (size_t i = 1; i < permit.suspensions.size(); ++i) {
    if (permit.suspensions[i].start_s < permit.suspensions[i - 1].end_s) {
      return invalid_input("{}: suspension[{}] ({}) overlaps the one before ({})", where, i,
                           permit.suspensions[i].reason, permit.suspensions[i - 1].reason);
    }
  }
  if (permit.safety_driver_vehicles > 0 && permit.safety_driver_shifts.empty()) {
    return invalid_input("{}: safety_drivers.shifts: vehicles need a safety driver but no shift is given", where);
  }
  return Status::ok();
}

Result<Permit> read_permit_file(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue document, parse_toml_file(path));
  ConfigReader root(document, path, "");
  const std::string base = fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
  Permit permit;
  permit.path = path;
  BITGOEUL_ASSIGN_OR_RETURN(permit.name, root.string("name"));
  BITGOEUL_ASSIGN_OR_RETURN(permit.number, root.string_or("number", ""));
  BITGOEUL_ASSIGN_OR_RETURN(permit.holder, root.string_or("holder", ""));
  BITGOEUL_ASSIGN_OR_RETURN(const std::string valid_from, root.string("valid_from"));
  BITGOEUL_ASSIGN_OR_RETURN(permit.valid_from, parse_date(valid_from, root.key_path("valid_from")));
  BITGOEUL_ASSIGN_OR_RETURN(const std::string valid_until, root.string("valid_until"));
  BITGOEUL_ASSIGN_OR_RETURN(permit.valid_until, parse_date(valid_until, root.key_path("valid_until")));
  if (permit.valid_until < permit.valid_from) return root.error("valid_until", "is before valid_from");
  BITGOEUL_ASSIGN_OR_RETURN(const int64_t max_vehicles, root.integer_or("max_vehicles", 0));
  if (max_vehicles < 0 || max_vehicles > 100000) return root.error("max_vehicles", "must be between 0 and 100,000");
  permit.max_vehicles = static_cast<uint32_t>(max_vehicles);

  BITGOEUL_ASSIGN_OR_RETURN(auto area, root.table_or_none("area"));
  if (!area) return root.error("area", "missing [area] with the permitted zones");
  BITGOEUL_ASSIGN_OR_RETURN(permit.permitted, read_zone_file(*area, "permitted", base, true));
  BITGOEUL_ASSIGN_OR_RETURN(permit.excluded, read_zone_file(*area, "excluded", base, false));
  BITGOEUL_RETURN_IF_ERROR(area->finish());

  BITGOEUL_ASSIGN_OR_RETURN(auto hours, root.table_or_none("hours"));
  if (!hours) return root.error("hours", "missing [hours]: the operating hours per day type");
  BITGOEUL_ASSIGN_OR_RETURN(permit.hours[static_cast<size_t>(DayType::kWeekday)], read_windows(*hours, "weekday"));
  BITGOEUL_ASSIGN_OR_RETURN(permit.hours[static_cast<size_t>(DayType::kWeekend)], read_windows(*hours, "weekend"));
  BITGOEUL_ASSIGN_OR_RETURN(permit.hours[static_cast<size_t>(DayType::kHoliday)], read_windows(*hours, "holiday"));
  BITGOEUL_ASSIGN_OR_RETURN(const std::vector<std::string> extra, hours->strings_or_empty("extra_holidays"));
  for (size_t i = 0; i < extra.size(); ++i) {
    auto date = parse_date(extra[i], fmt::format("{}[{}]", hours->key_path("extra_holidays"), i));
    if (!date.is_ok()) return hours->error("extra_holidays", date.status().message());
    permit.extra_holidays.push_back(*date);
  }
  BITGOEUL_RETURN_IF_ERROR(hours->finish());

  BITGOEUL_ASSIGN_OR_RETURN(auto stops, root.table_or_none("stops"));
  if (stops) {
    BITGOEUL_ASSIGN_OR_RETURN(const std::string file, stops->string("file"));
    auto read = read_stops_csv(resolve(base, file));
    if (!read.is_ok()) return stops->error("file", read.status().message());
    permit.stops = std::move(*read);
    BITGOEUL_ASSIGN_OR_RETURN(permit.max_walk_m, stops->number("max_walk_m"));
    if (!(permit.max_walk_m > 0 && permit.max_walk_m <= 5000)) {
      return stops->error("max_walk_m", "must be between 0 and 5,000 metres");
    }
    BITGOEUL_RETURN_IF_ERROR(stops->finish());
    for (const DesignatedStop& stop : permit.stops) {
      if (!in_permitted_area(permit, stop.point)) {
        return stops->error("file", fmt::format("stop '{}' ({:.6f}, {:.6f}) lies outside the permitted area", stop.id,
                                                stop.point.lat, stop.point.lon));
      }
    }
  }

  BITGOEUL_ASSIGN_OR_RETURN(auto caps, root.table_or_none("speed_caps"));
  if (caps) {
    BITGOEUL_ASSIGN_OR_RETURN(auto by_class, caps->table_or_none("by_class_kmh"));
    if (by_class) {
      for (const auto& [name, value] : by_class->entries()) {
        auto road_class = road_class_by_name(name);
        if (!road_class.is_ok()) return by_class->error(name, road_class.status().message());
        BITGOEUL_ASSIGN_OR_RETURN(permit.class_speed_cap_kmh[static_cast<size_t>(*road_class)],
                                  speed_kmh(*by_class, name, value));
      }
    }
    BITGOEUL_ASSIGN_OR_RETURN(auto zone_caps, caps->tables_or_empty("zone"));
    for (ConfigReader& zone_cap : zone_caps) {
      ZoneSpeedCap cap;
      BITGOEUL_ASSIGN_OR_RETURN(cap.source, zone_cap.string("zones"));
      BITGOEUL_ASSIGN_OR_RETURN(cap.zones, read_zone_file(zone_cap, "zones", base, true));
      BITGOEUL_ASSIGN_OR_RETURN(const double kmh, zone_cap.number("kmh"));
      if (!(kmh >= 5.0 && kmh <= 200.0)) return zone_cap.error("kmh", fmt::format("{} km/h is not between 5 and 200", kmh));
      cap.kmh = kmh;
      BITGOEUL_RETURN_IF_ERROR(zone_cap.finish());
      permit.zone_speed_caps.push_back(std::move(cap));
    }
    BITGOEUL_RETURN_IF_ERROR(caps->finish());
  }

  BITGOEUL_ASSIGN_OR_RETURN(auto drivers, root.table_or_none("safety_drivers"));
  if (drivers) {
    BITGOEUL_ASSIGN_OR_RETURN(const int64_t vehicles, drivers->integer("vehicles"));
    if (vehicles < 0 || vehicles > 100000) return drivers->error("vehicles", "must be between 0 and 100,000");
    permit.safety_driver_vehicles = static_cast<uint32_t>(vehicles);
    BITGOEUL_ASSIGN_OR_RETURN(permit.safety_driver_shifts, read_windows(*drivers, "shifts"));
    if (vehicles > 0 && permit.safety_driver_shifts.empty()) {
      return drivers->error("shifts", "vehicles need a safety driver: give their shifts");
    }
    BITGOEUL_RETURN_IF_ERROR(drivers->finish());
  }

  BITGOEUL_ASSIGN_OR_RETURN(auto suspensions, root.tables_or_empty("suspension"));
  for (ConfigReader& entry : suspensions) {
    Suspension suspension;
    BITGOEUL_ASSIGN_OR_RETURN(suspension.start_s, parse_date_time(entry, "from"));
    BITGOEUL_ASSIGN_OR_RETURN(suspension.end_s, parse_date_time(entry, "to"));
    if (suspension.end_s <= suspension.start_s) return entry.error("to", "must be after 'from'");
    BITGOEUL_ASSIGN_OR_RETURN(suspension.reason, entry.string("reason"));
    BITGOEUL_RETURN_IF_ERROR(entry.finish());
    for (const Suspension& other : permit.suspensions) {
      if (suspension.start_s < other.end_s && other.start_s < suspension.end_s) {
        return entry.error("from", fmt::format("suspension '{}' overlaps suspension '{}'", suspension.reason, other.reason));
      }
    }
    permit.suspensions.push_back(std::move(suspension));
  }
  std::sort(permit.suspensions.begin(), permit.suspensions.end(),
            [](const Suspension& a, const Suspension& b) { return a.start_s < b.start_s; });
  BITGOEUL_RETURN_IF_ERROR(root.finish());
  BITGOEUL_RETURN_IF_ERROR(check_permit(permit));
  return permit;
}

}  // namespace bitgoeul::taxi::rules
