// The Republic of Korea's public holidays, 2024-2027: the Regulations on Holidays of Government Offices
// (관공서의 공휴일에 관한 규정) — fixed-date holidays, Seollal and Chuseok (three days each), Buddha's Birthday,
// substitute holidays (article 3: Seollal and Chuseok falling on a Sunday or another holiday; Children's Day,
// national holidays, Buddha's Birthday and Christmas falling on a Saturday or Sunday), election days and temporary
// holidays declared by the government. Lunar dates as announced by the Korea Astronomy and Space Science Institute.
// Constitution Day (17 July) is a public holiday again from 2026 (Act on Public Holidays as amended on
// 29 January 2026). Maintained by hand: add each year when the government announces it, and update last_holiday_year().

#include "taxi/rules/calendar.h"

namespace bitgoeul::taxi::rules {

int first_holiday_year() { return 2024; }
int last_holiday_year() { return 2027; }

const std::vector<Holiday>& korean_public_holidays() {
  static const std::vector<Holiday> holidays = {
      {{2024, 1, 1}, "New Year's Day"},
      {{2024, 2, 9}, "Seollal holiday"},
      {{2024, 2, 10}, "Seollal"},
      {{2024, 2, 11}, "Seollal holiday"},
      {{2024, 2, 12}, "Substitute holiday (Seollal)"},
      {{2024, 3, 1}, "Independence Movement Day"},
      {{2024, 4, 10}, "National Assembly election day"},
      {{2024, 5, 5}, "Children's Day"},
      {{2024, 5, 6}, "Substitute holiday (Children's Day)"},
      {{2024, 5, 15}, "Buddha's Birthday"},
      {{2024, 6, 6}, "Memorial Day"},
      {{2024, 8, 15}, "Liberation Day"},
      {{2024, 9, 16}, "Chuseok holiday"},
      {{2024, 9, 17}, "Chuseok"},
      {{2024, 9, 18}, "Chuseok holiday"},
      {{2024, 10, 1}, "Armed Forces Day (temporary holiday)"},
      {{2024, 10, 3}, "National Foundation Day"},
      {{2024, 10, 9}, "Hangul Day"},
      {{2024, 12, 25}, "Christmas Day"},

      {{2025, 1, 1}, "New Year's Day"},
      {{2025, 1, 27}, "Temporary holiday"},
      {{2025, 1, 28}, "Seollal holiday"},
      {{2025, 1, 29}, "Seollal"},
      {{2025, 1, 30}, "Seollal holiday"},
      {{2025, 3, 1}, "Independence Movement Day"},
      {{2025, 3, 3}, "Substitute holiday (Independence Movement Day)"},
      {{2025, 5, 5}, "Children's Day; Buddha's Birthday"},
      {{2025, 5, 6}, "Substitute holiday (Buddha's Birthday)"},
      {{2025, 6, 3}, "Presidential election day"},
      {{2025, 6, 6}, "Memorial Day"},
      {{2025, 8, 15}, "Liberation Day"},
      {{2025, 10, 3}, "National Foundation Day"},
      {{2025, 10, 5}, "Chuseok holiday"},
      {{2025, 10, 6}, "Chuseok"},
      {{2025, 10, 7}, "Chuseok holiday"},
      {{2025, 10, 8}, "Substitute holiday (Chuseok)"},
      {{2025, 10, 9}, "Hangul Day"},
      {{2025, 12, 25}, "Christmas Day"},

      {{2026, 1, 1}, "New Year's Day"},
      {{2026, 2, 16}, "Seollal holiday"},
      {{2026, 2, 17}, "Seollal"},
      {{2026, 2, 18}, "Seollal holiday"},
      {{2026, 3, 1}, "Independence Movement Day"},
      {{2026, 3, 2}, "Substitute holiday (Independence Movement Day)"},
      {{2026, 5, 5}, "Children's Day"},
      {{2026, 5, 24}, "Buddha's Birthday"},
      {{2026, 5, 25}, "Substitute holiday (Buddha's Birthday)"},
      {{2026, 6, 3}, "Local elections day"},
      {{2026, 6, 6}, "Memorial Day"},
      {{2026, 7, 17}, "Constitution Day"},
      {{2026, 8, 15}, "Liberation Day"},
      {{2026, 8, 17}, "Substitute holiday (Liberation Day)"},
      {{2026, 9, 24}, "Chuseok holiday"},
      {{2026, 9, 25}, "Chuseok"},
      {{2026, 9, 26}, "Chuseok holiday"},
      {{2026, 10, 3}, "National Foundation Day"},
      {{2026, 10, 5}, "Substitute holiday (National Foundation Day)"},
      {{2026, 10, 9}, "Hangul Day"},
      {{2026, 12, 25}, "Christmas Day"},

      {{2027, 1, 1}, "New Year's Day"},
      {{2027, 2, 5}, "Seollal holiday"},
      {{2027, 2, 6}, "Seollal"},
      {{2027, 2, 7}, "Seollal holiday"},
      {{2027, 2, 8}, "Substitute holiday (Seollal)"},
      {{2027, 3, 1}, "Independence Movement Day"},
      {{2027, 5, 5}, "Children's Day"},
      {{2027, 5, 13}, "Buddha's Birthday"},
      {{2027, 6, 6}, "Memorial Day"},
      {{2027, 7, 17}, "Constitution Day"},
      {{2027, 7, 19}, "Substitute holiday (Constitution Day)"},
      {{2027, 8, 15}, "Liberation Day"},
      {{2027, 8, 16}, "Substitute holiday (Liberation Day)"},
      {{2027, 9, 14}, "Chuseok holiday"},
      {{2027, 9, 15}, "Chuseok"},
      {{2027, 9, 16}, "Chuseok holiday"},
      {{2027, 10, 3}, "National Foundation Day"},
      {{2027, 10, 4}, "Substitute holiday (National Foundation Day)"},
      {{2027, 10, 9}, "Hangul Day"},
      {{2027, 10, 11}, "Substitute holiday (Hangul Day)"},
      {{2027, 12, 25}, "Christmas Day"},
      {{2027, 12, 27}, "Substitute holiday (Christmas Day)"},
  };
  return holidays;
}

}  // namespace bitgoeul::taxi::rules
