#include "taxi_service/stream.h"

#include <gtest/gtest.h>

namespace bitgoeul::taxi_service {
namespace {

// Who hears what on /api/v1/stream: a table of connections against the audiences of the service's changes.
TEST(Stream, ChangesReachTheirAudienceAndEveryWatcher) {
  const std::string ops = stream_tag({Role::kOperator, "ops-1"});
  const std::string molit = stream_tag({Role::kRegulator, "molit"});
  const std::string v1 = stream_tag({Role::kVehicle, "v1"});
  const std::string v2 = stream_tag({Role::kVehicle, "v2"});
  const std::string gateway = stream_tag({Role::kGateway, "gw"});
  const std::string alice = stream_tag({Role::kRider, "alice"});
  const std::string bob = stream_tag({Role::kRider, "bob"});
  EXPECT_EQ(ops, "operator:ops-1");
  EXPECT_EQ(gateway, "gateway:gw");

  const Audience to_v1{Role::kVehicle, "v1"};
  const Audience to_alice{Role::kRider, "alice"};
  const Audience to_operators{Role::kOperator, ""};
  struct Row {
    std::string tag;
    bool v1_assignment, alice_ride, operators_only, fleet;
  };
  const std::vector<Row> table = {
      {ops, true, true, true, true},         {molit, true, true, true, true},
      {v1, true, false, false, false},       {v2, false, false, false, false},
      {gateway, true, false, false, false},  {alice, false, true, false, false},
      {bob, false, false, false, false},
  };
  for (const Row& row : table) {
    EXPECT_EQ(stream_delivers(row.tag, to_v1), row.v1_assignment) << row.tag;
    EXPECT_EQ(stream_delivers(row.tag, to_alice), row.alice_ride) << row.tag;
    EXPECT_EQ(stream_delivers(row.tag, to_operators), row.operators_only) << row.tag;
    EXPECT_EQ(stream_gets_fleet(row.tag), row.fleet) << row.tag;
  }
}

TEST(Stream, IdsThatLookLikeOtherTagsDoNotLeak) {
  // A rider whose id imitates a vehicle's tag still gets only their own rides.
  const std::string sneaky = stream_tag({Role::kRider, "operator:x"});
  EXPECT_FALSE(stream_gets_fleet(sneaky));
  EXPECT_FALSE(stream_delivers(sneaky, Audience{Role::kVehicle, "v1"}));
  EXPECT_FALSE(stream_delivers(stream_tag({Role::kVehicle, "v1x"}), Audience{Role::kVehicle, "v1"}));
  EXPECT_FALSE(stream_delivers(stream_tag({Role::kRider, "v1"}), Audience{Role::kVehicle, "v1"}));
}

}  // namespace
}  // namespace bitgoeul::taxi_service
