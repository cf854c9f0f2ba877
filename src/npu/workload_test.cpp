// Trace readers, the generic job CSV and the synthetic generator.

#include <filesystem>

#include <gtest/gtest.h>

#include "npu/cluster_file.h"
#include "npu/job_csv.h"
#include "npu/openb_trace.h"
#include "npu/synthetic_workload.h"

namespace bitgoeul::npu {
namespace {

const std::string kTraces = BITGOEUL_SHARED_DATA_DIR "/traces";

Cluster small_cluster() {
  Result<Cluster> cluster = parse_cluster(R"(
[[device_types]]
name = "RNGD"
resource = "furiosa.ai/rngd"
processing_elements = 8
  [[device_types.partitions]]
  processing_elements = 2
  resource = "furiosa.ai/rngd-2core.12gb"
[[device_types]]
name = "H100"
resource = "nvidia.com/gpu"
[[nodes]]
name = "r"
device_type = "RNGD"
devices = 8
[[nodes]]
name = "h"
device_type = "H100"
devices = 8
)",
                                          "c.toml");
  EXPECT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  return *cluster;
}

Result<Workload> parse_jobs(const std::string& csv, const Cluster& cluster, Tenants& tenants) {
  TenantLookup lookup(tenants, cluster.device_types.size(), true);
  return parse_job_csv(csv, "jobs.csv", cluster, lookup);
}

TEST(JobCsv, ReadsAllColumnsAndSortsBySubmission) {
  const Cluster cluster = small_cluster();
  Tenants tenants;
  Result<Workload> workload = parse_jobs(
      "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality,gang,preemptible,"
      "checkpoint_s\n"
      "b,t1,20,100,200,2,0,RNGD:1|H100:2.5,node,true,true,30\n"
      "a,t2,10,50,,1,200,RNGD,any,true,false,0\n",
      cluster, tenants);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  ASSERT_EQ(workload->jobs.size(), 2u);
  const Job& a = workload->jobs[0];
  const Job& b = workload->jobs[1];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.share_milli, 200u);
  EXPECT_EQ(a.time_limit_s, 0);
  EXPECT_EQ(b.device_count, 2u);
  EXPECT_EQ(b.locality, Locality::kNode);
  EXPECT_TRUE(b.preemptible);
  EXPECT_EQ(b.checkpoint_s, 30);
  ASSERT_EQ(b.options.size(), 2u);
  EXPECT_EQ(b.options[0].type, 1u);  // fastest first: H100 at 2.5
  EXPECT_DOUBLE_EQ(b.options[0].speed, 2.5);
  EXPECT_EQ(tenants.size(), 2u);
}

TEST(JobCsv, NonGangJobsBecomeIndependentTasks) {
  const Cluster cluster = small_cluster();
  Tenants tenants;
  Result<Workload> workload =
      parse_jobs("name,tenant,submit_s,duration_s,devices,gang\narray,t,0,10,3,false\n", cluster, tenants);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  ASSERT_EQ(workload->jobs.size(), 3u);
  EXPECT_EQ(workload->jobs[2].name, "array/2");
  EXPECT_EQ(workload->jobs[2].device_count, 1u);
}

TEST(JobCsv, BadRowsNameTheLine) {
  const Cluster cluster = small_cluster();
  const auto error = [&cluster](const std::string& csv) {
    Tenants tenants;
    return parse_jobs(csv, cluster, tenants).status().message();
  };
  const std::string header = "name,tenant,submit_s,duration_s,devices,share_milli,types\n";
  EXPECT_EQ(error(header + "ok,t,0,10,1,0,\nbad,t,x,10,1,0,\n"),
            "jobs.csv:3: column 'submit_s': 'x' is not an integer");
  EXPECT_EQ(error(header + "bad,t,0,0,1,0,\n"), "jobs.csv:2: column 'duration_s' must be positive");
  EXPECT_EQ(error(header + "bad,t,0,10,1,0,TPU\n"), "jobs.csv:2: column 'types': unknown device type 'TPU'");
  EXPECT_EQ(error(header + "bad,t,0,10,2,300,\n"), "jobs.csv:2: a fractional share_milli needs devices = 1");
  EXPECT_EQ(error(header + "bad,t,0,10\n"), "jobs.csv:2: 4 fields, the header has 7");
  EXPECT_EQ(error("name,tenant,submit_s\n"),
            "jobs.csv:1: no column 'duration_s' (the header has: name, tenant, submit_s)");
  // Found by the fuzz target: times that overflow simulated clocks, and speeds that make durations infinite.
  EXPECT_EQ(error(header + "huge,t,9223372036854775807,10,1,0,\n").find("jobs.csv:2: job 'huge': submit time"), 0u);
  EXPECT_EQ(error(header + "slow,t,0,10,1,0,H100:1e-300\n").find("jobs.csv:2: job 'slow': speed must be between"),
            0u);
  EXPECT_EQ(error("name,tenant,submit_s,duration_s,preemptible\np,t,0,10,maybe\n"),
            "jobs.csv:2: column 'preemptible': 'maybe' is not a boolean (true or false)");
  EXPECT_EQ(error(header + "big,t,0,10,9,0,RNGD\n").find("jobs.csv:2: job 'big': no acceptable device type can "
                                                        "ever hold it"),
            0u);
  // 600 milli: larger than RNGD's largest partition (250) and H100 is whole-card only.
  EXPECT_EQ(error(header + "frac,t,0,10,1,600,\n").find("jobs.csv:2: job 'frac'"), 0u);
  EXPECT_EQ(error("name,tenant,submit_s,duration_s,colour\n"), "jobs.csv:1: unknown column 'colour'");
  EXPECT_EQ(error(header + "q,t,0,10,1,0,\"RNGD\n"), "jobs.csv:2: unterminated quoted field");
  // CPU and memory.
  const std::string host = "name,tenant,submit_s,duration_s,cpu_milli,memory_mib\n";
  EXPECT_EQ(error(host + "ok,t,0,10,4000,8192\nneg,t,0,10,-1,0\n"),
            "jobs.csv:3: column 'cpu_milli' must be between 0 and 1000000000000");
  EXPECT_EQ(error(host + "big,t,0,10,0,1000000000001\n"),
            "jobs.csv:2: column 'memory_mib' must be between 0 and 1000000000000");
  EXPECT_EQ(error(host + "x,t,0,10,4 cores,0\n"), "jobs.csv:2: column 'cpu_milli': '4 cores' is not an integer");
}

TEST(JobCsv, CpuAndMemoryAreReadAndSplitOverNonGangTasks) {
  const Cluster cluster = small_cluster();
  Tenants tenants;
  Result<Workload> workload = parse_jobs(
      "name,tenant,submit_s,duration_s,devices,gang,cpu_milli,memory_mib\n"
      "a,t,0,10,1,true,4000,8192\n"
      "b,t,1,10,3,false,1000,100\n",
      cluster, tenants);
  ASSERT_TRUE(workload.is_ok()) << workload.status().to_string();
  ASSERT_EQ(workload->jobs.size(), 4u);
  EXPECT_EQ(workload->jobs[0].cpu_milli, 4000u);
  EXPECT_EQ(workload->jobs[0].memory_mib, 8192u);
  EXPECT_EQ(workload->jobs[1].cpu_milli, 334u);  // 1000 / 3, rounded up, per task
  EXPECT_EQ(workload->jobs[1].memory_mib, 34u);
}

TEST(JobCsv, WriteThenReadRoundTrips) {
  const Cluster cluster = small_cluster();
  Tenants tenants;
  Result<Workload> workload = parse_jobs(
      "name,tenant,submit_s,duration_s,time_limit_s,devices,share_milli,types,locality,preemptible,checkpoint_s\n"
      "a,t1,0,100,150,1,250,RNGD:1,any,false,0\nb,t2,5,70,0,4,0,H100:2|RNGD:1,rack,true,9\n",
      cluster, tenants);
  ASSERT_TRUE(workload.is_ok());
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_npu_jobs_roundtrip.csv").string();
  ASSERT_TRUE(write_job_csv(*workload, cluster, tenants, path).is_ok());
  Tenants tenants2;
  TenantLookup lookup(tenants2, cluster.device_types.size(), true);
  Result<Workload> again = read_job_csv(path, cluster, lookup);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  ASSERT_EQ(again->jobs.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Job& x = workload->jobs[i];
    const Job& y = again->jobs[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.submit_s, y.submit_s);
    EXPECT_EQ(x.duration_s, y.duration_s);
    EXPECT_EQ(x.time_limit_s, y.time_limit_s);
    EXPECT_EQ(x.device_count, y.device_count);
    EXPECT_EQ(x.share_milli, y.share_milli);
    EXPECT_EQ(x.locality, y.locality);
    EXPECT_EQ(x.preemptible, y.preemptible);
    EXPECT_EQ(x.checkpoint_s, y.checkpoint_s);
    ASSERT_EQ(x.options.size(), y.options.size());
    EXPECT_EQ(x.options[0].type, y.options[0].type);
    EXPECT_DOUBLE_EQ(x.options[0].speed, y.options[0].speed);
  }
}

TEST(OpenbTrace, ReadsTheRealNodeAndPodLists) {
  const std::string dir = kTraces + "/alibaba-openb-2023/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "trace data not present";
  Result<Cluster> cluster = read_openb_nodes(dir + "openb_node_list_gpu_node.csv");
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  EXPECT_EQ(cluster->nodes.size(), 1213u);
  EXPECT_EQ(cluster->device_types.size(), 7u);  // A10 G2 G3 P100 T4 V100M16 V100M32
  EXPECT_EQ(cluster->device_types[0].sharing, Sharing::kMilli);
  Tenants tenants;
  TenantLookup lookup(tenants, cluster->device_types.size(), true);
  Result<Workload> pods = read_openb_pods(dir + "openb_pod_list_gpuspec33.csv", *cluster, lookup);
  ASSERT_TRUE(pods.is_ok()) << pods.status().to_string();
  EXPECT_EQ(pods->jobs.size() + pods->skipped_rows, 8152u);
  size_t fractional = 0;
  size_t constrained = 0;
  for (const Job& job : pods->jobs) {
    fractional += job.is_fractional() ? 1 : 0;
    constrained += job.options.size() < cluster->device_types.size() ? 1 : 0;
  }
  EXPECT_GT(fractional, 1000u);
  EXPECT_GT(constrained, 1000u);
  for (const Job& job : pods->jobs) EXPECT_GT(job.cpu_milli, 0u) << job.name;  // every openb pod asks for CPU
  EXPECT_GT(cluster->nodes.front().cpu_milli, 0u);
  Result<Workload> order_only = read_openb_pods(dir + "openb_pod_list_multigpu50.csv", *cluster, lookup);
  EXPECT_EQ(order_only.status().code(), ErrorCode::kUnsupported);
}

TEST(OpenbTrace, BadRowsNameTheLine) {
  const std::string path = (std::filesystem::temp_directory_path() / "bitgoeul_openb_bad_nodes.csv").string();
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("sn,cpu_milli,memory_mib,gpu,model\nn1,1,1,2,T4\nn2,1,1,two,T4\n", file);
    std::fclose(file);
  }
  const Status status = read_openb_nodes(path).status();
  EXPECT_EQ(status.message(), path + ":3: column 'gpu': 'two' is not an integer");
  const auto nodes_error = [&path](const char* text) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs(text, file);
    std::fclose(file);
    return read_openb_nodes(path).status().message();
  };
  EXPECT_EQ(nodes_error("sn,cpu_milli,memory_mib,gpu,model\nn1,0,1,2,T4\n"),
            path + ":2: column 'cpu_milli' must be between 1 and 1000000000000");
  EXPECT_EQ(nodes_error("sn,cpu_milli,memory_mib,gpu,model\nn1,1,-5,2,T4\n"),
            path + ":2: column 'memory_mib' must be between 1 and 1000000000000");
  // Pods: a gpu_spec naming a model the nodes do not have, a CPU pod with a GPU share.
  Cluster cluster;
  DeviceType t4;
  t4.name = "T4";
  t4.sharing = Sharing::kMilli;
  cluster.device_types.push_back(t4);
  cluster.add_node("n1", 0, "r", 2, 8000, 1024);
  const auto pods_error = [&path, &cluster](const char* text) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs(text, file);
    std::fclose(file);
    return read_openb_pod_requests(path, cluster).status().message();
  };
  const char* header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\n";
  EXPECT_EQ(pods_error((std::string(header) + "p1,1,1,1,1000,T4|A100\n").c_str()),
            path + ":2: gpu_spec names unknown GPU model 'A100'");
  EXPECT_EQ(pods_error((std::string(header) + "p1,1,1,1,1000,T4\np2,1,1,0,300,\n").c_str()),
            path + ":3: a pod with num_gpu = 0 must have gpu_milli = 0");
  EXPECT_EQ(pods_error((std::string(header) + "p1,-1,1,1,1000,\n").c_str()),
            path + ":2: column 'cpu_milli' must be between 0 and 1000000000000");
  Result<std::vector<PodRequest>> pods = [&] {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\np1,4000,2048,1,500,T4|T4\np2,2000,512,0,0,\n",
               file);
    std::fclose(file);
    return read_openb_pod_requests(path, cluster);
  }();
  ASSERT_TRUE(pods.is_ok()) << pods.status().to_string();
  ASSERT_EQ(pods->size(), 2u);
  EXPECT_EQ((*pods)[0].types, (std::vector<DeviceTypeIndex>{0}));  // named twice, kept once
  EXPECT_EQ((*pods)[0].cpu_milli, 4000u);
  EXPECT_EQ((*pods)[0].memory_mib, 2048u);
  EXPECT_EQ((*pods)[1].device_count, 0u);
  std::filesystem::remove(path);
}

TEST(Synthetic, SameSeedSameJobsAndCalibratedToPhilly) {
  const std::string philly = kTraces + "/philly-runtime/philly_runtime.csv";
  if (!std::filesystem::exists(philly)) GTEST_SKIP() << "trace data not present";
  Result<std::vector<int64_t>> runtimes = read_philly_runtimes(philly);
  ASSERT_TRUE(runtimes.is_ok()) << runtimes.status().to_string();
  EXPECT_EQ(runtimes->size(), 83154u);
  const Cluster cluster = small_cluster();
  Tenants tenants;
  tenants.add_unlimited_project("a", 2);
  tenants.add_unlimited_project("b", 2);
  SyntheticOptions options;
  options.runtimes_s = *runtimes;
  options.job_count = 5000;
  options.seed = 7;
  Result<Workload> first = generate_synthetic(options, cluster, tenants);
  Result<Workload> second = generate_synthetic(options, cluster, tenants);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  ASSERT_EQ(first->jobs.size(), 5000u);
  double total_runtime = 0.0;
  for (size_t i = 0; i < first->jobs.size(); ++i) {
    const Job& x = first->jobs[i];
    const Job& y = second->jobs[i];
    ASSERT_EQ(x.submit_s, y.submit_s);
    ASSERT_EQ(x.duration_s, y.duration_s);
    ASSERT_EQ(x.device_count, y.device_count);
    ASSERT_EQ(x.tenant, y.tenant);
    EXPECT_GE(x.time_limit_s, x.duration_s);
    EXPECT_TRUE(validate_job(x, cluster, tenants).is_ok());
    total_runtime += static_cast<double>(x.duration_s);
  }
  // Arrival rate and mean run time near Philly's (100.9 s between jobs; 14,613 s mean run time): loose bounds.
  const double mean_gap = static_cast<double>(first->jobs.back().submit_s) / 5000.0;
  EXPECT_NEAR(mean_gap, 100.9, 10.0);
  EXPECT_NEAR(total_runtime / 5000.0, 14613.0, 5000.0);
  options.seed = 8;
  Result<Workload> other = generate_synthetic(options, cluster, tenants);
  ASSERT_TRUE(other.is_ok());
  EXPECT_NE(other->jobs[0].submit_s + other->jobs[1].duration_s, first->jobs[0].submit_s + first->jobs[1].duration_s);
}

}  // namespace
}  // namespace bitgoeul::npu
