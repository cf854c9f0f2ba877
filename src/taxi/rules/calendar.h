#pragma once
// Civil dates and the day types a permit's operating hours depend on: weekday, weekend, public holiday, with the
// Republic of Korea's public holidays as a maintained list (korean_public_holidays.cpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace bitgoeul::taxi::rules {

struct Date {
  int year = 2026;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend auto operator<=>(const Date&, const Date&) = default;
};

// "YYYY-MM-DD"; the error names `field` and says what is wrong.
Result<Date> parse_date(std::string_view text, std::string_view field);
std::string format_date(const Date& date);
// Days since 1970-01-01 (negative before), and back.
int64_t days_since_epoch(const Date& date);
Date date_from_days(int64_t days);
Date add_days(const Date& date, int64_t days);
// 0 = Monday .. 6 = Sunday (ISO 8601).
int iso_weekday(const Date& date);

enum class DayType : uint8_t { kWeekday, kWeekend, kHoliday };
const char* day_type_name(DayType type);

struct Holiday {
  Date date;
  std::string name;
};

// Public holidays of the Republic of Korea (관공서의 공휴일에 관한 규정, with the substitute holidays of its
// article 3 and election days), 2024 to 2027, in date order. Lunar holidays are the dates announced by the
// Korea Astronomy and Space Science Institute. Extend the list in korean_public_holidays.cpp each year; a permit
// can add its own (e.g. a newly declared temporary holiday) with `extra_holidays`.
const std::vector<Holiday>& korean_public_holidays();
// The first and last year the list covers: a date outside is an error, never silently a working day.
int first_holiday_year();
int last_holiday_year();

// A public holiday (from the list or `extra`) is kHoliday, whatever its weekday; else Saturday and Sunday are
// kWeekend. Error when the date's year is outside the maintained list.
Result<DayType> day_type(const Date& date, const std::vector<Date>& extra_holidays = {});

}  // namespace bitgoeul::taxi::rules
