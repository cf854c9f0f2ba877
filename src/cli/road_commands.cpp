// `bitgoeul road ...`: import OpenStreetMap, inspect a graph, route, compute matrices.

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "road/graph_file.h"

namespace bitgoeul::cli {
namespace {

void add_info(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand("info", "Summarise a graph file: nodes, edges, road classes, bounding box");
  auto graph_path = std::make_shared<std::string>();
  command->add_option("graph", *graph_path, "Graph file written by `bitgoeul road import`")->required();
  registry.on_run(command, [graph_path]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(road::LoadedGraph loaded, road::load_graph(*graph_path));
    const road::RoadGraph& graph = loaded.graph;
    geo::LatLon low{90, 180};
    geo::LatLon high{-90, -180};
    for (const geo::LatLon& point : graph.coordinates) {
      low = {std::min(low.lat, point.lat), std::min(low.lon, point.lon)};
      high = {std::max(high.lat, point.lat), std::max(high.lon, point.lon)};
    }
    std::array<double, static_cast<size_t>(road::RoadClass::kCount)> km_by_class{};
    std::array<uint32_t, static_cast<size_t>(road::RoadClass::kCount)> edges_by_class{};
    for (road::EdgeId e = 0; e < graph.edge_count(); ++e) {
      km_by_class[static_cast<size_t>(graph.road_class[e])] += graph.distance_m[e] / 1000.0;
      ++edges_by_class[static_cast<size_t>(graph.road_class[e])];
    }
    fmt::print("graph:       {}\nfingerprint: {:08x}\nnodes:       {}\nedges:       {}\n", *graph_path,
               loaded.checksum, graph.node_count(), graph.edge_count());
    if (graph.node_count() > 0) {
      fmt::print("bbox:        {:.6f},{:.6f} - {:.6f},{:.6f} (lat,lon)\n", low.lat, low.lon, high.lat, high.lon);
    }
    fmt::print("directed road length by class:\n");
    for (size_t c = 0; c < km_by_class.size(); ++c) {
      if (edges_by_class[c] == 0) continue;
      fmt::print("  {:<15} {:>8} edges {:>9.2f} km\n", road::road_class_name(static_cast<road::RoadClass>(c)),
                 edges_by_class[c], km_by_class[c]);
    }
    fmt::print("provenance:  {}\n", loaded.provenance_json);
    return Status::ok();
  });
}

}  // namespace

void add_road_commands(CLI::App& app, CommandRegistry& registry) {
  auto* road = app.add_subcommand("road", "Road network: import OpenStreetMap, route, travel-time matrices");
  road->require_subcommand(1);
  add_road_import_command(*road, registry);
  add_info(*road, registry);
  add_road_routing_commands(*road, registry);
  add_road_export_command(*road, registry);
}

}  // namespace bitgoeul::cli
