// `bitgoeul road export`: a graph as files other tools open — an edge list (CSV, as pgRouting and spreadsheets
// take it) and the network as GeoJSON (for maps in QGIS, geojson.io or the dashboard).

#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/os.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "road/graph_file.h"

namespace bitgoeul::cli {
namespace {

struct ExportOptions {
  std::string graph_path;
  std::string edges_csv;
  std::string geojson;
};

// Node ids are written 1-based: pgRouting reserves 0 for "no vertex" in some functions.
Status write_edges_csv(const road::RoadGraph& graph, const std::string& path) {
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << "id,source,target,travel_time_ms,distance_m,road_class,osm_way_id\n";
  for (road::EdgeId e = 0; e < graph.edge_count(); ++e) {
    out << fmt::format("{},{},{},{},{:.2f},{},{}\n", e + 1, graph.tail[e] + 1, graph.head[e] + 1,
                       graph.travel_time_ms[e], graph.distance_m[e], road::road_class_name(graph.road_class[e]),
                       graph.osm_way_ids[e]);
  }
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

Status write_network_geojson(const road::RoadGraph& graph, const std::string& path) {
  nlohmann::json features = nlohmann::json::array();
  for (road::EdgeId e = 0; e < graph.edge_count(); ++e) {
    nlohmann::json coordinates = nlohmann::json::array();
    for (const geo::LatLon& point : graph.edge_geometry(e)) coordinates.push_back({point.lon, point.lat});
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coordinates)}}},
                        {"properties",
                         {{"edge", e},
                          {"road_class", road::road_class_name(graph.road_class[e])},
                          {"travel_time_s", graph.travel_time_ms[e] / 1000.0},
                          {"distance_m", graph.distance_m[e]},
                          {"osm_way_id", graph.osm_way_ids[e]}}}});
  }
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << nlohmann::json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump();
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace

void add_road_export_command(CLI::App& road, CommandRegistry& registry) {
  auto options = std::make_shared<ExportOptions>();
  auto* command = road.add_subcommand("export", "Write a graph as an edge list (CSV) and/or a GeoJSON network");
  command->add_option("graph", options->graph_path, "Graph file written by `bitgoeul road import`")->required();
  command->add_option("--edges-csv", options->edges_csv,
                      "Edge list: id,source,target,travel_time_ms,distance_m,road_class,osm_way_id (1-based ids)");
  command->add_option("--geojson", options->geojson, "GeoJSON FeatureCollection of directed edges");
  registry.on_run(command, [options]() -> Status {
    if (options->edges_csv.empty() && options->geojson.empty()) {
      return invalid_input("road export: give --edges-csv and/or --geojson");
    }
    BITGOEUL_ASSIGN_OR_RETURN(road::LoadedGraph loaded, road::load_graph(options->graph_path));
    if (!options->edges_csv.empty()) BITGOEUL_RETURN_IF_ERROR(write_edges_csv(loaded.graph, options->edges_csv));
    if (!options->geojson.empty()) BITGOEUL_RETURN_IF_ERROR(write_network_geojson(loaded.graph, options->geojson));
    return Status::ok();
  });
}

}  // namespace bitgoeul::cli
