#pragma once
// A uniform grid over line segments in a planar frame (metres, e.g. a LocalProjection), answering "which segment
// is nearest to this point, within R metres?". Geometry only: the caller keeps what each segment stands for (road
// snapping keeps edge ids). Built once, queried many times, const and thread-compatible.

#include <cstdint>
#include <optional>
#include <vector>

#include "geo/lat_lon.h"

namespace bitgoeul::geo {

class SegmentGrid {
 public:
  using Xy = LocalProjection::Xy;
  struct Segment {
    Xy a;
    Xy b;
  };
  struct Hit {
    uint32_t segment = 0;  // index into the segments given to the constructor
    Xy point;              // the nearest point on that segment
    double distance = 0;   // from the query point, metres
    double t = 0;          // position of `point` on the segment: 0 at a, 1 at b
  };

  // `cell_size` in metres; 0 picks one from the data (about two segments per cell on average).
  // REQUIRES: finite coordinates.
  explicit SegmentGrid(std::vector<Segment> segments, double cell_size = 0);

  // The nearest segment at most `max_distance` away; ties go to the lower segment index. std::nullopt if none.
  std::optional<Hit> nearest(const Xy& point, double max_distance) const;

  uint32_t segment_count() const { return static_cast<uint32_t>(segments_.size()); }
  const Segment& segment(uint32_t index) const { return segments_[index]; }
  double cell_size() const { return cell_size_; }

 private:
  void scan_cell(int64_t cx, int64_t cy, const Xy& point, std::optional<Hit>& best) const;

  std::vector<Segment> segments_;
  double cell_size_ = 1;
  double min_x_ = 0, min_y_ = 0;
  int64_t columns_ = 0, rows_ = 0;
  std::vector<uint32_t> cell_first_;  // per cell + 1, row-major
  std::vector<uint32_t> cell_segments_;
};

// Nearest point to `point` on the segment a-b: returns t in [0, 1] (0 if a == b).
double project_onto_segment(const LocalProjection::Xy& point, const LocalProjection::Xy& a, const LocalProjection::Xy& b);

}  // namespace bitgoeul::geo
