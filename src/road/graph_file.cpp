#include "road/graph_file.h"

#include "core/binary_file.h"

namespace bitgoeul::road {

Status save_graph(const RoadGraph& graph, const std::string& provenance_json, const std::string& path) {
  BITGOEUL_RETURN_IF_ERROR(validate(graph));
  BinaryWriter writer(kGraphFileMagic, kGraphFileVersion);
  writer.add("coordinates", graph.coordinates);
  writer.add("osm_node_ids", graph.osm_node_ids);
  writer.add("first_out", graph.first_out);
  writer.add("tail", graph.tail);
  writer.add("head", graph.head);
  writer.add("travel_time_ms", graph.travel_time_ms);
  writer.add("distance_m", graph.distance_m);
  writer.add("road_class", graph.road_class);
  writer.add("osm_way_ids", graph.osm_way_ids);
  writer.add("first_shape", graph.first_shape);
  writer.add("shape", graph.shape);
  writer.add_string("provenance", provenance_json);
  return writer.write(path);
}

Result<LoadedGraph> load_graph(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(BinaryReader reader, BinaryReader::open(path, kGraphFileMagic, kGraphFileVersion));
  LoadedGraph loaded;
  RoadGraph& graph = loaded.graph;
  BITGOEUL_RETURN_IF_ERROR(reader.get("coordinates", graph.coordinates));
  BITGOEUL_RETURN_IF_ERROR(reader.get("osm_node_ids", graph.osm_node_ids));
  BITGOEUL_RETURN_IF_ERROR(reader.get("first_out", graph.first_out));
  BITGOEUL_RETURN_IF_ERROR(reader.get("tail", graph.tail));
  BITGOEUL_RETURN_IF_ERROR(reader.get("head", graph.head));
  BITGOEUL_RETURN_IF_ERROR(reader.get("travel_time_ms", graph.travel_time_ms));
  BITGOEUL_RETURN_IF_ERROR(reader.get("distance_m", graph.distance_m));
  BITGOEUL_RETURN_IF_ERROR(reader.get("road_class", graph.road_class));
  BITGOEUL_RETURN_IF_ERROR(reader.get("osm_way_ids", graph.osm_way_ids));
  BITGOEUL_RETURN_IF_ERROR(reader.get("first_shape", graph.first_shape));
  BITGOEUL_RETURN_IF_ERROR(reader.get("shape", graph.shape));
  BITGOEUL_RETURN_IF_ERROR(reader.get_string("provenance", loaded.provenance_json));
  const Status valid = validate(graph);
  if (!valid.is_ok()) return corrupt("{}: {}", path, valid.message());
  loaded.checksum = reader.checksum();
  return loaded;
}

}  // namespace bitgoeul::road
