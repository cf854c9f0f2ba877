#pragma once
// A container for the project's binary artifacts (graph files, hierarchies): a magic string, a format version,
// named sections of plain-old-data arrays, and a CRC-32 over everything after the header. Each artifact's owner
// (e.g. road/graph_file.cpp) decides its magic, version and sections; this file only guarantees that a wrong,
// truncated or corrupted file becomes a clear error and never a crash.

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace bitgoeul {

class BinaryWriter {
 public:
  BinaryWriter(std::string magic, uint32_t version);

  template <typename T>
  void add(const std::string& name, const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    add_bytes(name, sizeof(T), values.data(), values.size() * sizeof(T));
  }
  void add_string(const std::string& name, const std::string& text) { add_bytes(name, 1, text.data(), text.size()); }

  // Writes atomically: to a temporary file beside `path`, then renamed, so a crash never leaves half a file.
  Status write(const std::string& path) const;

 private:
  void add_bytes(const std::string& name, uint32_t element_size, const void* data, uint64_t size);

  std::string magic_;
  uint32_t version_;
  std::string body_;
};

class BinaryReader {
 public:
  // Reads and verifies the whole file. Errors name `path` and what is wrong (magic, version, checksum, truncation).
  static Result<BinaryReader> open(const std::string& path, const std::string& magic, uint32_t version);

  template <typename T>
  Status get(const std::string& name, std::vector<T>& out) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const Section* section = find(name);
    if (section == nullptr) return corrupt("{}: missing section '{}'", path_, name);
    if (section->element_size != sizeof(T) || section->size % sizeof(T) != 0) {
      return corrupt("{}: section '{}' has element size {}, expected {}", path_, name, section->element_size,
                     sizeof(T));
    }
    out.resize(section->size / sizeof(T));
    if (section->size > 0) std::memcpy(out.data(), data_.data() + section->offset, section->size);
    return Status::ok();
  }
  Status get_string(const std::string& name, std::string& out) const;
  // CRC-32 of the body: a fingerprint that derived artifacts store to refuse a changed source.
  uint32_t checksum() const { return checksum_; }

 private:
  struct Section {
    std::string name;
    uint32_t element_size;
    uint64_t offset;
    uint64_t size;
  };
  const Section* find(const std::string& name) const;

  std::string path_;
  std::string data_;
  std::vector<Section> sections_;
  uint32_t checksum_ = 0;
};

uint32_t crc32_of(const void* data, uint64_t size);

}  // namespace bitgoeul
