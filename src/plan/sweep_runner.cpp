#include "plan/sweep_runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace bitgoeul::plan {

Result<RunSummary> run_points(const std::vector<SweepPoint>& points, const PointFunction& run, PointStore& store,
                              const RunOptions& options) {
  RunSummary summary;
  summary.metrics.resize(points.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < points.size(); ++i) {
    if (const StoredPoint* stored = store.find(points[i].key)) {
      summary.metrics[i] = stored->metrics;
      ++summary.reused;
    } else {
      todo.push_back(i);
    }
  }
  if (options.max_points > 0 && todo.size() > options.max_points) todo.resize(options.max_points);

  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards summary, first_error and on_point
  Status first_error;
  size_t first_error_index = points.size();
  const auto worker = [&] {
    while (!failed.load()) {
      const size_t slot = next.fetch_add(1);
      if (slot >= todo.size()) return;
      const size_t index = todo[slot];
      Result<nlohmann::json> metrics = internal_error("point not run");
      try {
        metrics = run(index);
      } catch (const std::exception& error) {  // never let a worker's exception end the process
        metrics = internal_error("{}", error.what());
      }
      Status status = metrics.is_ok() ? Status::ok() : metrics.status();
      if (status.is_ok()) {
        StoredPoint stored{index, points[index].params, *metrics};
        status = store.append(points[index].key, stored);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.is_ok()) {
        failed.store(true);
        // Of several failures, report the one of the lowest point, so the message does not depend on timing.
        if (index < first_error_index) {
          first_error_index = index;
          first_error = status;
        }
        continue;
      }
      summary.metrics[index] = std::move(*metrics);
      ++summary.ran;
      if (options.on_point) options.on_point(index, summary.reused + summary.ran, points.size());
    }
  };
  const unsigned threads = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(todo.size())));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (std::thread& thread : pool) thread.join();
  }
  if (failed.load()) {
    return Status(first_error.code(), fmt::format("point {} ({}): {}", first_error_index,
                                                  points[first_error_index].params.dump(), first_error.message()));
  }
  return summary;
}

}  // namespace bitgoeul::plan
