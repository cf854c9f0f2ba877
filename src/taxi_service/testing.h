#pragma once
// Shared by the dispatch service's tests only.

#include <cstdint>

#include "taxi/rules/permit.h"

namespace bitgoeul::taxi_service::testing {

// Unix seconds of hour:minute in Seoul (UTC+9) on Wednesday 2026-11-25, the day the test permits cover.
inline int64_t seoul(int hour, int minute) {
  return taxi::rules::midnight_s({2026, 11, 25}) + hour * 3600 + minute * 60 - 9 * 3600;
}

}  // namespace bitgoeul::taxi_service::testing
