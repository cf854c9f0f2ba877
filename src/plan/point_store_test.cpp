#include "plan/point_store.h"
#include "plan/testing.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace bitgoeul::plan {
namespace {

using testing::read_all;
using testing::fresh_path;

TEST(Fingerprint, IsFnv1aAndKeysDependOnSweepAndParameters) {
  EXPECT_EQ(fingerprint(""), "cbf29ce484222325");  // the FNV-1a 64 offset basis
  EXPECT_EQ(fingerprint("a"), "af63dc4c8601ec8c");  // published FNV-1a 64 test vector
  const nlohmann::json params = {{"fleet", 10}, {"policy", "insertion"}};
  EXPECT_EQ(point_key("s1", params), point_key("s1", params));
  EXPECT_NE(point_key("s1", params), point_key("s2", params));
  EXPECT_NE(point_key("s1", params), point_key("s1", {{"fleet", 11}, {"policy", "insertion"}}));
  // Key order in the parameters does not matter: nlohmann::json keeps objects sorted.
  EXPECT_EQ(point_key("s1", params), point_key("s1", {{"policy", "insertion"}, {"fleet", 10}}));
}

TEST(PointStore, AppendsAndFindsPointsAgainAfterReopening) {
  const std::string path = fresh_path("points.jsonl");
  {
    auto store = PointStore::open(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    EXPECT_EQ((*store)->size(), 0u);
    ASSERT_TRUE((*store)->append("0123456789abcdef", {3, {{"fleet", 10}}, {{"served", 0.5}}}).is_ok());
    ASSERT_TRUE((*store)->append("fedcba9876543210", {4, {{"fleet", 20}}, {{"served", 0.1234567890123456789}}}).is_ok());
  }
  auto store = PointStore::open(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->size(), 2u);
  const StoredPoint* found = (*store)->find("fedcba9876543210");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->point, 4u);
  EXPECT_EQ(found->params["fleet"], 20);
  // Doubles survive the round trip exactly, so a resumed sweep computes from the same numbers as a fresh one.
  EXPECT_EQ(found->metrics["served"].get<double>(), 0.1234567890123456789);
  EXPECT_EQ((*store)->find("0000000000000000"), nullptr);
}

TEST(PointStore, ATornLastLineIsCutOffAndAppendsStartClean) {
  const std::string path = fresh_path("torn.jsonl");
  const std::string good = point_line("0123456789abcdef", {0, {{"fleet", 1}}, {{"x", 1}}}) + "\n";
  std::ofstream(path) << good << R"({"key":"fedcba9876543210","point":1,"par)";
  std::string note;
  auto store = PointStore::open(path, &note);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_NE(note.find("torn last line"), std::string::npos) << note;
  EXPECT_EQ((*store)->size(), 1u);
  ASSERT_TRUE((*store)->append("fedcba9876543210", {1, {{"fleet", 2}}, {{"x", 2}}}).is_ok());
  store->reset();
  EXPECT_EQ(read_all(path), good + point_line("fedcba9876543210", {1, {{"fleet", 2}}, {{"x", 2}}}) + "\n");
  auto reopened = PointStore::open(path);
  ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
  EXPECT_EQ((*reopened)->size(), 2u);
}

TEST(PointStore, DamagedLinesAreNamedByFileAndLine) {
  const std::string good = point_line("0123456789abcdef", {0, {{"fleet", 1}}, {{"x", 1}}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json at all", ":2: not a JSON object"},
      {"[1, 2]", ":2: expected a JSON object"},
      {R"({"key":"short","point":0,"params":{},"metrics":{}})", ":2: field 'key'"},
      {R"({"key":"0123456789abcdef","point":-1,"params":{},"metrics":{}})", ":2: field 'point'"},
      {R"({"key":"0123456789abcdef","point":0,"params":[],"metrics":{}})", ":2: field 'params'"},
      {R"({"key":"0123456789abcdef","point":0,"params":{}})", ":2: field 'metrics'"},
      {std::string(1, '\0') + "binary", ":2:"},
  };
  for (const auto& [line, expected] : cases) {
    const std::string path = fresh_path("bad.jsonl");
    std::ofstream(path, std::ios::binary) << good << "\n" << line << "\n";
    auto store = PointStore::open(path);
    ASSERT_FALSE(store.is_ok()) << line;
    EXPECT_NE(store.status().message().find("bad.jsonl" + expected), std::string::npos)
        << line << " -> " << store.status().to_string();
  }
}

TEST(PointStore, OneRunAtATime) {
  const std::string path = fresh_path("locked.jsonl");
  auto first = PointStore::open(path);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  auto second = PointStore::open(path);
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("in use by another run"), std::string::npos)
      << second.status().to_string();
  first->reset();  // closing releases the lock
  EXPECT_TRUE(PointStore::open(path).is_ok());
}

TEST(PointStore, AnUnwritableFolderIsAnError) {
  auto store = PointStore::open("/proc/no-such-dir/points.jsonl");
  ASSERT_FALSE(store.is_ok());
  EXPECT_NE(store.status().message().find("/proc/no-such-dir/points.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace bitgoeul::plan
