// Slurm's outputs as SlurmBackend asks for them (squeue and sacct, '|'-separated), read strictly.

#include <gtest/gtest.h>

#include "npu_slurm/slurm_backend.h"

namespace bitgoeul::npu_slurm {
namespace {

TEST(ParseSqueue, PendingRunningAndEndedJobs) {
  const std::string output =
      "7|bg-3|univ|PENDING|Resources||2026-11-25T19:20:17|N/A|N/A|10:00|4294901759|1\n"
      "8|bg-4|univ|RUNNING|None|rngd[1-2]|2026-11-25T19:20:17|2026-11-25T19:20:19|2026-11-25T19:30:19|1-00:00:00|100|2\n"
      "9|bg-5|lab|CANCELLED|None|atom1|2026-11-25T19:20:17|2026-11-25T19:20:19|2026-11-25T19:20:21|UNLIMITED|0|1\n"
      "10_1|array|x|PENDING|None||N/A|N/A|N/A|1:00|1|1\n";
  Result<std::vector<BackendJob>> jobs = parse_squeue(output);
  ASSERT_TRUE(jobs.is_ok()) << jobs.status().to_string();
  ASSERT_EQ(jobs->size(), 3u);  // the array job is not the center's
  EXPECT_EQ(raw((*jobs)[0].id), 7u);
  EXPECT_EQ((*jobs)[0].state, JobState::kPending);
  EXPECT_EQ((*jobs)[0].reason, "Resources");
  EXPECT_FALSE((*jobs)[0].start_s.has_value());
  EXPECT_EQ((*jobs)[0].time_limit_s, 600);
  EXPECT_EQ((*jobs)[1].node_list, "rngd[1-2]");
  EXPECT_EQ((*jobs)[1].node_count, 2u);
  EXPECT_EQ(*(*jobs)[1].start_s, 1795634419);  // 2026-11-25T19:20:19Z
  EXPECT_EQ((*jobs)[1].time_limit_s, 86400);
  EXPECT_EQ((*jobs)[2].state, JobState::kCancelled);
  EXPECT_EQ((*jobs)[2].time_limit_s, -1);
}

TEST(ParseSqueue, MalformedOutputIsAnErrorWithTheLine) {
  Result<std::vector<BackendJob>> short_row = parse_squeue("7|bg-3|univ\n");
  ASSERT_FALSE(short_row.is_ok());
  EXPECT_NE(short_row.status().message().find("line 1"), std::string::npos);
  EXPECT_FALSE(parse_squeue("7|a|b|PENDING|r||yesterday|N/A|N/A|1:00|1|1\n").is_ok());
  EXPECT_FALSE(parse_squeue("7|a|b|PENDING|r||N/A|N/A|N/A|1:00|-1|1\n").is_ok());
  EXPECT_TRUE(parse_squeue("")->empty());
}

TEST(ParseSacct, RecordsOfEndedJobs) {
  const std::string output =
      "1|bg-1|univ|COMPLETED|2026-11-25T19:20:19|2026-11-25T19:20:21|2|1|rngd1|0:0\n"
      "2|bg-2|lab|CANCELLED by 0|Unknown|2026-11-25T19:20:26|0|0|None assigned|0:0\n"
      "2.batch|batch||CANCELLED|Unknown|Unknown|0|0||0:15\n";
  Result<std::vector<AccountingRecord>> records = parse_sacct(output);
  ASSERT_TRUE(records.is_ok()) << records.status().to_string();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].elapsed_s, 2);
  EXPECT_EQ((*records)[0].node_count, 1u);
  EXPECT_EQ((*records)[1].state, JobState::kCancelled);
  EXPECT_FALSE((*records)[1].start_s.has_value());
  EXPECT_FALSE(parse_sacct("1|bg-1|univ|COMPLETED|x|y|2|1|rngd1|0:0\n").is_ok());
  EXPECT_FALSE(parse_sacct("1|bg-1|univ|COMPLETED|N/A|N/A|-2|1|rngd1|0:0\n").is_ok());
}

TEST(ParseSlurmTime, StrictIso) {
  EXPECT_EQ(**parse_slurm_time("1970-01-01T00:01:00"), 60);
  EXPECT_FALSE(parse_slurm_time("N/A")->has_value());
  for (const char* text : {"2026-13-01T00:00:00", "2026-11-25 19:20:19", "2026-11-25T19:20", "20261125T192019xxx"}) {
    EXPECT_FALSE(parse_slurm_time(text).is_ok()) << text;
  }
}

TEST(JobStates, SlurmWords) {
  EXPECT_EQ(parse_job_state("CANCELLED by 1000"), JobState::kCancelled);
  EXPECT_EQ(parse_job_state("OUT_OF_MEMORY"), JobState::kOutOfMemory);
  EXPECT_EQ(parse_job_state("BOOT_FAIL"), JobState::kOther);
  EXPECT_EQ(parse_job_state("CONFIGURING"), JobState::kRunning);
  EXPECT_TRUE(is_active(JobState::kCompleting));
  EXPECT_FALSE(is_active(JobState::kTimeout));
}

TEST(ExpandNodeList, SlurmsCompressedForms) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(*expand_node_list("rngd1"), (Names{"rngd1"}));
  EXPECT_EQ(*expand_node_list("rngd[1-2],atom1"), (Names{"rngd1", "rngd2", "atom1"}));
  EXPECT_EQ(*expand_node_list("n[01-03,7]"), (Names{"n01", "n02", "n03", "n7"}));
  EXPECT_EQ(*expand_node_list("a[9-10]"), (Names{"a9", "a10"}));
  EXPECT_TRUE(expand_node_list("")->empty());
}

TEST(ExpandNodeList, BadListsAreRefusedWithTheirText) {
  for (const char* bad : {"rngd[1-2", "rngd[2-1]", "rngd[]", "rngd[a-b]", "rngd[1-2]x", "a,,b", "a,", ",a",
                          "n[1-[2]]", "n[0-99999999]", "n[1--2]"}) {
    Result<std::vector<std::string>> names = expand_node_list(bad);
    ASSERT_FALSE(names.is_ok()) << bad;
    EXPECT_NE(names.status().message().find("node list"), std::string::npos) << names.status().message();
  }
}

TEST(ParseSinfoNodes, GresConfiguredUsedAndState) {
  const std::string output =
      "atom1|npu:atom:8|npu:atom:0(IDX:N/A)|idle|\n"
      "rngd1|npu:rngd:8(S:0-1)|npu:rngd:3(IDX:0-2)|mixed|\n"
      "rngd1|npu:rngd:8(S:0-1)|npu:rngd:3(IDX:0-2)|mixed|\n"  // the same node in a second partition
      "rngd2|npu:rngd:8|npu:rngd:0(IDX:N/A)|down*|\n"
      "cpu1|(null)|(null)|idle+drain|\n";
  Result<std::vector<BackendNode>> nodes = parse_sinfo_nodes(output);
  ASSERT_TRUE(nodes.is_ok()) << nodes.status().to_string();
  ASSERT_EQ(nodes->size(), 4u);
  EXPECT_EQ((*nodes)[0].name, "atom1");
  ASSERT_EQ((*nodes)[0].gres.size(), 1u);
  EXPECT_EQ((*nodes)[0].gres[0].type, "atom");
  EXPECT_EQ((*nodes)[0].gres[0].count, 8u);
  EXPECT_TRUE((*nodes)[0].usable);
  EXPECT_EQ((*nodes)[1].gres[0].used, 3u);
  EXPECT_EQ((*nodes)[1].state, "mixed");
  EXPECT_FALSE((*nodes)[2].usable);  // down, not responding
  EXPECT_TRUE((*nodes)[3].gres.empty());
  EXPECT_FALSE((*nodes)[3].usable);  // drained
}

TEST(ParseSinfoNodes, BadLinesNameTheLine) {
  for (const char* bad : {"rngd1|npu:rngd:8|idle|\n", "|npu:rngd:8|npu:rngd:0|idle|\n",
                          "rngd1|npu:rngd:lots|npu:rngd:0|idle|\n", "rngd1|npu|npu:rngd:0|idle|\n",
                          "rngd1|npu:a:b:c:8|(null)|idle|\n"}) {
    Result<std::vector<BackendNode>> nodes = parse_sinfo_nodes(bad);
    ASSERT_FALSE(nodes.is_ok()) << bad;
    EXPECT_NE(nodes.status().message().find("line 1"), std::string::npos) << nodes.status().message();
  }
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
