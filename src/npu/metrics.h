#pragma once
// What a simulation run measured, overall and per tenant, and the files it is written to: jobs.csv (one row per
// job) and metrics.json.
//
// Definitions. JCT = end − submit; queueing delay = time spent queued over all attempts; both over jobs that ran
// to the end (completed or timed out). Percentiles are nearest-rank. Makespan = last end − first submission.
// Utilisation per device type = allocated thousandths integrated over the makespan / capacity × makespan.
// Fragmentation = the time-average of free capacity that none of the first 64 queued jobs could use (in devices),
// also as a fraction of the time-averaged free capacity. Fairness: each project with jobs gets x = (its share of
// billed device-hours) / (its share of entitlement by normalised shares among those projects); Jain's index
// (Σx)² / (n Σx²) is 1 when every project received what it was entitled to.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "npu/job.h"
#include "npu/simulator.h"

namespace bitgoeul::npu {

struct Distribution {
  size_t count = 0;
  double mean = 0.0;
  double p50 = 0.0;
  double p99 = 0.0;
  double max = 0.0;
};
Distribution summarise(std::vector<double> values);

struct TenantMetrics {
  std::string name;
  size_t jobs = 0;
  size_t finished = 0;
  Distribution jct_s;
  Distribution wait_s;
  double device_hours = 0.0;  // billed
  double share_received = 0.0;
  double share_entitled = 0.0;
  double voucher_budget_hours = -1.0;  // -1: no voucher
  double voucher_burnt_hours = 0.0;
  uint64_t preemptions = 0;
};

struct Metrics {
  std::string policy;
  std::string placement;
  size_t jobs = 0;
  size_t completed = 0;
  size_t timed_out = 0;
  size_t never_started = 0;
  Distribution jct_s;
  Distribution wait_s;
  int64_t makespan_s = 0;
  std::vector<std::pair<std::string, double>> utilisation;  // per device type
  double utilisation_overall = 0.0;
  double fragmented_devices = 0.0;
  double fragmented_fraction_of_free = 0.0;
  double mean_queue_length = 0.0;
  double jain_fairness = 1.0;
  uint64_t preemptions = 0;
  uint64_t events = 0;
  std::vector<TenantMetrics> tenants;  // projects with jobs, in tenant order
};

Metrics compute_metrics(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                        const SimulationResult& result, std::string policy, std::string placement);

// JCT (end − submit) of every finished job, in job order.
std::vector<double> completion_times_s(const Workload& workload, const SimulationResult& result);

// timeseries.csv: time_s, queued, running, then used devices per device type (fractional), one row per sample.
Status write_timeseries_csv(const Cluster& cluster, const TimeSeries& series, const std::string& path);

Status write_jobs_csv(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                      const SimulationResult& result, const std::string& path);
Status write_metrics_json(const Metrics& metrics, const std::string& path);
std::string metrics_json(const Metrics& metrics);

}  // namespace bitgoeul::npu
