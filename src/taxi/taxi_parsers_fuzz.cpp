// libFuzzer target for the robotaxi input parsers. The first byte chooses the parser (its value mod 6; seeds use
// '0' to '4'), an optional newline after it is skipped, and the rest is the file's text:
//   0  scenario TOML (read_scenario_file)
//   1  demand CSV, in Bitgoeul's columns and in the NYC TLC layout, with bad rows skipped and with stop
//   2  zones GeoJSON (geo::read_zones_geojson, GEOS validity included); zones that parse are sampled
//   3  permit TOML (rules::read_permit_file) beside a fixed area and stops file; a permit that reads is applied to a
//      day and asked to admit a request
//   4  a run's incidents CSV (rules::read_incidents_csv)
// Any input must end in a result or an error Status; crashes, hangs, leaks and sanitizer reports are bugs.
// The parsers read files, so each input is written to a file in /dev/shm (or the temporary directory) first.
// Seed corpus: tests/fuzz/taxi_parsers/.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "geo/zones.h"
#include "taxi/demand_csv.h"
#include "taxi/rules/permit_file.h"
#include "taxi/rules/permit_rules.h"
#include "taxi/rules/regulator_report.h"
#include "taxi/scenario_file.h"

namespace {

using namespace bitgoeul;

// A private folder holding the input (as `input`) and the files a permit may name.
const std::string& scratch_path() {
  static const std::string path = [] {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    const std::filesystem::path dir = base / ("bitgoeul_taxi_fuzz_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "area.geojson")
        << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":)"
           R"({"type":"Polygon","coordinates":[[[127.08,37.50],[127.13,37.50],[127.13,37.54],[127.08,37.54]]]}}]})";
    std::ofstream(dir / "stops.csv") << "id,lat,lon\nS1,37.515,127.100\nS2,37.525,127.110\n";
    return (dir / "input").string();
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int parser = data[0] % 6;
  size_t start = 1;
  if (start < size && data[start] == '\n') ++start;
  const std::string path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + start), static_cast<std::streamsize>(size - start));
  }
  switch (parser) {
    case 0: {
      (void)taxi::read_scenario_file(path);
      break;
    }
    case 1: {
      taxi::DemandReadReport report;
      (void)taxi::read_demand_csv(path, taxi::DemandColumns{}, taxi::BadRowPolicy::kSkip, &report);
      (void)taxi::read_demand_csv(path, taxi::DemandColumns::nyc_tlc_yellow(), taxi::BadRowPolicy::kStop);
      break;
    }
    case 3: {
      auto permit = taxi::rules::read_permit_file(path);
      if (permit.is_ok()) {
        auto rules = taxi::rules::PermitRules::create(*permit, {2026, 11, 25}, 2 * 86400.0);
        if (rules.is_ok()) {
          taxi::TripRequest request;
          request.request_time_s = 8 * 3600.0;
          request.origin = {37.515, 127.100};
          request.destination = {37.525, 127.110};
          (void)rules->admit(request, 600.0);
          (void)rules->change_times(0, 2 * 86400.0);
        }
      }
      break;
    }
    case 4: {
      (void)taxi::rules::read_incidents_csv(path);
      break;
    }
    default: {
      auto zones = geo::read_zones_geojson(path);
      if (zones.is_ok()) {
        std::mt19937_64 random(1);
        for (const geo::Zone& zone : *zones) {
          // Sampling a zone of (almost) no area would never end: only zones a generator would accept.
          if (geo::area_km2(zone) > 1e-6) (void)geo::sample_uniform(zone, random);
        }
      }
      break;
    }
  }
  return 0;
}
