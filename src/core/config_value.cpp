#include "core/config_value.h"

#include <fstream>
#include <sstream>

namespace bitgoeul {

const ConfigValue* ConfigValue::find(std::string_view key) const {
  if (kind != Kind::kTable) return nullptr;
  for (const auto& [name, value] : table) {
    if (name == key) return &value;
  }
  return nullptr;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("{}: cannot open file", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return io_error("{}: read failed", path);
  return buffer.str();
}

const char* config_kind_name(ConfigValue::Kind kind) {
  switch (kind) {
    case ConfigValue::Kind::kString: return "string";
    case ConfigValue::Kind::kInteger: return "integer";
    case ConfigValue::Kind::kFloat: return "float";
    case ConfigValue::Kind::kBoolean: return "boolean";
    case ConfigValue::Kind::kArray: return "array";
    case ConfigValue::Kind::kTable: return "table";
    case ConfigValue::Kind::kOther: return "date/time";
  }
  return "?";
}

}  // namespace bitgoeul
