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
  EXPECT_EQ(place("best-fit", 1, 300), (Devices{8}));
  EXPECT_EQ(place("best-fit", 1, 100), (Devices{9}));
  EXPECT_EQ(place("topology", 1, 300), (Devices{8}));
}

TEST_F(PlacementTest, FgdAvoidsLeavingUnusableSlivers) {
  // Device 8 has 600 free, device 10 has 800 free; the workload asks for halves. A 200 share on device 8 would
  // leave 400 (useless for a half): best-fit does it, FGD puts it on device 10 (600 left, still usable).
  state_->allocate({0, 400, {8}});
  state_->allocate({0, 200, {10}});
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
