#include "core/audit_log.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

namespace fs = std::filesystem;

// A fresh, empty directory for one test, under one per-process directory removed when the tests end.
fs::path scratch_root() { return fs::temp_directory_path() / fmt::format("bitgoeul_audit_test_{}", getpid()); }

class RemoveScratch : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(scratch_root()); }
};
const auto* const kRemoveScratch = ::testing::AddGlobalTestEnvironment(new RemoveScratch);

std::string scratch_dir(const std::string& name) {
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// A small log of decisions as the simulator would write them.
struct SmallLog {
  std::string path;
  std::string text;
  std::vector<std::string> lines;
  std::string head;
};

SmallLog write_small_log(const std::string& name, int records) {
  SmallLog log;
  log.path = scratch_dir(name) + "/audit.jsonl";
  auto writer = AuditLog::open(log.path);
  EXPECT_TRUE(writer.is_ok()) << writer.status().to_string();
  for (int i = 0; i < records; ++i) {
    const Status status =
        i % 3 == 0 ? writer->append(25200.0 + 30 * i, "assignment", "dispatch/insertion",
                                    {{"request", i}, {"vehicle", 4 + i % 5}, {"pickup_eta_s", 181.5 + i}})
        : i % 3 == 1 ? writer->append(25200.0 + 30 * i, "rejection", "permit",
                                      {{"request", i}, {"rule", "outside_hours"}, {"walk_m", nullptr}})
                     : writer->append(25200.0 + 30 * i, "override", "operator:kim", {{"note", "도로 통제 \"A\"\\"}});
    EXPECT_TRUE(status.is_ok()) << status.to_string();
  }
  log.head = writer->head();
  log.text = read_file(log.path);
  log.lines = split_lines(log.text);
  return log;
}

void expect_problem(const AuditVerifyReport& report, AuditProblem problem, uint64_t line) {
  EXPECT_EQ(report.problem, problem) << audit_problem_name(report.problem) << ": " << report.message;
  EXPECT_EQ(report.line, line) << report.message;
  if (line > 0) {
    EXPECT_EQ(report.records, line - 1) << report.message;
    EXPECT_NE(report.message.find(fmt::format("log:{}: ", line)), std::string::npos) << report.message;
  }
}

AuditVerifyReport verify_lines(const std::vector<std::string>& lines, const AuditAnchor& anchor = {}) {
  return verify_audit_log_text(join_lines(lines), "log", anchor);
}

// --- The format ------------------------------------------------------------------------------------------------

TEST(AuditLog, GoldenRecordFixesTheFormat) {
  // The exact bytes docs/audit-log.md describes; the hash is `printf '%s' BODY | sha256sum` of the line without
  // its hash member. Changing the format breaks every stored log: this test must never be edited lightly.
  const std::string path = scratch_dir("golden") + "/audit.jsonl";
  auto log = AuditLog::open(path);
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  ASSERT_TRUE(log->append(25200.0, "rejection", "dispatch/insertion",
                          {{"rule", "outside_hours"}, {"request", 17}, {"walk_m", 12.5}})
                  .is_ok());
  const std::string hash = "90bb2abfa960386a08687119ded1ca0ed7579944c645266d6d1a5ba704277cef";
  EXPECT_EQ(read_file(path),
            "{\"actor\":\"dispatch/insertion\",\"data\":{\"request\":17,\"rule\":\"outside_hours\",\"walk_m\":12.5},"
            "\"kind\":\"rejection\",\"prev\":\"" +
                std::string(kAuditGenesisHash) + "\",\"seq\":1,\"time\":25200.0,\"hash\":\"" + hash + "\"}\n");
  EXPECT_EQ(log->head(), hash);
  EXPECT_EQ(log->count(), 1u);
}

TEST(AuditLog, RecordsChainEachToThePrevious) {
  const SmallLog log = write_small_log("chain", 5);
  ASSERT_EQ(log.lines.size(), 5u);
  auto reader = AuditReader::open(log.path);
  ASSERT_TRUE(reader.is_ok());
  AuditRecord record;
  std::string prev(kAuditGenesisHash);
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    auto more = reader->next(record);
    ASSERT_TRUE(more.is_ok()) << more.status().to_string();
    ASSERT_TRUE(*more);
    EXPECT_EQ(record.seq, seq);
    EXPECT_EQ(record.line, seq);
    EXPECT_EQ(record.prev, prev);
    EXPECT_EQ(record.time_s, 25200.0 + 30 * (seq - 1));
    prev = record.hash;
  }
  EXPECT_FALSE(reader->next(record).value());
  EXPECT_EQ(prev, log.head);

  auto report = verify_audit_log(log.path);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->intact()) << report->message;
  EXPECT_EQ(report->records, 5u);
  EXPECT_EQ(report->head, log.head);
  EXPECT_TRUE(report->status().is_ok());
}

TEST(AuditLog, ValuesRoundTrip) {
  const std::string path = scratch_dir("values") + "/audit.jsonl";
  const AuditFields data = {{"text", "광주 \"quoted\" \\ tab\t newline\n"},
                            {"negative", -42},
                            {"big", uint64_t{18446744073709551615u}},
                            {"small", uint32_t{7}},
                            {"ratio", 0.1},
                            {"tiny", 1e-300},
                            {"yes", true},
                            {"none", nullptr},
                            {"", "an empty name is a name"}};
  {
    auto log = AuditLog::open(path);
    ASSERT_TRUE(log.is_ok());
    ASSERT_TRUE(log->append(-1.25, "suspension", "", data).is_ok());
    ASSERT_TRUE(log->append(1.7e9 + 0.001, "k", "operator:이", {}).is_ok());
  }
  auto reader = AuditReader::open(path);
  ASSERT_TRUE(reader.is_ok());
  AuditRecord record;
  ASSERT_TRUE(reader->next(record).value());
  EXPECT_EQ(record.time_s, -1.25);
  EXPECT_EQ(record.kind, "suspension");
  EXPECT_EQ(record.actor, "");
  EXPECT_EQ(record.data, data);
  EXPECT_EQ(record.data.at("small").get(), AuditValue::Variant(int64_t{7}));
  ASSERT_TRUE(reader->next(record).value());
  EXPECT_EQ(record.time_s, 1.7e9 + 0.001);
  EXPECT_EQ(record.actor, "operator:이");
  EXPECT_TRUE(record.data.empty());
  EXPECT_TRUE(verify_audit_log(path)->intact());
  EXPECT_EQ(AuditValue("x\"").to_json(), "\"x\\\"\"");
  EXPECT_EQ(AuditValue(nullptr).to_json(), "null");
  EXPECT_EQ(AuditValue(2.5).to_json(), "2.5");
}

TEST(AuditLog, EmptyFileIsAnEmptyLog) {
  const AuditVerifyReport report = verify_audit_log_text("", "log");
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.records, 0u);
  EXPECT_EQ(report.head, kAuditGenesisHash);
  AuditAnchor anchor;
  anchor.count = 0;
  anchor.head = std::string(kAuditGenesisHash);
  EXPECT_TRUE(verify_audit_log_text("", "log", anchor).intact());
  anchor.count = 3;
  expect_problem(verify_audit_log_text("", "log", anchor), AuditProblem::kCountMismatch, 0);
}

TEST(AuditLog, MissingFileIsNotFound) {
  auto report = verify_audit_log("/nonexistent/audit.jsonl");
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(report.status().message().find("/nonexistent/audit.jsonl"), std::string::npos);
  const std::string dir = scratch_dir("directory");
  auto directory = verify_audit_log(dir);
  ASSERT_FALSE(directory.is_ok());
  EXPECT_NE(directory.status().message().find("is a directory"), std::string::npos);
  EXPECT_FALSE(AuditReader::open(dir).is_ok());
}

// --- Each kind of tampering -------------------------------------------------------------------------------------

TEST(AuditVerify, EditedFieldIsNamed) {
  SmallLog log = write_small_log("edit_field", 5);
  const size_t at = log.lines[2].find("\"actor\":\"");
  ASSERT_NE(at, std::string::npos);
  log.lines[2].insert(at + 9, "X");
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kEdited, 3);
  EXPECT_NE(report.message.find("record edited"), std::string::npos) << report.message;
  EXPECT_EQ(report.head, log.lines[1].substr(log.lines[1].size() - 66, 64));  // the last intact record's hash
}

TEST(AuditVerify, EditedNumberIsNamed) {
  SmallLog log = write_small_log("edit_number", 4);
  const size_t at = log.lines[0].find("\"vehicle\":4");
  ASSERT_NE(at, std::string::npos);
  log.lines[0][at + 10] = '5';
  expect_problem(verify_lines(log.lines), AuditProblem::kEdited, 1);
}

TEST(AuditVerify, EditedHashIsNamed) {
  SmallLog log = write_small_log("edit_hash", 4);
  std::string& line = log.lines[3];
  line[line.size() - 3] = line[line.size() - 3] == '0' ? '1' : '0';
  expect_problem(verify_lines(log.lines), AuditProblem::kEdited, 4);
}

TEST(AuditVerify, RemovedFirstRecord) {
  SmallLog log = write_small_log("remove_first", 4);
  log.lines.erase(log.lines.begin());
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kRemoved, 1);
  EXPECT_NE(report.message.find("record 1 is missing"), std::string::npos) << report.message;
}

TEST(AuditVerify, RemovedMiddleRecords) {
  SmallLog log = write_small_log("remove_middle", 6);
  log.lines.erase(log.lines.begin() + 2, log.lines.begin() + 4);
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kRemoved, 3);
  EXPECT_NE(report.message.find("records 3..4 are missing"), std::string::npos) << report.message;
}

TEST(AuditVerify, SwappedRecords) {
  SmallLog log = write_small_log("swap", 5);
  std::swap(log.lines[1], log.lines[2]);
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kReordered, 2);
  EXPECT_NE(report.message.find("seq 3 comes before seq 2, which is on line 3"), std::string::npos) << report.message;
}

TEST(AuditVerify, DuplicatedRecord) {
  SmallLog log = write_small_log("duplicate", 5);
  log.lines.insert(log.lines.begin() + 4, log.lines[1]);  // a copy of record 2 as line 5
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kDuplicated, 5);
  EXPECT_NE(report.message.find("seq 2 was already used on line 2"), std::string::npos) << report.message;
}

TEST(AuditVerify, CopyInsertedBeforeItsOriginal) {
  SmallLog log = write_small_log("copy_before", 5);
  log.lines.insert(log.lines.begin() + 1, log.lines[3]);  // record 4 copied to line 2
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kDuplicated, 2);
  EXPECT_NE(report.message.find("again on line 5"), std::string::npos) << report.message;
}

TEST(AuditVerify, ReplacedRecordWithValidHashBreaksTheChain) {
  // Record 2 rewritten by someone who recomputed its hash: line 2 is self-consistent, line 3 no longer chains.
  SmallLog log = write_small_log("rehash", 4);
  const std::string other_path = scratch_dir("rehash_other") + "/audit.jsonl";
  {
    auto other = AuditLog::open(other_path);
    ASSERT_TRUE(other.is_ok());
    auto reader = AuditReader::open(log.path);
    AuditRecord record;
    while (reader->next(record).value()) {
      if (record.seq == 2) record.data["rule"] = "none";
      ASSERT_TRUE(other->append(record.time_s, record.kind, record.actor, record.data).is_ok());
    }
  }
  log.lines[1] = split_lines(read_file(other_path))[1];
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kChainBroken, 3);
  EXPECT_NE(report.message.find("prev is not the hash of seq 2 on line 2"), std::string::npos) << report.message;
}

TEST(AuditVerify, TruncatedMidLineIsATornTail) {
  SmallLog log = write_small_log("torn", 4);
  const std::string text = log.text.substr(0, log.text.size() - 40);
  const AuditVerifyReport report = verify_audit_log_text(text, "log");
  expect_problem(report, AuditProblem::kTornTail, 4);
  EXPECT_EQ(report.byte_offset, log.text.size() - log.lines[3].size() - 1);
  EXPECT_NE(report.message.find("without a newline"), std::string::npos);
  // Only the newline lost: still torn, the record may be incomplete on disk.
  expect_problem(verify_audit_log_text(log.text.substr(0, log.text.size() - 1), "log"), AuditProblem::kTornTail, 4);
}

TEST(AuditVerify, GarbageLine) {
  SmallLog log = write_small_log("garbage", 3);
  log.lines.insert(log.lines.begin() + 1, "\x01\xff garbage {");
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kMalformed, 2);
  EXPECT_NE(report.message.find("not JSON"), std::string::npos) << report.message;
}

TEST(AuditVerify, MalformedRecordsNameTheirFault) {
  const SmallLog log = write_small_log("malformed", 2);
  const auto expect_malformed = [&](std::string line, const std::string& needle) {
    std::vector<std::string> lines = log.lines;
    lines[1] = std::move(line);
    const AuditVerifyReport report = verify_lines(lines);
    expect_problem(report, AuditProblem::kMalformed, 2);
    EXPECT_NE(report.message.find(needle), std::string::npos) << report.message;
  };
  const std::string good = log.lines[1];
  const auto replace = [&](const std::string& from, const std::string& to) {
    std::string line = good;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? line : line.replace(at, from.size(), to);
  };
  expect_malformed("", "empty line");
  expect_malformed("[1,2]", "not a JSON object");
  expect_malformed(replace("\"seq\":2", "\"sequence\":2"), "missing field 'seq'");
  expect_malformed(replace("\"seq\":2", "\"seq\":2,\"zzz\":1"), "unknown field 'zzz'");
  expect_malformed(replace("\"seq\":2", "\"seq\":\"2\""), "'seq' must be a positive integer");
  expect_malformed(replace("\"seq\":2", "\"seq\":-2"), "'seq' must be a positive integer");
  expect_malformed(replace("\"seq\":2", "\"seq\":0"), "'seq' must be a positive integer");
  expect_malformed(replace("\"time\":25230.0", "\"time\":\"07:00\""), "'time' must be a finite number");
  expect_malformed(replace("\"time\":25230.0", "\"time\":1e999"), "not JSON (number overflow");
  expect_malformed(replace("\"kind\":\"rejection\"", "\"kind\":\"\""), "'kind' must be a non-empty string");
  expect_malformed(replace("\"actor\":\"permit\"", "\"actor\":7"), "'actor' must be a string");
  expect_malformed(replace("\"data\":{", "\"data\":{\"nested\":[1],"), "'data.nested' must be a string");
  expect_malformed(replace("\"data\":{\"request\":1,\"rule\":\"outside_hours\",\"walk_m\":null}", "\"data\":3"),
                   "'data' must be an object");
  expect_malformed(replace("\"prev\":\"", "\"prev\":\"X"), "'prev' must be 64 lowercase hexadecimal digits");
  expect_malformed(replace("\"seq\":2,", "\"seq\": 2,"), "not in canonical form");
  expect_malformed(good + "\r", "not in canonical form");
  expect_malformed(good + " ", "not in canonical form");
}

TEST(AuditVerify, HugeLineIsMalformedWithoutBeingHeld) {
  SmallLog log = write_small_log("huge", 3);
  log.lines.insert(log.lines.begin() + 2, std::string(3 * kMaxAuditLineBytes, 'x'));
  const AuditVerifyReport report = verify_lines(log.lines);
  expect_problem(report, AuditProblem::kMalformed, 3);
  EXPECT_NE(report.message.find(fmt::format("line of {} bytes", 3 * kMaxAuditLineBytes)), std::string::npos)
      << report.message;
}

TEST(AuditVerify, RemovedLastRecordsNeedAnAnchor) {
  SmallLog log = write_small_log("remove_last", 5);
  AuditAnchor anchor;
  anchor.count = 5;
  anchor.head = log.head;
  EXPECT_TRUE(verify_lines(log.lines, anchor).intact());
  log.lines.pop_back();
  log.lines.pop_back();
  // The chain alone cannot tell: what is left is a valid, shorter log.
  EXPECT_TRUE(verify_lines(log.lines).intact());
  const AuditVerifyReport report = verify_lines(log.lines, anchor);
  expect_problem(report, AuditProblem::kCountMismatch, 0);
  EXPECT_NE(report.message.find("holds 3 records, the anchor expects 5"), std::string::npos) << report.message;
  AuditAnchor head_only;
  head_only.head = log.head;
  expect_problem(verify_lines(log.lines, head_only), AuditProblem::kHeadMismatch, 0);
}

TEST(AuditVerify, AnchorAndLaterRecords) {
  SmallLog log = write_small_log("anchor_later", 5);
  const std::string head3 = log.lines[2].substr(log.lines[2].size() - 66, 64);
  AuditAnchor anchor;
  anchor.count = 3;
  anchor.head = head3;
  const AuditVerifyReport exact = verify_lines(log.lines, anchor);
  expect_problem(exact, AuditProblem::kCountMismatch, 0);
  EXPECT_NE(exact.message.find("appended after the anchor"), std::string::npos) << exact.message;
  anchor.allow_later_records = true;
  EXPECT_TRUE(verify_lines(log.lines, anchor).intact());
  anchor.head = log.head;  // not the hash of record 3
  expect_problem(verify_lines(log.lines, anchor), AuditProblem::kHeadMismatch, 0);
  anchor.count.reset();
  anchor.head = head3;
  EXPECT_TRUE(verify_lines(log.lines, anchor).intact());
  anchor.head = std::string(64, 'a');
  expect_problem(verify_lines(log.lines, anchor), AuditProblem::kHeadMismatch, 0);
}

// --- The writer ------------------------------------------------------------------------------------------------

TEST(AuditLog, ReopenAndAppendKeepsTheChain) {
  const std::string path = scratch_dir("reopen") + "/audit.jsonl";
  std::string head;
  {
    auto log = AuditLog::open(path);
    ASSERT_TRUE(log.is_ok());
    ASSERT_TRUE(log->append(1.0, "assignment", "a", {{"request", 1}}).is_ok());
    ASSERT_TRUE(log->append(2.0, "assignment", "a", {{"request", 2}}).is_ok());
    head = log->head();
  }
  {
    auto log = AuditLog::open(path);
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    EXPECT_EQ(log->count(), 2u);
    EXPECT_EQ(log->head(), head);
    ASSERT_TRUE(log->append(3.0, "suspension", "weather", {{"until_s", 7200}}).is_ok());
    head = log->head();
  }
  auto report = verify_audit_log(path);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->intact()) << report->message;
  EXPECT_EQ(report->records, 3u);
  EXPECT_EQ(report->head, head);
}

TEST(AuditLog, RefusesToAppendToADamagedLog) {
  SmallLog log = write_small_log("refuse", 4);
  std::swap(log.lines[0], log.lines[1]);
  write_file(log.path, join_lines(log.lines));
  auto reopened = AuditLog::open(log.path);
  ASSERT_FALSE(reopened.is_ok());
  EXPECT_EQ(reopened.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(reopened.status().message().find("refusing to append to a damaged audit log"), std::string::npos);
  EXPECT_NE(reopened.status().message().find(log.path + ":1: records reordered"), std::string::npos)
      << reopened.status().message();
  EXPECT_EQ(read_file(log.path), join_lines(log.lines));  // untouched
}

TEST(AuditLog, TornTailIsRefusedOrDropped) {
  const SmallLog log = write_small_log("torn_open", 3);
  const std::string torn = log.text + log.lines[0].substr(0, 50);
  write_file(log.path, torn);
  auto refused = AuditLog::open(log.path);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find(":4: torn last record"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(read_file(log.path), torn);

  AuditLogOptions options;
  options.drop_torn_tail = true;
  options.fsync = true;
  auto recovered = AuditLog::open(log.path, options);
  ASSERT_TRUE(recovered.is_ok()) << recovered.status().to_string();
  EXPECT_EQ(recovered->dropped_torn_bytes(), 50u);
  EXPECT_EQ(recovered->count(), 3u);
  EXPECT_EQ(recovered->head(), log.head);
  ASSERT_TRUE(recovered->append(99.0, "override", "operator", {}).is_ok());
  auto report = verify_audit_log(log.path);
  EXPECT_TRUE(report->intact()) << report->message;
  EXPECT_EQ(report->records, 4u);
}

TEST(AuditLog, DropTornTailStillRefusesOtherDamage) {
  SmallLog log = write_small_log("torn_and_edited", 3);
  char& digit = log.lines[0][log.lines[0].size() - 3];
  digit = digit == '0' ? '1' : '0';
  write_file(log.path, join_lines(log.lines) + "{\"acto");
  AuditLogOptions options;
  options.drop_torn_tail = true;
  auto reopened = AuditLog::open(log.path, options);
  ASSERT_FALSE(reopened.is_ok());
  EXPECT_NE(reopened.status().message().find(":1: record edited"), std::string::npos) << reopened.status().message();
}

TEST(AuditLog, OneWriterAtATime) {
  const std::string path = scratch_dir("lock") + "/audit.jsonl";
  auto first = AuditLog::open(path);
  ASSERT_TRUE(first.is_ok());
  auto second = AuditLog::open(path);
  ASSERT_FALSE(second.is_ok());
  EXPECT_NE(second.status().message().find("locked by another writer"), std::string::npos);
  AuditLog moved = std::move(*first);
  EXPECT_TRUE(moved.append(1.0, "k", "a").is_ok());
}

TEST(AuditLog, RejectsBadRecordsAndWritesNothing) {
  const std::string dir = scratch_dir("bad_records");
  const std::string path = dir + "/audit.jsonl";
  auto log = AuditLog::open(path);
  ASSERT_TRUE(log.is_ok());
  const auto expect_invalid = [&](Status status, const std::string& needle) {
    EXPECT_EQ(status.code(), ErrorCode::kInvalidInput) << status.to_string();
    EXPECT_NE(status.message().find(needle), std::string::npos) << status.message();
  };
  expect_invalid(log->append(std::nan(""), "k", "a"), "not finite");
  expect_invalid(log->append(std::numeric_limits<double>::infinity(), "k", "a"), "not finite");
  expect_invalid(log->append(1.0, "", "a"), "kind is empty");
  expect_invalid(log->append(1.0, "k", "\xff\xfe"), "not valid UTF-8");
  expect_invalid(log->append(1.0, "k", "a", {{"x", std::nan("")}}), "data field 'x' is not a finite number");
  expect_invalid(log->append(1.0, "k", "a", {{"blob", std::string(kMaxAuditLineBytes, 'b')}}), "over the limit");
  EXPECT_EQ(log->count(), 0u);
  EXPECT_EQ(read_file(path), "");
  // A large record under the limit is fine.
  ASSERT_TRUE(log->append(1.0, "k", "a", {{"blob", std::string(kMaxAuditLineBytes / 2, 'b')}}).is_ok());
  EXPECT_TRUE(verify_audit_log(path)->intact());
  // Not a file.
  auto directory = AuditLog::open(dir);
  EXPECT_FALSE(directory.is_ok());
  EXPECT_EQ(directory.status().code(), ErrorCode::kIo);
}

TEST(AuditReader, NamesTheLineOfABadRecord) {
  const SmallLog log = write_small_log("reader_bad", 2);
  AuditReader reader = AuditReader::from_string(log.lines[0] + "\n{}\n", "x.jsonl");
  AuditRecord record;
  EXPECT_TRUE(reader.next(record).value());
  auto bad = reader.next(record);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("x.jsonl:2: malformed record: missing field 'actor'"), std::string::npos)
      << bad.status().message();
  AuditReader torn = AuditReader::from_string(log.lines[0], "y.jsonl");
  auto torn_result = torn.next(record);
  ASSERT_FALSE(torn_result.is_ok());
  EXPECT_NE(torn_result.status().message().find("y.jsonl:1: torn last record"), std::string::npos);
}

// --- Property: any single tampering of a random log is found, on the right line --------------------------------

std::string random_text(std::mt19937_64& random) {
  static const std::vector<std::string> kPieces = {"a", "Z", "0", " ", "\"", "\\", "/", "\t", "\n", "광주", "é",
                                                   "\x01", "{", "}", ",", ":", "hash", "seq"};
  std::string text;
  const size_t length = random() % 6;
  for (size_t i = 0; i < length; ++i) text += kPieces[random() % kPieces.size()];
  return text;
}

AuditFields random_fields(std::mt19937_64& random) {
  AuditFields fields;
  const size_t count = random() % 5;
  for (size_t i = 0; i < count; ++i) {
    const std::string name = random_text(random);
    switch (random() % 6) {
      case 0: fields[name] = static_cast<int64_t>(random()); break;
      case 1: fields[name] = std::ldexp(static_cast<double>(random() % 100000) - 50000, static_cast<int>(random() % 80) - 40); break;
      case 2: fields[name] = random_text(random); break;
      case 3: fields[name] = random() % 2 == 0; break;
      case 4: fields[name] = nullptr; break;
      default: fields[name] = static_cast<uint64_t>(random()); break;
    }
  }
  return fields;
}

struct Expectation {
  AuditProblem problem;       // without an anchor
  uint64_t line;
  AuditProblem with_anchor;   // with the writer's count and head as anchor (line unchanged unless 0)
};

TEST(AuditVerifyProperty, EveryTamperingIsFoundOnTheRightLine) {
  std::mt19937_64 random(20240604);
  const std::string dir = scratch_dir("property");
  int cases = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = 2 + random() % 12;
    const std::string path = fmt::format("{}/log{}.jsonl", dir, trial);
    const std::string alternative = fmt::format("{}/alt{}.jsonl", dir, trial);
    std::string head;
    const size_t replaced = random() % n;  // the record the alternative log writes differently
    {
      auto log = AuditLog::open(path);
      auto alt = AuditLog::open(alternative);
      ASSERT_TRUE(log.is_ok() && alt.is_ok());
      for (size_t i = 0; i < n; ++i) {
        const double time_s = static_cast<double>(random() % 100000) / 8.0;
        const std::string kind = "kind" + std::to_string(random() % 3);
        const std::string actor = random_text(random);
        const AuditFields fields = random_fields(random);
        ASSERT_TRUE(log->append(time_s, kind, actor, fields).is_ok());
        ASSERT_TRUE(alt->append(time_s, kind, i == replaced ? actor + "!" : actor, fields).is_ok());
      }
      head = log->head();
    }
    const std::string text = read_file(path);
    std::vector<std::string> lines = split_lines(text);
    ASSERT_EQ(lines.size(), n);
    ASSERT_TRUE(verify_lines(lines).intact());

    std::string tampered;
    Expectation expect{};
    const size_t k = random() % n;  // 0-based line the tampering aims at
    const int kind = static_cast<int>(random() % 9);
    switch (kind) {
      case 0: {  // edit the actor
        const size_t at = lines[k].find("\"actor\":\"");
        lines[k].insert(at + 9, "x");
        expect = {AuditProblem::kEdited, k + 1, AuditProblem::kEdited};
        break;
      }
      case 1: {  // edit one digit of the hash
        char& digit = lines[k][lines[k].size() - 3 - random() % 64];
        digit = digit == 'f' ? '0' : (digit == '9' ? 'a' : static_cast<char>(digit + 1));
        expect = {AuditProblem::kEdited, k + 1, AuditProblem::kEdited};
        break;
      }
      case 2: {  // replace a record by one with a valid, recomputed hash
        lines[replaced] = split_lines(read_file(alternative))[replaced];
        expect = replaced + 1 < n ? Expectation{AuditProblem::kChainBroken, replaced + 2, AuditProblem::kChainBroken}
                                  : Expectation{AuditProblem::kNone, 0, AuditProblem::kHeadMismatch};
        break;
      }
      case 3: {  // remove one record
        lines.erase(lines.begin() + static_cast<long>(k));
        expect = k + 1 < n ? Expectation{AuditProblem::kRemoved, k + 1, AuditProblem::kRemoved}
                           : Expectation{AuditProblem::kNone, 0, AuditProblem::kCountMismatch};
        break;
      }
      case 4: {  // swap two records
        const size_t j = k + 1 + random() % (n - 1);
        const size_t i = k;
        if (j >= n) continue;
        std::swap(lines[i], lines[j]);
        expect = {AuditProblem::kReordered, i + 1, AuditProblem::kReordered};
        break;
      }
      case 5: {  // insert a copy of record k at position p
        const size_t p = random() % (n + 1);
        lines.insert(lines.begin() + static_cast<long>(p), lines[k]);
        const uint64_t line = p > k ? p + 1 : (p == k ? k + 2 : p + 1);
        expect = {AuditProblem::kDuplicated, line, AuditProblem::kDuplicated};
        break;
      }
      case 6: {  // the file cut inside line k (everything after it lost)
        lines.resize(k + 1);
        const size_t keep = 1 + random() % lines[k].size();
        tampered = join_lines(lines);
        tampered.resize(tampered.size() - 1 - lines[k].size() + keep);
        expect = {AuditProblem::kTornTail, k + 1, AuditProblem::kTornTail};
        break;
      }
      case 7: {  // a garbage line inserted at position p
        const size_t p = random() % (n + 1);
        std::string garbage;
        const size_t length = 1 + random() % 40;
        for (size_t i = 0; i < length; ++i) {
          char c = static_cast<char>(random() % 256);
          garbage += c == '\n' ? ' ' : c;
        }
        lines.insert(lines.begin() + static_cast<long>(p), garbage);
        expect = {AuditProblem::kMalformed, p + 1, AuditProblem::kMalformed};
        break;
      }
      default: {  // the last records removed
        lines.resize(k);
        expect = {AuditProblem::kNone, 0, AuditProblem::kCountMismatch};
        break;
      }
    }
    if (tampered.empty()) tampered = join_lines(lines);
    SCOPED_TRACE(fmt::format("trial {} tampering {} at line {} of {}", trial, kind, k + 1, n));
    const AuditVerifyReport plain = verify_audit_log_text(tampered, "log");
    expect_problem(plain, expect.problem, expect.line);
    AuditAnchor anchor;
    anchor.count = n;
    anchor.head = head;
    const AuditVerifyReport anchored = verify_audit_log_text(tampered, "log", anchor);
    expect_problem(anchored, expect.with_anchor, expect.line);
    EXPECT_FALSE(anchored.intact());
    ++cases;
  }
  EXPECT_GT(cases, 300);
}

}  // namespace
}  // namespace bitgoeul
