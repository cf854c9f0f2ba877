// FIFO and EASY backfill.
//
// fifo: jobs start strictly in submission order; the first job that does not fit blocks everything behind it
// (jobs held by their tenant's quota or voucher are passed over, as Slurm passes over jobs held by QOS limits).
//
// easy: the same order, with EASY backfilling (Lifka, "The ANL/IBM SP scheduling system", JSSPP 1995; Slurm's
// sched/backfill plugin): the blocked head gets a reservation computed from running jobs' time limits, and later
// jobs start early when they cannot delay it.

#include "npu/policies/policy.h"
#include "npu/policies/queue_scan.h"

namespace bitgoeul::npu {
namespace {

class SubmissionOrder final : public Policy {
 public:
  SubmissionOrder(bool backfill, size_t depth) : backfill_(backfill), depth_(depth) {}
  std::string_view name() const override { return backfill_ ? "easy" : "fifo"; }
  void schedule(SchedulingContext& context) override {
    policy_detail::start_in_order(context, context.waiting(), backfill_, depth_);
  }

 private:
  bool backfill_;
  size_t depth_;
};

}  // namespace

std::unique_ptr<Policy> make_fifo_policy(const PolicyOptions& options) {
  return std::make_unique<SubmissionOrder>(false, options.backfill_depth);
}
std::unique_ptr<Policy> make_easy_policy(const PolicyOptions& options) {
  return std::make_unique<SubmissionOrder>(true, options.backfill_depth);
}

}  // namespace bitgoeul::npu
