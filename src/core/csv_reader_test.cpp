#include "core/csv_reader.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("bitgoeul_csv_test_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(CsvReader, ReadsQuotedFieldsAndTracksLines) {
  const std::string path =
      write_temp("quoted.csv", "\xEF\xBB\xBFid,name,x\r\n1,\"Jamsil, Songpa\",2.5\r\n\n2,\"say \"\"hi\"\"\nthere\",3\n3,c,4");
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  EXPECT_EQ(reader->column("id").value(), 0u);
  std::vector<std::string> fields;
  ASSERT_TRUE(reader->next(fields).value());
  EXPECT_EQ(fields, (std::vector<std::string>{"1", "Jamsil, Songpa", "2.5"}));
  EXPECT_EQ(reader->line(), 2u);
  ASSERT_TRUE(reader->next(fields).value());
  EXPECT_EQ(fields[1], "say \"hi\"\nthere");
  EXPECT_EQ(reader->line(), 4u);
  ASSERT_TRUE(reader->next(fields).value());
  EXPECT_EQ(reader->line(), 6u);
  EXPECT_EQ(parse_csv_double(*reader, "x", fields[2]).value(), 4.0);
  EXPECT_FALSE(reader->next(fields).value());
}

TEST(CsvReader, ErrorsNameFileLineAndColumn) {
  const std::string path = write_temp("bad.csv", "a,b\n1,2\n1\n1,x\n\"open,2\n");
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader.is_ok());
  std::vector<std::string> fields;
  ASSERT_TRUE(reader->next(fields).value());
  auto short_row = reader->next(fields);
  ASSERT_FALSE(short_row.is_ok());
  EXPECT_EQ(short_row.status().message(), path + ":3: 1 fields, the header has 2");
  ASSERT_TRUE(reader->next(fields).value());
  auto not_number = parse_csv_double(*reader, "b", fields[1]);
  EXPECT_EQ(not_number.status().message(), path + ":4: column 'b': 'x' is not a number");
  EXPECT_FALSE(parse_csv_int(*reader, "b", "1.5").is_ok());
  EXPECT_FALSE(parse_csv_double(*reader, "b", "nan").is_ok());
  EXPECT_FALSE(parse_csv_double(*reader, "b", "").is_ok());
  auto unterminated = reader->next(fields);
  EXPECT_NE(unterminated.status().message().find(":5: unterminated"), std::string::npos);
  auto missing = reader->column("c");
  EXPECT_NE(missing.status().message().find("no column 'c' (the header has: a, b)"), std::string::npos);
}

TEST(CsvReader, ReadsTextInMemoryWithTheSameRules) {
  auto reader = CsvReader::from_string("a,flag\n\"x,y\",yes\nz,maybe\n", "inline.csv");
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  std::vector<std::string> fields;
  ASSERT_TRUE(reader->next(fields).value());
  EXPECT_EQ(fields[0], "x,y");
  EXPECT_TRUE(parse_csv_bool(*reader, "flag", fields[1]).value());
  EXPECT_FALSE(parse_csv_bool(*reader, "flag", "").value());
  ASSERT_TRUE(reader->next(fields).value());
  EXPECT_EQ(parse_csv_bool(*reader, "flag", fields[1]).status().message(),
            "inline.csv:3: column 'flag': 'maybe' is not a boolean (true or false)");
  EXPECT_EQ(reader->row_error("bad row").message(), "inline.csv:3: bad row");
  EXPECT_FALSE(reader->next(fields).value());
  EXPECT_EQ(reader->find_column("flag"), std::optional<size_t>(1));
  EXPECT_EQ(reader->find_column("b"), std::nullopt);
  EXPECT_EQ(reader->column("b").status().message(), "inline.csv:1: no column 'b' (the header has: a, flag)");
  EXPECT_NE(CsvReader::from_string("", "e.csv").status().message().find("empty file"), std::string::npos);
}

TEST(CsvReader, EmptyMissingAndDuplicateHeaders) {
  EXPECT_EQ(CsvReader::open("/nonexistent.csv").status().code(), ErrorCode::kNotFound);
  EXPECT_NE(CsvReader::open(write_temp("empty.csv", "")).status().message().find("empty file"), std::string::npos);
  EXPECT_NE(CsvReader::open(write_temp("dup.csv", "a,a\n")).status().message().find("column 'a' appears twice"),
            std::string::npos);
}

}  // namespace
}  // namespace bitgoeul

namespace bitgoeul {
namespace {

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  // What a writer quotes, the reader reads back.
  auto reader = CsvReader::from_string("x\n" + csv_field("a,\"b\"\nc") + "\n", "t.csv");
  ASSERT_TRUE(reader.is_ok());
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader->next(fields));
  EXPECT_EQ(fields.at(0), "a,\"b\"\nc");
}

}  // namespace
}  // namespace bitgoeul
