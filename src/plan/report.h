#pragma once
// The files a plan leaves, shared by the taxi and NPU planners: a self-contained HTML report (inline SVG, no
// scripts, no downloads) of trade-off charts — cost against service level, the Pareto front drawn as a line, the
// chosen option ringed, the target drawn — and tables; plus small file helpers.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace bitgoeul::plan {

// Creates `directory` (and parents) if needed.
Status ensure_directory(const std::string& directory);
// Writes `text` to `path` (replacing it); errors name the path.
Status write_text(const std::string& path, const std::string& text);

struct ChartPoint {
  double cost = 0.0;     // x
  double service = 0.0;  // y
  std::string series;    // colour group (e.g. the policy)
  std::string label;     // tooltip
  bool meets_target = false;
  bool on_front = false;
  bool chosen = false;
};

struct TradeOffChart {
  std::string title;
  std::string cost_label;     // x axis, e.g. "KRW per service day"
  std::string service_label;  // y axis, e.g. "served (%)"
  bool higher_is_better = true;  // false for delays: the front then runs along the lowest values
  std::optional<double> target;  // a horizontal line at the target level
  std::vector<ChartPoint> points;
};

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> highlighted_rows;
};

struct PlanReport {
  std::string title;
  std::vector<std::string> notes;  // paragraphs under the title (plain text, escaped)
  std::vector<ReportTable> tables;           // before the charts: the summary
  std::vector<TradeOffChart> charts;
  std::vector<ReportTable> appendix_tables;  // after the charts: the detail
};

// The chart alone (an <svg> element), for tests and embedding.
std::string trade_off_svg(const TradeOffChart& chart);
Status write_plan_report(const PlanReport& report, const std::string& path);

// Formats KRW for people, in thousands, millions, billions or trillions (k, M, B, T): "12.96 M KRW".
std::string format_krw(double krw);

}  // namespace bitgoeul::plan
