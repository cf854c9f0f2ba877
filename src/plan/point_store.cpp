#include "plan/point_store.h"

#include <sys/file.h>

#include <filesystem>

#include <fmt/format.h>

#include "core/config_value.h"

namespace bitgoeul::plan {

std::string fingerprint(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash);
}

std::string point_key(std::string_view sweep_fingerprint, const nlohmann::json& params) {
  return fingerprint(std::string(sweep_fingerprint) + "\n" + params.dump());
}

std::string point_line(const std::string& key, const StoredPoint& point) {
  nlohmann::json line = {{"key", key}, {"point", point.point}, {"params", point.params}, {"metrics", point.metrics}};
  return line.dump();
}

Result<std::pair<std::string, StoredPoint>> parse_point_line(std::string_view line, const std::string& source) {
  nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return invalid_input("{}: not a JSON object", source);
  if (!json.is_object()) return invalid_input("{}: expected a JSON object", source);
  const auto key = json.find("key");
  if (key == json.end() || !key->is_string() || key->get<std::string>().size() != 16) {
    return invalid_input("{}: field 'key': expected a string of 16 hex digits", source);
  }
  const auto point = json.find("point");
  if (point == json.end() || !point->is_number_unsigned()) {
    return invalid_input("{}: field 'point': expected a non-negative integer", source);
  }
  const auto params = json.find("params");
  if (params == json.end() || !params->is_object()) return invalid_input("{}: field 'params': expected an object", source);
  const auto metrics = json.find("metrics");
  if (metrics == json.end() || !metrics->is_object()) {
    return invalid_input("{}: field 'metrics': expected an object", source);
  }
  StoredPoint stored;
  stored.point = point->get<size_t>();
  stored.params = std::move(*params);
  stored.metrics = std::move(*metrics);
  return std::pair<std::string, StoredPoint>{key->get<std::string>(), std::move(stored)};
}

Result<std::unique_ptr<PointStore>> PointStore::open(const std::string& path, std::string* note) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return io_error("{}: cannot open for appending", path);
  // One run at a time per store: a second would interleave its lines with ours and redo our points.
  if (flock(fileno(file), LOCK_EX | LOCK_NB) != 0) {
    std::fclose(file);
    return io_error("{}: in use by another run of this sweep (it holds the file's lock)", path);
  }
  auto text_or = read_text_file(path);
  if (!text_or.is_ok()) {
    std::fclose(file);
    return text_or.status();
  }
  std::string text = std::move(*text_or);
  // A last line without its newline was being written when the sweep stopped: cut it off so appends start clean.
  const size_t complete = text.empty() || text.back() == '\n' ? text.size() : text.rfind('\n') + 1;
  if (complete < text.size()) {
    std::error_code error;
    std::filesystem::resize_file(path, complete, error);
    if (error) {
      std::fclose(file);
      return io_error("{}: cannot cut off the torn last line: {}", path, error.message());
    }
    if (note != nullptr) {
      *note = fmt::format("{}: cut off a torn last line ({} bytes) left by an interrupted run", path,
                          text.size() - complete);
    }
    text.resize(complete);
  }
  std::unique_ptr<PointStore> store(new PointStore(path, file));
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    const std::string_view line(text.data() + begin, end - begin);
    ++line_number;
    begin = end + 1;
    if (line.empty()) continue;
    BITGOEUL_ASSIGN_OR_RETURN(auto parsed, parse_point_line(line, fmt::format("{}:{}", path, line_number)));
    store->points_.emplace(std::move(parsed.first), std::move(parsed.second));
  }
  return store;
}

PointStore::~PointStore() {
  if (file_ != nullptr) std::fclose(file_);
}

size_t PointStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return points_.size();
}

const StoredPoint* PointStore::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = points_.find(key);
  return found == points_.end() ? nullptr : &found->second;
}

Status PointStore::append(const std::string& key, const StoredPoint& point) {
  const std::string line = point_line(key, point) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return io_error("{}: write failed", path_);
  }
  points_.emplace(key, point);
  return Status::ok();
}

}  // namespace bitgoeul::plan
