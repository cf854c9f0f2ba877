#include "npu/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

namespace bitgoeul::npu {

Distribution summarise(std::vector<double> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double sum = 0.0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(values.size());
  const auto rank = [&values](double q) {
    const auto index = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(index, 1, values.size()) - 1];
  };
  d.p50 = rank(0.50);
  d.p99 = rank(0.99);
  d.max = values.back();
  return d;
}

Metrics compute_metrics(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                        const SimulationResult& result, std::string policy, std::string placement) {
  Metrics m;
  m.policy = std::move(policy);
  m.placement = std::move(placement);
  m.jobs = workload.jobs.size();
  m.events = result.totals.events;
  std::vector<double> jct;
  std::vector<double> wait;
  std::vector<std::vector<double>> tenant_jct(tenants.size());
  std::vector<std::vector<double>> tenant_wait(tenants.size());
  std::vector<size_t> tenant_jobs(tenants.size(), 0);
  std::vector<uint64_t> tenant_preemptions(tenants.size(), 0);
  std::vector<double> tenant_hours(tenants.size(), 0.0);
  for (JobIndex j = 0; j < workload.jobs.size(); ++j) {
    const Job& job = workload.jobs[j];
    const JobProgress& p = result.jobs[j];
    ++tenant_jobs[job.tenant];
    tenant_preemptions[job.tenant] += p.preemptions;
    m.preemptions += p.preemptions;
    tenant_hours[job.tenant] += p.attained_device_s / 3600.0 *
                                (p.first_start_s >= 0 ? cluster.device_types[p.allocation.type].billing_weight : 0.0);
    switch (p.outcome) {
      case JobOutcome::kCompleted: ++m.completed; break;
      case JobOutcome::kTimedOut: ++m.timed_out; break;
      case JobOutcome::kNeverStarted: ++m.never_started; break;
      case JobOutcome::kNone: break;
    }
    if (p.state != JobState::kFinished) continue;
    jct.push_back(static_cast<double>(p.end_s - job.submit_s));
    wait.push_back(static_cast<double>(p.waited_s));
    tenant_jct[job.tenant].push_back(jct.back());
    tenant_wait[job.tenant].push_back(wait.back());
  }
  m.jct_s = summarise(jct);
  m.wait_s = summarise(wait);
  m.makespan_s = result.totals.last_end_s - result.totals.first_submit_s;
  const std::vector<uint32_t> capacity = cluster.devices_per_type();
  double used_total = 0.0;
  double capacity_total = 0.0;
  double fragmented = 0.0;
  double free = 0.0;
  const double span = static_cast<double>(std::max<int64_t>(1, m.makespan_s));
  for (DeviceTypeIndex t = 0; t < cluster.device_types.size(); ++t) {
    const double cap = static_cast<double>(capacity[t]) * kMilliPerDevice * span;
    m.utilisation.emplace_back(cluster.device_types[t].name, cap > 0.0 ? result.totals.used_milli_s[t] / cap : 0.0);
    used_total += result.totals.used_milli_s[t];
    capacity_total += cap;
    fragmented += result.totals.fragmented_milli_s[t];
    free += result.totals.free_milli_s[t];
  }
  m.utilisation_overall = capacity_total > 0.0 ? used_total / capacity_total : 0.0;
  m.fragmented_devices = fragmented / kMilliPerDevice / span;
  m.fragmented_fraction_of_free = free > 0.0 ? fragmented / free : 0.0;
  m.mean_queue_length = result.totals.queue_length_s / span;

  // Burn per tenant is on the accounting; recompute from the jobs (billed device-hours) up the chain.
  std::vector<double> burnt(tenants.size(), 0.0);
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    for (TenantIndex a : tenants.chain(t)) burnt[a] += tenant_hours[t];
  }
  double received_total = 0.0;
  double entitled_total = 0.0;
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    if (tenant_jobs[t] == 0) continue;
    received_total += tenant_hours[t];
    entitled_total += tenants.normalised_shares(t);
  }
  double sum_x = 0.0;
  double sum_x2 = 0.0;
  for (TenantIndex t = 0; t < tenants.size(); ++t) {
    const Tenant& tenant = tenants.tenants[t];
    if (tenant_jobs[t] == 0) continue;
    TenantMetrics tm;
    tm.name = tenant.name;
    tm.jobs = tenant_jobs[t];
    tm.finished = tenant_jct[t].size();
    tm.jct_s = summarise(tenant_jct[t]);
    tm.wait_s = summarise(tenant_wait[t]);
    tm.device_hours = tenant_hours[t];
    tm.share_received = received_total > 0.0 ? tenant_hours[t] / received_total : 0.0;
    tm.share_entitled = entitled_total > 0.0 ? tenants.normalised_shares(t) / entitled_total : 0.0;
    tm.preemptions = tenant_preemptions[t];
    for (TenantIndex a : tenants.chain(t)) {
      if (tenants.tenants[a].voucher_device_hours) {
        tm.voucher_budget_hours = *tenants.tenants[a].voucher_device_hours;
        tm.voucher_burnt_hours = burnt[a];
        break;
      }
    }
    const double x = tm.share_entitled > 0.0 ? tm.share_received / tm.share_entitled : 0.0;
    sum_x += x;
    sum_x2 += x * x;
    m.tenants.push_back(std::move(tm));
  }
  m.jain_fairness = sum_x2 > 0.0 ? sum_x * sum_x / (static_cast<double>(m.tenants.size()) * sum_x2) : 1.0;
  return m;
}

std::vector<double> completion_times_s(const Workload& workload, const SimulationResult& result) {
  std::vector<double> jct;
  for (JobIndex j = 0; j < workload.jobs.size() && j < result.jobs.size(); ++j) {
    const JobProgress& p = result.jobs[j];
    if (p.state == JobState::kFinished) jct.push_back(static_cast<double>(p.end_s - workload.jobs[j].submit_s));
  }
  return jct;
}

Status write_timeseries_csv(const Cluster& cluster, const TimeSeries& series, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  fmt::print(file.get(), "time_s,queued,running");
  for (const DeviceType& type : cluster.device_types) fmt::print(file.get(), ",used_{}", type.name);
  fmt::print(file.get(), "\n");
  for (size_t i = 0; i < series.size(); ++i) {
    fmt::print(file.get(), "{},{},{}", series.time_s(i), series.queued_jobs[i], series.running_jobs[i]);
    for (const std::vector<int64_t>& used : series.used_milli) {
      fmt::print(file.get(), ",{}", static_cast<double>(used[i]) / kMilliPerDevice);
    }
    fmt::print(file.get(), "\n");
  }
  if (std::ferror(file.get()) != 0) return io_error("{}: write failed", path);
  return Status::ok();
}

Status write_jobs_csv(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                      const SimulationResult& result, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  fmt::print(file.get(),
             "name,tenant,submit_s,first_start_s,end_s,wait_s,jct_s,outcome,device_type,devices,milli_per_device,"
             "first_device,preemptions\n");
  for (JobIndex j = 0; j < workload.jobs.size(); ++j) {
    const Job& job = workload.jobs[j];
    const JobProgress& p = result.jobs[j];
    const bool ran = p.first_start_s >= 0;
    fmt::print(file.get(), "{},{},{},{},{},{},{},{},{},{},{},{},{}\n", job.name, tenants.tenants[job.tenant].name,
               job.submit_s, p.first_start_s, p.end_s, p.waited_s, p.end_s >= 0 ? p.end_s - job.submit_s : -1,
               job_outcome_name(p.outcome), ran ? cluster.device_types[p.allocation.type].name : "",
               ran ? p.allocation.devices.size() : 0, ran ? p.allocation.milli_per_device : 0,
               ran && !p.allocation.devices.empty() ? int64_t{p.allocation.devices.front()} : -1, p.preemptions);
  }
  if (std::ferror(file.get()) != 0) return io_error("{}: write failed", path);
  return Status::ok();
}

namespace {

nlohmann::json to_json(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"p50", d.p50}, {"p99", d.p99}, {"max", d.max}};
}

}  // namespace

std::string metrics_json(const Metrics& m) {
  nlohmann::json json;
  json["policy"] = m.policy;
  json["placement"] = m.placement;
  json["jobs"] = m.jobs;
  json["completed"] = m.completed;
  json["timed_out"] = m.timed_out;
  json["never_started"] = m.never_started;
  json["jct_s"] = to_json(m.jct_s);
  json["queueing_delay_s"] = to_json(m.wait_s);
  json["makespan_s"] = m.makespan_s;
  nlohmann::json utilisation = nlohmann::json::object();
  for (const auto& [name, value] : m.utilisation) utilisation[name] = value;
  json["utilisation"] = utilisation;
  json["utilisation_overall"] = m.utilisation_overall;
  json["fragmented_devices"] = m.fragmented_devices;
  json["fragmented_fraction_of_free"] = m.fragmented_fraction_of_free;
  json["mean_queue_length"] = m.mean_queue_length;
  json["jain_fairness"] = m.jain_fairness;
  json["preemptions"] = m.preemptions;
  json["events"] = m.events;
  nlohmann::json tenants = nlohmann::json::array();
  for (const TenantMetrics& t : m.tenants) {
    nlohmann::json entry = {{"name", t.name},
                            {"jobs", t.jobs},
                            {"finished", t.finished},
                            {"jct_s", to_json(t.jct_s)},
                            {"queueing_delay_s", to_json(t.wait_s)},
                            {"device_hours", t.device_hours},
                            {"share_received", t.share_received},
                            {"share_entitled", t.share_entitled},
                            {"preemptions", t.preemptions}};
    if (t.voucher_budget_hours >= 0.0) {
      entry["voucher_budget_hours"] = t.voucher_budget_hours;
      entry["voucher_burnt_hours"] = t.voucher_burnt_hours;
    }
    tenants.push_back(std::move(entry));
  }
  json["tenants"] = tenants;
  return json.dump(2);
}

Status write_metrics_json(const Metrics& metrics, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) return io_error("{}: cannot create file", path);
  const std::string text = metrics_json(metrics) + "\n";
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) return io_error("{}: write failed", path);
  return Status::ok();
}

}  // namespace bitgoeul::npu
