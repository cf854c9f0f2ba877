#pragma once
// Where a sweep keeps its finished points, so that an interrupted sweep resumes without redoing them:
// DIR/points.jsonl, one JSON object per line, appended (and flushed) as each point finishes:
//   {"key":"<16 hex digits>","point":K,"params":{...},"metrics":{...}}
// The key is a fingerprint of everything that decides the point's result (the sweep's inputs and the point's
// parameters, see point_key); a rerun of the same sweep finds its points by key and skips them. Lines of other
// sweeps (other keys) are kept and ignored. A torn last line — the process died while writing it — is cut off on
// open, with a note; any other malformed line is an error naming the file and line.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace bitgoeul::plan {

// 64-bit FNV-1a of `text`, as 16 lower-case hex digits. Stable across runs, machines and builds.
std::string fingerprint(std::string_view text);
// The key of one point: fingerprint of the sweep's input fingerprint and the point's parameters (compact JSON,
// keys sorted, as nlohmann::json dumps them).
std::string point_key(std::string_view sweep_fingerprint, const nlohmann::json& params);

struct StoredPoint {
  size_t point = 0;
  nlohmann::json params;
  nlohmann::json metrics;
};

class PointStore {
 public:
  // Opens (creating if absent) `path` for appending and reads the points already in it. `note` (optional) gets
  // what was repaired (a torn last line cut off). The store holds an exclusive lock on the file while it lives:
  // a second run on the same store (another process, or another open here) is refused.
  static Result<std::unique_ptr<PointStore>> open(const std::string& path, std::string* note = nullptr);
  ~PointStore();
  PointStore(const PointStore&) = delete;
  PointStore& operator=(const PointStore&) = delete;

  // The point stored under `key`, or nullptr. The first line of a key wins (a point's result never changes).
  // Safe to call from several threads, as append is; the pointer stays valid while the store lives.
  const StoredPoint* find(const std::string& key) const;
  size_t size() const;

  // Appends one point as a line and flushes it to the operating system. Safe to call from several threads.
  Status append(const std::string& key, const StoredPoint& point);

  const std::string& path() const { return path_; }

 private:
  PointStore(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  std::string path_;
  std::FILE* file_ = nullptr;
  std::map<std::string, StoredPoint> points_;
  mutable std::mutex mutex_;
};

// One stored line, for merging the result files of a distributed sweep: parses `line` of `source` (named in errors).
Result<std::pair<std::string, StoredPoint>> parse_point_line(std::string_view line, const std::string& source);
// The line `append` writes (no newline).
std::string point_line(const std::string& key, const StoredPoint& point);

}  // namespace bitgoeul::plan
