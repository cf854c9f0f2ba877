#include "core/binary_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("bitgoeul_binary_file_test_" + name)).string();
}

std::string write_sample(const std::string& name) {
  BinaryWriter writer("SAMPLE", 3);
  writer.add<uint32_t>("numbers", {1, 2, 3});
  writer.add<double>("reals", {0.5});
  writer.add_string("note", "hello");
  const std::string path = temp_path(name);
  EXPECT_TRUE(writer.write(path).is_ok());
  return path;
}

TEST(BinaryFile, RoundTrip) {
  const std::string path = write_sample("roundtrip");
  auto reader = BinaryReader::open(path, "SAMPLE", 3);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  std::vector<uint32_t> numbers;
  std::vector<double> reals;
  std::string note;
  ASSERT_TRUE(reader->get("numbers", numbers).is_ok());
  ASSERT_TRUE(reader->get("reals", reals).is_ok());
  ASSERT_TRUE(reader->get_string("note", note).is_ok());
  EXPECT_EQ(numbers, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(reals, std::vector<double>{0.5});
  EXPECT_EQ(note, "hello");
  std::vector<uint64_t> wrong_type;
  EXPECT_EQ(reader->get("numbers", wrong_type).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(reader->get("absent", numbers).code(), ErrorCode::kCorrupt);
}

TEST(BinaryFile, WrongMagicAndVersionAreNamed) {
  const std::string path = write_sample("magic");
  auto wrong_magic = BinaryReader::open(path, "OTHER", 3);
  EXPECT_EQ(wrong_magic.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(wrong_magic.status().message().find("wrong magic"), std::string::npos);
  auto wrong_version = BinaryReader::open(path, "SAMPLE", 4);
  EXPECT_NE(wrong_version.status().message().find("version 3"), std::string::npos);
}

TEST(BinaryFile, EveryTruncationAndEveryFlippedByteIsAnErrorNotACrash) {
  const std::string path = write_sample("damage");
  std::ifstream in(path, std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string damaged_path = temp_path("damaged");
  for (size_t length = 0; length < original.size(); ++length) {
    std::ofstream(damaged_path, std::ios::binary | std::ios::trunc).write(original.data(), length);
    EXPECT_FALSE(BinaryReader::open(damaged_path, "SAMPLE", 3).is_ok()) << "length " << length;
  }
  for (size_t i = 0; i < original.size(); ++i) {
    std::string copy = original;
    copy[i] = static_cast<char>(copy[i] ^ 0x5a);
    std::ofstream(damaged_path, std::ios::binary | std::ios::trunc).write(copy.data(), copy.size());
    EXPECT_FALSE(BinaryReader::open(damaged_path, "SAMPLE", 3).is_ok()) << "byte " << i;
  }
  EXPECT_EQ(BinaryReader::open(temp_path("missing"), "SAMPLE", 3).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace bitgoeul
