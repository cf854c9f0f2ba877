#include "road/ch_file.h"

#include "core/binary_file.h"

namespace bitgoeul::road {
namespace {

void add_arcs(BinaryWriter& writer, const std::string& prefix, const ChArcs& arcs) {
  writer.add(prefix + ".first_out", arcs.first_out);
  writer.add(prefix + ".head", arcs.head);
  writer.add(prefix + ".travel_time_ms", arcs.travel_time_ms);
  writer.add(prefix + ".distance_m", arcs.distance_m);
  writer.add(prefix + ".unpack_first", arcs.unpack_first);
  writer.add(prefix + ".unpack_second", arcs.unpack_second);
}

Status get_arcs(const BinaryReader& reader, const std::string& prefix, ChArcs& arcs) {
  BITGOEUL_RETURN_IF_ERROR(reader.get(prefix + ".first_out", arcs.first_out));
  BITGOEUL_RETURN_IF_ERROR(reader.get(prefix + ".head", arcs.head));
  BITGOEUL_RETURN_IF_ERROR(reader.get(prefix + ".travel_time_ms", arcs.travel_time_ms));
  BITGOEUL_RETURN_IF_ERROR(reader.get(prefix + ".distance_m", arcs.distance_m));
  BITGOEUL_RETURN_IF_ERROR(reader.get(prefix + ".unpack_first", arcs.unpack_first));
  return reader.get(prefix + ".unpack_second", arcs.unpack_second);
}

}  // namespace

Status save_contraction_hierarchy(const ContractionHierarchy& ch, uint32_t graph_checksum, const std::string& path) {
  BITGOEUL_RETURN_IF_ERROR(validate(ch));
  BinaryWriter writer(kChFileMagic, kChFileVersion);
  writer.add("graph_fingerprint", std::vector<uint32_t>{graph_checksum, ch.graph_edge_count});
  writer.add("rank", ch.rank);
  writer.add("order", ch.order);
  add_arcs(writer, "upward", ch.upward);
  add_arcs(writer, "downward", ch.downward);
  return writer.write(path);
}

Result<ContractionHierarchy> load_contraction_hierarchy(const std::string& path, uint32_t graph_checksum) {
  BITGOEUL_ASSIGN_OR_RETURN(BinaryReader reader, BinaryReader::open(path, kChFileMagic, kChFileVersion));
  std::vector<uint32_t> fingerprint;
  BITGOEUL_RETURN_IF_ERROR(reader.get("graph_fingerprint", fingerprint));
  if (fingerprint.size() != 2) return corrupt("{}: graph fingerprint has {} entries, expected 2", path, fingerprint.size());
  if (fingerprint[0] != graph_checksum) {
    return invalid_input(
        "{}: built for another graph (fingerprint {:08x}, this graph is {:08x}); the graph changed since `bitgoeul road "
        "contract` ran, run it again",
        path, fingerprint[0], graph_checksum);
  }
  ContractionHierarchy ch;
  ch.graph_edge_count = fingerprint[1];
  BITGOEUL_RETURN_IF_ERROR(reader.get("rank", ch.rank));
  BITGOEUL_RETURN_IF_ERROR(reader.get("order", ch.order));
  BITGOEUL_RETURN_IF_ERROR(get_arcs(reader, "upward", ch.upward));
  BITGOEUL_RETURN_IF_ERROR(get_arcs(reader, "downward", ch.downward));
  const Status valid = validate(ch);
  if (!valid.is_ok()) return corrupt("{}: {}", path, valid.message());
  return ch;
}

}  // namespace bitgoeul::road
