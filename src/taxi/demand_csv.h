#pragma once
// Trip records from CSV, with configurable column names so that public taxi data loads as it is (NYC TLC
// yellow-taxi files with coordinates: tpep_pickup_datetime, pickup_latitude, ...), and Bitgoeul's own demand files.

#include <string>
#include <vector>

#include "core/error.h"
#include "taxi/trip_request.h"

namespace bitgoeul::taxi {

struct DemandColumns {
  std::string request_time = "request_time_s";  // seconds, or a date-time "YYYY-MM-DD HH:MM:SS" (also with 'T')
  std::string origin_lat = "origin_lat";
  std::string origin_lon = "origin_lon";
  std::string destination_lat = "destination_lat";
  std::string destination_lon = "destination_lon";
  std::string passengers = "passengers";        // optional column: 1 when absent
  std::string latest_pickup = "latest_pickup_s";  // optional column, same units as request_time; empty cell = none

  // The column names of NYC TLC yellow-taxi trip records (2009-2016, the years with coordinates).
  static DemandColumns nyc_tlc_yellow();
};

enum class BadRowPolicy { kStop, kSkip };

struct DemandReadReport {
  uint64_t rows_read = 0;
  uint64_t rows_skipped = 0;
  std::vector<std::string> first_errors;  // up to 20 messages "file:line: ..." for the skipped rows
};

// Reads requests sorted by time with dense ids. Date-time values become seconds since midnight of the earliest
// date in the file. With kStop the first bad row is the error; with kSkip bad rows are counted in `report`.
// Bad rows: unparsable numbers or times, coordinates out of range or at (0, 0) (the TLC's "unknown"), passengers
// outside 1..20, latest pick-up before the request.
Result<std::vector<TripRequest>> read_demand_csv(const std::string& path, const DemandColumns& columns,
                                                 BadRowPolicy policy, DemandReadReport* report = nullptr);

// Writes Bitgoeul's own demand format (the default DemandColumns).
Status write_demand_csv(const std::vector<TripRequest>& requests, const std::string& path);

}  // namespace bitgoeul::taxi
