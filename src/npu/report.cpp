#include "npu/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "core/html.h"

namespace bitgoeul::npu {
namespace {

// Canvas of every chart, in SVG user units; the page scales it to its width.
constexpr double kWidth = 760.0;
constexpr double kHeight = 280.0;
constexpr double kLeft = 64.0;
constexpr double kRight = 16.0;
constexpr double kTop = 14.0;
constexpr double kBottom = 42.0;
// The CDF is drawn through at most this many quantiles.
constexpr size_t kCdfPoints = 400;
// The share chart shows at most this many tenants (the largest entitlements).
constexpr size_t kMaxTenantsCharted = 40;

// Colour-blind-safe (Okabe–Ito), repeated past eight runs.
const char* colour(size_t run) {
  static const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                         "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  return kColours[run % std::size(kColours)];
}

struct Line {
  std::string policy;
  const char* colour = "#000";
  std::vector<std::pair<double, double>> points;  // data coordinates
};

struct Axis {
  std::string label;
  double min = 0.0;
  double max = 1.0;
  bool log = false;
  bool percent = false;
};

// About five round tick values covering [min, max].
std::vector<double> linear_ticks(double min, double max) {
  const double span = std::max(max - min, 1e-12);
  const double raw = span / 5.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push_back(t);
  return ticks;
}

std::string tick_label(double value, const Axis& axis) {
  if (axis.percent) return fmt::format("{:.0f}%", value * 100.0);
  if (axis.log) {  // durations in seconds
    if (value >= 86400.0) return fmt::format("{:g} d", value / 86400.0);
    if (value >= 3600.0) return fmt::format("{:g} h", value / 3600.0);
    if (value >= 60.0) return fmt::format("{:g} min", value / 60.0);
    return fmt::format("{:g} s", value);
  }
  return fmt::format("{:g}", std::abs(value) < 1e-9 ? 0.0 : value);
}

class Frame {
 public:
  Frame(Axis x, Axis y) : x_(std::move(x)), y_(std::move(y)) {
    if (x_.log) {
      x_.min = std::log10(std::max(x_.min, 1.0));
      x_.max = std::log10(std::max(x_.max, 10.0));
    }
    if (!(x_.max > x_.min)) x_.max = x_.min + 1.0;
    if (!(y_.max > y_.min)) y_.max = y_.min + 1.0;
  }
  double px(double x) const {
    const double v = x_.log ? std::log10(std::max(x, 1.0)) : x;
    return kLeft + (v - x_.min) / (x_.max - x_.min) * (kWidth - kLeft - kRight);
  }
  double py(double y) const { return kHeight - kBottom - (y - y_.min) / (y_.max - y_.min) * (kHeight - kTop - kBottom); }

  std::string axes() const {
    std::string svg;
    const double bottom = kHeight - kBottom;
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fff" stroke="#bbb"/>)",
                       kLeft, kTop, kWidth - kLeft - kRight, bottom - kTop);
    for (const double t : linear_ticks(y_.min, y_.max)) {
      const double y = py(t);
      svg += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#eee"/>)", kLeft,
                         kWidth - kRight, y, y);
      svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="end">{}</text>)", kLeft - 4,
                         y + 3, tick_label(t, y_));
    }
    std::vector<double> xticks;
    if (x_.log) {
      // Durations that read well: 1 s, 10 s, 1 min, 10 min, 1 h, 10 h, 1 d, 10 d, 100 d, ...
      for (const double t : {1.0, 10.0, 60.0, 600.0, 3600.0, 36000.0, 86400.0, 864000.0, 8640000.0, 86400000.0}) {
        if (std::log10(t) >= x_.min - 1e-9 && std::log10(t) <= x_.max + 1e-9) xticks.push_back(t);
      }
    } else {
      xticks = linear_ticks(x_.min, x_.max);
    }
    for (const double t : xticks) {
      const double x = px(t);
      svg += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#eee"/>)", x, x, kTop,
                         bottom);
      svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="middle">{}</text>)", x,
                         bottom + 13, tick_label(t, x_));
    }
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="middle">{}</text>)",
                       (kLeft + kWidth - kRight) / 2, kHeight - 8, html_escape(x_.label));
    svg += fmt::format(R"svg(<text x="12" y="{:.1f}" class="axis" text-anchor="middle" transform="rotate(-90 12 {:.1f})">{}</text>)svg",
                       (kTop + bottom) / 2, (kTop + bottom) / 2, html_escape(y_.label));
    return svg;
  }

 private:
  Axis x_;
  Axis y_;
};

// `extra_height` below the plot leaves room for long category labels.
std::string svg_open(std::string_view chart, double extra_height = 0.0) {
  return fmt::format(R"(<svg class="chart" data-chart="{}" viewBox="0 0 {:.0f} {:.0f}" xmlns="http://www.w3.org/2000/svg">)",
                     html_escape(chart), kWidth, kHeight + extra_height);
}

std::string line_chart(std::string_view chart, const Axis& x, const Axis& y, const std::vector<Line>& lines) {
  const Frame frame(x, y);
  std::string svg = svg_open(chart) + frame.axes();
  for (const Line& line : lines) {
    std::string points;
    for (const auto& [vx, vy] : line.points) points += fmt::format("{:.1f},{:.1f} ", frame.px(vx), frame.py(vy));
    svg += fmt::format(R"(<polyline data-policy="{}" fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)",
                       html_escape(line.policy), line.colour, points);
  }
  return svg + "</svg>";
}

// Time axis unit for a span of seconds.
std::pair<double, const char*> time_unit(double span_s) {
  if (span_s >= 2 * 86400.0) return {86400.0, "days"};
  if (span_s >= 2 * 3600.0) return {3600.0, "hours"};
  if (span_s >= 120.0) return {60.0, "minutes"};
  return {1.0, "seconds"};
}

// Over-time charts: queued jobs, utilisation overall, and utilisation per device type (several types only).
std::string time_charts(const Cluster& cluster, const std::vector<ReportRun>& runs) {
  int64_t start_s = 0;
  int64_t end_s = 0;
  bool any = false;
  for (const ReportRun& run : runs) {
    if (run.series.size() == 0) continue;
    start_s = any ? std::min(start_s, run.series.start_s) : run.series.start_s;
    end_s = std::max(end_s, run.series.time_s(run.series.size() - 1));
    any = true;
  }
  if (!any) return "<p class=\"note\">No time series were sampled.</p>";
  const auto [unit_s, unit_name] = time_unit(static_cast<double>(end_s - start_s));
  const double x_max = static_cast<double>(end_s - start_s) / unit_s;
  const auto x_of = [&, unit = unit_s](const TimeSeries& series, size_t i) {
    return static_cast<double>(series.time_s(i) - start_s) / unit;
  };
  const Axis x_axis{fmt::format("time since the first submission ({})", unit_name), 0.0, x_max};
  const std::vector<uint32_t> capacity = cluster.devices_per_type();

  std::string html;
  std::vector<Line> queue_lines;
  uint32_t max_queue = 1;
  for (size_t r = 0; r < runs.size(); ++r) {
    const TimeSeries& series = runs[r].series;
    Line line{runs[r].metrics.policy, colour(r), {}};
    for (size_t i = 0; i < series.size(); ++i) {
      // Steps: the value holds until the next sample.
      if (i > 0) line.points.emplace_back(x_of(series, i), series.queued_jobs[i - 1]);
      line.points.emplace_back(x_of(series, i), series.queued_jobs[i]);
      max_queue = std::max(max_queue, series.queued_jobs[i]);
    }
    queue_lines.push_back(std::move(line));
  }
  html += "<h3>Queued jobs over time</h3>";
  html += line_chart("queue", x_axis, Axis{"queued jobs", 0.0, static_cast<double>(max_queue)}, queue_lines);

  const auto utilisation_chart = [&](std::string_view chart, const std::vector<DeviceTypeIndex>& types) {
    double total_capacity = 0.0;
    for (const DeviceTypeIndex t : types) total_capacity += static_cast<double>(capacity[t]) * kMilliPerDevice;
    std::vector<Line> lines;
    for (size_t r = 0; r < runs.size(); ++r) {
      const TimeSeries& series = runs[r].series;
      Line line{runs[r].metrics.policy, colour(r), {}};
      for (size_t i = 0; i < series.size() && !series.used_milli.empty(); ++i) {
        double used = 0.0;
        for (const DeviceTypeIndex t : types) used += static_cast<double>(series.used_milli[t][i]);
        const double value = total_capacity > 0.0 ? used / total_capacity : 0.0;
        if (i > 0) line.points.emplace_back(x_of(series, i), line.points.back().second);
        line.points.emplace_back(x_of(series, i), value);
      }
      lines.push_back(std::move(line));
    }
    Axis y{"allocated share of capacity", 0.0, 1.0};
    y.percent = true;
    return line_chart(chart, x_axis, y, lines);
  };
  std::vector<DeviceTypeIndex> all_types;
  for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) all_types.push_back(t);
  html += "<h3>Utilisation over time (all devices, weighted by thousandths)</h3>";
  html += utilisation_chart("utilisation", all_types);
  if (cluster.device_types.size() > 1) {
    for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) {
      const std::string& name = cluster.device_types[t].name;
      html += fmt::format("<h3>Utilisation over time: {} ({} devices)</h3>", html_escape(name), capacity[t]);
      html += utilisation_chart("utilisation-" + name, {t});
    }
  }
  return html;
}

std::string cdf_chart(const std::vector<ReportRun>& runs) {
  double low = 1e300;
  double high = 1.0;
  std::vector<Line> lines;
  for (size_t r = 0; r < runs.size(); ++r) {
    std::vector<double> jct = runs[r].jct_s;
    std::sort(jct.begin(), jct.end());
    Line line{runs[r].metrics.policy, colour(r), {}};
    if (!jct.empty()) {
      low = std::min(low, std::max(1.0, jct.front()));
      high = std::max(high, jct.back());
      const size_t points = std::min(jct.size(), kCdfPoints);
      for (size_t k = 0; k < points; ++k) {
        // The (k+1)/points quantile, nearest rank; a vertical step up to it.
        const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(static_cast<double>(k + 1) *
                                                                               static_cast<double>(jct.size()) /
                                                                               static_cast<double>(points))));
        const double x = std::max(1.0, jct[rank - 1]);
        const double y = static_cast<double>(rank) / static_cast<double>(jct.size());
        line.points.emplace_back(x, line.points.empty() ? 0.0 : line.points.back().second);
        line.points.emplace_back(x, y);
      }
    }
    lines.push_back(std::move(line));
  }
  if (low > high) low = 1.0;
  Axis x{"job completion time (log scale)", std::pow(10.0, std::floor(std::log10(low))),
         std::pow(10.0, std::ceil(std::log10(std::max(high, 10.0))))};
  x.log = true;
  Axis y{"fraction of finished jobs", 0.0, 1.0};
  y.percent = true;
  return line_chart("jct-cdf", x, y, lines);
}

// Grouped bars: per tenant, one bar per run (share of billed device-hours received) and a black tick at the
// share the tenant is entitled to.
std::string share_chart(const std::vector<ReportRun>& runs) {
  struct TenantRow {
    std::string name;
    double entitled = 0.0;
    std::vector<double> received;  // per run; 0 when the run lists no such tenant
  };
  std::vector<TenantRow> rows;
  for (size_t r = 0; r < runs.size(); ++r) {
    for (const TenantMetrics& t : runs[r].metrics.tenants) {
      auto found = std::find_if(rows.begin(), rows.end(), [&t](const TenantRow& row) { return row.name == t.name; });
      if (found == rows.end()) {
        rows.push_back({t.name, t.share_entitled, std::vector<double>(runs.size(), 0.0)});
        found = rows.end() - 1;
      }
      found->received[r] = t.share_received;
    }
  }
  if (rows.empty()) return "<p class=\"note\">No tenant ran jobs.</p>";
  std::string note;
  if (rows.size() > kMaxTenantsCharted) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const TenantRow& a, const TenantRow& b) { return a.entitled > b.entitled; });
    note = fmt::format("<p class=\"note\">The {} tenants with the largest entitlements of {} are shown.</p>",
                       kMaxTenantsCharted, rows.size());
    rows.resize(kMaxTenantsCharted);
  }
  double top = 0.0;
  for (const TenantRow& row : rows) {
    top = std::max(top, row.entitled);
    for (const double v : row.received) top = std::max(top, v);
  }
  Axis y{"share of billed device-hours", 0.0, std::min(1.0, std::max(0.05, top * 1.1))};
  y.percent = true;
  const Frame frame(Axis{"", 0.0, static_cast<double>(rows.size())}, y);
  std::string svg = svg_open("tenant-share", 70.0);
  // Axes without x ticks: tenants are labelled under their groups.
  svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fff" stroke="#bbb"/>)",
                     kLeft, kTop, kWidth - kLeft - kRight, kHeight - kBottom - kTop);
  for (const double t : linear_ticks(y.min, y.max)) {
    svg += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#eee"/>)", kLeft,
                       kWidth - kRight, frame.py(t), frame.py(t));
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="end">{}</text>)", kLeft - 4,
                       frame.py(t) + 3, tick_label(t, y));
  }
  const double group = frame.px(1.0) - frame.px(0.0);
  const double bar = group * 0.8 / static_cast<double>(std::max<size_t>(1, runs.size()));
  for (size_t r = 0; r < runs.size(); ++r) {
    svg += fmt::format(R"(<g data-policy="{}" fill="{}">)", html_escape(runs[r].metrics.policy), colour(r));
    for (size_t i = 0; i < rows.size(); ++i) {
      const double x = frame.px(static_cast<double>(i)) + group * 0.1 + bar * static_cast<double>(r);
      const double value = std::min(rows[i].received[r], y.max);
      svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{}: {:.1f}%</title></rect>)",
                         x, frame.py(value), std::max(0.5, bar - 1.0), frame.py(0.0) - frame.py(value),
                         html_escape(rows[i].name), rows[i].received[r] * 100.0);
    }
    svg += "</g>";
  }
  svg += R"(<g data-series="entitled" stroke="#000" stroke-width="2">)";
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y_px = frame.py(std::min(rows[i].entitled, y.max));
    svg += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}"><title>{} entitled: {:.1f}%</title></line>)",
                       frame.px(static_cast<double>(i)) + group * 0.05, frame.px(static_cast<double>(i + 1)) - group * 0.05,
                       y_px, y_px, html_escape(rows[i].name), rows[i].entitled * 100.0);
  }
  svg += "</g>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const double label_x = frame.px(static_cast<double>(i) + 0.5);
    const double label_y = kHeight - kBottom + 12;
    svg += fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="end" transform="rotate(-30 {:.1f} {:.1f})">{}</text>)svg",
                       label_x, label_y, label_x, label_y, html_escape(rows[i].name));
  }
  svg += "</svg>";
  return svg + note;
}

std::string legend(const std::vector<ReportRun>& runs) {
  std::string html = "<p class=\"legend\">";
  for (size_t r = 0; r < runs.size(); ++r) {
    html += fmt::format(R"(<span><i style="background:{}"></i>{} ({})</span>)", colour(r),
                        html_escape(runs[r].metrics.policy), html_escape(runs[r].metrics.placement));
  }
  return html + "</p>";
}

std::string metrics_table(const std::vector<ReportRun>& runs) {
  std::string html =
      "<table><tr><th>policy</th><th>placement</th><th>finished</th><th>never started</th><th>JCT mean</th>"
      "<th>JCT p50</th><th>JCT p99</th><th>wait mean</th><th>wait p99</th><th>makespan</th><th>utilisation</th>"
      "<th>fragmented devices</th><th>mean queue</th><th>Jain</th><th>preemptions</th></tr>";
  for (const ReportRun& run : runs) {
    const Metrics& m = run.metrics;
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0f} s</td><td>{:.0f} s</td><td>{:.0f} s</td>"
        "<td>{:.0f} s</td><td>{:.0f} s</td><td>{} s</td><td>{:.1f}%</td><td>{:.2f}</td><td>{:.1f}</td>"
        "<td>{:.3f}</td><td>{}</td></tr>",
        html_escape(m.policy), html_escape(m.placement), m.completed + m.timed_out, m.never_started, m.jct_s.mean, m.jct_s.p50,
        m.jct_s.p99, m.wait_s.mean, m.wait_s.p99, m.makespan_s, m.utilisation_overall * 100.0, m.fragmented_devices,
        m.mean_queue_length, m.jain_fairness, m.preemptions);
  }
  return html + "</table>";
}

}  // namespace

std::string html_report(const Cluster& cluster, std::string_view title, const std::vector<ReportRun>& runs) {
  std::string html = fmt::format(
      R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{0}</title><style>
body{{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}}h1{{font-size:22px}}
h2{{font-size:17px;margin-top:28px}}h3{{font-size:14px;margin:18px 0 4px}}svg.chart{{width:100%}}
.axis{{font-size:10px;fill:#555}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}}td:first-child,th:first-child{{text-align:left}}
.legend span{{margin-right:14px;font-size:13px;white-space:nowrap}}
.legend i{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}}
.note{{font-size:12px;color:#666}}</style></head><body><h1>{0}</h1>)",
      html_escape(title));
  size_t jobs = runs.empty() ? 0 : runs.front().metrics.jobs;
  html += fmt::format("<p class=\"note\">Cluster {}: {} devices on {} nodes, {} device types; {} jobs.</p>",
                      html_escape(cluster.name), cluster.device_count(), cluster.nodes.size(),
                      cluster.device_types.size(), jobs);
  html += "<h2>Metrics</h2>" + metrics_table(runs);
  html += "<p class=\"note\">JCT and wait over jobs that ran to the end; utilisation = allocated thousandths over "
          "the makespan; fragmented devices = time-averaged free capacity no queued job could use; Jain's index over "
          "each tenant's received / entitled share.</p>";
  html += "<h2>Charts</h2>" + legend(runs);
  html += time_charts(cluster, runs);
  html += "<h3>Job completion time, cumulative distribution</h3>" + cdf_chart(runs);
  html += "<h3>Share of device-hours received (bars) vs entitled (black ticks), per tenant</h3>" + share_chart(runs);
  html += "</body></html>\n";
  return html;
}

Status write_html_report(const Cluster& cluster, std::string_view title, const std::vector<ReportRun>& runs,
                         const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  const std::string text = html_report(cluster, title, runs);
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::npu
