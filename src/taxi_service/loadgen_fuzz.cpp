// libFuzzer target for what the load generator reads: the service's assignment and ride answers and the --url
// option. The first byte picks the parser, the rest is its input. For each input:
//   - nothing throws;
//   - an accepted assignment has pick-ups and drop-offs only, with non-empty rides and coordinates in range;
//   - an accepted ride has an id and a status, and a vehicle when assigned;
//   - an accepted URL has a host and a port in 1..65535.
// A broken promise aborts (a finding). Seed corpus: tests/fuzz/loadgen/.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "taxi_service/loadgen.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bitgoeul::taxi_service;
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto reply = parse_assignment(text);
      if (!reply.is_ok()) break;
      for (const PlannedStop& stop : reply->stops) {
        if (stop.ride.empty() || !std::isfinite(stop.lat) || !std::isfinite(stop.lon) || std::abs(stop.lat) > 90 ||
            std::abs(stop.lon) > 180) {
          std::abort();
        }
      }
      break;
    }
    case 1: {
      const auto reply = parse_ride_reply(text);
      if (reply.is_ok() && (reply->id.empty() || reply->status.empty() ||
                            (reply->status == "assigned" && reply->vehicle.empty()))) {
        std::abort();
      }
      break;
    }
    default: {
      const auto url = parse_http_url(text);
      if (url.is_ok() && (url->host.empty() || url->port == 0)) std::abort();
      break;
    }
  }
  return 0;
}
