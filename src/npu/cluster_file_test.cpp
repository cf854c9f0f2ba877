#include "npu/cluster_file.h"

#include <gtest/gtest.h>

namespace bitgoeul::npu {
namespace {

constexpr const char* kCluster = R"(
name = "test center"

[[device_types]]
name = "RNGD"
vendor = "FuriosaAI"
resource = "furiosa.ai/rngd"
memory_gib = 48
processing_elements = 8
  [[device_types.partitions]]
  processing_elements = 1
  resource = "furiosa.ai/rngd-1core.6gb"
  memory_gib = 6
  [[device_types.partitions]]
  processing_elements = 2
  resource = "furiosa.ai/rngd-2core.12gb"
  memory_gib = 12
  [[device_types.partitions]]
  processing_elements = 4
  resource = "furiosa.ai/rngd-4core.24gb"
  memory_gib = 24

[[device_types]]
name = "H100"
vendor = "NVIDIA"
resource = "nvidia.com/gpu"
memory_gib = 80
billing_weight = 2.5

[[nodes]]
name = "rngd"
count = 2
device_type = "RNGD"
devices = 8
rack = "A"

[[nodes]]
name = "h100"
device_type = "H100"
devices = 4
rack = "B"
)";

Status parse_error(const std::string& text) { return parse_cluster(text, "c.toml").status(); }

TEST(ClusterFile, ReadsTypesPartitionsNodesAndRacks) {
  Result<Cluster> cluster = parse_cluster(kCluster, "c.toml");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  ASSERT_EQ(cluster->device_types.size(), 2u);
  const DeviceType& rngd = cluster->device_types[0];
  EXPECT_EQ(rngd.resource_name, "furiosa.ai/rngd");
  EXPECT_EQ(rngd.sharing, Sharing::kPartitions);
  ASSERT_EQ(rngd.partitions.size(), 3u);
  EXPECT_EQ(rngd.partitions[0].milli, 125u);
  EXPECT_EQ(rngd.partitions[1].milli, 250u);
  EXPECT_EQ(rngd.partitions[2].milli, 500u);
  EXPECT_EQ(rngd.partitions[0].resource_name, "furiosa.ai/rngd-1core.6gb");
  EXPECT_EQ(cluster->device_types[1].sharing, Sharing::kWhole);
  EXPECT_DOUBLE_EQ(cluster->device_types[1].billing_weight, 2.5);
  ASSERT_EQ(cluster->nodes.size(), 3u);
  EXPECT_EQ(cluster->nodes[0].name, "rngd-01");
  EXPECT_EQ(cluster->nodes[1].name, "rngd-02");
  EXPECT_EQ(cluster->nodes[2].name, "h100");
  EXPECT_EQ(cluster->nodes[2].first_device, 16u);
  EXPECT_EQ(cluster->racks, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(cluster->device_count(), 20u);
  EXPECT_EQ(cluster->devices_per_type(), (std::vector<uint32_t>{16, 4}));
}

TEST(ClusterFile, PartitionsRoundRequestsUp) {
  Result<Cluster> cluster = parse_cluster(kCluster, "c.toml");
  ASSERT_TRUE(cluster.is_ok());
  const DeviceType& rngd = cluster->device_types[0];
  EXPECT_EQ(granted_milli(rngd, 100), 125u);
  EXPECT_EQ(granted_milli(rngd, 125), 125u);
  EXPECT_EQ(granted_milli(rngd, 126), 250u);
  EXPECT_EQ(granted_milli(rngd, 400), 500u);
  EXPECT_EQ(granted_milli(rngd, 501), std::nullopt);  // no 8-PE partition: a whole card is asked as devices = 1
  EXPECT_EQ(granted_milli(cluster->device_types[1], 500), std::nullopt);
}

TEST(ClusterFile, ErrorsNameFileLineAndKey) {
  std::string text = kCluster;
  text.replace(text.find("devices = 4"), 11, "devices = \"4\"");
  const Status wrong_type = parse_error(text);
  EXPECT_EQ(wrong_type.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(wrong_type.message().find("c.toml:40: nodes[1].devices: expected integer, got string"),
            std::string::npos)
      << wrong_type.message();

  text = kCluster;
  text.replace(text.find("rack = \"B\""), 10, "rak = \"B\"");
  EXPECT_NE(parse_error(text).message().find("c.toml:41: nodes[1].rak: unknown key"), std::string::npos)
      << parse_error(text).message();

  text = kCluster;
  text.replace(text.find("device_type = \"H100\""), 20, "device_type = \"A100\"");
  EXPECT_NE(parse_error(text).message().find("c.toml:39: nodes[1].device_type: unknown device type 'A100'"),
            std::string::npos)
      << parse_error(text).message();

  text = kCluster;
  text.replace(text.find("rack = \"B\""), 10, "rack = \"B\"\ncpu_milli = -8");
  EXPECT_NE(parse_error(text).message().find("nodes[1].cpu_milli: must be between 0 (not modelled) and"),
            std::string::npos)
      << parse_error(text).message();
}

TEST(ClusterFile, SyntaxAndStructureErrors) {
  EXPECT_NE(parse_error("name = \n").message().find("c.toml:1:"), std::string::npos);
  EXPECT_NE(parse_error("name = \"x\"\n").message().find("missing [[device_types]]"), std::string::npos);
  const Status no_nodes = parse_error("[[device_types]]\nname = \"A\"\nresource = \"a\"\n");
  EXPECT_NE(no_nodes.message().find("missing [[nodes]]"), std::string::npos) << no_nodes.message();
  const Status missing = parse_error("[[device_types]]\nname = \"A\"\n");
  EXPECT_NE(missing.message().find("c.toml:1: device_types[0]: missing required key 'device_types[0].resource'"),
            std::string::npos)
      << missing.message();
  const Status bad_partition = parse_error(
      "[[device_types]]\nname = \"R\"\nresource = \"r\"\nprocessing_elements = 8\n"
      "[[device_types.partitions]]\nprocessing_elements = 3\nresource = \"r3\"\n"
      "[[nodes]]\nname = \"n\"\ndevice_type = \"R\"\ndevices = 1\n");
  EXPECT_NE(bad_partition.message().find("c.toml:6: device_types[0].partitions[0].processing_elements"),
            std::string::npos)
      << bad_partition.message() << "|" << bad_partition.to_string();
  EXPECT_EQ(load_cluster_file("/nonexistent/c.toml").status().code(), ErrorCode::kNotFound);
}

TEST(ClusterFile, ExampleClusterLoads) {
  Result<Cluster> cluster = load_cluster_file(BITGOEUL_SOURCE_DIR "/examples/npu/gwangju_cluster.toml");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  EXPECT_TRUE(cluster->find_type("RNGD").has_value());
  EXPECT_TRUE(cluster->find_type("ATOM").has_value());
  EXPECT_TRUE(cluster->find_type("REBEL").has_value());
  EXPECT_TRUE(cluster->find_type("H100").has_value());
}

}  // namespace
}  // namespace bitgoeul::npu
