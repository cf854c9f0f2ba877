#pragma once
// Streaming CSV (RFC 4180: quoted fields, doubled quotes, CRLF, a UTF-8 byte-order mark) with a header row, for
// every table the project reads: trip records, traces, point lists. Each record knows its line number so that
// errors can say "trips.csv:1234: column 'pickup_latitude': 'abc' is not a number".

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace bitgoeul {

class CsvReader {
 public:
  // Opens `path` and reads its header row. Errors: missing file, empty file, duplicate column names.
  static Result<CsvReader> open(const std::string& path);
  // Reads CSV held in memory (tests, fuzz targets, embedded tables); `source_name` stands for the path in messages.
  static Result<CsvReader> from_string(std::string text, std::string source_name);

  // Index of a header column, or an error naming the file and the column (and the columns it has).
  Result<size_t> column(std::string_view name) const;
  bool has_column(std::string_view name) const { return index_.count(std::string(name)) > 0; }
  // Index of an optional column; nullopt when the header lacks it.
  std::optional<size_t> find_column(std::string_view name) const;
  const std::vector<std::string>& header() const { return header_; }

  // Reads the next record into `fields`; false at the end of the file. A malformed record (unterminated quote,
  // wrong number of fields) returns an error naming its line; reading may continue after it.
  Result<bool> next(std::vector<std::string>& fields);
  // The line on which the last record returned by next() starts (1-based; the header is line 1).
  uint64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

  // "path:line: " prefix for messages about the current record.
  std::string where() const;
  // An invalid-input error "path:line: message" about the current record.
  Status row_error(std::string_view message) const;

 private:
  static Result<CsvReader> read_header(CsvReader reader);
  bool read_record(std::vector<std::string>& fields, bool& unterminated);

  std::string path_;
  std::unique_ptr<std::istream> in_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, size_t> index_;
  uint64_t next_line_ = 1;
  uint64_t record_line_ = 0;
};

// Field conversions with messages naming the place and column.
// A field as a CSV writer must put it (RFC 4180): quoted when it holds a comma, a quote or a line break, with
// quotes doubled.
std::string csv_field(std::string_view text);

Result<double> parse_csv_double(const CsvReader& reader, std::string_view column, const std::string& text);
Result<int64_t> parse_csv_int(const CsvReader& reader, std::string_view column, const std::string& text);
// true/1/yes or false/0/no; an empty field is false.
Result<bool> parse_csv_bool(const CsvReader& reader, std::string_view column, const std::string& text);

}  // namespace bitgoeul
