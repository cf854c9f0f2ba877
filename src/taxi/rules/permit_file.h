#pragma once
// The permit file (TOML; format in docs/taxi-permit.md) with its GeoJSON zones and stops CSV. Every invalid
// element is an error naming the file, the line or feature, and the element: self-intersecting polygons,
// overlapping windows, unknown keys, stops outside the permitted area, unknown road classes, dates that are not.

#include <string>

#include "core/error.h"
#include "taxi/rules/permit.h"

namespace bitgoeul::taxi::rules {

// Relative paths inside the permit resolve against the permit file's folder.
Result<Permit> read_permit_file(const std::string& path);

// "HH:MM-HH:MM"; an end before the start crosses midnight. `field` prefixes errors.
Result<DailyWindow> parse_daily_window(std::string_view text, std::string_view field);

// Checks a permit built in code (tests, the live service's updates) the way the reader checks a file.
Status check_permit(const Permit& permit);

}  // namespace bitgoeul::taxi::rules
