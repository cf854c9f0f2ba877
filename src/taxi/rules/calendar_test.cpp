#include "taxi/rules/calendar.h"

#include <gtest/gtest.h>

namespace bitgoeul::taxi::rules {
namespace {

TEST(Calendar, DaysRoundTripAndWeekdays) {
  EXPECT_EQ(days_since_epoch({1970, 1, 1}), 0);
  EXPECT_EQ(days_since_epoch({2000, 3, 1}), 11017);
  for (int64_t d = -800000; d < 800000; d += 997) EXPECT_EQ(days_since_epoch(date_from_days(d)), d);
  EXPECT_EQ(iso_weekday({2026, 11, 25}), 2);  // a Wednesday
  EXPECT_EQ(iso_weekday({2024, 2, 29}), 3);   // Thursday, leap day
  EXPECT_EQ(add_days({2026, 12, 31}, 1), (Date{2027, 1, 1}));
  EXPECT_EQ(add_days({2028, 3, 1}, -1), (Date{2028, 2, 29}));
}

TEST(Calendar, ParseDateNamesTheFieldAndTheProblem) {
  EXPECT_EQ(*parse_date("2026-11-25", "day"), (Date{2026, 11, 25}));
  EXPECT_EQ(parse_date("2026-2-5", "day").status().message(), "day: '2026-2-5' is not a date YYYY-MM-DD");
  EXPECT_EQ(parse_date("2026-02-30", "day").status().message(), "day: '2026-02-30' is not a calendar date");
  EXPECT_EQ(parse_date("2025-02-29", "day").status().message(), "day: '2025-02-29' is not a calendar date");
  EXPECT_TRUE(parse_date("2024-02-29", "day").is_ok());
  EXPECT_FALSE(parse_date("2026-13-01", "day").is_ok());
  EXPECT_FALSE(parse_date("+026-11-25", "day").is_ok());
  EXPECT_EQ(format_date({2026, 3, 2}), "2026-03-02");
}

TEST(Calendar, KoreanDayTypes) {
  EXPECT_EQ(*day_type({2026, 11, 25}), DayType::kWeekday);
  EXPECT_EQ(*day_type({2026, 11, 28}), DayType::kWeekend);          // Saturday
  EXPECT_EQ(*day_type({2026, 2, 17}), DayType::kHoliday);           // Seollal
  EXPECT_EQ(*day_type({2026, 3, 2}), DayType::kHoliday);            // substitute for 1 March, a Sunday
  EXPECT_EQ(*day_type({2026, 9, 25}), DayType::kHoliday);           // Chuseok
  EXPECT_EQ(*day_type({2025, 10, 8}), DayType::kHoliday);           // substitute for Chuseok on a Sunday
  EXPECT_EQ(*day_type({2026, 6, 3}), DayType::kHoliday);            // local elections
  EXPECT_EQ(*day_type({2026, 7, 17}), DayType::kHoliday);           // Constitution Day, restored in 2026
  EXPECT_EQ(*day_type({2025, 7, 17}), DayType::kWeekday);           // not yet a holiday in 2025
  EXPECT_EQ(*day_type({2027, 7, 19}), DayType::kHoliday);           // substitute for 17 July 2027, a Saturday
  EXPECT_EQ(*day_type({2027, 2, 8}), DayType::kHoliday);            // substitute for Seollal's Sunday
  EXPECT_EQ(*day_type({2027, 9, 15}), DayType::kHoliday);           // Chuseok 2027
  EXPECT_EQ(*day_type({2026, 12, 24}), DayType::kWeekday);
  EXPECT_EQ(*day_type({2026, 12, 24}, {{2026, 12, 24}}), DayType::kHoliday);  // a permit's extra holiday
  const auto outside = day_type({2031, 1, 6});
  ASSERT_FALSE(outside.is_ok());
  EXPECT_NE(outside.status().message().find("covers 2024 to 2027"), std::string::npos);
}

TEST(Calendar, TheHolidayListIsSortedAndInRange) {
  const auto& holidays = korean_public_holidays();
  ASSERT_FALSE(holidays.empty());
  for (size_t i = 0; i < holidays.size(); ++i) {
    EXPECT_GE(holidays[i].date.year, first_holiday_year());
    EXPECT_LE(holidays[i].date.year, last_holiday_year());
    EXPECT_TRUE(parse_date(format_date(holidays[i].date), "holiday").is_ok()) << format_date(holidays[i].date);
    if (i > 0) {
      EXPECT_LT(holidays[i - 1].date, holidays[i].date) << format_date(holidays[i].date);
    }
  }
  // Every year has the fixed-date holidays.
  for (int year = first_holiday_year(); year <= last_holiday_year(); ++year) {
    for (const Date date : {Date{year, 1, 1}, Date{year, 3, 1}, Date{year, 5, 5}, Date{year, 6, 6}, Date{year, 8, 15},
                            Date{year, 10, 3}, Date{year, 10, 9}, Date{year, 12, 25}}) {
      EXPECT_EQ(*day_type(date), DayType::kHoliday) << format_date(date);
    }
  }
}

}  // namespace
}  // namespace bitgoeul::taxi::rules
