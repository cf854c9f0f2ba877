#include "geo/segment_grid.h"

#include <algorithm>
#include <cmath>

namespace bitgoeul::geo {
namespace {

constexpr int64_t kMaxCells = int64_t{1} << 22;

double squared(double value) { return value * value; }

}  // namespace

double project_onto_segment(const LocalProjection::Xy& point, const LocalProjection::Xy& a, const LocalProjection::Xy& b) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double length_squared = dx * dx + dy * dy;
  if (length_squared <= 0) return 0;
  return std::clamp(((point.x - a.x) * dx + (point.y - a.y) * dy) / length_squared, 0.0, 1.0);
}

SegmentGrid::SegmentGrid(std::vector<Segment> segments, double cell_size) : segments_(std::move(segments)) {
  if (segments_.empty()) return;
  double max_x = segments_[0].a.x, max_y = segments_[0].a.y;
  min_x_ = max_x;
  min_y_ = max_y;
  for (const Segment& s : segments_) {
    for (const Xy& p : {s.a, s.b}) {
      min_x_ = std::min(min_x_, p.x);
      min_y_ = std::min(min_y_, p.y);
      max_x = std::max(max_x, p.x);
      max_y = std::max(max_y, p.y);
    }
  }
  const double width = std::max(max_x - min_x_, 1.0);
  const double height = std::max(max_y - min_y_, 1.0);
  if (cell_size <= 0) cell_size = std::max(10.0, std::sqrt(width * height / static_cast<double>(segments_.size())) * 1.5);
  // Never more than kMaxCells cells, however spread out the data.
  while ((static_cast<int64_t>(width / cell_size) + 1) * (static_cast<int64_t>(height / cell_size) + 1) > kMaxCells) {
    cell_size *= 2;
  }
  cell_size_ = cell_size;
  columns_ = static_cast<int64_t>(width / cell_size_) + 1;
  rows_ = static_cast<int64_t>(height / cell_size_) + 1;

  // Each segment goes into every cell its line crosses: per row of cells, the x-range of the segment in that row.
  auto for_each_cell = [this](const Segment& s, auto&& visit) {
    const double y_low = std::min(s.a.y, s.b.y), y_high = std::max(s.a.y, s.b.y);
    const int64_t row_low = std::clamp<int64_t>(static_cast<int64_t>((y_low - min_y_) / cell_size_), 0, rows_ - 1);
    const int64_t row_high = std::clamp<int64_t>(static_cast<int64_t>((y_high - min_y_) / cell_size_), 0, rows_ - 1);
    for (int64_t row = row_low; row <= row_high; ++row) {
      const double band_low = std::max(y_low, min_y_ + row * cell_size_);
      const double band_high = std::min(y_high, min_y_ + (row + 1) * cell_size_);
      double x_low, x_high;
      if (s.a.y == s.b.y) {
        x_low = std::min(s.a.x, s.b.x);
        x_high = std::max(s.a.x, s.b.x);
      } else {
        const double x1 = s.a.x + (s.b.x - s.a.x) * (band_low - s.a.y) / (s.b.y - s.a.y);
        const double x2 = s.a.x + (s.b.x - s.a.x) * (band_high - s.a.y) / (s.b.y - s.a.y);
        x_low = std::min(x1, x2);
        x_high = std::max(x1, x2);
      }
      const int64_t col_low = std::clamp<int64_t>(static_cast<int64_t>((x_low - min_x_) / cell_size_), 0, columns_ - 1);
      const int64_t col_high = std::clamp<int64_t>(static_cast<int64_t>((x_high - min_x_) / cell_size_), 0, columns_ - 1);
      for (int64_t col = col_low; col <= col_high; ++col) visit(row * columns_ + col);
    }
  };
  cell_first_.assign(static_cast<size_t>(columns_ * rows_) + 1, 0);
  for (const Segment& s : segments_) for_each_cell(s, [this](int64_t cell) { ++cell_first_[cell + 1]; });
  for (size_t i = 1; i < cell_first_.size(); ++i) cell_first_[i] += cell_first_[i - 1];
  cell_segments_.resize(cell_first_.back());
  std::vector<uint32_t> fill(cell_first_.begin(), cell_first_.end() - 1);
  for (uint32_t i = 0; i < segments_.size(); ++i) {
    for_each_cell(segments_[i], [&](int64_t cell) { cell_segments_[fill[cell]++] = i; });
  }
}

void SegmentGrid::scan_cell(int64_t cx, int64_t cy, const Xy& point, std::optional<Hit>& best) const {
  if (cx < 0 || cy < 0 || cx >= columns_ || cy >= rows_) return;
  const int64_t cell = cy * columns_ + cx;
  for (uint32_t i = cell_first_[cell]; i < cell_first_[cell + 1]; ++i) {
    const uint32_t index = cell_segments_[i];
    const Segment& s = segments_[index];
    const double t = project_onto_segment(point, s.a, s.b);
    const Xy on{s.a.x + (s.b.x - s.a.x) * t, s.a.y + (s.b.y - s.a.y) * t};
    const double distance = std::sqrt(squared(on.x - point.x) + squared(on.y - point.y));
    if (!best || distance < best->distance || (distance == best->distance && index < best->segment)) {
      best = Hit{index, on, distance, t};
    }
  }
}

std::optional<SegmentGrid::Hit> SegmentGrid::nearest(const Xy& point, double max_distance) const {
  std::optional<Hit> best;
  if (segments_.empty() || !std::isfinite(point.x) || !std::isfinite(point.y) || !(max_distance >= 0)) return best;
  const double fx = std::floor((point.x - min_x_) / cell_size_);
  const double fy = std::floor((point.y - min_y_) / cell_size_);
  // Clamp far-away points to just outside the grid; the ring distance bound below stays conservative.
  const int64_t cx = static_cast<int64_t>(std::clamp(fx, -1.0, static_cast<double>(columns_)));
  const int64_t cy = static_cast<int64_t>(std::clamp(fy, -1.0, static_cast<double>(rows_)));
  // Distance from the point to its (clamped) cell, which rings are measured from.
  const double outside_x = std::max({0.0, min_x_ + cx * cell_size_ - point.x, point.x - (min_x_ + (cx + 1) * cell_size_)});
  const double outside_y = std::max({0.0, min_y_ + cy * cell_size_ - point.y, point.y - (min_y_ + (cy + 1) * cell_size_)});
  const double offset = std::sqrt(squared(outside_x) + squared(outside_y));
  if (offset > max_distance) return best;
  const int64_t max_ring = std::max(columns_, rows_) + 1;
  for (int64_t ring = 0; ring <= max_ring; ++ring) {
    // A cell r rings out is at least r - 1 whole cells from the ring-0 cell, which is `offset` from the point.
    const double ring_min_distance = std::max(0.0, static_cast<double>(ring - 1) * cell_size_ - offset);
    if (ring_min_distance > max_distance || (best && best->distance < ring_min_distance)) break;
    if (ring == 0) {
      scan_cell(cx, cy, point, best);
      continue;
    }
    for (int64_t x = cx - ring; x <= cx + ring; ++x) {
      scan_cell(x, cy - ring, point, best);
      scan_cell(x, cy + ring, point, best);
    }
    for (int64_t y = cy - ring + 1; y <= cy + ring - 1; ++y) {
      scan_cell(cx - ring, y, point, best);
      scan_cell(cx + ring, y, point, best);
    }
  }
  if (best && best->distance > max_distance) best.reset();
  return best;
}

}  // namespace bitgoeul::geo
