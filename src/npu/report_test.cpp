// The HTML report: written as one self-contained file holding every policy's series in every chart.

#include "npu/report.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "npu/testing.h"

namespace bitgoeul::npu {
namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The <svg ...>...</svg> element with data-chart="name", or "" when absent.
std::string chart(const std::string& html, const std::string& name) {
  const size_t attribute = html.find("data-chart=\"" + name + "\"");
  if (attribute == std::string::npos) return "";
  const size_t begin = html.rfind("<svg", attribute);
  const size_t end = html.find("</svg>", attribute);
  return html.substr(begin, end + 6 - begin);
}

TEST(Report, HoldsEveryPolicysSeriesInEveryChartAndNeedsNothingOnline) {
  const testing::Scenario scenario = testing::make_scenario(R"(
[[device_types]]
name = "RNGD"
resource = "furiosa.ai/rngd"
[[device_types]]
name = "ATOM"
resource = "rebellions.ai/ATOM"
[[nodes]]
name = "r"
device_type = "RNGD"
devices = 2
[[nodes]]
name = "a"
device_type = "ATOM"
devices = 2
)",
                                                            "",
                                                            "name,tenant,submit_s,duration_s,devices,types,preemptible\n"
                                                            "a,uni,0,600,2,RNGD,true\n"
                                                            "b,<startup & co>,10,60,1,RNGD|ATOM,false\n"
                                                            "c,uni,20,300,2,RNGD|ATOM,true\n"
                                                            "d,<startup & co>,30,30,2,RNGD,false\n");
  std::vector<ReportRun> runs;
  for (const char* policy : {"fifo", "tiresias", "srtf"}) {
    const SimulationResult result = testing::run(scenario, policy, "best-fit", {}, {.sample_interval_s = 10});
    ASSERT_GT(result.series.size(), 60u);
    runs.push_back({compute_metrics(scenario.cluster, scenario.tenants, scenario.workload, result, policy, "best-fit"),
                    result.series, completion_times_s(scenario.workload, result)});
    EXPECT_EQ(runs.back().jct_s.size(), 4u);
  }
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_npu_report_test.html").string();
  std::filesystem::remove(path);
  ASSERT_TRUE(write_html_report(scenario.cluster, "Policies <compared>", runs, path).is_ok());
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string html = buffer.str();
  EXPECT_EQ(html, html_report(scenario.cluster, "Policies <compared>", runs));

  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("<title>Policies &lt;compared&gt;</title>"), std::string::npos);
  // Self-contained: no scripts, no external resources; the only URL is the SVG namespace.
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "src="), 0u);
  EXPECT_EQ(count(html, "href"), 0u);
  EXPECT_EQ(count(html, "url("), 0u);
  EXPECT_EQ(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));

  for (const char* name : {"queue", "utilisation", "utilisation-RNGD", "utilisation-ATOM", "jct-cdf", "tenant-share"}) {
    const std::string svg = chart(html, name);
    ASSERT_FALSE(svg.empty()) << name;
    for (const ReportRun& run : runs) {
      EXPECT_EQ(count(svg, "data-policy=\"" + run.metrics.policy + "\""), 1u) << name << " " << run.metrics.policy;
    }
  }
  // A line has a point per sample (two per step after the first), within the canvas.
  const std::string queue = chart(html, "queue");
  const size_t points_at = queue.find("points=\"", queue.find("data-policy=\"fifo\""));
  const std::string points = queue.substr(points_at + 8, queue.find('"', points_at + 8) - points_at - 8);
  EXPECT_EQ(count(points, ","), 2 * runs[0].series.size() - 1);
  // The metrics table has a row per policy, and tenant names are escaped.
  for (const ReportRun& run : runs) EXPECT_NE(html.find("<tr><td>" + run.metrics.policy + "</td>"), std::string::npos);
  EXPECT_NE(html.find("&lt;startup &amp; co&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<startup"), std::string::npos);
}

TEST(Report, RunsWithoutSeriesOrJobsStillRender) {
  Cluster cluster;
  cluster.device_types.push_back(DeviceType{});
  cluster.device_types[0].name = "H100";
  cluster.add_node("n", 0, "r", 1);
  ReportRun run;
  run.metrics.policy = "fifo";
  const std::string html = html_report(cluster, "empty", {run});
  EXPECT_NE(html.find("No time series were sampled."), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"jct-cdf\""), std::string::npos);
  EXPECT_NE(html.find("No tenant ran jobs."), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::npu
