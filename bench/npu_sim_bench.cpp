// Replays a Philly-size synthetic trace — 117,000 jobs, run times drawn from the 83,154 Philly run times, sizes
// and shares from Alibaba's openb pods — on a 2,496-device center (312 nodes × 8 devices in 13 racks, four
// device types) under each policy. Target (issue 6): ≤ 10 s per replay on one core.
//   Philly/*       arrivals at Philly's published mean rate (one job every 100.9 s): a lightly loaded center
//   Philly-busy/*  arrivals every 4 s: about 95% offered load while jobs arrive, long queues — the hard case
//   Contended/*    20,000 jobs arriving every 0.5 s on the same center: a saturated queue, for comparing average
//                  JCT across fifo, tiresias and gavel beside the published Tiresias and Gavel ratios (README)
// Verification is off (it checks every invariant after every event; the unit tests run with it on).

#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "npu/cluster.h"
#include "npu/metrics.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/simulator.h"
#include "npu/synthetic_workload.h"

namespace {

using namespace bitgoeul;
using namespace bitgoeul::npu;

constexpr size_t kJobs = 117000;

Cluster make_center() {
  Cluster cluster;
  cluster.name = "bench center";
  const char* const names[] = {"RNGD", "ATOM", "REBEL", "H100"};
  for (const char* name : names) {
    DeviceType type;
    type.name = name;
    type.resource_name = name;
    type.sharing = Sharing::kMilli;
    cluster.device_types.push_back(type);
  }
  for (uint32_t n = 0; n < 312; ++n) {
    cluster.add_node(fmt::format("n{:03}", n), n % 4, fmt::format("rack-{:02}", n / 24), 8);
  }
  return cluster;
}

struct Bench {
  Cluster cluster = make_center();
  Tenants tenants;
  Workload light;
  Workload busy;
  Workload contended;
};

const Bench& bench_inputs() {
  static const std::unique_ptr<Bench> inputs = [] {
    auto b = std::make_unique<Bench>();
    for (int t = 0; t < 12; ++t) b->tenants.add_unlimited_project(fmt::format("vc{}", t), 4);
    Result<std::vector<int64_t>> runtimes =
        read_philly_runtimes(BITGOEUL_SHARED_DATA_DIR "/traces/philly-runtime/philly_runtime.csv");
    if (!runtimes.is_ok()) {
      fmt::print(stderr, "{}\n", runtimes.status().to_string());
      std::exit(1);
    }
    SyntheticOptions options;
    options.seed = 2024;
    options.job_count = kJobs;
    options.runtimes_s = *runtimes;
    options.type_speeds = {1.0, 0.6, 1.4, 2.0};
    b->light = std::move(generate_synthetic(options, b->cluster, b->tenants).value());
    options.mean_interarrival_s = 4.0;
    b->busy = std::move(generate_synthetic(options, b->cluster, b->tenants).value());
    options.job_count = 20000;
    options.mean_interarrival_s = 0.5;
    b->contended = std::move(generate_synthetic(options, b->cluster, b->tenants).value());
    return b;
  }();
  return *inputs;
}

enum class Load { kLight, kBusy, kContended };

void replay(benchmark::State& state, const std::string& policy_name, const std::string& placement_name, Load load) {
  const Bench& b = bench_inputs();
  const Workload& workload = load == Load::kBusy ? b.busy : load == Load::kContended ? b.contended : b.light;
  Metrics metrics;
  for (auto _ : state) {
    std::unique_ptr<Policy> policy = std::move(make_policy(policy_name, {}).value());
    std::unique_ptr<Placement> placement = std::move(make_placement(placement_name).value());
    placement->set_demand(demand_of(workload));
    Result<SimulationResult> result = simulate(b.cluster, b.tenants, workload, *policy, *placement, {});
    if (!result.is_ok()) {
      state.SkipWithError(result.status().to_string().c_str());
      return;
    }
    metrics = compute_metrics(b.cluster, b.tenants, workload, *result, policy_name, placement_name);
  }
  state.counters["jobs"] = static_cast<double>(metrics.jobs);
  state.counters["devices"] = b.cluster.device_count();
  state.counters["jct_mean_h"] = metrics.jct_s.mean / 3600.0;
  state.counters["wait_mean_h"] = metrics.wait_s.mean / 3600.0;
  state.counters["jct_p50_h"] = metrics.jct_s.p50 / 3600.0;
  state.counters["utilisation"] = metrics.utilisation_overall;
  state.counters["preemptions"] = static_cast<double>(metrics.preemptions);
  state.counters["events"] = static_cast<double>(metrics.events);
}

void register_all() {
  for (const bool busy : {false, true}) {
    for (const std::string& policy : policy_names()) {
      const std::string name = fmt::format("{}/{}/best-fit", busy ? "Philly-busy" : "Philly", policy);
      benchmark::RegisterBenchmark(name.c_str(), [policy, busy](benchmark::State& state) {
        replay(state, policy, "best-fit", busy ? Load::kBusy : Load::kLight);
      })->Unit(benchmark::kSecond)->Iterations(1);
    }
    for (const char* placement : {"first-fit", "topology", "fgd"}) {
      const std::string name = fmt::format("{}/easy/{}", busy ? "Philly-busy" : "Philly", placement);
      benchmark::RegisterBenchmark(name.c_str(), [placement, busy](benchmark::State& state) {
        replay(state, "easy", std::string(placement), busy ? Load::kBusy : Load::kLight);
      })->Unit(benchmark::kSecond)->Iterations(1);
    }
  }
  for (const char* policy : {"fifo", "tiresias", "gavel", "gavel-lp"}) {
    const std::string name = fmt::format("Contended/{}/best-fit", policy);
    benchmark::RegisterBenchmark(name.c_str(), [policy](benchmark::State& state) {
      replay(state, policy, "best-fit", Load::kContended);
    })->Unit(benchmark::kSecond)->Iterations(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
