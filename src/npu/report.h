#pragma once
// The HTML report of `bitgoeul npu simulate` and `bitgoeul npu compare`: one self-contained file (inline CSS and
// SVG; no scripts, fonts, images or links to fetch, so it opens offline) with the runs' metrics table and charts:
// queued jobs and utilisation over time per policy (overall and per device type), JCT CDFs, and each tenant's
// share received vs entitled. Every chart is an <svg data-chart="..."> and every policy's line or bar group in
// it carries data-policy="<name>", so tools and tests can find them.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "npu/cluster.h"
#include "npu/metrics.h"
#include "npu/simulator.h"

namespace bitgoeul::npu {

// One policy's run as the report shows it.
struct ReportRun {
  Metrics metrics;
  TimeSeries series;          // sampled on the report's cluster (empty: no over-time charts for this run)
  std::vector<double> jct_s;  // of finished jobs, any order
};

// REQUIRES: each non-empty series has one used_milli row per device type of `cluster`.
std::string html_report(const Cluster& cluster, std::string_view title, const std::vector<ReportRun>& runs);
Status write_html_report(const Cluster& cluster, std::string_view title, const std::vector<ReportRun>& runs,
                         const std::string& path);

}  // namespace bitgoeul::npu
