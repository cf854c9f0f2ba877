#include "plan/report.h"

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

TEST(PlanReport, ChartMarksFrontChosenAndTargetAndEscapesLabels) {
  TradeOffChart chart;
  chart.title = "cost <vs> service";
  chart.cost_label = "KRW";
  chart.service_label = "served (%)";
  chart.target = 95;
  chart.points = {{100, 80, "a", "cheap & poor", false, true, false},
                  {200, 96, "a", "chosen one", true, true, true},
                  {300, 90, "b", "dominated", false, false, false}};
  const std::string svg = trade_off_svg(chart);
  EXPECT_NE(svg.find("cost &lt;vs&gt; service"), std::string::npos);
  EXPECT_NE(svg.find("cheap &amp; poor"), std::string::npos);
  EXPECT_EQ(svg.find("cheap & poor"), std::string::npos);
  EXPECT_NE(svg.find(">chosen</text>"), std::string::npos);
  EXPECT_NE(svg.find("target 95"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);  // the front
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(PlanReport, EmptyAndDegenerateChartsStillDraw) {
  TradeOffChart chart;
  chart.title = "nothing";
  EXPECT_NE(trade_off_svg(chart).find("</svg>"), std::string::npos);
  chart.points = {{5, 5, "x", "only", true, true, true}};
  const std::string one = trade_off_svg(chart);
  EXPECT_EQ(one.find("nan"), std::string::npos);
  EXPECT_EQ(one.find("inf"), std::string::npos);
}

TEST(PlanReport, KrwReadsInThousandsMillionsBillionsTrillions) {
  EXPECT_EQ(format_krw(2.5e12), "2.50 T KRW");  // 2.5 조: the long-term mobility plan
  EXPECT_EQ(format_krw(123'000'000), "123.00 M KRW");
  EXPECT_EQ(format_krw(4'560'000'000), "4.56 B KRW");
  EXPECT_EQ(format_krw(45'000), "45.0 k KRW");
  EXPECT_EQ(format_krw(900), "900 KRW");
}

TEST(PlanReport, UnwritablePathIsNamed) {
  const Status status = write_plan_report({}, "/proc/no-such-dir/report.html");
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("/proc/no-such-dir/report.html"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::plan
