#include "taxi/report.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/html.h"

namespace bitgoeul::taxi {
namespace {

constexpr double kMapWidth = 760.0;

// Maps coordinates onto the SVG canvas (north up, metres kept square).
class MapCanvas {
 public:
  MapCanvas(geo::LatLon south_west, geo::LatLon north_east)
      : projection_(south_west), north_east_(projection_.to_xy(north_east)) {
    scale_ = kMapWidth / std::max(1.0, north_east_.x);
    height_ = std::max(1.0, north_east_.y) * scale_;
  }
  std::pair<double, double> at(const geo::LatLon& point) const {
    const auto xy = projection_.to_xy(point);
    return {xy.x * scale_, height_ - xy.y * scale_};
  }
  double height() const { return height_; }

 private:
  geo::LocalProjection projection_;
  geo::LocalProjection::Xy north_east_;
  double scale_ = 1.0;
  double height_ = 1.0;
};

std::string polygon_svg(const MapCanvas& canvas, const geo::Zone& zone, const std::string& style) {
  std::string svg;
  for (const geo::Polygon& polygon : zone.polygons) {
    std::string points;
    for (const geo::LatLon& point : polygon.outer) {
      const auto [x, y] = canvas.at(point);
      points += fmt::format("{:.1f},{:.1f} ", x, y);
    }
    svg += fmt::format(R"(<polygon points="{}" {}><title>{}</title></polygon>)", points, style,
                       html_escape(zone.id + " " + zone.name));
  }
  return svg;
}

std::string permit_layer_svg(const MapCanvas& canvas, const rules::Permit& permit) {
  std::string svg;
  for (const geo::Zone& zone : permit.permitted) {
    svg += polygon_svg(canvas, zone, R"(fill="#2ca02c" fill-opacity="0.08" stroke="#2ca02c" stroke-width="1.5")");
  }
  for (const geo::Zone& zone : permit.excluded) {
    svg += polygon_svg(canvas, zone, R"(fill="#d62728" fill-opacity="0.18" stroke="#d62728" stroke-width="1")");
  }
  for (const rules::ZoneSpeedCap& cap : permit.zone_speed_caps) {
    for (const geo::Zone& zone : cap.zones) {
      svg += polygon_svg(canvas, zone, R"(fill="#ffd700" fill-opacity="0.2" stroke="#b8860b" stroke-dasharray="3 2")");
    }
  }
  return svg;
}

std::string stops_svg(const MapCanvas& canvas, const rules::Permit& permit) {
  std::string svg;
  for (const rules::DesignatedStop& stop : permit.stops) {
    const auto [x, y] = canvas.at(stop.point);
    svg += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="6" height="6" transform="rotate(45 {:.1f} {:.1f})" fill="#222" stroke="white" stroke-width="0.8"><title>stop {} {}</title></rect>)svg",
                       x - 3, y - 3, x, y, html_escape(stop.id), html_escape(stop.name));
  }
  return svg;
}

std::string map_svg(const road::RoadGraph& graph, const SimulationResult& result, const std::vector<geo::Zone>& zones,
                    const ScenarioFile& scenario, const rules::Permit* permit) {
  geo::LatLon low{90, 180};
  geo::LatLon high{-90, -180};
  for (const geo::LatLon& point : graph.coordinates) {
    low = {std::min(low.lat, point.lat), std::min(low.lon, point.lon)};
    high = {std::max(high.lat, point.lat), std::max(high.lon, point.lon)};
  }
  const MapCanvas canvas(low, high);
  std::string svg = fmt::format(R"(<svg viewBox="0 0 {:.0f} {:.0f}" class="map" xmlns="http://www.w3.org/2000/svg">)",
                                kMapWidth, canvas.height());
  svg += R"(<rect width="100%" height="100%" fill="#f7f7f2"/>)";
  if (permit != nullptr) svg += permit_layer_svg(canvas, *permit);
  for (const geo::Zone& zone : zones) {
    for (const geo::Polygon& polygon : zone.polygons) {
      std::string points;
      for (const geo::LatLon& point : polygon.outer) {
        const auto [x, y] = canvas.at(point);
        points += fmt::format("{:.1f},{:.1f} ", x, y);
      }
      svg += fmt::format(R"(<polygon points="{}" fill="none" stroke="#6a5acd" stroke-width="1.2" stroke-dasharray="4 3"><title>{}</title></polygon>)",
                         points, html_escape(zone.id + " " + zone.name));
    }
  }
  // Roads, thicker for more important classes.
  std::string roads;
  for (road::EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (graph.tail[e] > graph.head[e]) continue;  // draw a two-way road once
    std::string points;
    for (const geo::LatLon& point : graph.edge_geometry(e)) {
      const auto [x, y] = canvas.at(point);
      points += fmt::format("{:.1f},{:.1f} ", x, y);
    }
    const double width = graph.road_class[e] <= road::RoadClass::kPrimaryLink ? 1.6 : graph.road_class[e] <= road::RoadClass::kTertiaryLink ? 1.0 : 0.5;
    roads += fmt::format(R"(<polyline points="{}" stroke-width="{}"/>)", points, width);
  }
  svg += R"(<g fill="none" stroke="#9a9a9a" stroke-linecap="round">)" + roads + "</g>";
  // Pick-up density on a grid of cells.
  constexpr int kCells = 48;
  std::vector<int> density(kCells * kCells, 0);
  int peak = 0;
  for (const RequestState& request : result.requests) {
    if (request.status != RequestStatus::kCompleted) continue;
    const auto [x, y] = canvas.at(request.request.origin);
    const int cx = std::clamp(static_cast<int>(x / kMapWidth * kCells), 0, kCells - 1);
    const int cy = std::clamp(static_cast<int>(y / canvas.height() * kCells), 0, kCells - 1);
    peak = std::max(peak, ++density[cy * kCells + cx]);
  }
  const double cell_w = kMapWidth / kCells;
  const double cell_h = canvas.height() / kCells;
  for (int cy = 0; cy < kCells; ++cy) {
    for (int cx = 0; cx < kCells; ++cx) {
      const int count = density[cy * kCells + cx];
      if (count == 0) continue;
      svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#ff8c00" fill-opacity="{:.2f}"><title>{} pick-ups</title></rect>)",
                         cx * cell_w, cy * cell_h, cell_w, cell_h, 0.12 + 0.6 * count / std::max(1, peak), count);
    }
  }
  for (const RequestState& request : result.requests) {
    if (request.status != RequestStatus::kRejected) continue;
    const auto [x, y] = canvas.at(request.request.origin);
    if (x < 0 || y < 0 || x > kMapWidth || y > canvas.height()) continue;
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.2" fill="#d62728"><title>rejected: {}</title></circle>)", x, y,
                       reject_reason_name(request.reject_reason));
  }
  if (permit != nullptr) svg += stops_svg(canvas, *permit);
  for (const geo::LatLon& depot : scenario.scenario.fleet.depots) {
    const auto [x, y] = canvas.at(depot);
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="9" height="9" fill="#1f77b4" stroke="white"><title>depot</title></rect>)", x - 4.5, y - 4.5);
  }
  return svg + "</svg>";
}

// A bar or line chart over hours; `series` are (label, colour, values, stacked-bar?).
struct Series {
  std::string label;
  std::string colour;
  std::vector<double> values;
};

std::string chart_svg(const std::string& title, const std::vector<std::string>& x_labels, const std::vector<Series>& bars,
                      const std::vector<Series>& lines, const std::string& unit) {
  constexpr double kWidth = 760, kHeight = 250, kLeft = 48, kBottom = 28, kTop = 40;
  const size_t n = x_labels.size();
  double top = 1e-9;
  for (size_t i = 0; i < n; ++i) {
    double stacked = 0;
    for (const Series& s : bars) stacked += i < s.values.size() ? s.values[i] : 0;
    top = std::max(top, stacked);
    for (const Series& s : lines) top = std::max(top, i < s.values.size() ? s.values[i] : 0);
  }
  // Ticks at a round step (1, 2 or 5 times a power of ten) so the axis reads easily.
  const double raw_step = top / 4;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  const double tick_step = raw_step <= magnitude ? magnitude : raw_step <= 2 * magnitude ? 2 * magnitude
                                                 : raw_step <= 5 * magnitude ? 5 * magnitude : 10 * magnitude;
  top = tick_step * std::ceil(top / tick_step);
  const double plot_w = kWidth - kLeft - 10;
  const double plot_h = kHeight - kBottom - kTop;
  const double step = n > 0 ? plot_w / static_cast<double>(n) : plot_w;
  auto y_of = [&](double v) { return kTop + plot_h - v / top * plot_h; };
  std::string svg = fmt::format(R"(<svg viewBox="0 0 {} {}" class="chart" xmlns="http://www.w3.org/2000/svg"><text x="{}" y="15" class="title">{}</text>)",
                                kWidth, kHeight, kLeft, html_escape(title));
  for (double v = 0; v <= top + tick_step / 2; v += tick_step) {
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#e3e3e3"/><text x="{}" y="{:.1f}" class="axis" text-anchor="end">{:g}{}</text>)",
                       kLeft, kWidth - 10, y_of(v), y_of(v), kLeft - 4, y_of(v) + 4, v, unit);
  }
  for (size_t i = 0; i < n; ++i) {
    double base = 0;
    for (const Series& s : bars) {
      const double v = i < s.values.size() ? s.values[i] : 0;
      if (v <= 0) continue;
      svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{} {}: {:.1f}</title></rect>)",
                         kLeft + i * step + step * 0.1, y_of(base + v), step * 0.8, y_of(base) - y_of(base + v), s.colour,
                         x_labels[i], html_escape(s.label), v);
      base += v;
    }
    if (n <= 30 || i % (n / 24 + 1) == 0) {
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" class="axis" text-anchor="middle">{}</text>)", kLeft + (i + 0.5) * step,
                         kHeight - 10, x_labels[i]);
    }
  }
  for (const Series& s : lines) {
    std::string points;
    for (size_t i = 0; i < n && i < s.values.size(); ++i) points += fmt::format("{:.1f},{:.1f} ", kLeft + (i + 0.5) * step, y_of(s.values[i]));
    svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)", points, s.colour);
  }
  double legend_x = kLeft;
  for (const auto* group : {&bars, &lines}) {
    for (const Series& s : *group) {
      svg += fmt::format(R"(<rect x="{:.0f}" y="22" width="10" height="10" fill="{}"/><text x="{:.0f}" y="31" class="axis">{}</text>)",
                         legend_x, s.colour, legend_x + 14, html_escape(s.label));
      legend_x += 24 + 7.0 * static_cast<double>(s.label.size());
    }
  }
  return svg + "</svg>";
}

std::string tile(const std::string& label, const std::string& value) {
  return fmt::format(R"(<div class="tile"><div class="value">{}</div><div class="label">{}</div></div>)", value, label);
}

}  // namespace

Status write_report_html(const ScenarioFile& scenario, const road::RoadGraph& graph, const SimulationResult& result,
                         const Kpis& kpis, const std::vector<geo::Zone>& zones, const std::string& path,
                         const rules::Permit* permit) {
  const RequestKpis& overall = kpis.overall;
  std::string html = R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bitgoeul robotaxi simulation</title><style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}.tile{background:#f1f4f8;border-radius:8px;padding:10px 14px;min-width:120px}
.value{font-size:20px;font-weight:600}.label{font-size:12px;color:#555}svg.map{width:100%;border:1px solid #ddd}
svg.chart{width:100%}.title{font-size:13px;font-weight:600}.axis{font-size:10px;fill:#555}table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #e5e5e5;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
.note{font-size:12px;color:#666}</style></head><body>)";
  html += fmt::format("<h1>Robotaxi simulation: {}</h1>", html_escape(scenario.scenario.name));
  html += fmt::format(R"(<p class="note">Map {} · {} vehicles × {} seats · policy {} · {:02.0f}:{:02.0f}–{:02.0f}:{:02.0f} · seed {}</p>)",
                      html_escape(scenario.map), scenario.scenario.fleet.size, scenario.scenario.fleet.capacity,
                      dispatch_policy_name(scenario.scenario.dispatch.policy), std::floor(scenario.scenario.start_s / 3600),
                      std::fmod(scenario.scenario.start_s / 60, 60), std::floor(scenario.scenario.end_s / 3600),
                      std::fmod(scenario.scenario.end_s / 60, 60), scenario.scenario.seed);
  html += R"(<div class="tiles">)";
  html += tile("requests", fmt::format("{}", overall.requests));
  html += tile("served", fmt::format("{:.1f}%", overall.service_rate * 100));
  html += tile("wait mean / p95", fmt::format("{:.1f} / {:.1f} min", overall.wait_mean_s / 60, overall.wait_p95_s / 60));
  html += tile("ride mean", fmt::format("{:.1f} min", overall.ride_mean_s / 60));
  html += tile("detour", fmt::format("×{:.2f}", overall.detour_mean));
  html += tile("occupancy", fmt::format("{:.2f} riders", kpis.fleet.average_occupancy));
  html += tile("vehicle-km occupied / empty", fmt::format("{:.0f} / {:.0f}", kpis.fleet.occupied_km, kpis.fleet.empty_km));
  html += tile("utilisation", fmt::format("{:.1f}%", kpis.fleet.utilisation * 100));
  html += "</div>";
  html += "<h2>Where riders were picked up, and where they were turned away</h2>";
  html += R"(<p class="note">Orange: pick-up density (completed rides). Red: rejected requests. Blue squares: depots. Dashed: zones.)";
  if (permit != nullptr) {
    html += R"( Permit: green, the permitted area; red, excluded areas; yellow, speed-capped zones; black diamonds, designated stops.)";
  }
  html += "</p>";
  html += map_svg(graph, result, zones, scenario, permit);
  if (permit != nullptr) {
    html += fmt::format("<h2>Permit {} ({})</h2>", html_escape(permit->name), html_escape(permit->number));
    html += R"(<table><tr><th>time</th><th>change</th><th>detail</th></tr>)";
    for (const PermitEvent& event : result.permit_events) {
      html += fmt::format("<tr><td>{:02.0f}:{:02.0f}</td><td>{}</td><td>{}</td></tr>", std::floor(event.time_s / 3600),
                          std::fmod(std::floor(event.time_s / 60), 60), html_escape(event.kind), html_escape(event.detail));
    }
    html += "</table>";
  }

  std::vector<std::string> hours;
  Series served{"served", "#2ca02c", {}}, rejected{"rejected", "#d62728", {}}, unfinished{"unfinished", "#bbbbbb", {}};
  Series wait_p50{"wait p50 (min)", "#1f77b4", {}}, wait_p95{"wait p95 (min)", "#ff7f0e", {}};
  for (size_t hour = 0; hour < kpis.per_hour.size(); ++hour) {
    const RequestKpis& h = kpis.per_hour[hour];
    if (h.requests == 0 && (hour * 3600.0 < scenario.scenario.start_s || hour * 3600.0 >= scenario.scenario.end_s)) continue;
    hours.push_back(fmt::format("{:02d}h", hour));
    served.values.push_back(static_cast<double>(h.served));
    rejected.values.push_back(static_cast<double>(h.rejected));
    unfinished.values.push_back(static_cast<double>(h.unfinished));
    wait_p50.values.push_back(h.wait_p50_s / 60);
    wait_p95.values.push_back(h.wait_p95_s / 60);
  }
  html += "<h2>By hour of request</h2>";
  html += chart_svg("Requests per hour", hours, {served, rejected, unfinished}, {}, "");
  html += chart_svg("Waiting time (minutes)", hours, {}, {wait_p50, wait_p95}, "");

  std::vector<std::string> times;
  Series idle{"idle", "#c7c7c7", {}}, repositioning{"repositioning", "#9467bd", {}}, to_pickup{"to pick-up", "#ffbb78", {}},
      occupied{"occupied", "#2ca02c", {}}, waiting{"waiting requests", "#d62728", {}};
  for (const FleetSample& sample : result.samples) {
    times.push_back(fmt::format("{:02.0f}:{:02.0f}", std::floor(sample.time_s / 3600), std::fmod(std::floor(sample.time_s / 60), 60)));
    idle.values.push_back(sample.idle);
    repositioning.values.push_back(sample.repositioning);
    to_pickup.values.push_back(sample.to_pickup);
    occupied.values.push_back(sample.occupied);
    waiting.values.push_back(sample.waiting);
  }
  html += "<h2>Fleet state over the day</h2>";
  html += chart_svg("Vehicles by state (bars) and requests waiting for a vehicle (line)", times,
                    {occupied, to_pickup, repositioning, idle}, {waiting}, "");

  html += "<h2>Rejections by reason</h2><table><tr><th>reason</th><th>requests</th></tr>";
  for (const auto& [reason, count] : overall.rejections) html += fmt::format("<tr><td>{}</td><td>{}</td></tr>", reason, count);
  if (overall.rejections.empty()) html += "<tr><td>none</td><td>0</td></tr>";
  html += "</table>";
  if (!kpis.per_zone.empty()) {
    html += "<h2>By zone of origin</h2><table><tr><th>zone</th><th>requests</th><th>served</th><th>wait p50 (min)</th><th>wait p95 (min)</th></tr>";
    for (const auto& [zone, z] : kpis.per_zone) {
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.1f}%</td><td>{:.1f}</td><td>{:.1f}</td></tr>", html_escape(zone), z.requests,
                          z.service_rate * 100, z.wait_p50_s / 60, z.wait_p95_s / 60);
    }
    html += "</table>";
  }
  html += R"(<p class="note">Generated by Bitgoeul. Map data © OpenStreetMap contributors (ODbL). Data for machines: trips.csv, vehicle_events.csv, fleet_timeline.csv, kpis.json.</p></body></html>)";
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << html;
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::taxi
