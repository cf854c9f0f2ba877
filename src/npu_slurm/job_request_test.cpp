// What a tenant may type: gres, time limits, names and scripts in Slurm's spellings, and the hostile rest.

#include "npu_slurm/job_request.h"

#include <gtest/gtest.h>

namespace bitgoeul::npu_slurm {
namespace {

TEST(ParseGres, SlurmSpellings) {
  EXPECT_EQ(*parse_gres("npu:rngd:4"), (GresRequest{"npu", "rngd", 4}));
  EXPECT_EQ(*parse_gres("npu:atom"), (GresRequest{"npu", "atom", 1}));
  EXPECT_EQ(*parse_gres("gres:npu:rngd:2"), (GresRequest{"npu", "rngd", 2}));
  EXPECT_EQ(*parse_gres("gres/gpu:h100:8"), (GresRequest{"gpu", "h100", 8}));
  EXPECT_EQ(parse_gres("npu:rngd:4")->to_string(), "npu:rngd:4");
}

TEST(ParseGres, BadAndHostileInputNamesTheOption) {
  for (const char* text : {"", "npu", "npu:4", "npu:rngd:0", "npu:rngd:-1", "npu:rngd:4x", "npu:rngd:1k",
                           "npu:rngd:99999999999999999999", "npu:rngd:1025", "NPU:RNGD:1", "npu:rngd:1:2",
                           "npu:rngd:1,npu:atom:1", "npu:rn gd:1", "npu:rngd;rm -rf /:1", "npu:'; DROP TABLE jobs;--:1",
                           ":rngd:1", "npu::1", "npu:rngd:", "gres:gres:db", "gres:db:1"}) {
    Result<GresRequest> gres = parse_gres(text);
    EXPECT_FALSE(gres.is_ok()) << text;
    EXPECT_NE(gres.status().message().find("--gres"), std::string::npos) << gres.status().message();
  }
  EXPECT_NE(parse_gres("npu:4").status().message().find("no device type"), std::string::npos);
  // Control characters are shown escaped, not echoed raw.
  EXPECT_NE(parse_gres("npu:\x1b[31m:1").status().message().find("\\x1b"), std::string::npos);
}

TEST(ParseTimeLimit, EverySbatchFormRoundedUpToMinutes) {
  EXPECT_EQ(*parse_time_limit("10"), 600);
  EXPECT_EQ(*parse_time_limit("10:30"), 660);     // MM:SS rounds up
  EXPECT_EQ(*parse_time_limit("00:10:00"), 600);
  EXPECT_EQ(*parse_time_limit("1:00:01"), 3660);
  EXPECT_EQ(*parse_time_limit("2-0"), 2 * 86400);
  EXPECT_EQ(*parse_time_limit("1-02:03"), 86400 + 2 * 3600 + 3 * 60);
  EXPECT_EQ(*parse_time_limit("1-02:03:04"), 86400 + 2 * 3600 + 4 * 60);
  EXPECT_EQ(*parse_time_limit("0:30"), 60);
}

TEST(ParseTimeLimit, BadAndHostileInput) {
  for (const char* text : {"", "0", "00:00:00", "UNLIMITED", "INFINITE", "-5", "1:2:3:4", "1-2:3:4:5", "abc",
                           "10m", "1.5", " 10", "10 ", "999999999", "367-00:00:00", "1-", "-1",
                           "99999999999999999999", "1:-1", "$(reboot)"}) {
    Result<int64_t> limit = parse_time_limit(text);
    EXPECT_FALSE(limit.is_ok()) << text;
    EXPECT_NE(limit.status().message().find("--time"), std::string::npos) << limit.status().message();
  }
}

TEST(SlurmDuration, ReadsSlurmsOutputs) {
  EXPECT_EQ(*parse_slurm_duration("1:00"), 60);
  EXPECT_EQ(*parse_slurm_duration("UNLIMITED"), -1);
  EXPECT_EQ(*parse_slurm_duration("1-00:00:00"), 86400);
  EXPECT_EQ(format_duration(86400 + 3661), "1-01:01:01");
  EXPECT_EQ(format_duration(600), "00:10:00");
}

TEST(Names, TenantAndJobNames) {
  EXPECT_TRUE(validate_tenant_name("gist-vision").is_ok());
  EXPECT_TRUE(validate_tenant_name("univ_a.lab2").is_ok());
  for (const char* name : {"", "a b", "x'; DROP TABLE tenants;--", "-rf", ".hidden", "a|b", "a\nb", "ä"}) {
    EXPECT_FALSE(validate_tenant_name(name).is_ok()) << name;
  }
  EXPECT_FALSE(validate_tenant_name(std::string(65, 'a')).is_ok());
  EXPECT_TRUE(validate_job_name("'; DROP TABLE jobs; --").is_ok());  // stored as data, never as SQL or argv
  EXPECT_FALSE(validate_job_name("").is_ok());
  EXPECT_FALSE(validate_job_name("line\nbreak").is_ok());
  EXPECT_FALSE(validate_job_name(std::string(129, 'x')).is_ok());
}

TEST(Script, DirectivesAndOtherHostileScriptsAreRefused) {
  EXPECT_TRUE(validate_script("#!/bin/bash\nsleep 5\n", "job.sh").is_ok());
  EXPECT_FALSE(validate_script("sleep 5\n", "job.sh").is_ok());
  Status directive = validate_script("#!/bin/bash\n# a comment\n#SBATCH --array=0-999\nsleep 1\n", "job.sh");
  ASSERT_FALSE(directive.is_ok());
  EXPECT_NE(directive.message().find("job.sh: line 3"), std::string::npos) << directive.message();
  EXPECT_FALSE(validate_script("#!/bin/bash\n  #sbatch --account=other\n", "job.sh").is_ok());
  EXPECT_FALSE(validate_script("#!/bin/bash\n#PBS -l nodes=9\n", "job.sh").is_ok());
  EXPECT_FALSE(validate_script(std::string("#!/bin/sh\n\0x", 12), "job.sh").is_ok());
  EXPECT_FALSE(validate_script("#!/bin/sh\n" + std::string(kMaxScriptBytes, '#'), "job.sh").is_ok());
}

}  // namespace
}  // namespace bitgoeul::npu_slurm
