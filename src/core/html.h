#pragma once
// Text for the project's self-contained HTML reports.

#include <string>
#include <string_view>

namespace bitgoeul {

// `text` safe inside HTML and SVG text and attribute values (quoted with either quote).
std::string html_escape(std::string_view text);

}  // namespace bitgoeul
