#pragma once
// Test helpers (included by *_test.cpp only): write a tenants.toml from a table, build a scenario from inline TOML
// and CSV and run it with verification on.

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "npu/cluster_file.h"
#include "npu/job_csv.h"
#include "npu/metrics.h"
#include "npu/simulator.h"
#include "npu/tenants.h"

namespace bitgoeul::npu::testing {

struct Scenario {
  Cluster cluster;
  Tenants tenants;
  Workload workload;
};

// One tenant of a tenants.toml (docs/npu-formats.md), written as a row of the test's table; empty fields are left
// out.
struct TenantEntry {
  std::string name{};
  std::string kind{};        // programme, organisation or project
  std::string parent{};
  std::string guaranteed{};  // the inline table's contents, e.g. "H100 = 1, RNGD = 0.5"
  std::string maximum{};
  std::optional<double> voucher_device_hours{};
};

// The tenants.toml text of the entries, in their order.
inline std::string tenants_toml(const std::vector<TenantEntry>& entries) {
  std::string text;
  for (const TenantEntry& entry : entries) {
    text += fmt::format("[[tenants]]\nname = \"{}\"\nkind = \"{}\"\n", entry.name, entry.kind);
    if (!entry.parent.empty()) text += fmt::format("parent = \"{}\"\n", entry.parent);
    if (!entry.guaranteed.empty()) text += fmt::format("guaranteed = {{ {} }}\n", entry.guaranteed);
    if (!entry.maximum.empty()) text += fmt::format("maximum = {{ {} }}\n", entry.maximum);
    if (entry.voucher_device_hours) text += fmt::format("voucher_device_hours = {}\n", *entry.voucher_device_hours);
  }
  return text;
}

// REQUIRES (asserted): the texts parse. tenants_toml empty: tenants come from the jobs' names, unlimited.
inline Scenario make_scenario(const std::string& cluster_toml, const std::string& tenants_toml,
                              const std::string& jobs_csv) {
  Scenario scenario;
  Result<Cluster> cluster = parse_cluster(cluster_toml, "cluster.toml");
  EXPECT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  if (!cluster.is_ok()) return scenario;
  scenario.cluster = std::move(*cluster);
  if (!tenants_toml.empty()) {
    Result<Tenants> tenants = parse_tenants(tenants_toml, "tenants.toml", scenario.cluster);
    EXPECT_TRUE(tenants.is_ok()) << tenants.status().to_string();
    if (tenants.is_ok()) scenario.tenants = std::move(*tenants);
  }
  TenantLookup lookup(scenario.tenants, scenario.cluster.device_types.size(), tenants_toml.empty());
  Result<Workload> workload = parse_job_csv(jobs_csv, "jobs.csv", scenario.cluster, lookup);
  EXPECT_TRUE(workload.is_ok()) << workload.status().to_string();
  if (workload.is_ok()) scenario.workload = std::move(*workload);
  return scenario;
}

// What a test changes in SimulationOptions.
struct RunOptions {
  bool reclaim_quota = true;
  int64_t sample_interval_s = 0;  // 0: no time series
};

// Runs the scenario with verification on (every invariant checked after every event).
inline SimulationResult run(const Scenario& scenario, const std::string& policy_name,
                            const std::string& placement_name = "first-fit", PolicyOptions policy_options = {},
                            RunOptions run_options = {}) {
  Result<std::unique_ptr<Policy>> policy = make_policy(policy_name, policy_options);
  Result<std::unique_ptr<Placement>> placement = make_placement(placement_name);
  EXPECT_TRUE(policy.is_ok() && placement.is_ok());
  if (!policy.is_ok() || !placement.is_ok()) return {};
  (*placement)->set_demand(demand_of(scenario.workload));
  SimulationOptions options;
  options.verify = true;
  options.reclaim_quota = run_options.reclaim_quota;
  options.sample_interval_s = run_options.sample_interval_s;
  Result<SimulationResult> result =
      simulate(scenario.cluster, scenario.tenants, scenario.workload, **policy, **placement, options);
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  if (!result.is_ok()) return {};
  return std::move(*result);
}

// Start times by job name, in workload order.
inline std::vector<std::pair<std::string, int64_t>> starts(const Scenario& scenario, const SimulationResult& result) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t j = 0; j < scenario.workload.jobs.size() && j < result.jobs.size(); ++j) {
    out.emplace_back(scenario.workload.jobs[j].name, result.jobs[j].first_start_s);
  }
  return out;
}

}  // namespace bitgoeul::npu::testing
