#include "core/config_reader.h"

#include <algorithm>

namespace bitgoeul {

ConfigReader::ConfigReader(const ConfigValue& table, std::string file, std::string path)
    : table_(&table), file_(std::move(file)), path_(std::move(path)) {}

std::string ConfigReader::key_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  if (key.empty()) return path_;
  return fmt::format("{}.{}", path_, key);
}

Status ConfigReader::error(std::string_view key, std::string_view message) const {
  const ConfigValue* value = key.empty() ? nullptr : table_->find(key);
  return error_at(value != nullptr ? *value : *table_, key, message);
}

Status ConfigReader::error_at(const ConfigValue& value, std::string_view key, std::string_view message) const {
  const std::string where = key_path(key);
  return invalid_input("{}:{}: {}{}{}", file_, value.line, where, where.empty() ? "" : ": ", message);
}

Result<const ConfigValue*> ConfigReader::get(std::string_view key, ConfigValue::Kind kind) {
  const ConfigValue* value = table_->find(key);
  if (value == nullptr) return error({}, fmt::format("missing required key '{}'", key_path(key)));
  used_.emplace(key);
  const bool number_ok = kind == ConfigValue::Kind::kFloat && value->kind == ConfigValue::Kind::kInteger;
  if (value->kind != kind && !number_ok) {
    return error(key, fmt::format("expected {}, got {}", config_kind_name(kind), config_kind_name(value->kind)));
  }
  return value;
}

Result<std::string> ConfigReader::string(std::string_view key) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kString));
  return value->string_value;
}

Result<std::string> ConfigReader::string_or(std::string_view key, std::string fallback) {
  if (!has(key)) return fallback;
  return string(key);
}

Result<int64_t> ConfigReader::integer(std::string_view key) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kInteger));
  return value->integer_value;
}

Result<int64_t> ConfigReader::integer_or(std::string_view key, int64_t fallback) {
  if (!has(key)) return fallback;
  return integer(key);
}

Result<double> ConfigReader::number(std::string_view key) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kFloat));
  return value->kind == ConfigValue::Kind::kInteger ? static_cast<double>(value->integer_value)
                                                    : value->float_value;
}

Result<double> ConfigReader::number_or(std::string_view key, double fallback) {
  if (!has(key)) return fallback;
  return number(key);
}

Result<bool> ConfigReader::boolean_or(std::string_view key, bool fallback) {
  if (!has(key)) return fallback;
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kBoolean));
  return value->bool_value;
}

Result<std::vector<std::string>> ConfigReader::strings_or_empty(std::string_view key) {
  std::vector<std::string> out;
  if (!has(key)) return out;
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kArray));
  for (size_t i = 0; i < value->array.size(); ++i) {
    const ConfigValue& element = value->array[i];
    if (element.kind != ConfigValue::Kind::kString) {
      return error_at(element, fmt::format("{}[{}]", key, i),
                      fmt::format("expected string, got {}", config_kind_name(element.kind)));
    }
    out.push_back(element.string_value);
  }
  return out;
}

namespace {

bool is_number(const ConfigValue& value) {
  return value.kind == ConfigValue::Kind::kInteger || value.kind == ConfigValue::Kind::kFloat;
}
double number_of(const ConfigValue& value) {
  return value.kind == ConfigValue::Kind::kInteger ? static_cast<double>(value.integer_value) : value.float_value;
}

}  // namespace

Result<std::vector<double>> ConfigReader::numbers_or_empty(std::string_view key) {
  std::vector<double> out;
  if (!has(key)) return out;
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kArray));
  for (size_t i = 0; i < value->array.size(); ++i) {
    const ConfigValue& element = value->array[i];
    if (!is_number(element)) {
      return error_at(element, fmt::format("{}[{}]", key, i),
                      fmt::format("expected number, got {}", config_kind_name(element.kind)));
    }
    out.push_back(number_of(element));
  }
  return out;
}

Result<std::vector<std::vector<double>>> ConfigReader::number_rows_or_empty(std::string_view key, size_t width) {
  std::vector<std::vector<double>> out;
  if (!has(key)) return out;
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kArray));
  for (size_t i = 0; i < value->array.size(); ++i) {
    const ConfigValue& row = value->array[i];
    const bool ok = row.kind == ConfigValue::Kind::kArray && row.array.size() == width &&
                    std::all_of(row.array.begin(), row.array.end(), is_number);
    if (!ok) return error_at(row, fmt::format("{}[{}]", key, i), fmt::format("expected an array of {} numbers", width));
    std::vector<double> numbers;
    for (const ConfigValue& element : row.array) numbers.push_back(number_of(element));
    out.push_back(std::move(numbers));
  }
  return out;
}

Result<std::vector<ConfigReader>> ConfigReader::tables_or_empty(std::string_view key) {
  std::vector<ConfigReader> out;
  if (!has(key)) return out;
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kArray));
  for (size_t i = 0; i < value->array.size(); ++i) {
    const ConfigValue& element = value->array[i];
    const std::string element_path = fmt::format("{}[{}]", key_path(key), i);
    if (element.kind != ConfigValue::Kind::kTable) {
      return invalid_input("{}:{}: {}: expected table, got {}", file_, element.line, element_path,
                           config_kind_name(element.kind));
    }
    out.emplace_back(element, file_, element_path);
  }
  return out;
}

Result<std::optional<ConfigReader>> ConfigReader::table_or_none(std::string_view key) {
  if (!has(key)) return std::optional<ConfigReader>();
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue* value, get(key, ConfigValue::Kind::kTable));
  return std::optional<ConfigReader>(ConfigReader(*value, file_, key_path(key)));
}

std::vector<std::pair<std::string, const ConfigValue*>> ConfigReader::entries() {
  std::vector<std::pair<std::string, const ConfigValue*>> out;
  for (const auto& [key, value] : table_->table) {
    used_.insert(key);
    out.emplace_back(key, &value);
  }
  return out;
}

Status ConfigReader::finish() const {
  for (const auto& [key, value] : table_->table) {
    if (used_.find(key) == used_.end()) return error(key, "unknown key (misspelt?)");
  }
  return Status::ok();
}

}  // namespace bitgoeul
