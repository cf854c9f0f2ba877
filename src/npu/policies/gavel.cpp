// Heterogeneity-aware allocation in the spirit of Gavel (Narayanan et al., "Heterogeneity-Aware Cluster
// Scheduling Policies for Deep Learning Workloads", OSDI 2020) — a simplified, greedy, round-based version.
//
// What Gavel does: it expresses a policy (max-min fairness, max total throughput, ...) as an optimisation over an
// allocation matrix X (the fraction of time each job spends on each accelerator type), weighting by each job's
// measured throughput on each type, solves it (a linear program), and realises X with round-based scheduling
// (6-minute rounds; jobs with the largest X / rounds-received ratio run next).
//
// What this policy does instead — no solver, one greedy pass per scheduling point:
//   - Fairness on normalised throughput. Each job's attained service counts devices × seconds × its normalised
//     speed on the type it ran on (speed / its fastest option's speed), so time on a slow type counts less.
//     Jobs are taken least attained first (ties: submission order), as in Gavel's heterogeneity-aware LAS policy.
//   - Each job in that order gets its fastest acceptable type that still fits.
//   - Contention: among the jobs starting in one pass, two with the same shape swap types when that raises their
//     summed normalised throughput (the job that gains more from the fast type gets it) — a pairwise step towards
//     Gavel's max-total-effective-throughput objective, which keeps the set of jobs the fairness order chose.
//   - Rounds (gavel_round_s, Gavel's 360 s): only at a round boundary may running preemptible jobs be preempted
//     for less-served ones (they resume from their checkpoint); between boundaries free devices are filled in the
//     same order. A job that keeps running keeps its devices (no migration).
// Not modelled: the LP (so no time-sharing of one device type between jobs within a round), space sharing, and
// Gavel's throughput estimation (speeds come from the trace's job options).

#include <algorithm>
#include <cmath>
#include <tuple>

#include "npu/policies/max_min_lp.h"
#include "npu/policies/policy.h"

namespace bitgoeul::npu {
namespace {

// The devices of one type `type`'s complement: every device not of `type` is blocked.
std::vector<uint8_t> other_types_blocked(const Cluster& cluster, DeviceTypeIndex type) {
  std::vector<uint8_t> blocked(cluster.device_count(), 1);
  for (const Node& node : cluster.nodes) {
    if (node.type != type) continue;
    for (DeviceIndex d = node.first_device; d < node.first_device + node.device_count; ++d) blocked[d] = 0;
  }
  return blocked;
}

double normalised_speed(const Job& job, DeviceTypeIndex type) {
  double best = 0.0;
  double on_type = 0.0;
  for (const JobOption& option : job.options) {
    best = std::max(best, option.speed);
    if (option.type == type) on_type = option.speed;
  }
  return best > 0.0 ? on_type / best : 0.0;
}

std::optional<uint32_t> option_of(const Job& job, DeviceTypeIndex type) {
  for (uint32_t o = 0; o < job.options.size(); ++o) {
    if (job.options[o].type == type) return o;
  }
  return std::nullopt;
}

struct Start {
  JobIndex job;
  Plan plan;
};

// Pairwise: two starting whole-device jobs of the same shape on different types swap types when their summed
// normalised speed rises. Bounded to the first kMaxSwapJobs starts of a pass.
void swap_for_throughput(const std::vector<Job>& jobs, std::vector<Start>& starts) {
  constexpr size_t kMaxSwapJobs = 256;
  const size_t n = std::min(starts.size(), kMaxSwapJobs);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = i + 1; k < n; ++k) {
      Start& a = starts[i];
      Start& b = starts[k];
      const Job& ja = jobs[a.job];
      const Job& jb = jobs[b.job];
      const DeviceTypeIndex ta = a.plan.allocation.type;
      const DeviceTypeIndex tb = b.plan.allocation.type;
      if (ta == tb || ja.is_fractional() || jb.is_fractional() || ja.device_count != jb.device_count ||
          ja.locality != jb.locality) {
        continue;
      }
      const std::optional<uint32_t> a_on_b = option_of(ja, tb);
      const std::optional<uint32_t> b_on_a = option_of(jb, ta);
      if (!a_on_b || !b_on_a) continue;
      const double gain = normalised_speed(ja, tb) + normalised_speed(jb, ta) - normalised_speed(ja, ta) -
                          normalised_speed(jb, tb);
      if (gain <= 1e-9) continue;
      std::swap(a.plan.allocation, b.plan.allocation);
      a.plan.option = *a_on_b;
      b.plan.option = *b_on_a;
    }
  }
}

class Gavel final : public Policy {
 public:
  explicit Gavel(const PolicyOptions& options) : round_s_(std::max<int64_t>(1, options.gavel_round_s)) {}
  std::string_view name() const override { return "gavel"; }

  void schedule(SchedulingContext& context) override {
    const int64_t now = context.now_s();
    accrue(context);
    const bool round = now >= next_round_s_;
    if (round) next_round_s_ = (now / round_s_ + 1) * round_s_;

    const std::vector<Job>& jobs = context.jobs();
    order_.clear();
    for (const JobIndex j : context.waiting()) {
      if (context.progress(j).state == JobState::kWaiting) order_.push_back(j);
    }
    if (order_.empty()) return;
    if (round) {
      for (const JobIndex j : context.running()) {
        if (context.progress(j).state == JobState::kRunning && jobs[j].preemptible) order_.push_back(j);
      }
    }
    std::sort(order_.begin(), order_.end(),
              [this](JobIndex a, JobIndex b) { return std::tie(attained_[a], a) < std::tie(attained_[b], b); });

    // Plan on a copy of the state. At a round boundary the preemptible running jobs are released from it, but
    // their devices stay blocked for less important jobs' first attempt, so a job displaces one only when it
    // cannot start elsewhere.
    ClusterState future = context.state();
    std::vector<uint8_t> held(context.cluster().device_count(), 0);
    if (round) {
      for (const JobIndex j : order_) {
        if (context.progress(j).state != JobState::kRunning) continue;
        future.release(context.progress(j).allocation);
        for (const DeviceIndex d : context.progress(j).allocation.devices) held[d] = 1;
      }
    }
    std::vector<Start> starts;
    std::vector<JobIndex> keep;
    for (const JobIndex j : order_) {
      const JobProgress& p = context.progress(j);
      if (p.state == JobState::kRunning) {
        for (const DeviceIndex d : p.allocation.devices) held[d] = 0;
        if (future.fits(p.allocation)) {
          future.allocate(p.allocation);
          keep.push_back(j);
        }
        continue;
      }
      std::optional<Plan> plan = context.plan(j, future, &held, /*check_admission=*/true);
      if (!plan && round) plan = context.plan(j, future, nullptr, /*check_admission=*/true);
      if (!plan) continue;
      future.allocate(plan->allocation);
      starts.push_back({j, std::move(*plan)});
    }
    swap_for_throughput(jobs, starts);

    if (round) {
      std::sort(keep.begin(), keep.end());
      for (const JobIndex j : order_) {
        if (context.progress(j).state == JobState::kRunning && !std::binary_search(keep.begin(), keep.end(), j)) {
          context.preempt(j);
        }
      }
    }
    for (const Start& start : starts) {
      const DeviceTypeIndex type = start.plan.allocation.type;
      if (type >= masks_.size()) masks_.resize(context.cluster().device_types.size());
      if (masks_[type].empty()) masks_[type] = other_types_blocked(context.cluster(), type);
      if (std::optional<Plan> plan = context.plan(start.job, context.state(), &masks_[type], true)) {
        context.start(start.job, *plan);
      }
    }
  }

  std::optional<int64_t> next_wakeup_s(const SchedulingContext& context) const override {
    // A round can change something only when someone waits and a running job may be displaced (so the run still
    // ends when jobs remain that can never start).
    if (context.waiting().empty()) return std::nullopt;
    const bool displaceable = std::any_of(context.running().begin(), context.running().end(), [&](JobIndex j) {
      return context.progress(j).state == JobState::kRunning && context.jobs()[j].preemptible;
    });
    if (!displaceable) return std::nullopt;
    return std::max(next_round_s_, context.now_s() + 1);
  }

 private:
  // Adds what running jobs attained since the last pass (the running set is constant between passes).
  void accrue(const SchedulingContext& context) {
    const int64_t now = context.now_s();
    attained_.resize(context.jobs().size(), 0.0);
    const double dt = static_cast<double>(std::max<int64_t>(0, now - last_pass_s_));
    if (dt > 0.0) {
      for (const JobIndex j : context.running()) {
        const JobProgress& p = context.progress(j);
        if (p.state != JobState::kRunning) continue;
        const Job& job = context.jobs()[j];
        attained_[j] += dt * static_cast<double>(p.allocation.total_milli()) / kMilliPerDevice *
                        normalised_speed(job, p.allocation.type);
      }
    }
    last_pass_s_ = now;
  }

  int64_t round_s_;
  int64_t next_round_s_ = 0;
  int64_t last_pass_s_ = 0;
  std::vector<double> attained_;
  std::vector<JobIndex> order_;
  std::vector<std::vector<uint8_t>> masks_;
};

// Gavel with its linear program: at every round boundary, max-min fairness over normalised throughput
// (max_min_lp.h) gives each job's ideal time fraction X[m][j] on each type; Gavel's mechanism then gives the
// round's devices to the (job, type) pairs with the highest X[m][j] / (share of its time in the system the job
// has had on j so far), so the realised shares track X over rounds. A running job given another type is
// preempted (paying its checkpoint cost) and restarted there one second later, at the next pass. Between boundaries, free devices go to waiting
// jobs in that order (or submission order before the first LP). At most kMaxLpJobs jobs (earliest submitted
// first) take part in one LP; running jobs outside it keep their devices.
class GavelLp final : public Policy {
 public:
  explicit GavelLp(const PolicyOptions& options) : round_s_(std::max<int64_t>(1, options.gavel_round_s)) {}
  std::string_view name() const override { return "gavel-lp"; }

  void schedule(SchedulingContext& context) override {
    const int64_t now = context.now_s();
    const Cluster& cluster = context.cluster();
    const size_t types = cluster.device_types.size();
    accrue(context, types);
    const bool round = now >= next_round_s_;
    if (round) next_round_s_ = (now / round_s_ + 1) * round_s_;
    // A round runs even when nobody waits if a running job is off its fastest type: time-sharing a fast type
    // between running jobs needs swaps.
    if (round && worth_a_round(context)) run_round(context, types);
    // Fill what is free: jobs moving to another type first (on that type), then waiting jobs by their best pair
    // priority, then submission order.
    std::vector<JobIndex> order;
    for (const JobIndex j : context.waiting()) {
      if (context.progress(j).state == JobState::kWaiting) order.push_back(j);
    }
    std::stable_sort(order.begin(), order.end(), [this](JobIndex a, JobIndex b) {
      return std::make_pair(moving_[a] < 0, -best_[a]) < std::make_pair(moving_[b] < 0, -best_[b]);
    });
    for (const JobIndex j : order) {
      if (context.progress(j).state != JobState::kWaiting) continue;  // started above, or listed twice
      std::optional<Plan> plan;
      if (moving_[j] >= 0) {
        plan = context.plan(j, context.state(), &mask(context.cluster(), static_cast<DeviceTypeIndex>(moving_[j])),
                            /*check_admission=*/true);
        moving_[j] = -1;
      }
      if (!plan) plan = context.plan(j, context.state(), nullptr, /*check_admission=*/true);
      if (plan) context.start(j, *plan);
    }
  }

  std::optional<int64_t> next_wakeup_s(const SchedulingContext& context) const override {
    // Jobs preempted to move to another type restart at the next pass (a preempted job rejoins the queue only
    // after the pass that preempted it): one second later.
    for (const JobIndex j : context.waiting()) {
      if (moving_[j] >= 0) return context.now_s() + 1;
    }
    if (!worth_a_round(context)) return std::nullopt;
    return std::max(next_round_s_, context.now_s() + 1);
  }

 private:
  static constexpr size_t kMaxLpJobs = 96;

  // A round can change something when a preemptible job runs and either a job waits or a preemptible running job
  // is off its fastest type (with everyone on their fastest type and nobody waiting, the LP has nothing to give).
  static bool worth_a_round(const SchedulingContext& context) {
    bool displaceable = false;
    bool off_fastest = false;
    for (const JobIndex j : context.running()) {
      const JobProgress& p = context.progress(j);
      if (p.state != JobState::kRunning || !context.jobs()[j].preemptible) continue;
      displaceable = true;
      off_fastest = off_fastest || normalised_speed(context.jobs()[j], p.allocation.type) < 1.0;
    }
    if (!displaceable) return false;
    if (off_fastest) return true;
    return std::any_of(context.waiting().begin(), context.waiting().end(),
                       [&](JobIndex j) { return context.progress(j).state == JobState::kWaiting; });
  }

  void accrue(const SchedulingContext& context, size_t types) {
    const size_t count = context.jobs().size();
    received_s_.resize(count * types, 0.0);
    in_system_s_.resize(count, 0.0);
    best_.resize(count, 0.0);
    moving_.resize(count, -1);
    const double dt = static_cast<double>(std::max<int64_t>(0, context.now_s() - last_pass_s_));
    last_pass_s_ = context.now_s();
    if (dt <= 0.0) return;
    for (const JobIndex j : context.running()) {
      const JobProgress& p = context.progress(j);
      if (p.state != JobState::kRunning) continue;
      received_s_[j * types + p.allocation.type] += dt;
      in_system_s_[j] += dt;
    }
    for (const JobIndex j : context.waiting()) {
      if (context.progress(j).state == JobState::kWaiting) in_system_s_[j] += dt;
    }
  }

  void run_round(SchedulingContext& context, size_t types) {
    const Cluster& cluster = context.cluster();
    const std::vector<Job>& jobs = context.jobs();
    std::vector<JobIndex> members;
    for (const JobIndex j : context.waiting()) {
      if (context.progress(j).state == JobState::kWaiting) members.push_back(j);
    }
    for (const JobIndex j : context.running()) {
      if (context.progress(j).state == JobState::kRunning && jobs[j].preemptible) members.push_back(j);
    }
    std::sort(members.begin(), members.end());
    if (members.size() > kMaxLpJobs) members.resize(kMaxLpJobs);
    // Capacity: every device of each type, less what running jobs outside the LP hold.
    std::vector<double> capacity(types, 0.0);
    for (const Node& node : cluster.nodes) capacity[node.type] += node.device_count;
    for (const JobIndex j : context.running()) {
      const JobProgress& p = context.progress(j);
      if (p.state != JobState::kRunning || std::binary_search(members.begin(), members.end(), j)) continue;
      capacity[p.allocation.type] -= static_cast<double>(p.allocation.total_milli()) / kMilliPerDevice;
    }
    for (double& c : capacity) c = std::max(0.0, c);
    std::vector<std::vector<double>> throughput(members.size(), std::vector<double>(types, 0.0));
    std::vector<double> scale(members.size(), 1.0);
    for (size_t m = 0; m < members.size(); ++m) {
      const Job& job = jobs[members[m]];
      scale[m] = static_cast<double>(job.device_count) *
                 (job.is_fractional() ? static_cast<double>(job.share_milli) / kMilliPerDevice : 1.0);
      for (const JobOption& option : job.options) {
        if (job.is_fractional() && !granted_milli(cluster.device_types[option.type], job.share_milli)) continue;
        throughput[m][option.type] = normalised_speed(job, option.type);
      }
    }
    Result<MaxMinAllocation> lp = solve_max_min_fairness(throughput, scale, capacity);
    if (!lp.is_ok()) return;  // keep the current assignment this round
    struct Pair {
      double priority;
      JobIndex job;
      DeviceTypeIndex type;
    };
    std::vector<Pair> pairs;
    for (size_t m = 0; m < members.size(); ++m) {
      const JobIndex j = members[m];
      best_[j] = 0.0;
      for (DeviceTypeIndex t = 0; t < types; ++t) {
        const double x = lp->x[m][t];
        if (x <= 1e-6) continue;
        const double had = in_system_s_[j] > 0.0 ? received_s_[j * types + t] / in_system_s_[j] : 0.0;
        const double priority = x / std::max(had, 1e-3);
        best_[j] = std::max(best_[j], priority);
        pairs.push_back({priority, j, t});
      }
    }
    std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
      return std::tie(b.priority, a.job, a.type) < std::tie(a.priority, b.job, b.type);
    });
    // Plan the round on a copy: the LP's running members are released first.
    ClusterState future = context.state();
    for (const JobIndex j : members) {
      if (context.progress(j).state == JobState::kRunning) future.release(context.progress(j).allocation);
    }
    std::vector<uint8_t> chosen(jobs.size(), 0);
    std::vector<Start> starts;
    for (const Pair& pair : pairs) {
      if (chosen[pair.job] != 0) continue;
      const JobProgress& p = context.progress(pair.job);
      if (p.state == JobState::kRunning && p.allocation.type == pair.type) {
        if (future.fits(p.allocation)) {
          future.allocate(p.allocation);
          chosen[pair.job] = 1;
        }
        continue;
      }
      std::optional<Plan> plan = context.plan(pair.job, future, &mask(cluster, pair.type), true);
      if (!plan) continue;
      future.allocate(plan->allocation);
      chosen[pair.job] = 1;
      if (p.state == JobState::kRunning) {
        moving_[pair.job] = static_cast<int32_t>(pair.type);  // preempted now, restarted there at the next pass
      } else {
        starts.push_back({pair.job, std::move(*plan)});
      }
    }
    for (const JobIndex j : members) {
      const JobProgress& p = context.progress(j);
      if (p.state == JobState::kRunning && (chosen[j] == 0 || moving_[j] >= 0)) context.preempt(j);
    }
    for (const Start& start : starts) {
      if (std::optional<Plan> plan =
              context.plan(start.job, context.state(), &mask(cluster, start.plan.allocation.type), true)) {
        context.start(start.job, *plan);
      }
    }
  }

  const std::vector<uint8_t>& mask(const Cluster& cluster, DeviceTypeIndex type) {
    if (type >= masks_.size()) masks_.resize(cluster.device_types.size());
    if (masks_[type].empty()) masks_[type] = other_types_blocked(cluster, type);
    return masks_[type];
  }

  int64_t round_s_;
  int64_t next_round_s_ = 0;
  int64_t last_pass_s_ = 0;
  std::vector<double> received_s_;  // [job * types + type]: seconds run on the type
  std::vector<double> in_system_s_;  // seconds queued or running
  std::vector<double> best_;         // the job's highest pair priority in the last LP round
  std::vector<int32_t> moving_;      // the type a job was preempted to move to; -1 for none
  std::vector<std::vector<uint8_t>> masks_;
};

}  // namespace

std::unique_ptr<Policy> make_gavel_policy(const PolicyOptions& options) { return std::make_unique<Gavel>(options); }
std::unique_ptr<Policy> make_gavel_lp_policy(const PolicyOptions& options) {
  return std::make_unique<GavelLp>(options);
}

}  // namespace bitgoeul::npu
