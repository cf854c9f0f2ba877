#pragma once
// A parsed configuration document as plain data: the one place where the TOML library's types stop. Readers of
// cluster and tenant files walk this tree through ConfigReader (config_reader.h), never the library itself.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace bitgoeul {

struct ConfigEntry;

struct ConfigValue {
  enum class Kind { kString, kInteger, kFloat, kBoolean, kArray, kTable, kOther };

  Kind kind = Kind::kTable;
  int line = 0;    // 1-based source line; 0 when the parser gave none
  int column = 0;  // 1-based
  std::string string_value;
  int64_t integer_value = 0;
  double float_value = 0.0;
  bool bool_value = false;
  std::vector<ConfigValue> array;
  // Keys in document order. A vector of a type completed below: std::vector allows that, a std::pair of an
  // incomplete type does not (clang rejects it).
  std::vector<ConfigEntry> table;

  // nullptr when this is not a table or has no such key.
  const ConfigValue* find(std::string_view key) const;
};

struct ConfigEntry {
  std::string key;
  ConfigValue value;
};

const char* config_kind_name(ConfigValue::Kind kind);

// Parses a TOML document. Syntax errors name the file (source_name), line and column.
Result<ConfigValue> parse_toml(std::string_view text, const std::string& source_name);
Result<ConfigValue> parse_toml_file(const std::string& path);

// The whole file as text; errors name the path.
Result<std::string> read_text_file(const std::string& path);

}  // namespace bitgoeul
