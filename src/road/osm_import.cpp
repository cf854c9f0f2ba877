#include "road/osm_import.h"

#include <nlohmann/json.hpp>

#include "road/osm_network.h"
#include "road/osm_read.h"
#include "road/strongly_connected.h"
#include "road/turn_restrictions.h"

namespace bitgoeul::road {
namespace {

Result<ImportResult> import_from(const OsmSource& source, const ImportOptions& options) {
  ImportResult result;
  ImportReport& report = result.report;
  report.source_path = source.name;

  OsmData data;
  BITGOEUL_RETURN_IF_ERROR(read_osm(source, options.show_progress, data, report));

  RoadNetworkDraft draft = build_road_network(data, report);
  apply_turn_restrictions(data, draft, report);
  if (draft.edges.empty()) {
    return invalid_input("{}: no car-routable road in the map ({} ways read, {} with a car profile)", source.name,
                         report.ways_read, report.routable_ways);
  }
  RoadGraph graph =
      build_road_graph(std::move(draft.coordinates), std::move(draft.osm_node_ids), std::move(draft.edges));

  std::vector<uint32_t> component_of_node;
  report.components = strongly_connected_components(graph, component_of_node);
  if (options.keep_largest_component) {
    RoadGraph largest = keep_largest_component(graph, component_of_node, static_cast<uint32_t>(report.components));
    report.scc_dropped_nodes = graph.node_count() - largest.node_count();
    report.scc_dropped_edges = graph.edge_count() - largest.edge_count();
    graph = std::move(largest);
  }
  if (graph.edge_count() == 0) {
    return invalid_input("{}: no two roads connect in both directions: the largest strongly connected component "
                         "has no edge",
                         source.name);
  }

  report.nodes = graph.node_count();
  report.edges = graph.edge_count();
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    report.edge_km_by_class[static_cast<size_t>(graph.road_class[e])] += graph.distance_m[e] / 1000.0;
  }
  const Status valid = validate(graph);
  if (!valid.is_ok()) return internal_error("{}: importer built an invalid graph: {}", source.name, valid.message());
  result.graph = std::move(graph);
  return result;
}

}  // namespace

std::string ImportReport::to_json() const {
  nlohmann::ordered_json km = nlohmann::ordered_json::object();
  for (size_t c = 0; c < edge_km_by_class.size(); ++c) {
    if (edge_km_by_class[c] > 0.0) km[road_class_name(static_cast<RoadClass>(c))] = edge_km_by_class[c];
  }
  const nlohmann::ordered_json json = {
      {"tool", "bitgoeul road import"},
      {"source", source_path},
      {"format", format},
      {"overpass_elements_removed", overpass_elements_removed},
      {"read", {{"nodes", nodes_read}, {"ways", ways_read}, {"relations", relations_read}}},
      {"skipped",
       {{"duplicate_nodes", duplicate_nodes},
        {"duplicate_ways", duplicate_ways},
        {"duplicate_relations", duplicate_relations},
        {"invalid_coordinate_nodes", invalid_coordinate_nodes},
        {"missing_node_refs", missing_node_refs},
        {"ways_split_at_missing_nodes", ways_split_at_missing_nodes},
        {"ways", ways_skipped}}},
      {"routable_ways", routable_ways},
      {"restrictions",
       {{"read", restrictions_read},
        {"applied", restrictions_applied},
        {"skipped", restrictions_skipped},
        {"node_copies", restriction_node_copies}}},
      {"scc", {{"components", components}, {"dropped_nodes", scc_dropped_nodes}, {"dropped_edges", scc_dropped_edges}}},
      {"graph", {{"nodes", nodes}, {"edges", edges}, {"edge_km_by_class", km}}},
  };
  return json.dump(2);
}

Result<ImportResult> import_osm(const std::string& path, const ImportOptions& options) {
  OsmSource source;
  source.name = path;
  source.path = path;
  return import_from(source, options);
}

Result<ImportResult> import_osm_buffer(std::string_view bytes, const std::string& format, const std::string& name,
                                       const ImportOptions& options) {
  OsmSource source;
  source.name = name;
  source.bytes = bytes;
  source.format = format;
  return import_from(source, options);
}

}  // namespace bitgoeul::road
