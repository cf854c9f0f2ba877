// `bitgoeul road ...`: import OpenStreetMap, inspect a graph, route, compute matrices.

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
    fmt::print("graph: {}\nnodes: {}\nedges: {}\nprovenance: {}\n", *graph_path, loaded.graph.node_count(),
               loaded.graph.edge_count(), loaded.provenance_json);
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
}

}  // namespace bitgoeul::cli
