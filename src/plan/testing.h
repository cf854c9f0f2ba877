#pragma once
// Shared by the plan tests only: scratch files (one directory per test suite under the system's temporary
// directory) and made-up sweep points.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plan/point_store.h"
#include "plan/sweep_runner.h"

namespace bitgoeul::plan::testing {

inline const std::string kSource = BITGOEUL_SOURCE_DIR;

// The running test suite's scratch directory, created if missing.
inline std::filesystem::path scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   (std::string("bitgoeul_") + ::testing::UnitTest::GetInstance()->current_test_suite()->name());
  std::filesystem::create_directories(dir);
  return dir;
}

// Writes `text` to the scratch file `name` and returns its path.
inline std::string write_file(const std::string& name, const std::string& text) {
  const auto path = scratch_dir() / name;
  std::ofstream(path) << text;
  return path.string();
}

// The path of the scratch file `name`, removed if it existed.
inline std::string fresh_path(const std::string& name) {
  const auto path = scratch_dir() / name;
  std::filesystem::remove(path);
  return path.string();
}

inline std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Points 0..n-1 of a sweep with one parameter x.
inline std::vector<SweepPoint> make_points(size_t n) {
  std::vector<SweepPoint> points;
  for (size_t i = 0; i < n; ++i) {
    nlohmann::json params = {{"x", i}};
    points.push_back({point_key("sweep", params), params});
  }
  return points;
}

}  // namespace bitgoeul::plan::testing
