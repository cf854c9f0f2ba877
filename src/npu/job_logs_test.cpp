// The Philly cluster_job_log and Helios cluster_log.csv readers: the handwritten examples in examples/npu/ read as
// the schemas say, and bad jobs and rows fail naming the file, the line and the field.

#include "npu/job_logs.h"

#include <gtest/gtest.h>

#include "npu/cluster_file.h"

namespace bitgoeul::npu {
namespace {

Cluster four_gpu_nodes() {
  Result<Cluster> cluster = parse_cluster(R"(
[[device_types]]
name = "P100"
resource = "nvidia.com/gpu"
[[nodes]]
name = "m"
count = 4
device_type = "P100"
devices = 8
cpu_milli = 64000
)",
                                          "c.toml");
  EXPECT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  return *cluster;
}

// What a reader reads into: the cluster above, and the tenants it creates from the logs' virtual clusters.
struct LogTarget {
  LogTarget() = default;
  LogTarget(const LogTarget&) = delete;  // lookup points into tenants
  LogTarget& operator=(const LogTarget&) = delete;

  Cluster cluster = four_gpu_nodes();
  Tenants tenants;
  TenantLookup lookup{tenants, cluster.device_types.size(), true};
};

TEST(LogTime, ParsesCalendarTimesAndRefusesOthers) {
  EXPECT_EQ(parse_log_time("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_log_time("2017-10-03 02:00:00"), 1507000000 - 1507000000 % 86400 + 2 * 3600);
  EXPECT_EQ(parse_log_time("2020-02-29 23:59:59"), 1583020799);
  EXPECT_FALSE(parse_log_time("2019-02-29 00:00:00"));
  EXPECT_FALSE(parse_log_time("2017-13-03 02:00:00"));
  EXPECT_FALSE(parse_log_time("2017-10-03T02:00:00"));
  EXPECT_FALSE(parse_log_time("2017-10-03 2:00:00"));
  EXPECT_FALSE(parse_log_time("None"));
  EXPECT_FALSE(parse_log_time(""));
}

TEST(PhillyJobLog, ExampleReadsAsTheSchemaSays) {
  LogTarget target;
  Result<Workload> workload = read_philly_job_log(BITGOEUL_SOURCE_DIR "/examples/npu/philly_cluster_job_log.json",
                                                  target.cluster, target.lookup);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  // application_0003 never ran (no attempts).
  EXPECT_EQ(workload->skipped_rows, 1u);
  ASSERT_EQ(workload->jobs.size(), 3u);
  //   job               submit  run (s)           GPUs  machines
  //   application_0002  0       600 + 1200        16    2 (last attempt)
  //   application_0001  60      3600              4     1
  //   application_0004  1860    100 (first: None) 1     1
  const Job& a2 = workload->jobs[0];
  EXPECT_EQ(a2.name, "application_0002");
  EXPECT_EQ(a2.submit_s, 0);
  EXPECT_EQ(a2.duration_s, 1800);
  EXPECT_EQ(a2.device_count, 16u);
  EXPECT_EQ(a2.locality, Locality::kAny);
  EXPECT_EQ(target.tenants.tenants[a2.tenant].name, "vc-vision");
  const Job& a1 = workload->jobs[1];
  EXPECT_EQ(a1.name, "application_0001");
  EXPECT_EQ(a1.submit_s, 60);
  EXPECT_EQ(a1.duration_s, 3600);
  EXPECT_EQ(a1.device_count, 4u);
  EXPECT_EQ(a1.locality, Locality::kNode);
  const Job& a4 = workload->jobs[2];
  EXPECT_EQ(a4.submit_s, 1860);
  EXPECT_EQ(a4.duration_s, 100);
  EXPECT_EQ(a4.device_count, 1u);
}

TEST(PhillyJobLog, BadJobsNameTheLineAndField) {
  const auto error = [](const std::string& text) {
    LogTarget target;
    return parse_philly_job_log(text, "log.json", target.cluster, target.lookup).status().message();
  };
  const std::string good =
      R"({"jobid": "j1", "vc": "v", "submitted_time": "2017-10-03 02:00:00", "attempts": [)"
      R"({"start_time": "2017-10-03 02:00:00", "end_time": "2017-10-03 02:01:00", "detail": [{"ip": "m", "gpus": ["g"]}]}]})";
  EXPECT_EQ(error("[\n" + good + ",\n" + good + "\n]").find("log.json"), std::string::npos);  // accepted
  EXPECT_EQ(error("{}"), "log.json:1: expected a JSON array of jobs");
  EXPECT_EQ(error("[\n" + good + ",\n{\"jobid\": 5}\n]"), "log.json:3: 'jobid' must be a string");
  EXPECT_EQ(error("[\n" + good + ",\n{\"jobid\": \"j2\", \"vc\": \"v\"}\n]"), "log.json:3: missing 'submitted_time'");
  EXPECT_EQ(error("[\n{\"jobid\": \"j2\", \"vc\": \"v\", \"submitted_time\": \"yesterday\", \"attempts\": []}]"),
            "log.json:2: 'submitted_time': 'yesterday' is not a time (YYYY-MM-DD HH:MM:SS)");
  EXPECT_EQ(error("[{\"jobid\": \"j2\", \"vc\": \"v\", \"submitted_time\": \"2017-10-03 02:00:00\", \"attempts\": 3}]"),
            "log.json:1: job 'j2': 'attempts' must be an array");
  std::string reversed = good;
  reversed.replace(reversed.find("02:01:00"), 8, "01:59:00");
  EXPECT_EQ(error("[" + reversed + "]"), "log.json:1: job 'j1': an attempt ends before it starts");
  std::string no_ip = good;
  no_ip.replace(no_ip.find("\"ip\": \"m\", "), 11, "");
  EXPECT_EQ(error("[" + no_ip + "]"), "log.json:1: missing 'ip'");
  EXPECT_EQ(error("[\n\n" + good + ",\n{\"jobid\": \"x\",}\n]"), "log.json:4: a job is not valid JSON");
  EXPECT_EQ(error("[" + good + ","), "log.json:1: the array is not closed");
  EXPECT_EQ(error("[" + good + ",]"), "log.json:1: empty array element");
  EXPECT_EQ(error("[" + good + "] extra"), "log.json:1: text after the array");
  // 40 GPUs on one job: more than the cluster's 32.
  std::string big = good;
  std::string gpus = "\"g\"";
  for (int i = 1; i < 40; ++i) gpus += ",\"g\"";
  big.replace(big.find("[\"g\"]"), 5, "[" + gpus + "]");
  EXPECT_EQ(error("[\n" + big + "]").find("log.json:2: job 'j1': no acceptable device type can ever hold it"), 0u);
}

TEST(HeliosLog, ExampleReadsAsTheSchemaSays) {
  LogTarget target;
  Result<Workload> workload =
      read_helios_log(BITGOEUL_SOURCE_DIR "/examples/npu/helios_cluster_log.csv", target.cluster, target.lookup);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  EXPECT_EQ(workload->skipped_rows, 2u);  // 1002 asks for no GPU, 1004 never ran
  ASSERT_EQ(workload->jobs.size(), 3u);
  EXPECT_EQ(workload->jobs[0].name, "1001");
  EXPECT_EQ(workload->jobs[0].submit_s, 0);
  EXPECT_EQ(workload->jobs[0].duration_s, 7200);
  EXPECT_EQ(workload->jobs[0].device_count, 8u);
  EXPECT_EQ(workload->jobs[0].cpu_milli, 32000u);
  EXPECT_EQ(workload->jobs[0].locality, Locality::kNode);
  EXPECT_EQ(target.tenants.tenants[workload->jobs[0].tenant].name, "vcA");
  EXPECT_EQ(workload->jobs[1].name, "1003");
  EXPECT_EQ(workload->jobs[1].submit_s, 290);
  EXPECT_EQ(workload->jobs[1].device_count, 16u);
  EXPECT_EQ(workload->jobs[1].locality, Locality::kAny);
  EXPECT_EQ(workload->jobs[2].submit_s, 470);
  EXPECT_EQ(workload->jobs[2].duration_s, 30);
}

TEST(HeliosLog, BadRowsNameTheLineAndColumn) {
  const auto error = [](const std::string& csv) {
    LogTarget target;
    return parse_helios_log(csv, "cluster_log.csv", target.cluster, target.lookup).status().message();
  };
  const std::string header = "job_id,vc,gpu_num,cpu_num,node_num,submit_time,duration\n";
  const std::string ok = "1,v,1,4,1,2020-04-01 00:00:00,60\n";
  EXPECT_EQ(error(header + ok + "2,v,x,4,1,2020-04-01 00:00:00,60\n"),
            "cluster_log.csv:3: column 'gpu_num': 'x' is not an integer");
  EXPECT_EQ(error(header + ok + "2,v,1,4,1,2020/04/01 00:00,60\n"),
            "cluster_log.csv:3: column 'submit_time': '2020/04/01 00:00' is not a time (YYYY-MM-DD HH:MM:SS)");
  EXPECT_EQ(error(header + "2,v,1,4,1,2020-04-01 00:00:00,-5\n"), "cluster_log.csv:2: column 'duration' is negative");
  EXPECT_EQ(error(header + "2,v,-1,4,1,2020-04-01 00:00:00,5\n"),
            "cluster_log.csv:2: column 'gpu_num' must be between 0 and 100000");
  EXPECT_EQ(error(header + ",v,1,4,1,2020-04-01 00:00:00,5\n"), "cluster_log.csv:2: column 'job_id' is empty");
  EXPECT_EQ(error(header + "2,v,1,65,1,2020-04-01 00:00:00,5\n")
                .find("cluster_log.csv:2: job '2': no acceptable device type can ever hold it"),
            0u);  // 65 cores: more than any node's 64
  EXPECT_EQ(error("job_id,vc,gpu_num\n1,v,1\n"),
            "cluster_log.csv:1: no column 'node_num' (the header has: job_id, vc, gpu_num)");
}

}  // namespace
}  // namespace bitgoeul::npu
