#include "core/clock.h"

#include <chrono>

namespace bitgoeul {

int64_t SystemClock::now_s() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace bitgoeul
