#include "plan/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "core/html.h"

namespace bitgoeul::plan {
namespace {

const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                "#bcbd22"};

// A round step (1, 2 or 5 × 10^k) giving about `ticks` intervals over `span`.
double nice_step(double span, int ticks) {
  const double raw = std::max(span, 1e-12) / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * magnitude) return m * magnitude;
  }
  return 10.0 * magnitude;
}

std::string tick_label(double v) {
  const double a = std::fabs(v);
  if (a >= 1e12) return fmt::format("{:g}T", v / 1e12);
  if (a >= 1e9) return fmt::format("{:g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (a >= 1e3) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

}  // namespace

Status ensure_directory(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return io_error("{}: cannot create directory: {}", directory, error.message());
  return Status::ok();
}

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << text;
  out.close();
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

std::string format_krw(double krw) {
  const double a = std::fabs(krw);
  if (a >= 1e12) return fmt::format("{:.2f} T KRW", krw / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f} B KRW", krw / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} M KRW", krw / 1e6);
  if (a >= 1e3) return fmt::format("{:.1f} k KRW", krw / 1e3);
  return fmt::format("{:.0f} KRW", krw);
}

std::string trade_off_svg(const TradeOffChart& chart) {
  constexpr double kWidth = 760, kHeight = 360, kLeft = 64, kRight = 16, kTop = 44, kBottom = 44;
  double x_low = 0, x_high = 1, y_low = 0, y_high = 1;
  bool first = true;
  for (const ChartPoint& p : chart.points) {
    if (!std::isfinite(p.cost) || !std::isfinite(p.service)) continue;
    x_low = first ? p.cost : std::min(x_low, p.cost);
    x_high = first ? p.cost : std::max(x_high, p.cost);
    y_low = first ? p.service : std::min(y_low, p.service);
    y_high = first ? p.service : std::max(y_high, p.service);
    first = false;
  }
  if (chart.target && std::isfinite(*chart.target)) {
    y_low = std::min(y_low, *chart.target);
    y_high = std::max(y_high, *chart.target);
  }
  const double x_step = nice_step(x_high - x_low, 5);
  const double y_step = nice_step(y_high - y_low, 5);
  x_low = std::floor(x_low / x_step) * x_step;
  x_high = std::max(x_low + x_step, std::ceil(x_high / x_step) * x_step);
  y_low = std::floor(y_low / y_step) * y_step;
  y_high = std::max(y_low + y_step, std::ceil(y_high / y_step) * y_step);
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto x_of = [&](double v) { return kLeft + (v - x_low) / (x_high - x_low) * plot_w; };
  const auto y_of = [&](double v) { return kTop + plot_h - (v - y_low) / (y_high - y_low) * plot_h; };

  std::string svg = fmt::format(
      R"svg(<svg viewBox="0 0 {} {}" class="chart" xmlns="http://www.w3.org/2000/svg"><text x="{}" y="16" class="title">{}</text>)svg",
      kWidth, kHeight, kLeft, html_escape(chart.title));
  for (double v = x_low; v <= x_high + x_step / 2; v += x_step) {
    svg += fmt::format(
        R"svg(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#eee"/><text x="{0:.1f}" y="{3}" class="axis" text-anchor="middle">{4}</text>)svg",
        x_of(v), kTop, kTop + plot_h, kTop + plot_h + 14, tick_label(v));
  }
  for (double v = y_low; v <= y_high + y_step / 2; v += y_step) {
    svg += fmt::format(
        R"svg(<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="#eee"/><text x="{3}" y="{4:.1f}" class="axis" text-anchor="end">{5}</text>)svg",
        kLeft, kLeft + plot_w, y_of(v), kLeft - 5, y_of(v) + 3.5, tick_label(v));
  }
  svg += fmt::format(R"svg(<text x="{:.0f}" y="{}" class="axis" text-anchor="middle">{}</text>)svg", kLeft + plot_w / 2,
                     kHeight - 8, html_escape(chart.cost_label));
  svg += fmt::format(R"svg(<text x="12" y="{:.0f}" class="axis" text-anchor="middle" transform="rotate(-90 12 {:.0f})">{}</text>)svg",
                     kTop + plot_h / 2, kTop + plot_h / 2, html_escape(chart.service_label));
  if (chart.target && std::isfinite(*chart.target)) {
    svg += fmt::format(
        R"svg(<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="#d62728" stroke-dasharray="5 4"/><text x="{1}" y="{3:.1f}" class="axis" text-anchor="end" fill="#d62728">target {4:g}</text>)svg",
        kLeft, kLeft + plot_w, y_of(*chart.target), y_of(*chart.target) - 4, *chart.target);
  }
  // The Pareto front as a step line, cheapest first.
  std::vector<const ChartPoint*> front;
  for (const ChartPoint& p : chart.points) {
    if (p.on_front) front.push_back(&p);
  }
  std::sort(front.begin(), front.end(), [](const ChartPoint* a, const ChartPoint* b) { return a->cost < b->cost; });
  if (!front.empty()) {
    std::string points;
    for (const ChartPoint* p : front) points += fmt::format("{:.1f},{:.1f} ", x_of(p->cost), y_of(p->service));
    svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="2 2"/>)svg",
                       points);
  }
  std::map<std::string, std::string> colours;
  for (const ChartPoint& p : chart.points) {
    if (!colours.count(p.series)) colours[p.series] = kPalette[colours.size() % std::size(kPalette)];
  }
  for (const ChartPoint& p : chart.points) {
    if (!std::isfinite(p.cost) || !std::isfinite(p.service)) continue;
    const std::string& colour = colours[p.series];
    // Filled: meets the target; hollow: does not. Larger: on the Pareto front.
    svg += fmt::format(
        R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}" stroke="{}" stroke-width="1.5"><title>{}</title></circle>)svg",
        x_of(p.cost), y_of(p.service), p.on_front ? 5.5 : 3.5, p.meets_target ? colour : "white", colour,
        html_escape(p.label));
    if (p.chosen) {
      svg += fmt::format(
          R"svg(<circle cx="{0:.1f}" cy="{1:.1f}" r="10" fill="none" stroke="#d62728" stroke-width="2.5"/><text x="{2:.1f}" y="{3:.1f}" class="axis" fill="#d62728">chosen</text>)svg",
          x_of(p.cost), y_of(p.service), x_of(p.cost) + 12, y_of(p.service) - 8);
    }
  }
  double legend_x = kLeft;
  for (const auto& [series, colour] : colours) {
    svg += fmt::format(R"svg(<circle cx="{:.0f}" cy="30" r="4" fill="{}"/><text x="{:.0f}" y="34" class="axis">{}</text>)svg",
                       legend_x + 4, colour, legend_x + 12, html_escape(series));
    legend_x += 24 + 6.5 * static_cast<double>(series.size());
  }
  return svg + "</svg>";
}

Status write_plan_report(const PlanReport& report, const std::string& path) {
  std::string html = R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>)" +
                     html_escape(report.title) + R"(</title><style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
svg.chart{width:100%}.title{font-size:13px;font-weight:600}.axis{font-size:10px;fill:#555}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e5e5e5;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.hl td{background:#fff3cd;font-weight:600}.note{font-size:12px;color:#666}
</style></head><body>)";
  html += "<h1>" + html_escape(report.title) + "</h1>";
  for (const std::string& note : report.notes) html += "<p class=\"note\">" + html_escape(note) + "</p>";
  const auto table_html = [](const ReportTable& table) {
    std::string out = "<h2>" + html_escape(table.title) + "</h2><table><tr>";
    for (const std::string& h : table.header) out += "<th>" + html_escape(h) + "</th>";
    out += "</tr>";
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const bool highlighted =
          std::find(table.highlighted_rows.begin(), table.highlighted_rows.end(), r) != table.highlighted_rows.end();
      out += highlighted ? "<tr class=\"hl\">" : "<tr>";
      for (const std::string& cell : table.rows[r]) out += "<td>" + html_escape(cell) + "</td>";
      out += "</tr>";
    }
    return out + "</table>";
  };
  for (const ReportTable& table : report.tables) html += table_html(table);
  if (!report.charts.empty()) {
    html += "<h2>Trade-offs</h2><p class=\"note\">Each point is one option. Filled: meets the target; hollow: does "
            "not. Large points joined by the dotted line: the Pareto front (no other option is both cheaper and "
            "better). Ringed in red: the chosen option (the cheapest that meets the target). Hover for details.</p>";
  }
  for (const TradeOffChart& chart : report.charts) html += trade_off_svg(chart);
  for (const ReportTable& table : report.appendix_tables) html += table_html(table);
  html += R"svg(<p class="note">Generated by Bitgoeul (bitgoeul plan). Data for machines: points.csv, plan.json.</p></body></html>)svg";
  return write_text(path, html);
}

}  // namespace bitgoeul::plan
