#include "taxi/rules/calendar.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace bitgoeul::taxi::rules {
namespace {

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

bool parse_int(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<Date> parse_date(std::string_view text, std::string_view field) {
  Date date;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_int(text.substr(0, 4), date.year) ||
      !parse_int(text.substr(5, 2), date.month) || !parse_int(text.substr(8, 2), date.day)) {
    return invalid_input("{}: '{}' is not a date YYYY-MM-DD", field, text);
  }
  if (date.year < 1900 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > days_in_month(date.year, date.month)) {
    return invalid_input("{}: '{}' is not a calendar date", field, text);
  }
  return date;
}

std::string format_date(const Date& date) { return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day); }

// Howard Hinnant's days_from_civil: the proleptic Gregorian calendar in closed form.
int64_t days_since_epoch(const Date& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Date date_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

Date add_days(const Date& date, int64_t days) { return date_from_days(days_since_epoch(date) + days); }

int iso_weekday(const Date& date) {
  // 1970-01-01 was a Thursday (3).
  const int64_t weekday = (days_since_epoch(date) + 3) % 7;
  return static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
}

const char* day_type_name(DayType type) {
  switch (type) {
    case DayType::kWeekday: return "weekday";
    case DayType::kWeekend: return "weekend";
    case DayType::kHoliday: return "holiday";
  }
  return "unknown";
}

Result<DayType> day_type(const Date& date, const std::vector<Date>& extra_holidays) {
  if (std::find(extra_holidays.begin(), extra_holidays.end(), date) != extra_holidays.end()) return DayType::kHoliday;
  if (date.year < first_holiday_year() || date.year > last_holiday_year()) {
    return invalid_input("{}: the Korean public holiday list covers {} to {}; add the year to "
                         "src/taxi/rules/korean_public_holidays.cpp",
                         format_date(date), first_holiday_year(), last_holiday_year());
  }
  const auto& holidays = korean_public_holidays();
  const auto found = std::lower_bound(holidays.begin(), holidays.end(), date,
                                      [](const Holiday& holiday, const Date& d) { return holiday.date < d; });
  if (found != holidays.end() && found->date == date) return DayType::kHoliday;
  return iso_weekday(date) >= 5 ? DayType::kWeekend : DayType::kWeekday;
}

}  // namespace bitgoeul::taxi::rules
