#pragma once
// A small CSV reader for traces: comma-separated, optional double quotes ("" escapes a quote), header row
// first. It reports 1-based line numbers so every bad row can be named. (A candidate for core/ when a second
// module needs it.)

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace bitgoeul::npu {

class CsvReader {
 public:
  // Reads the header line. Fails when the file cannot be opened or is empty.
  static Result<CsvReader> open(const std::string& path);
  static Result<CsvReader> from_text(std::string text, std::string source_name);

  const std::vector<std::string>& header() const { return header_; }
  // Column index by header name, nullopt when absent.
  std::optional<size_t> column(std::string_view name) const;
  // Fails naming the file when a column is missing.
  Result<size_t> require_column(std::string_view name) const;

  // Next non-empty row; false at the end. A row with an unterminated quote is a Status error.
  Result<bool> next(std::vector<std::string>& fields);
  int64_t line() const { return line_; }  // line of the row last returned
  const std::string& source() const { return source_; }

  // "file:line: message" for the current row.
  Status row_error(std::string_view message) const;

 private:
  CsvReader(std::string text, std::string source) : text_(std::move(text)), source_(std::move(source)) {}
  Result<bool> read_line(std::vector<std::string>& fields);

  std::string text_;
  std::string source_;
  size_t position_ = 0;
  int64_t line_ = 0;
  int64_t next_line_ = 1;
  std::vector<std::string> header_;
};

// Field parsing with the row's position in the message.
Result<int64_t> parse_int_field(const CsvReader& reader, std::string_view column, std::string_view text);
Result<double> parse_double_field(const CsvReader& reader, std::string_view column, std::string_view text);
Result<bool> parse_bool_field(const CsvReader& reader, std::string_view column, std::string_view text);

}  // namespace bitgoeul::npu
