#include "core/csv_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace bitgoeul {

Result<CsvReader> CsvReader::open(const std::string& path) {
  CsvReader reader;
  reader.path_ = path;
  reader.in_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*reader.in_) return not_found("{}: cannot open file", path);
  return read_header(std::move(reader));
}

Result<CsvReader> CsvReader::from_string(std::string text, std::string source_name) {
  CsvReader reader;
  reader.path_ = std::move(source_name);
  reader.in_ = std::make_unique<std::istringstream>(std::move(text), std::ios::binary);
  return read_header(std::move(reader));
}

Result<CsvReader> CsvReader::read_header(CsvReader reader) {
  const std::string& path = reader.path_;
  bool unterminated = false;
  if (!reader.read_record(reader.header_, unterminated)) return invalid_input("{}: empty file, expected a header row", path);
  if (unterminated) return invalid_input("{}:1: unterminated quoted field in the header", path);
  if (!reader.header_.empty() && reader.header_[0].rfind("\xEF\xBB\xBF", 0) == 0) reader.header_[0].erase(0, 3);
  for (size_t i = 0; i < reader.header_.size(); ++i) {
    if (!reader.index_.emplace(reader.header_[i], i).second) {
      return invalid_input("{}:1: column '{}' appears twice in the header", path, reader.header_[i]);
    }
  }
  return reader;
}

Result<size_t> CsvReader::column(std::string_view name) const {
  const auto found = index_.find(std::string(name));
  if (found == index_.end()) {
    std::string columns;
    for (const std::string& column : header_) columns += (columns.empty() ? "" : ", ") + column;
    return invalid_input("{}:1: no column '{}' (the header has: {})", path_, name, columns);
  }
  return found->second;
}

std::optional<size_t> CsvReader::find_column(std::string_view name) const {
  const auto found = index_.find(std::string(name));
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

bool CsvReader::read_record(std::vector<std::string>& fields, bool& unterminated) {
  fields.clear();
  unterminated = false;
  record_line_ = next_line_;
  std::string field;
  bool in_quotes = false;
  bool any = false;
  int c;
  while ((c = in_->get()) != EOF) {
    any = true;
    if (in_quotes) {
      if (c == '"') {
        if (in_->peek() == '"') {
          field += '"';
          in_->get();
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++next_line_;
        field += static_cast<char>(c);
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++next_line_;
      fields.push_back(std::move(field));
      return true;
    } else if (c != '\r') {
      field += static_cast<char>(c);
    }
  }
  if (!any) return false;
  unterminated = in_quotes;
  fields.push_back(std::move(field));
  return true;
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  bool unterminated = false;
  while (true) {
    if (!read_record(fields, unterminated)) return false;
    if (unterminated) return invalid_input("{}unterminated quoted field", where());
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != header_.size()) {
      return invalid_input("{}{} fields, the header has {}", where(), fields.size(), header_.size());
    }
    return true;
  }
}

std::string CsvReader::where() const { return fmt::format("{}:{}: ", path_, record_line_); }

Status CsvReader::row_error(std::string_view message) const { return invalid_input("{}{}", where(), message); }

Result<double> parse_csv_double(const CsvReader& reader, std::string_view column, const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  while (begin < end && *begin == ' ') ++begin;
  while (end > begin && end[-1] == ' ') --end;
  const auto result = std::from_chars(begin, end, value);
  if (begin == end || result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) {
    return invalid_input("{}column '{}': '{}' is not a number", reader.where(), column, text);
  }
  return value;
}

Result<int64_t> parse_csv_int(const CsvReader& reader, std::string_view column, const std::string& text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  while (begin < end && *begin == ' ') ++begin;
  while (end > begin && end[-1] == ' ') --end;
  const auto result = std::from_chars(begin, end, value);
  if (begin == end || result.ec != std::errc() || result.ptr != end) {
    return invalid_input("{}column '{}': '{}' is not an integer", reader.where(), column, text);
  }
  return value;
}

Result<bool> parse_csv_bool(const CsvReader& reader, std::string_view column, const std::string& text) {
  if (text == "1" || text == "true" || text == "yes") return true;
  if (text == "0" || text == "false" || text == "no" || text.empty()) return false;
  return invalid_input("{}column '{}': '{}' is not a boolean (true or false)", reader.where(), column, text);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace bitgoeul
