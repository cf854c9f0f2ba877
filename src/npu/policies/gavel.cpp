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

}  // namespace

std::unique_ptr<Policy> make_gavel_policy(const PolicyOptions& options) { return std::make_unique<Gavel>(options); }

}  // namespace bitgoeul::npu
