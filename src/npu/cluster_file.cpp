#include "npu/cluster_file.h"

#include <utility>

#include "core/config_reader.h"

namespace bitgoeul::npu {
namespace {

Result<Sharing> parse_sharing(ConfigReader& reader, bool has_partitions) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string sharing, reader.string_or("sharing", has_partitions ? "partitions" : "whole"));
  if (sharing == "whole") return Sharing::kWhole;
  if (sharing == "partitions") return Sharing::kPartitions;
  if (sharing == "milli") return Sharing::kMilli;
  return reader.error("sharing", fmt::format("unknown sharing '{}' (expected whole, partitions or milli)", sharing));
}

Result<DeviceType> parse_device_type(ConfigReader& reader) {
  DeviceType type;
  BITGOEUL_ASSIGN_OR_RETURN(type.name, reader.string("name"));
  BITGOEUL_ASSIGN_OR_RETURN(type.vendor, reader.string_or("vendor", ""));
  BITGOEUL_ASSIGN_OR_RETURN(type.resource_name, reader.string("resource"));
  BITGOEUL_ASSIGN_OR_RETURN(type.memory_gib, reader.number_or("memory_gib", 0.0));
  BITGOEUL_ASSIGN_OR_RETURN(int64_t pes, reader.integer_or("processing_elements", 0));
  if (pes < 0 || pes > 1000) return reader.error("processing_elements", "must be between 0 and 1000");
  type.processing_elements = static_cast<uint32_t>(pes);
  BITGOEUL_ASSIGN_OR_RETURN(type.billing_weight, reader.number_or("billing_weight", 1.0));
  if (type.billing_weight < 0.0) return reader.error("billing_weight", "must not be negative");
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<ConfigReader> partitions, reader.tables_or_empty("partitions"));
  BITGOEUL_ASSIGN_OR_RETURN(type.sharing, parse_sharing(reader, !partitions.empty()));
  if (type.sharing == Sharing::kPartitions && partitions.empty()) {
    return reader.error("sharing", "sharing = \"partitions\" needs [[device_types.partitions]]");
  }
  if (type.sharing != Sharing::kPartitions && !partitions.empty()) {
    return reader.error("partitions", "partitions are only allowed with sharing = \"partitions\"");
  }
  for (ConfigReader& partition_reader : partitions) {
    Partition partition;
    BITGOEUL_ASSIGN_OR_RETURN(int64_t part_pes, partition_reader.integer("processing_elements"));
    if (type.processing_elements == 0) {
      return partition_reader.error("processing_elements", "the device type must declare processing_elements");
    }
    // Partition sizes dividing the card (and each other, as powers of two do) pack any mix whose total fits
    // in the card, which is what lets capacity be counted in thousandths.
    if (part_pes <= 0 || part_pes >= pes || pes % part_pes != 0 || (part_pes * kMilliPerDevice) % pes != 0) {
      return partition_reader.error(
          "processing_elements", fmt::format("must divide the card's {} processing elements (and be fewer)", pes));
    }
    if (!type.partitions.empty() && part_pes % type.partitions.back().processing_elements != 0) {
      return partition_reader.error("processing_elements", "each partition size must be a multiple of the previous");
    }
    partition.processing_elements = static_cast<uint32_t>(part_pes);
    partition.milli = static_cast<uint32_t>(part_pes * kMilliPerDevice / pes);
    BITGOEUL_ASSIGN_OR_RETURN(partition.resource_name, partition_reader.string("resource"));
    BITGOEUL_ASSIGN_OR_RETURN(partition.memory_gib, partition_reader.number_or("memory_gib", 0.0));
    if (!type.partitions.empty() && type.partitions.back().milli >= partition.milli) {
      return partition_reader.error("processing_elements", "partitions must be listed in ascending size");
    }
    BITGOEUL_RETURN_IF_ERROR(partition_reader.finish());
    type.partitions.push_back(std::move(partition));
  }
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  return type;
}

Status parse_nodes(ConfigReader& reader, Cluster& cluster) {
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<ConfigReader> nodes, reader.tables_or_empty("nodes"));
  if (nodes.empty()) return reader.error({}, "missing [[nodes]]: a cluster needs at least one node");
  for (ConfigReader& node_reader : nodes) {
    BITGOEUL_ASSIGN_OR_RETURN(std::string name, node_reader.string("name"));
    BITGOEUL_ASSIGN_OR_RETURN(std::string type_name, node_reader.string("device_type"));
    const std::optional<DeviceTypeIndex> type = cluster.find_type(type_name);
    if (!type) return node_reader.error("device_type", fmt::format("unknown device type '{}'", type_name));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t devices, node_reader.integer("devices"));
    if (devices <= 0 || devices > 1024) return node_reader.error("devices", "must be between 1 and 1024");
    BITGOEUL_ASSIGN_OR_RETURN(int64_t count, node_reader.integer_or("count", 1));
    if (count <= 0 || count > 100000) return node_reader.error("count", "must be between 1 and 100000");
    BITGOEUL_ASSIGN_OR_RETURN(std::string rack, node_reader.string_or("rack", "rack-0"));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t cpu_milli, node_reader.integer_or("cpu_milli", 0));
    BITGOEUL_ASSIGN_OR_RETURN(int64_t memory_mib, node_reader.integer_or("memory_mib", 0));
    for (const auto& [key, value] : {std::pair("cpu_milli", cpu_milli), std::pair("memory_mib", memory_mib)}) {
      if (value < 0 || static_cast<uint64_t>(value) > kMaxHostResource) {
        return node_reader.error(key, fmt::format("must be between 0 (not modelled) and {}", kMaxHostResource));
      }
    }
    BITGOEUL_RETURN_IF_ERROR(node_reader.finish());
    for (int64_t i = 0; i < count; ++i) {
      std::string node_name = count == 1 ? name : fmt::format("{}-{:02}", name, i + 1);
      for (const Node& existing : cluster.nodes) {
        if (existing.name == node_name) {
          return node_reader.error("name", fmt::format("node name '{}' is used twice", node_name));
        }
      }
      cluster.add_node(std::move(node_name), *type, rack, static_cast<uint32_t>(devices),
                       static_cast<uint64_t>(cpu_milli), static_cast<uint64_t>(memory_mib));
    }
  }
  return Status::ok();
}

}  // namespace

Result<Cluster> parse_cluster(std::string_view toml_text, const std::string& source_name) {
  BITGOEUL_ASSIGN_OR_RETURN(ConfigValue root, parse_toml(toml_text, source_name));
  ConfigReader reader(root, source_name, "");
  Cluster cluster;
  BITGOEUL_ASSIGN_OR_RETURN(cluster.name, reader.string_or("name", source_name));
  BITGOEUL_ASSIGN_OR_RETURN(std::vector<ConfigReader> types, reader.tables_or_empty("device_types"));
  if (types.empty()) return reader.error({}, "missing [[device_types]]");
  for (ConfigReader& type_reader : types) {
    BITGOEUL_ASSIGN_OR_RETURN(DeviceType type, parse_device_type(type_reader));
    if (cluster.find_type(type.name)) {
      return type_reader.error("name", fmt::format("device type '{}' declared twice", type.name));
    }
    cluster.device_types.push_back(std::move(type));
  }
  BITGOEUL_RETURN_IF_ERROR(parse_nodes(reader, cluster));
  BITGOEUL_RETURN_IF_ERROR(reader.finish());
  const Status status = validate(cluster);
  if (!status.is_ok()) return invalid_input("{}: {}", source_name, status.message());
  return cluster;
}

Result<Cluster> load_cluster_file(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_cluster(text, path);
}

}  // namespace bitgoeul::npu
