// Placements on a small two-rack cluster with a drawn state:
//   rack A: node a1 = devices 0..3, node a2 = devices 4..7      rack B: node b1 = devices 8..15
//   busy:   0 (whole), 4, 5, 6 (whole)   → free whole: a1 {1,2,3}, a2 {7}, b1 {8..15}

#include "npu/placement/placement.h"

#include <gtest/gtest.h>

#include "npu/cluster_file.h"

namespace bitgoeul::npu {
namespace {

using Devices = std::vector<DeviceIndex>;

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Cluster> cluster = parse_cluster(R"(
[[device_types]]
name = "G"
resource = "nvidia.com/gpu"
sharing = "milli"
[[nodes]]
name = "a"
count = 2
device_type = "G"
devices = 4
rack = "A"
[[nodes]]
name = "b1"
device_type = "G"
devices = 8
rack = "B"
)",
                                            "c.toml");
    ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
    cluster_ = *cluster;
    state_ = std::make_unique<ClusterState>(cluster_);
    state_->allocate({0, kMilliPerDevice, {0, 4, 5, 6}});
  }

  Devices place(const std::string& name, uint32_t count, uint32_t milli = kMilliPerDevice,
                Locality locality = Locality::kAny, std::vector<DemandClass> demand = {}) {
    Result<std::unique_ptr<Placement>> placement = make_placement(name);
    EXPECT_TRUE(placement.is_ok());
    if (!demand.empty()) (*placement)->set_demand(std::move(demand));
    std::optional<Allocation> allocation = (*placement)->place(*state_, {0, count, milli, locality}, nullptr);
    if (!allocation) return {};
    EXPECT_TRUE(state_->fits(*allocation));
    return allocation->devices;
  }

  Cluster cluster_;
  std::unique_ptr<ClusterState> state_;
};

TEST_F(PlacementTest, WholeDevices) {
  //                         request            first-fit                best-fit                 topology
  EXPECT_EQ(place("first-fit", 1), (Devices{1}));
  EXPECT_EQ(place("best-fit", 1), (Devices{7}));   // a2 has the fewest free devices
  EXPECT_EQ(place("topology", 1), (Devices{7}));
  EXPECT_EQ(place("first-fit", 2), (Devices{1, 2}));
  EXPECT_EQ(place("best-fit", 2), (Devices{1, 2}));  // a1 (3 free) is tighter than b1 (8)
  EXPECT_EQ(place("first-fit", 4), (Devices{1, 2, 3, 7}));  // spans nodes a1 and a2
  EXPECT_EQ(place("best-fit", 4), (Devices{8, 9, 10, 11}));  // one node holds it
  EXPECT_EQ(place("topology", 4), (Devices{8, 9, 10, 11}));
  // 10 devices: no node or rack holds them.
  EXPECT_EQ(place("best-fit", 10), (Devices{7, 1, 2, 3, 8, 9, 10, 11, 12, 13}));  // fullest nodes first
  EXPECT_EQ(place("topology", 10), (Devices{8, 9, 10, 11, 12, 13, 14, 15, 1, 2}));  // emptiest rack first
  EXPECT_EQ(place("first-fit", 13), (Devices{}));  // only 12 free
}

TEST_F(PlacementTest, LocalityConstraints) {
  EXPECT_EQ(place("first-fit", 4, kMilliPerDevice, Locality::kNode), (Devices{8, 9, 10, 11}));
  EXPECT_EQ(place("first-fit", 4, kMilliPerDevice, Locality::kRack), (Devices{1, 2, 3, 7}));  // rack A has 4
  EXPECT_EQ(place("best-fit", 5, kMilliPerDevice, Locality::kRack), (Devices{8, 9, 10, 11, 12}));
  EXPECT_EQ(place("topology", 9, kMilliPerDevice, Locality::kRack), (Devices{}));
  EXPECT_EQ(place("best-fit", 9, kMilliPerDevice, Locality::kNode), (Devices{}));
}

TEST_F(PlacementTest, FractionalShares) {
  state_->allocate({0, 600, {8}});  // device 8: 400 free
  state_->allocate({0, 900, {9}});  // device 9: 100 free
  EXPECT_EQ(place("first-fit", 1, 300), (Devices{1}));
  EXPECT_EQ(place("topology", 1, 300), (Devices{8}));  // the tightest device
  // Best-fit takes the tightest node (a2: 1000 free), then its tightest device.
  EXPECT_EQ(place("best-fit", 1, 300), (Devices{7}));
  state_->allocate({0, 1000, {7}});  // a2 full
  state_->allocate({0, 800, {1}});   // a1: 200 + 1000 + 1000 free, tighter than b1 (6500)
  EXPECT_EQ(place("best-fit", 1, 300), (Devices{2}));
  EXPECT_EQ(place("best-fit", 1, 100), (Devices{1}));
}

TEST_F(PlacementTest, CpuAndMemoryBoundWhereDevicesGo) {
  // The same cluster with host resources: a nodes 8 cores / 32 GiB each, b1 4 cores / 64 GiB.
  cluster_.nodes[0].cpu_milli = cluster_.nodes[1].cpu_milli = 8000;
  cluster_.nodes[0].memory_mib = cluster_.nodes[1].memory_mib = 32768;
  cluster_.nodes[2].cpu_milli = 4000;
  cluster_.nodes[2].memory_mib = 65536;
  state_ = std::make_unique<ClusterState>(cluster_);
  state_->allocate({0, kMilliPerDevice, {0, 4, 5, 6}, 6000, 1024, kNoNode});  // a1: 0 and a2: 4, 5, 6, 6 cores
  EXPECT_EQ(state_->free_cpu_milli(0), 6500u);  // a1 holds 1 of 4 devices: 1.5 cores
  EXPECT_EQ(state_->free_cpu_milli(1), 3500u);  // a2 holds 3: 4.5 cores
  const auto place_host = [&](const std::string& name, uint32_t count, uint32_t milli, uint64_t cpu, uint64_t mem,
                              Locality locality = Locality::kNode) {
    Result<std::unique_ptr<Placement>> placement = make_placement(name);
    EXPECT_TRUE(placement.is_ok());
    PlacementRequest request{0, count, milli, locality, cpu, mem, nullptr};
    std::optional<Allocation> allocation = (*placement)->place(*state_, request, nullptr);
    if (!allocation) return Devices{};
    EXPECT_TRUE(state_->fits(*allocation)) << name;
    return allocation->devices;
  };
  for (const std::string& name : placement_names()) {
    // 5 cores: not on a2 (3.5 free) nor b1 (4): only a1.
    EXPECT_EQ(place_host(name, 1, kMilliPerDevice, 5000, 0), (Devices{1})) << name;
    EXPECT_EQ(place_host(name, 1, 500, 5000, 0), (Devices{1})) << name;
    // 40 GiB: only b1.
    EXPECT_EQ(place_host(name, 2, kMilliPerDevice, 0, 40960), (Devices{8, 9})) << name;
    // 7 cores on one node: nowhere.
    EXPECT_EQ(place_host(name, 1, 500, 7000, 0), (Devices{})) << name;
  }
  // A gang of 4 spread over nodes with 8 cores: 2 per device. first-fit: a1 takes 3 devices (6 cores of 6.5),
  // a2 one (2 of 3.5).
  EXPECT_EQ(place_host("first-fit", 4, kMilliPerDevice, 8000, 0, Locality::kAny), (Devices{1, 2, 3, 7}));
  // With 10 cores (2.5 per device) a1 can take only 2 devices (5 of 6.5), a2 one (2.5 of 3.5), b1 one (2.5 of 4).
  EXPECT_EQ(place_host("first-fit", 4, kMilliPerDevice, 10000, 0, Locality::kAny), (Devices{1, 2, 7, 8}));
  // A request without devices takes only CPU and memory: on the first node with room (first-fit).
  Result<std::unique_ptr<Placement>> first_fit = make_placement("first-fit");
  ASSERT_TRUE(first_fit.is_ok());
  const std::vector<DeviceTypeIndex> any = {0};
  std::optional<Allocation> cpu_only =
      (*first_fit)->place(*state_, {0, 0, kMilliPerDevice, Locality::kNode, 6000, 0, &any}, nullptr);
  ASSERT_TRUE(cpu_only.has_value());
  EXPECT_TRUE(cpu_only->devices.empty());
  EXPECT_EQ(cpu_only->host, 0u);
  state_->allocate(*cpu_only);
  EXPECT_EQ(state_->free_cpu_milli(0), 500u);
  EXPECT_FALSE((*first_fit)->place(*state_, {0, 0, kMilliPerDevice, Locality::kNode, 4500, 0, &any}, nullptr));
}

TEST_F(PlacementTest, NodeSharesSplitHostResourcesExactly) {
  // 10 cores over devices 1, 2 (a1) and 7 (a2): floor(10000·2/3) = 6666 on a1, the rest (3334) on a2.
  const Allocation allocation{0, kMilliPerDevice, {1, 2, 7}, 10000, 7, kNoNode};
  const std::vector<NodeShare> shares = node_shares(cluster_, allocation);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].node, 0u);
  EXPECT_EQ(shares[0].cpu_milli, 6666u);
  EXPECT_EQ(shares[0].memory_mib, 4u);
  EXPECT_EQ(shares[1].cpu_milli, 3334u);
  EXPECT_EQ(shares[1].memory_mib, 3u);
  EXPECT_LE(shares[1].cpu_milli, share_bound(10000, 1, 3));
  EXPECT_EQ(share_bound(10000, 1, 3), 3334u);
}

TEST_F(PlacementTest, FgdAvoidsLeavingUnusableSlivers) {
  // Device 8 has 600 free, device 10 has 800 free; the workload asks for halves. A 200 share on device 8 would
  // leave 400 (useless for a half): best-fit does it, FGD puts it on device 10 (600 left, still usable).
  state_->allocate({0, 400, {8}});
  state_->allocate({0, 200, {10}});
  state_->allocate({0, kMilliPerDevice, {1, 2, 3, 7}});  // only b1 has room
  EXPECT_EQ(place("best-fit", 1, 200), (Devices{8}));
  EXPECT_EQ(place("fgd", 1, 200, Locality::kAny, {{1, 500, 1.0}}), (Devices{10}));
}

TEST_F(PlacementTest, BlockedDevicesAreNeverUsed) {
  std::vector<uint8_t> blocked(cluster_.device_count(), 0);
  blocked[1] = blocked[2] = blocked[7] = 1;
  for (const std::string& name : placement_names()) {
    Result<std::unique_ptr<Placement>> placement = make_placement(name);
    ASSERT_TRUE(placement.is_ok());
    std::optional<Allocation> allocation = (*placement)->place(*state_, {0, 2, kMilliPerDevice, Locality::kAny},
                                                               &blocked);
    ASSERT_TRUE(allocation.has_value()) << name;
    for (DeviceIndex d : allocation->devices) EXPECT_EQ(blocked[d], 0) << name;
  }
}

}  // namespace
}  // namespace bitgoeul::npu
