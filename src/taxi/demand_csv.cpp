#include "taxi/demand_csv.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "core/csv_reader.h"

namespace bitgoeul::taxi {
namespace {

constexpr size_t kMaxReportedErrors = 20;
constexpr size_t kAbsent = std::numeric_limits<size_t>::max();

// A parsed time: whole days since 1970-01-01 (for date-times) plus seconds within the day, or plain seconds.
struct ParsedTime {
  bool is_date_time = false;
  int64_t day = 0;
  double seconds = 0.0;
};

bool parse_date_time(const std::string& text, ParsedTime& out) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  double second = 0;
  char separator = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%lf%n", &year, &month, &day, &separator, &hour, &minute, &second,
                  &consumed) != 7 ||
      static_cast<size_t>(consumed) != text.size() || (separator != ' ' && separator != 'T')) {
    return false;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second >= 61) return false;
  out.is_date_time = true;
  out.day = std::chrono::sys_days(date).time_since_epoch().count();
  out.seconds = hour * 3600.0 + minute * 60.0 + second;
  return true;
}

Result<ParsedTime> parse_time(const CsvReader& reader, std::string_view column, const std::string& text) {
  ParsedTime parsed;
  if (parse_date_time(text, parsed)) return parsed;
  auto seconds = parse_csv_double(reader, column, text);
  if (!seconds.is_ok()) {
    return invalid_input("{}column '{}': '{}' is neither seconds nor a date-time YYYY-MM-DD HH:MM:SS", reader.where(),
                         column, text);
  }
  if (*seconds < 0) return invalid_input("{}column '{}': time {} is negative", reader.where(), column, *seconds);
  parsed.seconds = *seconds;
  return parsed;
}

Result<geo::LatLon> parse_point(const CsvReader& reader, const std::vector<std::string>& fields, size_t lat_column,
                                size_t lon_column, const DemandColumns& names, bool origin) {
  const std::string& lat_name = origin ? names.origin_lat : names.destination_lat;
  const std::string& lon_name = origin ? names.origin_lon : names.destination_lon;
  BITGOEUL_ASSIGN_OR_RETURN(const double lat, parse_csv_double(reader, lat_name, fields[lat_column]));
  BITGOEUL_ASSIGN_OR_RETURN(const double lon, parse_csv_double(reader, lon_name, fields[lon_column]));
  const geo::LatLon point{lat, lon};
  if (!geo::is_valid(point)) {
    return invalid_input("{}{} ({}, {}) is outside latitude [-90,90] / longitude [-180,180]", reader.where(),
                         origin ? "origin" : "destination", lat, lon);
  }
  if (lat == 0.0 && lon == 0.0) {
    return invalid_input("{}{} is (0, 0), the usual placeholder for an unknown position", reader.where(),
                         origin ? "origin" : "destination");
  }
  return point;
}

struct RawRequest {
  TripRequest request;
  ParsedTime time;
  std::optional<ParsedTime> latest;
};

}  // namespace

DemandColumns DemandColumns::nyc_tlc_yellow() {
  DemandColumns columns;
  columns.request_time = "tpep_pickup_datetime";
  columns.origin_lat = "pickup_latitude";
  columns.origin_lon = "pickup_longitude";
  columns.destination_lat = "dropoff_latitude";
  columns.destination_lon = "dropoff_longitude";
  columns.passengers = "passenger_count";
  columns.latest_pickup = "";
  return columns;
}

Result<std::vector<TripRequest>> read_demand_csv(const std::string& path, const DemandColumns& columns,
                                                 BadRowPolicy policy, DemandReadReport* report) {
  DemandReadReport local_report;
  DemandReadReport& counts = report != nullptr ? *report : local_report;
  counts = {};
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t time_column, reader.column(columns.request_time));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t origin_lat, reader.column(columns.origin_lat));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t origin_lon, reader.column(columns.origin_lon));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t destination_lat, reader.column(columns.destination_lat));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t destination_lon, reader.column(columns.destination_lon));
  const size_t passengers_column =
      reader.has_column(columns.passengers) ? reader.column(columns.passengers).value() : kAbsent;
  const size_t latest_column = !columns.latest_pickup.empty() && reader.has_column(columns.latest_pickup)
                                   ? reader.column(columns.latest_pickup).value()
                                   : kAbsent;

  std::vector<RawRequest> raw;
  std::vector<std::string> fields;
  auto parse_row = [&]() -> Result<RawRequest> {
    RawRequest row;
    BITGOEUL_ASSIGN_OR_RETURN(row.time, parse_time(reader, columns.request_time, fields[time_column]));
    BITGOEUL_ASSIGN_OR_RETURN(row.request.origin,
                              parse_point(reader, fields, origin_lat, origin_lon, columns, /*origin=*/true));
    BITGOEUL_ASSIGN_OR_RETURN(row.request.destination,
                              parse_point(reader, fields, destination_lat, destination_lon, columns, /*origin=*/false));
    if (passengers_column != kAbsent && !fields[passengers_column].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(const int64_t passengers,
                                parse_csv_int(reader, columns.passengers, fields[passengers_column]));
      if (passengers < 1 || passengers > 20) {
        return invalid_input("{}column '{}': {} passengers is outside 1..20", reader.where(), columns.passengers,
                             passengers);
      }
      row.request.passengers = static_cast<uint16_t>(passengers);
    }
    if (latest_column != kAbsent && !fields[latest_column].empty()) {
      BITGOEUL_ASSIGN_OR_RETURN(ParsedTime latest, parse_time(reader, columns.latest_pickup, fields[latest_column]));
      if (latest.is_date_time != row.time.is_date_time) {
        return invalid_input("{}columns '{}' and '{}' mix seconds and date-times", reader.where(),
                             columns.request_time, columns.latest_pickup);
      }
      if (latest.day * 86400.0 + latest.seconds < row.time.day * 86400.0 + row.time.seconds) {
        return invalid_input("{}column '{}': latest pick-up is before the request", reader.where(),
                             columns.latest_pickup);
      }
      row.latest = latest;
    }
    return row;
  };

  while (true) {
    auto has_row = reader.next(fields);
    Status problem;
    if (has_row.is_ok()) {
      if (!*has_row) break;
      ++counts.rows_read;
      auto row = parse_row();
      if (row.is_ok()) {
        raw.push_back(std::move(row).value());
        continue;
      }
      problem = row.status();
    } else {
      ++counts.rows_read;
      problem = has_row.status();
    }
    if (policy == BadRowPolicy::kStop) {
      return Status(problem.code(), problem.message() + " (use the skip policy to leave out bad rows)");
    }
    ++counts.rows_skipped;
    if (counts.first_errors.size() < kMaxReportedErrors) counts.first_errors.push_back(problem.message());
  }

  int64_t first_day = std::numeric_limits<int64_t>::max();
  for (const RawRequest& row : raw) {
    if (row.time.is_date_time) first_day = std::min(first_day, row.time.day);
  }
  std::vector<TripRequest> requests;
  requests.reserve(raw.size());
  for (RawRequest& row : raw) {
    const double day_offset_s = row.time.is_date_time ? static_cast<double>(row.time.day - first_day) * 86400.0 : 0.0;
    row.request.request_time_s = day_offset_s + row.time.seconds;
    if (row.latest) {
      const double latest_offset_s =
          row.latest->is_date_time ? static_cast<double>(row.latest->day - first_day) * 86400.0 : 0.0;
      row.request.latest_pickup_s = latest_offset_s + row.latest->seconds;
    }
    requests.push_back(row.request);
  }
  sort_and_number(requests);
  return requests;
}

Status write_demand_csv(const std::vector<TripRequest>& requests, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  const DemandColumns names;
  out << fmt::format("request_id,{},{},{},{},{},{},{}\n", names.request_time, names.origin_lat, names.origin_lon,
                     names.destination_lat, names.destination_lon, names.passengers, names.latest_pickup);
  for (const TripRequest& request : requests) {
    out << fmt::format("{},{:.3f},{:.7f},{:.7f},{:.7f},{:.7f},{},{}\n", request.id, request.request_time_s,
                       request.origin.lat, request.origin.lon, request.destination.lat, request.destination.lon,
                       request.passengers,
                       request.latest_pickup_s ? fmt::format("{:.3f}", *request.latest_pickup_s) : "");
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::taxi
