#include "npu/inputs.h"

#include <charconv>

#include "npu/cluster_file.h"
#include "core/csv_reader.h"
#include "npu/job_csv.h"
#include "npu/job_logs.h"
#include "npu/openb_trace.h"
#include "npu/synthetic_workload.h"

namespace bitgoeul::npu {
namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<Inputs> load_inputs(const InputPaths& paths) {
  Inputs inputs;
  if (ends_with(paths.cluster, ".toml")) {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.cluster, load_cluster_file(paths.cluster));
  } else {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.cluster, read_openb_nodes(paths.cluster));
  }
  if (!paths.tenants.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.tenants, load_tenants_file(paths.tenants, inputs.cluster));
  }
  TenantLookup lookup(inputs.tenants, inputs.cluster.device_types.size(), paths.tenants.empty());
  constexpr std::string_view kSynthetic = "synthetic:";
  if (paths.trace.rfind(kSynthetic, 0) == 0) {
    const std::string count_text = paths.trace.substr(kSynthetic.size());
    size_t count = 0;
    const auto [end, error] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (error != std::errc() || end != count_text.data() + count_text.size() || count == 0) {
      return invalid_input("trace '{}': expected synthetic:<number of jobs>", paths.trace);
    }
    if (paths.philly_runtimes.empty()) {
      return invalid_input("a synthetic trace needs --runtimes (the Philly run-time CSV)");
    }
    if (inputs.tenants.size() == 0) inputs.tenants.add_unlimited_project("default", inputs.cluster.device_types.size());
    SyntheticOptions options;
    options.seed = paths.seed;
    options.job_count = count;
    BITGOEUL_ASSIGN_OR_RETURN(options.runtimes_s, read_philly_runtimes(paths.philly_runtimes));
    BITGOEUL_ASSIGN_OR_RETURN(inputs.workload, generate_synthetic(options, inputs.cluster, inputs.tenants));
    return inputs;
  }
  if (ends_with(paths.trace, ".json") || ends_with(paths.trace, "cluster_job_log")) {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.workload, read_philly_job_log(paths.trace, inputs.cluster, lookup));
    if (inputs.workload.jobs.empty()) return invalid_input("{}: no jobs", paths.trace);
    return inputs;
  }
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader probe, CsvReader::open(paths.trace));
  if (probe.has_column("gpu_num") && probe.has_column("node_num")) {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.workload, read_helios_log(paths.trace, inputs.cluster, lookup));
  } else if (probe.has_column("gpu_milli")) {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.workload, read_openb_pods(paths.trace, inputs.cluster, lookup));
  } else {
    BITGOEUL_ASSIGN_OR_RETURN(inputs.workload, read_job_csv(paths.trace, inputs.cluster, lookup));
  }
  if (inputs.workload.jobs.empty()) return invalid_input("{}: no jobs", paths.trace);
  return inputs;
}

}  // namespace bitgoeul::npu
