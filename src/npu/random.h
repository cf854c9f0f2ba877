#pragma once
// Deterministic random numbers for workload generation: std::mt19937_64 is specified bit-for-bit by the C++
// standard, but the standard distributions are not, so the draws are made here from raw 64-bit outputs and give
// the same numbers on every platform and library.

#include <cmath>
#include <cstdint>
#include <random>

namespace bitgoeul::npu {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n). REQUIRES: n > 0.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)) % n; }
  // Exponential with the given mean.
  double exponential(double mean) { return -std::log1p(-uniform()) * mean; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace bitgoeul::npu
