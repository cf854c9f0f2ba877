#include "npu/simulator.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <tuple>

#include "npu/quota_reclaim.h"

namespace bitgoeul::npu {

const char* job_outcome_name(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::kNone: return "none";
    case JobOutcome::kCompleted: return "completed";
    case JobOutcome::kTimedOut: return "timed_out";
    case JobOutcome::kNeverStarted: return "never_started";
  }
  return "?";
}

namespace {

enum class EventKind : uint8_t { kFinish = 0, kTimer = 1 };

struct Event {
  int64_t time_s;
  EventKind kind;
  JobIndex job;
  uint64_t generation;
  bool operator>(const Event& other) const {
    return std::tie(time_s, kind, job, generation) > std::tie(other.time_s, other.kind, other.job, other.generation);
  }
};

// Work a job must do (reference seconds): its duration, cut by its time limit.
double target_work_s(const Job& job) {
  return static_cast<double>(job.time_limit_s > 0 ? std::min(job.duration_s, job.time_limit_s) : job.duration_s);
}

class Simulation final : public SchedulingContext {
 public:
  Simulation(const Cluster& cluster, const Tenants& tenants, const Workload& workload, Policy& policy,
             Placement& placement, const SimulationOptions& options)
      : cluster_(cluster),
        tenants_(tenants),
        workload_(workload),
        policy_(policy),
        placement_(placement),
        options_(options),
        state_(cluster),
        accounting_(cluster, tenants, options.usage_half_life_s),
        progress_(workload.jobs.size()) {
    const size_t types = cluster.device_types.size();
    totals_.used_milli_s.assign(types, 0.0);
    totals_.fragmented_milli_s.assign(types, 0.0);
    totals_.free_milli_s.assign(types, 0.0);
    fragmented_milli_.assign(types, 0);
    series_.interval_s = std::max<int64_t>(0, options.sample_interval_s);
    series_.used_milli.assign(series_.interval_s > 0 ? types : 0, {});
  }

  Result<SimulationResult> run();

  // SchedulingContext
  int64_t now_s() const override { return now_s_; }
  const Cluster& cluster() const override { return cluster_; }
  const Tenants& tenants() const override { return tenants_; }
  const std::vector<Job>& jobs() const override { return workload_.jobs; }
  const JobProgress& progress(JobIndex job) const override { return progress_[job]; }
  const std::vector<JobIndex>& waiting() const override { return waiting_; }
  const std::vector<JobIndex>& running() const override { return running_; }
  const ClusterState& state() const override { return state_; }
  const Accounting& accounting() const override { return accounting_; }
  bool admissible(JobIndex job) const override;
  std::optional<Plan> plan(JobIndex job, const ClusterState& state, const std::vector<uint8_t>* blocked,
                           bool check_admission) const override;
  void start(JobIndex job, const Plan& plan) override;
  // Live mode: a job already running when the simulation starts.
  Status resume(const SimulationOptions::Running& running);
  void preempt(JobIndex job) override;
  int64_t remaining_limit_s(JobIndex job) const override;
  int64_t limit_wall_s(JobIndex job, uint32_t option) const override;
  double attained_device_s(JobIndex job) const override;

 private:
  uint32_t granted(const Job& job, const JobOption& option) const {
    if (!job.is_fractional()) return kMilliPerDevice;
    return granted_milli(cluster_.device_types[option.type], job.share_milli).value_or(0);
  }
  double device_fraction(const Job& job, const JobOption& option) const {
    return static_cast<double>(granted(job, option)) * job.device_count / kMilliPerDevice;
  }
  int64_t restore_s(JobIndex job) const {
    return progress_[job].preemptions > 0 ? workload_.jobs[job].checkpoint_s : 0;
  }
  void advance_to(int64_t time_s);
  void sample_before(int64_t time_s);
  void finish(JobIndex job);
  void stop_running(JobIndex job, double burnt_hours);
  void compact_lists();
  void measure_fragmentation();
  Status verify() const;

  const Cluster& cluster_;
  const Tenants& tenants_;
  const Workload& workload_;
  Policy& policy_;
  Placement& placement_;
  const SimulationOptions& options_;
  ClusterState state_;
  Accounting accounting_;
  std::vector<JobProgress> progress_;
  std::vector<JobIndex> waiting_;
  std::vector<JobIndex> running_;
  std::vector<JobIndex> requeued_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  int64_t now_s_ = 0;
  int64_t pending_timer_s_ = -1;
  size_t finished_ = 0;
  std::vector<int64_t> fragmented_milli_;
  SimulationTotals totals_;
  TimeSeries series_;
  int64_t next_sample_s_ = 0;
  // "Does not fit" answers for request shapes on the current state version (plans on the live state only).
  mutable uint64_t failed_version_ = ~uint64_t{0};
  mutable std::vector<std::tuple<DeviceTypeIndex, uint32_t, uint32_t, Locality, uint64_t, uint64_t>> failed_shapes_;
};

bool Simulation::admissible(JobIndex job_index) const {
  const Job& job = workload_.jobs[job_index];
  for (uint32_t o = 0; o < job.options.size(); ++o) {
    const JobOption& option = job.options[o];
    const uint32_t milli = granted(job, option);
    if (milli == 0) continue;
    const int64_t total = int64_t{milli} * job.device_count;
    if (!accounting_.quota_allows(job.tenant, option.type, total, job.preemptible)) continue;
    const double hours = cluster_.device_types[option.type].billing_weight * device_fraction(job, option) *
                         static_cast<double>(limit_wall_s(job_index, o)) / 3600.0;
    if (accounting_.voucher_allows(job.tenant, hours)) return true;
  }
  return false;
}

std::optional<Plan> Simulation::plan(JobIndex job_index, const ClusterState& state,
                                     const std::vector<uint8_t>* blocked, bool check_admission) const {
  const Job& job = workload_.jobs[job_index];
  const bool live = &state == &state_ && blocked == nullptr;
  if (live && failed_version_ != state_.version()) {
    failed_version_ = state_.version();
    failed_shapes_.clear();
  }
  for (uint32_t o = 0; o < job.options.size(); ++o) {
    const JobOption& option = job.options[o];
    const uint32_t milli = granted(job, option);
    if (milli == 0) continue;
    const int64_t total = int64_t{milli} * job.device_count;
    if (check_admission) {
      if (!accounting_.quota_allows(job.tenant, option.type, total, job.preemptible)) continue;
      const double hours = cluster_.device_types[option.type].billing_weight * device_fraction(job, option) *
                           static_cast<double>(limit_wall_s(job_index, o)) / 3600.0;
      if (!accounting_.voucher_allows(job.tenant, hours)) continue;
    }
    if (milli == kMilliPerDevice ? state.free_devices_of_type(option.type) < job.device_count
                                 : state.free_milli_of_type(option.type) < milli) {
      continue;
    }
    const auto shape =
        std::make_tuple(option.type, job.device_count, milli, job.locality, job.cpu_milli, job.memory_mib);
    if (live && std::find(failed_shapes_.begin(), failed_shapes_.end(), shape) != failed_shapes_.end()) continue;
    std::optional<Allocation> allocation =
        placement_.place(state, {option.type, job.device_count, milli, job.locality, job.cpu_milli, job.memory_mib},
                         blocked);
    if (allocation) return Plan{o, std::move(*allocation)};
    if (live) failed_shapes_.push_back(shape);
  }
  return std::nullopt;
}

int64_t Simulation::limit_wall_s(JobIndex job_index, uint32_t option) const {
  const Job& job = workload_.jobs[job_index];
  const double remaining = std::max(1.0, static_cast<double>(job.estimate_s()) - progress_[job_index].work_done_s);
  return restore_s(job_index) + scaled_duration_s(static_cast<int64_t>(std::ceil(remaining)), job.options[option].speed);
}

int64_t Simulation::remaining_limit_s(JobIndex job_index) const {
  const JobProgress& p = progress_[job_index];
  const int64_t end = p.attempt_start_s + limit_wall_s(job_index, p.option);
  return std::max<int64_t>(0, end - now_s_);
}

double Simulation::attained_device_s(JobIndex job_index) const {
  const JobProgress& p = progress_[job_index];
  double attained = p.attained_device_s;
  if (p.state == JobState::kRunning) {
    // The allocation holds exactly the granted share of each device (verify() checks it): devices × share.
    attained += static_cast<double>(p.allocation.total_milli()) / kMilliPerDevice *
                static_cast<double>(now_s_ - p.attempt_start_s);
  }
  return attained;
}

void Simulation::start(JobIndex job_index, const Plan& plan) {
  const Job& job = workload_.jobs[job_index];
  JobProgress& p = progress_[job_index];
  const JobOption& option = job.options[plan.option];
  // limit_wall_s depends on preemptions/work_done, which are still those of the last run: compute first.
  const int64_t limit_wall = limit_wall_s(job_index, plan.option);
  const int64_t restore = restore_s(job_index);
  state_.allocate(plan.allocation);
  p.state = JobState::kRunning;
  p.option = plan.option;
  p.allocation = plan.allocation;
  p.waited_s += now_s_ - p.queued_since_s;
  if (p.first_start_s < 0) p.first_start_s = now_s_;
  p.attempt_start_s = now_s_;
  p.run_from_s = now_s_ + restore;
  p.rate = cluster_.device_types[option.type].billing_weight * device_fraction(job, option);
  p.reserved_hours = p.rate * static_cast<double>(limit_wall) / 3600.0;
  ++p.generation;
  accounting_.on_start(job.tenant, option.type, plan.allocation.total_milli(), job.preemptible, p.reserved_hours,
                       p.rate);
  const double remaining = std::max(0.0, target_work_s(job) - p.work_done_s);
  const int64_t wall = restore + scaled_duration_s(static_cast<int64_t>(std::ceil(remaining - 1e-9)), option.speed);
  events_.push({now_s_ + wall, EventKind::kFinish, job_index, p.generation});
  running_.push_back(job_index);
}

Status Simulation::resume(const SimulationOptions::Running& running) {
  if (running.job >= workload_.jobs.size()) return invalid_input("running job index {} out of range", running.job);
  const Job& job = workload_.jobs[running.job];
  JobProgress& p = progress_[running.job];
  if (p.state != JobState::kFuture) return invalid_input("job '{}' listed as running twice", job.name);
  if (running.started_s > now_s_) return invalid_input("job '{}' starts after the simulation does", job.name);
  std::optional<uint32_t> option;
  for (uint32_t o = 0; o < job.options.size() && !option; ++o) {
    if (job.options[o].type == running.allocation.type) option = o;
  }
  if (!option) return invalid_input("job '{}' runs on a device type it does not accept", job.name);
  if (!state_.fits(running.allocation)) {
    return invalid_input("job '{}': its devices are taken or do not exist in the cluster", job.name);
  }
  state_.allocate(running.allocation);
  const JobOption& chosen = job.options[*option];
  p.state = JobState::kRunning;
  p.option = *option;
  p.allocation = running.allocation;
  p.first_start_s = p.attempt_start_s = p.run_from_s = running.started_s;
  p.queued_since_s = running.started_s;
  p.waited_s = std::max<int64_t>(0, running.started_s - job.submit_s);
  p.rate = cluster_.device_types[chosen.type].billing_weight * device_fraction(job, chosen);
  p.reserved_hours = p.rate * static_cast<double>(job.estimate_s()) / 3600.0;
  ++p.generation;
  accounting_.on_start(job.tenant, chosen.type, running.allocation.total_milli(), job.preemptible, p.reserved_hours,
                       p.rate);
  const int64_t wall = scaled_duration_s(static_cast<int64_t>(std::ceil(target_work_s(job) - 1e-9)), chosen.speed);
  events_.push({std::max(now_s_, running.started_s + wall), EventKind::kFinish, running.job, p.generation});
  running_.push_back(running.job);
  return Status::ok();
}

void Simulation::stop_running(JobIndex job_index, double burnt_hours) {
  const Job& job = workload_.jobs[job_index];
  JobProgress& p = progress_[job_index];
  state_.release(p.allocation);
  accounting_.on_stop(job.tenant, job.options[p.option].type, p.allocation.total_milli(), job.preemptible,
                      p.reserved_hours, p.rate, burnt_hours);
  p.attained_device_s += device_fraction(job, job.options[p.option]) * static_cast<double>(now_s_ - p.attempt_start_s);
  p.reserved_hours = 0.0;
  ++p.generation;
}

void Simulation::preempt(JobIndex job_index) {
  JobProgress& p = progress_[job_index];
  const Job& job = workload_.jobs[job_index];
  if (p.state != JobState::kRunning || !job.preemptible) return;
  const double speed = job.options[p.option].speed;
  p.work_done_s = std::min(target_work_s(job),
                           p.work_done_s + static_cast<double>(std::max<int64_t>(0, now_s_ - p.run_from_s)) * speed);
  stop_running(job_index, p.rate * static_cast<double>(now_s_ - p.attempt_start_s) / 3600.0);
  p.state = JobState::kWaiting;
  p.queued_since_s = now_s_;
  ++p.preemptions;
  requeued_.push_back(job_index);
}

void Simulation::finish(JobIndex job_index) {
  JobProgress& p = progress_[job_index];
  const Job& job = workload_.jobs[job_index];
  stop_running(job_index, p.rate * static_cast<double>(now_s_ - p.attempt_start_s) / 3600.0);
  p.work_done_s = target_work_s(job);
  p.state = JobState::kFinished;
  p.end_s = now_s_;
  p.outcome = job.time_limit_s > 0 && job.time_limit_s < job.duration_s ? JobOutcome::kTimedOut
                                                                        : JobOutcome::kCompleted;
  totals_.last_end_s = std::max(totals_.last_end_s, now_s_);
  ++finished_;
}

void Simulation::sample_before(int64_t time_s) {
  if (series_.interval_s <= 0) return;
  while (next_sample_s_ < time_s) {
    if (series_.size() == kMaxTimeSeriesSamples) {
      // Halve the resolution: keep samples 0, 2, 4, ... (exactly the instants of the doubled interval).
      const auto keep_even = [](auto& values) {
        for (size_t i = 0; 2 * i < values.size(); ++i) values[i] = values[2 * i];
        values.resize((values.size() + 1) / 2);
      };
      keep_even(series_.queued_jobs);
      keep_even(series_.running_jobs);
      for (std::vector<int64_t>& used : series_.used_milli) keep_even(used);
      series_.interval_s *= 2;
      next_sample_s_ = series_.time_s(series_.size());
      continue;
    }
    series_.queued_jobs.push_back(static_cast<uint32_t>(waiting_.size()));
    series_.running_jobs.push_back(static_cast<uint32_t>(running_.size()));
    for (DeviceTypeIndex t = 0; t < series_.used_milli.size(); ++t) {
      series_.used_milli[t].push_back(state_.used_milli_of_type(t));
    }
    next_sample_s_ += series_.interval_s;
  }
}

void Simulation::advance_to(int64_t time_s) {
  sample_before(time_s);
  const double dt = static_cast<double>(time_s - now_s_);
  if (dt > 0.0) {
    for (DeviceTypeIndex t = 0; t < cluster_.device_types.size(); ++t) {
      totals_.used_milli_s[t] += static_cast<double>(state_.used_milli_of_type(t)) * dt;
      totals_.free_milli_s[t] += static_cast<double>(state_.free_milli_of_type(t)) * dt;
      totals_.fragmented_milli_s[t] += static_cast<double>(fragmented_milli_[t]) * dt;
    }
    totals_.queue_length_s += static_cast<double>(waiting_.size()) * dt;
  }
  now_s_ = time_s;
  accounting_.advance(time_s);
}

void Simulation::compact_lists() {
  std::erase_if(running_, [this](JobIndex j) { return progress_[j].state != JobState::kRunning; });
  std::erase_if(waiting_, [this](JobIndex j) { return progress_[j].state != JobState::kWaiting; });
  if (!requeued_.empty()) {
    // Keep submission order (job indices are in submission order).
    // A job started and preempted again within one pass is both still listed and requeued: list it once.
    waiting_.insert(waiting_.end(), requeued_.begin(), requeued_.end());
    std::sort(waiting_.begin(), waiting_.end());
    waiting_.erase(std::unique(waiting_.begin(), waiting_.end()), waiting_.end());
    requeued_.clear();
  }
}

void Simulation::measure_fragmentation() {
  // Free capacity that none of the first queued jobs could use right now (the definition); free capacity
  // of a type nobody waits for is idle, not fragmented.
  constexpr size_t kJobsConsidered = 64;
  const size_t types = cluster_.device_types.size();
  std::vector<uint32_t> max_whole_gang(types, 0);  // 0: no whole-device job waits for the type
  std::vector<uint32_t> min_share(types, kMilliPerDevice + 1);
  std::vector<uint8_t> wanted(types, 0);
  std::vector<uint32_t> min_whole_gang(types, ~uint32_t{0});
  for (size_t i = 0; i < waiting_.size() && i < kJobsConsidered; ++i) {
    const Job& job = workload_.jobs[waiting_[i]];
    for (const JobOption& option : job.options) {
      wanted[option.type] = 1;
      const uint32_t milli = granted(job, option);
      if (milli == 0) continue;
      if (milli < kMilliPerDevice) {
        min_share[option.type] = std::min(min_share[option.type], milli);
      } else {
        min_whole_gang[option.type] = std::min(min_whole_gang[option.type], job.device_count);
      }
    }
  }
  for (DeviceTypeIndex t = 0; t < types; ++t) {
    fragmented_milli_[t] = 0;
    if (!wanted[t]) continue;
    const int64_t free_whole = state_.free_devices_of_type(t);
    const int64_t free_total = state_.free_milli_of_type(t);
    const bool whole_usable = min_share[t] <= kMilliPerDevice || free_whole >= min_whole_gang[t];
    int64_t usable = whole_usable ? free_whole * kMilliPerDevice : 0;
    if (min_share[t] < kMilliPerDevice && free_total > free_whole * kMilliPerDevice) {
      for (NodeIndex n : state_.nodes_of_type(t)) {
        const Node& node = cluster_.nodes[n];
        for (DeviceIndex d = node.first_device; d < node.first_device + node.device_count; ++d) {
          const uint32_t free = state_.free_milli(d);
          if (free < kMilliPerDevice && free >= min_share[t]) usable += free;
        }
      }
    }
    fragmented_milli_[t] = free_total - usable;
  }
}

Status Simulation::verify() const {
  std::vector<uint32_t> used(cluster_.device_count(), 0);
  std::vector<uint64_t> cpu_used(cluster_.nodes.size(), 0);
  std::vector<uint64_t> memory_used(cluster_.nodes.size(), 0);
  for (JobIndex j = 0; j < progress_.size(); ++j) {
    const JobProgress& p = progress_[j];
    const Job& job = workload_.jobs[j];
    if (p.state != JobState::kRunning) continue;
    const JobOption& option = job.options[p.option];
    const Allocation& a = p.allocation;
    if (a.cpu_milli != job.cpu_milli || a.memory_mib != job.memory_mib) {
      return internal_error("job '{}' holds {} milli-CPU and {} MiB, not the {} and {} it asked for", job.name,
                            a.cpu_milli, a.memory_mib, job.cpu_milli, job.memory_mib);
    }
    for (const NodeShare& share : node_shares(cluster_, a)) {
      cpu_used[share.node] += share.cpu_milli;
      memory_used[share.node] += share.memory_mib;
    }
    if (a.type != option.type || a.devices.size() != job.device_count || a.milli_per_device != granted(job, option)) {
      return internal_error("job '{}' holds {} devices of {} milli, not its gang of {} × {}", job.name,
                            a.devices.size(), a.milli_per_device, job.device_count, granted(job, option));
    }
    std::vector<DeviceIndex> sorted = a.devices;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
      return internal_error("job '{}' holds a device twice", job.name);
    }
    std::vector<RackIndex> racks;
    std::vector<NodeIndex> nodes;
    for (DeviceIndex d : a.devices) {
      const NodeIndex n = cluster_.device_node[d];
      if (cluster_.nodes[n].type != a.type) return internal_error("job '{}' holds a device of another type", job.name);
      used[d] += a.milli_per_device;
      nodes.push_back(n);
      racks.push_back(cluster_.nodes[n].rack);
    }
    const auto distinct = [](std::vector<uint32_t> v) {
      std::sort(v.begin(), v.end());
      return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
    };
    if ((job.locality == Locality::kNode && distinct(nodes) > 1) ||
        (job.locality == Locality::kRack && distinct(racks) > 1)) {
      return internal_error("job '{}' spans more than one {}", job.name, locality_name(job.locality));
    }
  }
  for (DeviceIndex d = 0; d < used.size(); ++d) {
    if (used[d] > kMilliPerDevice) return internal_error("device {} over-allocated: {} milli", d, used[d]);
    if (used[d] != state_.used_milli(d)) {
      return internal_error("device {}: state says {} milli used, running jobs hold {}", d, state_.used_milli(d),
                            used[d]);
    }
    const DeviceType& type = cluster_.device_types[cluster_.nodes[cluster_.device_node[d]].type];
    if (type.sharing == Sharing::kWhole && used[d] != 0 && used[d] != kMilliPerDevice) {
      return internal_error("device {} of whole-card type {} is shared", d, type.name);
    }
  }
  if (!std::is_sorted(waiting_.begin(), waiting_.end())) return internal_error("the queue is out of submission order");
  {
    std::vector<JobIndex> listed = waiting_;
    listed.insert(listed.end(), requeued_.begin(), requeued_.end());
    std::sort(listed.begin(), listed.end());
    if (std::adjacent_find(listed.begin(), listed.end()) != listed.end()) {
      return internal_error("a job is queued twice");
    }
  }
  for (NodeIndex n = 0; n < cluster_.nodes.size(); ++n) {
    const Node& node = cluster_.nodes[n];
    const auto check = [&](const char* what, uint64_t capacity, uint64_t used_here, uint64_t free) -> Status {
      const uint64_t total = capacity == 0 ? ClusterState::kUnmodelled : capacity;
      if (used_here > total) return internal_error("node '{}': {} over-allocated ({} of {})", node.name, what, used_here, total);
      if (total - used_here != free) {
        return internal_error("node '{}': state says {} {} free, running jobs leave {}", node.name, free, what,
                              total - used_here);
      }
      return Status::ok();
    };
    BITGOEUL_RETURN_IF_ERROR(check("CPU", node.cpu_milli, cpu_used[n], state_.free_cpu_milli(n)));
    BITGOEUL_RETURN_IF_ERROR(check("memory", node.memory_mib, memory_used[n], state_.free_memory_mib(n)));
  }
  for (JobIndex j = 0; j < progress_.size(); ++j) {
    const JobProgress& p = progress_[j];
    if (p.state == JobState::kWaiting && p.reserved_hours != 0.0) {
      return internal_error("queued job '{}' still holds a voucher reservation", workload_.jobs[j].name);
    }
  }
  return accounting_.check_invariants();
}

Result<SimulationResult> Simulation::run() {
  const std::vector<Job>& jobs = workload_.jobs;
  if (!jobs.empty()) {
    now_s_ = options_.start_s ? *options_.start_s : jobs.front().submit_s;
    totals_.first_submit_s = now_s_;
    totals_.last_end_s = now_s_;
    accounting_.advance(now_s_);
    series_.start_s = now_s_;
    next_sample_s_ = now_s_;
    for (TenantIndex t = 0; t < options_.initial_usage_device_s.size() && t < tenants_.size(); ++t) {
      if (options_.initial_usage_device_s[t] > 0.0) accounting_.add_decayed_usage(t, options_.initial_usage_device_s[t]);
    }
    for (const SimulationOptions::Running& running : options_.running) BITGOEUL_RETURN_IF_ERROR(resume(running));
  }
  size_t next_arrival = 0;
  size_t progress_reported = 0;
  while (true) {
    int64_t next = -1;
    if (next_arrival < jobs.size()) next = std::max(now_s_, jobs[next_arrival].submit_s);
    if (!events_.empty() && (next < 0 || events_.top().time_s < next)) next = events_.top().time_s;
    if (next < 0) break;
    advance_to(next);
    bool changed = false;
    while (!events_.empty() && events_.top().time_s == now_s_) {
      const Event event = events_.top();
      events_.pop();
      ++totals_.events;
      if (event.kind == EventKind::kTimer) {
        pending_timer_s_ = -1;
        changed = true;
      } else if (progress_[event.job].state == JobState::kRunning &&
                 progress_[event.job].generation == event.generation) {
        finish(event.job);
        changed = true;
      }
    }
    while (next_arrival < jobs.size() && jobs[next_arrival].submit_s <= now_s_) {
      const auto j = static_cast<JobIndex>(next_arrival++);
      if (progress_[j].state != JobState::kFuture) continue;  // running from the start (live mode)
      progress_[j].state = JobState::kWaiting;
      progress_[j].queued_since_s = now_s_;
      waiting_.push_back(j);
      ++totals_.events;
      changed = true;
    }
    if (!changed) continue;
    compact_lists();
    if (options_.reclaim_quota) reclaim_guarantees(*this);
    policy_.schedule(*this);
    ++totals_.scheduling_passes;
    compact_lists();
    measure_fragmentation();
    if (options_.verify) BITGOEUL_RETURN_IF_ERROR(verify());
    if (const std::optional<int64_t> wakeup = policy_.next_wakeup_s(*this)) {
      if (*wakeup > now_s_ && (pending_timer_s_ < 0 || *wakeup < pending_timer_s_)) {
        pending_timer_s_ = *wakeup;
        events_.push({*wakeup, EventKind::kTimer, 0, 0});
      }
    }
    if (options_.on_progress && finished_ >= progress_reported + 1000) {
      progress_reported = finished_;
      options_.on_progress(finished_, jobs.size());
    }
  }
  for (JobIndex j : waiting_) {
    progress_[j].outcome = JobOutcome::kNeverStarted;
    progress_[j].waited_s += now_s_ - progress_[j].queued_since_s;
  }
  if (!jobs.empty()) sample_before(now_s_ + 1);  // the final state, at or after the last end
  if (options_.on_progress) options_.on_progress(finished_, jobs.size());
  SimulationResult result;
  result.jobs = std::move(progress_);
  result.totals = std::move(totals_);
  result.series = std::move(series_);
  return result;
}

}  // namespace

int64_t suggest_sample_interval_s(const Workload& workload, size_t target_samples) {
  if (workload.jobs.empty() || target_samples == 0) return 1;
  int64_t longest_s = 0;
  for (const Job& job : workload.jobs) longest_s = std::max(longest_s, job.estimate_s());
  const int64_t span_s = workload.jobs.back().submit_s - workload.jobs.front().submit_s + longest_s;
  const int64_t wanted = std::max<int64_t>(1, span_s / static_cast<int64_t>(target_samples));
  for (int64_t decade = 1;; decade *= 10) {
    for (const int64_t step : {1, 2, 5}) {
      if (step * decade >= wanted) return step * decade;
    }
  }
}

Result<SimulationResult> simulate(const Cluster& cluster, const Tenants& tenants, const Workload& workload,
                                  Policy& policy, Placement& placement, const SimulationOptions& options) {
  for (size_t i = 1; i < workload.jobs.size(); ++i) {
    if (workload.jobs[i].submit_s < workload.jobs[i - 1].submit_s) {
      return invalid_input("workload not sorted by submission time at job '{}'", workload.jobs[i].name);
    }
  }
  for (const Job& job : workload.jobs) BITGOEUL_RETURN_IF_ERROR(validate_job(job, cluster, tenants));
  Simulation simulation(cluster, tenants, workload, policy, placement, options);
  return simulation.run();
}

}  // namespace bitgoeul::npu
