#pragma once
// Typed, position-aware access to one table of a ConfigValue tree. Every error names the file, the line and the
// dotted key ("cluster.toml:14: nodes[2].count: expected integer, got string"), and finish() rejects keys the
// reader never asked for, so a misspelt key is an error instead of a silently ignored setting.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/config_value.h"

namespace bitgoeul {

class ConfigReader {
 public:
  // REQUIRES: `table` outlives the reader. `path` is the dotted key of the table ("" for the document root).
  ConfigReader(const ConfigValue& table, std::string file, std::string path);

  bool has(std::string_view key) const { return table_->find(key) != nullptr; }

  Result<std::string> string(std::string_view key);
  Result<std::string> string_or(std::string_view key, std::string fallback);
  Result<int64_t> integer(std::string_view key);
  Result<int64_t> integer_or(std::string_view key, int64_t fallback);
  // Accepts integers and floats.
  Result<double> number(std::string_view key);
  Result<double> number_or(std::string_view key, double fallback);
  Result<bool> boolean_or(std::string_view key, bool fallback);
  Result<std::vector<std::string>> strings_or_empty(std::string_view key);
  // An array of numbers (integers or floats); empty when the key is absent.
  Result<std::vector<double>> numbers_or_empty(std::string_view key);
  // An array of arrays of numbers, e.g. points [[lat, lon], ...]; each inner array must have `width` numbers.
  Result<std::vector<std::vector<double>>> number_rows_or_empty(std::string_view key, size_t width);
  // An array of tables ([[key]]); empty when the key is absent.
  Result<std::vector<ConfigReader>> tables_or_empty(std::string_view key);
  // A sub-table ([key] or key = { ... }); nullopt when absent.
  Result<std::optional<ConfigReader>> table_or_none(std::string_view key);
  // Every (key, value) of this table, marking all of them used (for maps keyed by user names).
  std::vector<std::pair<std::string, const ConfigValue*>> entries();

  // An input error at `key` of this table (or at the table itself when key is empty).
  Status error(std::string_view key, std::string_view message) const;
  Status error_at(const ConfigValue& value, std::string_view key, std::string_view message) const;
  // Fails on the first key that was never read.
  Status finish() const;

  const std::string& file() const { return file_; }
  std::string key_path(std::string_view key) const;
  int line() const { return table_->line; }

 private:
  Result<const ConfigValue*> get(std::string_view key, ConfigValue::Kind kind);

  const ConfigValue* table_;
  std::string file_;
  std::string path_;
  std::set<std::string, std::less<>> used_;
};

}  // namespace bitgoeul
