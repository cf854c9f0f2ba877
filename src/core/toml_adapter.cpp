// The only file that includes toml++ (Debian's libtomlplusplus-dev): converts its tree into ConfigValue.

#include <toml++/toml.h>

#include "core/config_value.h"

namespace bitgoeul {
namespace {

ConfigValue convert(const toml::node& node) {
  ConfigValue value;
  const toml::source_region& source = node.source();
  value.line = static_cast<int>(source.begin.line);
  value.column = static_cast<int>(source.begin.column);
  switch (node.type()) {
    case toml::node_type::string:
      value.kind = ConfigValue::Kind::kString;
      value.string_value = *node.value<std::string>();
      break;
    case toml::node_type::integer:
      value.kind = ConfigValue::Kind::kInteger;
      value.integer_value = *node.value<int64_t>();
      break;
    case toml::node_type::floating_point:
      value.kind = ConfigValue::Kind::kFloat;
      value.float_value = *node.value<double>();
      break;
    case toml::node_type::boolean:
      value.kind = ConfigValue::Kind::kBoolean;
      value.bool_value = *node.value<bool>();
      break;
    case toml::node_type::array:
      value.kind = ConfigValue::Kind::kArray;
      for (const toml::node& element : *node.as_array()) value.array.push_back(convert(element));
      break;
    case toml::node_type::table:
      value.kind = ConfigValue::Kind::kTable;
      for (const auto& [key, child] : *node.as_table()) {
        ConfigValue converted = convert(child);
        // Implicit tables ([a.b] creates a) carry no position of their own; the key's position is the best hint.
        if (converted.line == 0) {
          converted.line = static_cast<int>(key.source().begin.line);
          converted.column = static_cast<int>(key.source().begin.column);
        }
        value.table.push_back(ConfigEntry{std::string(key.str()), std::move(converted)});
      }
      break;
    default:  // dates and times: kept as kOther so readers can reject them with a position
      value.kind = ConfigValue::Kind::kOther;
      break;
  }
  return value;
}

}  // namespace

Result<ConfigValue> parse_toml(std::string_view text, const std::string& source_name) {
  try {
    toml::table table = toml::parse(text, std::string_view(source_name));
    ConfigValue root = convert(table);
    root.line = 1;
    root.column = 1;
    return root;
  } catch (const toml::parse_error& error) {
    return invalid_input("{}:{}:{}: TOML syntax error: {}", source_name, error.source().begin.line,
                         error.source().begin.column, error.description());
  }
}

Result<ConfigValue> parse_toml_file(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_toml(text, path);
}

}  // namespace bitgoeul
