#include "npu/csv_reader.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/config_value.h"

namespace bitgoeul::npu {

Result<CsvReader> CsvReader::open(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return from_text(std::move(text), path);
}

Result<CsvReader> CsvReader::from_text(std::string text, std::string source_name) {
  CsvReader reader(std::move(text), std::move(source_name));
  BITGOEUL_ASSIGN_OR_RETURN(bool has_header, reader.next(reader.header_));
  if (!has_header) return invalid_input("{}: empty file (expected a header row)", reader.source_);
  for (std::string& name : reader.header_) {
    while (!name.empty() && (name.back() == ' ' || name.back() == '\r')) name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
  }
  return reader;
}

std::optional<size_t> CsvReader::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

Result<size_t> CsvReader::require_column(std::string_view name) const {
  const std::optional<size_t> index = column(name);
  if (!index) return invalid_input("{}:1: missing column '{}' in the header", source_, name);
  return *index;
}

Status CsvReader::row_error(std::string_view message) const {
  return invalid_input("{}:{}: {}", source_, line_, message);
}

Result<bool> CsvReader::read_line(std::vector<std::string>& fields) {
  fields.clear();
  if (position_ >= text_.size()) return false;
  line_ = next_line_;
  std::string field;
  bool quoted = false;
  while (position_ < text_.size()) {
    const char c = text_[position_++];
    if (quoted) {
      if (c == '"') {
        if (position_ < text_.size() && text_[position_] == '"') {
          field.push_back('"');
          ++position_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++next_line_;
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++next_line_;
      break;
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (quoted) return row_error("unterminated quoted field");
  fields.push_back(std::move(field));
  return true;
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(bool got, read_line(fields));
    if (!got) return false;
    if (!(fields.size() == 1 && fields[0].empty())) {
      if (!header_.empty() && fields.size() != header_.size()) {
        return row_error(fmt::format("{} fields, the header has {}", fields.size(), header_.size()));
      }
      return true;
    }
  }
}

Result<int64_t> parse_int_field(const CsvReader& reader, std::string_view column, std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    // Traces often write integers as "12.0".
    BITGOEUL_ASSIGN_OR_RETURN(double as_double, parse_double_field(reader, column, text));
    if (as_double != std::floor(as_double) || std::fabs(as_double) > 9e15) {
      return reader.row_error(fmt::format("column '{}': '{}' is not an integer", column, text));
    }
    return static_cast<int64_t>(as_double);
  }
  return value;
}

Result<double> parse_double_field(const CsvReader& reader, std::string_view column, std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno != 0 || !std::isfinite(value)) {
    return reader.row_error(fmt::format("column '{}': '{}' is not a number", column, text));
  }
  return value;
}

Result<bool> parse_bool_field(const CsvReader& reader, std::string_view column, std::string_view text) {
  if (text == "1" || text == "true" || text == "yes") return true;
  if (text == "0" || text == "false" || text == "no" || text.empty()) return false;
  return reader.row_error(fmt::format("column '{}': '{}' is not a boolean (true/false)", column, text));
}

}  // namespace bitgoeul::npu
