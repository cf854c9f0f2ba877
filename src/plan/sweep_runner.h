#pragma once
// Runs the points of a sweep on worker threads, skipping those a previous run already stored, and stores each one
// as it finishes (plan/point_store.h). A point's result depends on its parameters only, never on which worker ran
// it or when, so the results are the same whatever the number of workers, and a resumed sweep ends with the same
// results as a fresh one.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "plan/point_store.h"

namespace bitgoeul::plan {

struct SweepPoint {
  std::string key;         // point_key(...)
  nlohmann::json params;   // what the point varies, for the stored line and the outputs
};

// Computes one point's metrics. Called concurrently from several threads with different indices: it must only
// read shared state. An error stops the sweep (points already running finish and are stored).
using PointFunction = std::function<Result<nlohmann::json>(size_t index)>;

struct RunOptions {
  unsigned jobs = 1;        // worker threads (at least 1)
  size_t max_points = 0;    // run at most this many points not yet stored, then stop; 0 = all
  // Called (under a lock, in finishing order) after each point is computed and stored: for progress lines.
  std::function<void(size_t index, size_t done, size_t total)> on_point;
};

struct RunSummary {
  size_t reused = 0;  // found in the store
  size_t ran = 0;     // computed by this run
  // Per point, in point order: its metrics, or nullopt if it is still to run (max_points stopped the run).
  std::vector<std::optional<nlohmann::json>> metrics;
  bool complete() const { return reused + ran == metrics.size(); }
};

Result<RunSummary> run_points(const std::vector<SweepPoint>& points, const PointFunction& run, PointStore& store,
                              const RunOptions& options);

}  // namespace bitgoeul::plan
