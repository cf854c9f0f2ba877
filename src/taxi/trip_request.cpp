#include "taxi/trip_request.h"

#include <algorithm>

namespace bitgoeul::taxi {

void sort_and_number(std::vector<TripRequest>& requests) {
  std::stable_sort(requests.begin(), requests.end(), [](const TripRequest& a, const TripRequest& b) {
    return a.request_time_s < b.request_time_s;
  });
  for (size_t i = 0; i < requests.size(); ++i) requests[i].id = static_cast<uint32_t>(i);
}

}  // namespace bitgoeul::taxi
