#include "core/binary_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <limits>

namespace bitgoeul {
namespace {

// Layout: 8-byte magic | u32 version | u32 crc32(body) | u64 body size | body.
// Body: sections, each u32 name length | name | u32 element size | u64 byte size | bytes.
constexpr size_t kMagicSize = 8;
constexpr size_t kHeaderSize = kMagicSize + 4 + 4 + 8;

template <typename T>
void append_pod(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
bool read_pod(const std::string& in, uint64_t& pos, T& value) {
  if (in.size() < sizeof(T) || pos > in.size() - sizeof(T)) return false;
  std::memcpy(&value, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return true;
}

std::string padded_magic(const std::string& magic) {
  std::string out = magic.substr(0, kMagicSize);
  out.resize(kMagicSize, '\0');
  return out;
}

}  // namespace

uint32_t crc32_of(const void* data, uint64_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* bytes = static_cast<const Bytef*>(data);
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<uint64_t>(size, std::numeric_limits<uInt>::max()));
    crc = crc32(crc, bytes, chunk);
    bytes += chunk;
    size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

BinaryWriter::BinaryWriter(std::string magic, uint32_t version) : magic_(std::move(magic)), version_(version) {}

void BinaryWriter::add_bytes(const std::string& name, uint32_t element_size, const void* data, uint64_t size) {
  append_pod<uint32_t>(body_, static_cast<uint32_t>(name.size()));
  body_ += name;
  append_pod<uint32_t>(body_, element_size);
  append_pod<uint64_t>(body_, size);
  if (size > 0) body_.append(static_cast<const char*>(data), size);
}

Status BinaryWriter::write(const std::string& path) const {
  std::string header = padded_magic(magic_);
  append_pod<uint32_t>(header, version_);
  append_pod<uint32_t>(header, crc32_of(body_.data(), body_.size()));
  append_pod<uint64_t>(header, body_.size());

  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("{}: cannot open for writing", temporary);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(body_.data(), static_cast<std::streamsize>(body_.size()));
    out.flush();
    if (!out) return io_error("{}: write failed", temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return io_error("{}: cannot rename {} into place: {}", path, temporary, std::strerror(errno));
  }
  return Status::ok();
}

Result<BinaryReader> BinaryReader::open(const std::string& path, const std::string& magic, uint32_t version) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("{}: cannot open file", path);
  std::string header(kHeaderSize, '\0');
  in.read(header.data(), kHeaderSize);
  if (in.gcount() != static_cast<std::streamsize>(kHeaderSize)) {
    return corrupt("{}: file is too short ({} bytes) to be a {} file", path, in.gcount(), magic);
  }
  if (header.compare(0, kMagicSize, padded_magic(magic)) != 0) {
    return corrupt("{}: not a {} file (wrong magic)", path, magic);
  }
  uint64_t pos = kMagicSize;
  uint32_t file_version = 0;
  uint32_t expected_crc = 0;
  uint64_t body_size = 0;
  read_pod(header, pos, file_version);
  read_pod(header, pos, expected_crc);
  read_pod(header, pos, body_size);
  if (file_version != version) {
    return corrupt("{}: {} format version {} is not supported (this build reads version {}); re-create the file",
                   path, magic, file_version, version);
  }

  BinaryReader reader;
  reader.path_ = path;
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<uint64_t>(in.tellg());
  if (file_size - kHeaderSize != body_size) {
    return corrupt("{}: truncated or padded: header announces {} body bytes, file has {}", path, body_size,
                   file_size - kHeaderSize);
  }
  in.seekg(static_cast<std::streamoff>(kHeaderSize));
  reader.data_.resize(body_size);
  in.read(reader.data_.data(), static_cast<std::streamsize>(body_size));
  if (static_cast<uint64_t>(in.gcount()) != body_size) return io_error("{}: read failed", path);
  if (crc32_of(reader.data_.data(), body_size) != expected_crc) {
    return corrupt("{}: checksum mismatch, the file is damaged; re-create it", path);
  }
  reader.checksum_ = expected_crc;

  pos = 0;
  while (pos < body_size) {
    uint32_t name_size = 0;
    Section section;
    if (!read_pod(reader.data_, pos, name_size) || name_size > 256 || pos + name_size > body_size) {
      return corrupt("{}: bad section header at byte {}", path, pos + kHeaderSize);
    }
    section.name = reader.data_.substr(pos, name_size);
    pos += name_size;
    if (!read_pod(reader.data_, pos, section.element_size) || !read_pod(reader.data_, pos, section.size) ||
        section.size > body_size - pos || section.element_size == 0) {
      return corrupt("{}: bad section '{}'", path, section.name);
    }
    section.offset = pos;
    pos += section.size;
    reader.sections_.push_back(std::move(section));
  }
  return reader;
}

const BinaryReader::Section* BinaryReader::find(const std::string& name) const {
  for (const Section& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

Status BinaryReader::get_string(const std::string& name, std::string& out) const {
  const Section* section = find(name);
  if (section == nullptr) return corrupt("{}: missing section '{}'", path_, name);
  out.assign(data_.data() + section->offset, section->size);
  return Status::ok();
}

}  // namespace bitgoeul
