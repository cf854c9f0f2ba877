// The speed table: every maxspeed spelling the importer understands, and the class defaults.

#include "road/speed_table.h"

#include <gtest/gtest.h>

namespace bitgoeul::road {
namespace {

TEST(SpeedTable, PlainNumbersAreKilometresPerHour) {
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh(" 60 "), 60.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50 km/h"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50km/h"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50 kmh"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50 kph"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("7.5"), 7.5);
}

TEST(SpeedTable, ImperialAndNauticalUnitsAreConverted) {
  EXPECT_NEAR(*parse_maxspeed_kmh("30 mph"), 48.28032, 1e-9);
  EXPECT_NEAR(*parse_maxspeed_kmh("30mph"), 48.28032, 1e-9);
  EXPECT_NEAR(*parse_maxspeed_kmh("10 knots"), 18.52, 1e-9);
}

TEST(SpeedTable, KoreanZones) {
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("KR:urban"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("KR:rural"), 80.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("KR:motorway"), 100.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("kr:urban"), 50.0);
}

TEST(SpeedTable, OtherCountryZonesAndNumberedZones) {
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("DE:urban"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("DE:rural"), 100.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("FR:motorway"), 130.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("DE:zone30"), 30.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("DE:zone:20"), 20.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("DE:living_street"), 20.0);
  // A country the table does not list falls back to the common values.
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("PL:urban"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("PL:rural"), 90.0);
  // DE:motorway has no limit: no number to drive at.
  EXPECT_FALSE(parse_maxspeed_kmh("DE:motorway").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("KR:nowhere").has_value());
}

TEST(SpeedTable, WordsAndGarbage) {
  EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("walk"), kWalkSpeedKmh);
  EXPECT_FALSE(parse_maxspeed_kmh("none").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("signals").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("variable").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("fast").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("50 furlongs").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("0").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("-30").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("9999").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("nan").has_value());
  EXPECT_FALSE(parse_maxspeed_kmh("inf").has_value());
}

TEST(SpeedTable, ListsTakeTheFirstValue) { EXPECT_DOUBLE_EQ(*parse_maxspeed_kmh("50;30"), 50.0); }

TEST(SpeedTable, EveryClassHasAPositiveDefaultAndImportanceOrdersThem) {
  for (int c = 0; c < static_cast<int>(RoadClass::kCount); ++c) {
    EXPECT_GT(default_speed_kmh(static_cast<RoadClass>(c)), 0.0) << road_class_name(static_cast<RoadClass>(c));
  }
  EXPECT_GT(default_speed_kmh(RoadClass::kMotorway), default_speed_kmh(RoadClass::kPrimary));
  EXPECT_GT(default_speed_kmh(RoadClass::kPrimary), default_speed_kmh(RoadClass::kResidential));
  EXPECT_GT(default_speed_kmh(RoadClass::kResidential), default_speed_kmh(RoadClass::kLivingStreet));
}

}  // namespace
}  // namespace bitgoeul::road
