#include "npu/policies/policy.h"

namespace bitgoeul::npu {

std::unique_ptr<Policy> make_fifo_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_easy_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_multifactor_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_drf_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_srtf_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_tiresias_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_gavel_policy(const PolicyOptions& options);
std::unique_ptr<Policy> make_gavel_lp_policy(const PolicyOptions& options);

std::vector<std::string> policy_names() { return {"fifo", "easy", "multifactor", "drf", "srtf", "tiresias", "gavel", "gavel-lp"}; }

Result<std::unique_ptr<Policy>> make_policy(std::string_view name, const PolicyOptions& options) {
  if (name == "fifo") return make_fifo_policy(options);
  if (name == "easy") return make_easy_policy(options);
  if (name == "multifactor") return make_multifactor_policy(options);
  if (name == "drf") return make_drf_policy(options);
  if (name == "srtf") return make_srtf_policy(options);
  if (name == "tiresias") return make_tiresias_policy(options);
  if (name == "gavel") return make_gavel_policy(options);
  if (name == "gavel-lp") return make_gavel_lp_policy(options);
  return invalid_input("unknown policy '{}' (expected fifo, easy, multifactor, drf, srtf, tiresias, gavel or gavel-lp)", name);
}

}  // namespace bitgoeul::npu
