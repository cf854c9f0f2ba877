#include "core/config_reader.h"

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

TEST(ConfigReader, TypedAccessWithDefaults) {
  auto document = parse_toml("name = \"pilot\"\nseed = 7\n[fleet]\nvehicles = 20\ncapacity = 4.5\n", "s.toml");
  ASSERT_TRUE(document.is_ok()) << document.status().to_string();
  ConfigReader root(*document, "s.toml", "");
  EXPECT_EQ(root.string("name").value(), "pilot");
  EXPECT_EQ(root.integer_or("seed", 1).value(), 7);
  EXPECT_EQ(root.integer_or("absent", 3).value(), 3);
  auto fleet = root.table_or_none("fleet");
  ASSERT_TRUE(fleet.is_ok() && fleet->has_value());
  ConfigReader& fleet_reader = **fleet;
  EXPECT_EQ(fleet_reader.integer("vehicles").value(), 20);
  EXPECT_DOUBLE_EQ(fleet_reader.number("capacity").value(), 4.5);
  EXPECT_TRUE(fleet_reader.finish().is_ok());
  EXPECT_TRUE(root.finish().is_ok());
}

TEST(ConfigReader, ErrorsNameFileLineAndKey) {
  auto syntax = parse_toml("a = 1\nb = = 2\n", "bad.toml");
  ASSERT_FALSE(syntax.is_ok());
  EXPECT_NE(syntax.status().message().find("bad.toml:2:"), std::string::npos) << syntax.status().message();

  auto document = parse_toml("[fleet]\nvehicles = \"many\"\nvehicels = 3\n", "typo.toml");
  ASSERT_TRUE(document.is_ok());
  ConfigReader root(*document, "typo.toml", "");
  auto fleet = root.table_or_none("fleet");
  ASSERT_TRUE(fleet.is_ok() && fleet->has_value());
  auto vehicles = (*fleet)->integer("vehicles");
  ASSERT_FALSE(vehicles.is_ok());
  EXPECT_NE(vehicles.status().message().find("typo.toml:2"), std::string::npos) << vehicles.status().message();
  EXPECT_NE(vehicles.status().message().find("fleet.vehicles"), std::string::npos) << vehicles.status().message();
  const Status unknown = (*fleet)->finish();
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.message().find("vehicels"), std::string::npos) << unknown.message();
  EXPECT_NE(unknown.message().find("typo.toml:3"), std::string::npos) << unknown.message();
}

}  // namespace
}  // namespace bitgoeul
