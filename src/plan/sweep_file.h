#pragma once
// Private to src/plan: what the taxi and NPU sweeps read alike — paths beside the sweep file, the seeded uniform
// draw, and typed fields of a point's stored metrics.

#include <filesystem>
#include <random>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace bitgoeul::plan {

// Most points one sweep may have: a bound on a typo's cost (an axis of 1..1000000), far above any real study.
constexpr size_t kMaxSweepPoints = 100000;

// `path` as written in the file at `base_file`: relative paths resolve against that file's folder.
inline std::string resolve(const std::string& base_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_file).parent_path() / path).lexically_normal().string();
}

// A double in [0, 1) from the generator's top 53 bits (the same on every standard library).
inline double uniform(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

// A stored metric of type T (double, bool, std::string or an unsigned count); the error names it.
template <typename T>
Result<T> field(const nlohmann::json& json, const char* name) {
  const auto found = json.find(name);
  if (found == json.end()) return invalid_input("metrics: missing '{}'", name);
  if constexpr (std::is_same_v<T, double>) {
    if (!found->is_number()) return invalid_input("metrics: '{}' is not a number", name);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!found->is_boolean()) return invalid_input("metrics: '{}' is not true or false", name);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!found->is_string()) return invalid_input("metrics: '{}' is not a string", name);
  } else {
    if (!found->is_number_unsigned()) return invalid_input("metrics: '{}' is not a count", name);
  }
  return found->get<T>();
}

}  // namespace bitgoeul::plan
