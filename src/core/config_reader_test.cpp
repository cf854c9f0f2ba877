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

TEST(ConfigReader, NumberArraysAndRows) {
  auto document = parse_toml("f = [1, 2.5]\npoints = [[37.5, 127], [35.1, 126.8]]\nbad = [[1], [2, 3]]\nmixed = [1, \"x\"]\n",
                             "n.toml");
  ASSERT_TRUE(document.is_ok()) << document.status().to_string();
  ConfigReader root(*document, "n.toml", "");
  EXPECT_EQ(root.numbers_or_empty("f").value(), (std::vector<double>{1.0, 2.5}));
  EXPECT_TRUE(root.numbers_or_empty("absent").value().empty());
  const auto points = root.number_rows_or_empty("points", 2);
  ASSERT_TRUE(points.is_ok());
  EXPECT_EQ(points->at(1), (std::vector<double>{35.1, 126.8}));
  EXPECT_NE(root.number_rows_or_empty("bad", 2).status().message().find("bad[0]: expected an array of 2 numbers"),
            std::string::npos);
  EXPECT_NE(root.numbers_or_empty("mixed").status().message().find("n.toml:4: mixed[1]: expected number"),
            std::string::npos)
      << root.numbers_or_empty("mixed").status().message();
}

}  // namespace
}  // namespace bitgoeul
