// `bitgoeul npu ...`: NPU computing center scheduling and simulation.
//   simulate  one policy on one trace: jobs.csv, metrics.json, timeseries.csv and report.html
//   compare   several policies on the same input: one table (compare.csv), one report.html with charts, and each
//             run's files
//   generate  a seeded synthetic trace (Philly-calibrated) as a job CSV
//   saturate  FGD's saturation experiment: fill an openb cluster with openb pods until it is full, per placement

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/progress.h"
#include "npu/inputs.h"
#include "npu/job_csv.h"
#include "npu/metrics.h"
#include "npu/placement/placement.h"
#include "npu/policies/policy.h"
#include "npu/openb_trace.h"
#include "npu/report.h"
#include "npu/saturation.h"
#include "npu/simulator.h"

namespace bitgoeul::cli {
namespace {

struct NpuArgs {
  npu::InputPaths paths;
  std::string placement = "best-fit";
  std::string output_dir;
  bool verify = false;
};

void add_input_options(CLI::App* command, NpuArgs& args) {
  command->add_option("--cluster", args.paths.cluster, "Cluster: TOML file or openb node list CSV")->required();
  command->add_option("--tenants", args.paths.tenants, "Tenants TOML (default: unlimited tenants from the trace)");
  command->add_option("--trace", args.paths.trace, "Trace: job CSV, openb pod list CSV, or synthetic:N")
      ->required();
  command->add_option("--runtimes", args.paths.philly_runtimes, "Philly run-time CSV for synthetic traces");
  command->add_option("--seed", args.paths.seed, "Seed of synthetic traces");
  command->add_option("--placement", args.placement, "first-fit, best-fit, topology or fgd")
      ->capture_default_str();
  command->add_flag("--verify", args.verify, "Check every invariant after every event (slower)");
}

Status ensure_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return io_error("{}: cannot create directory: {}", dir, error.message());
  return Status::ok();
}

// One policy's run; with an output directory, its jobs.csv, metrics.json and timeseries.csv are written there.
Result<npu::ReportRun> run_one(const npu::Inputs& inputs, const std::string& policy_name, const NpuArgs& args,
                               const std::string& output_dir) {
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Policy> policy, npu::make_policy(policy_name, {}));
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Placement> placement, npu::make_placement(args.placement));
  placement->set_demand(npu::demand_of(inputs.workload));
  ProgressBar bar(fmt::format("npu {} ", policy_name), inputs.workload.jobs.size());
  npu::SimulationOptions options;
  options.verify = args.verify;
  // The same interval for every policy of a comparison, so their charts share instants.
  options.sample_interval_s = npu::suggest_sample_interval_s(inputs.workload);
  options.on_progress = [&bar](size_t done, size_t) { bar.set(done); };
  BITGOEUL_ASSIGN_OR_RETURN(npu::SimulationResult result,
                            npu::simulate(inputs.cluster, inputs.tenants, inputs.workload, *policy, *placement,
                                          options));
  bar.finish();
  npu::Metrics metrics = npu::compute_metrics(inputs.cluster, inputs.tenants, inputs.workload, result,
                                              policy_name, args.placement);
  if (!output_dir.empty()) {
    BITGOEUL_RETURN_IF_ERROR(ensure_dir(output_dir));
    BITGOEUL_RETURN_IF_ERROR(npu::write_jobs_csv(inputs.cluster, inputs.tenants, inputs.workload, result,
                                                 output_dir + "/jobs.csv"));
    BITGOEUL_RETURN_IF_ERROR(npu::write_metrics_json(metrics, output_dir + "/metrics.json"));
    BITGOEUL_RETURN_IF_ERROR(npu::write_timeseries_csv(inputs.cluster, result.series, output_dir + "/timeseries.csv"));
  }
  npu::ReportRun run;
  run.jct_s = npu::completion_times_s(inputs.workload, result);
  run.series = std::move(result.series);
  run.metrics = std::move(metrics);
  return run;
}

std::string report_title(const npu::Inputs& inputs, const NpuArgs& args) {
  return fmt::format("NPU center simulation: {} on {} ({} placement)", args.paths.trace, inputs.cluster.name,
                     args.placement);
}

std::string table_header() {
  return fmt::format("{:<12} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>6} {:>6} {:>6} {:>7}\n", "policy",
                     "done", "never", "jct_mean_s", "jct_p50_s", "jct_p99_s", "wait_mean", "wait_p99", "util",
                     "frag", "jain", "preempt");
}

std::string table_row(const npu::Metrics& m) {
  return fmt::format("{:<12} {:>7} {:>7} {:>10.0f} {:>10.0f} {:>10.0f} {:>10.0f} {:>10.0f} {:>6.3f} {:>6.2f} {:>6.3f} "
                     "{:>7}\n",
                     m.policy, m.completed + m.timed_out, m.never_started, m.jct_s.mean, m.jct_s.p50, m.jct_s.p99,
                     m.wait_s.mean, m.wait_s.p99, m.utilisation_overall, m.fragmented_devices, m.jain_fairness,
                     m.preemptions);
}

void print_inputs(const npu::Inputs& inputs) {
  fmt::print("cluster: {} ({} devices, {} nodes, {} device types); tenants: {}; jobs: {}", inputs.cluster.name,
             inputs.cluster.device_count(), inputs.cluster.nodes.size(), inputs.cluster.device_types.size(),
             inputs.tenants.size(), inputs.workload.jobs.size());
  if (inputs.workload.skipped_rows > 0) fmt::print(" ({} rows without accelerators skipped)", inputs.workload.skipped_rows);
  fmt::print("\n");
}

void add_simulate(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand("simulate", "Replay a trace under one policy; write jobs.csv, metrics.json");
  auto args = std::make_shared<NpuArgs>();
  auto policy = std::make_shared<std::string>();
  add_input_options(command, *args);
  command->add_option("--policy", *policy, "fifo, easy, multifactor, drf, srtf, tiresias or gavel")->required();
  command->add_option("-o,--output", args->output_dir, "Output directory");
  registry.on_run(command, [args, policy]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(npu::Inputs inputs, npu::load_inputs(args->paths));
    print_inputs(inputs);
    BITGOEUL_ASSIGN_OR_RETURN(npu::ReportRun run, run_one(inputs, *policy, *args, args->output_dir));
    fmt::print("{}{}", table_header(), table_row(run.metrics));
    if (!args->output_dir.empty()) {
      const std::string report = args->output_dir + "/report.html";
      BITGOEUL_RETURN_IF_ERROR(npu::write_html_report(inputs.cluster, report_title(inputs, *args), {run}, report));
      fmt::print("wrote {0}/jobs.csv, {0}/metrics.json, {0}/timeseries.csv and {1}\n", args->output_dir, report);
    }
    return Status::ok();
  });
}

void add_compare(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand("compare", "Run several policies on the same input into one table");
  auto args = std::make_shared<NpuArgs>();
  auto policies = std::make_shared<std::vector<std::string>>(npu::policy_names());
  add_input_options(command, *args);
  command->add_option("--policies", *policies, "Policies to compare (default: all)")->delimiter(',');
  command->add_option("-o,--output", args->output_dir,
                      "Output directory: compare.csv, report.html and one folder per policy");
  registry.on_run(command, [args, policies]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(npu::Inputs inputs, npu::load_inputs(args->paths));
    print_inputs(inputs);
    std::string table = table_header();
    std::string csv = "policy,placement,finished,never_started,jct_mean_s,jct_p50_s,jct_p99_s,wait_mean_s,"
                      "wait_p50_s,wait_p99_s,makespan_s,utilisation,fragmented_devices,jain_fairness,preemptions\n";
    std::vector<npu::ReportRun> runs;
    for (const std::string& policy : *policies) {
      const std::string dir = args->output_dir.empty() ? "" : args->output_dir + "/" + policy;
      BITGOEUL_ASSIGN_OR_RETURN(npu::ReportRun run, run_one(inputs, policy, *args, dir));
      const npu::Metrics& m = run.metrics;
      table += table_row(m);
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", m.policy, m.placement,
                         m.completed + m.timed_out, m.never_started, m.jct_s.mean, m.jct_s.p50, m.jct_s.p99,
                         m.wait_s.mean, m.wait_s.p50, m.wait_s.p99, m.makespan_s, m.utilisation_overall,
                         m.fragmented_devices, m.jain_fairness, m.preemptions);
      runs.push_back(std::move(run));
    }
    fmt::print("{}", table);
    if (!args->output_dir.empty()) {
      const std::string path = args->output_dir + "/compare.csv";
      std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
      if (!file) return io_error("{}: cannot create file", path);
      fmt::print(file.get(), "{}", csv);
      const std::string report = args->output_dir + "/report.html";
      BITGOEUL_RETURN_IF_ERROR(npu::write_html_report(inputs.cluster, report_title(inputs, *args), runs, report));
      fmt::print("wrote {} and {}\n", path, report);
    }
    return Status::ok();
  });
}

void add_generate(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand("generate", "Write a seeded synthetic (Philly-calibrated) job CSV");
  auto args = std::make_shared<NpuArgs>();
  auto jobs = std::make_shared<size_t>(1000);
  auto output = std::make_shared<std::string>();
  command->add_option("--cluster", args->paths.cluster, "Cluster: TOML file or openb node list CSV")->required();
  command->add_option("--tenants", args->paths.tenants, "Tenants TOML (default: one project 'default')");
  command->add_option("--runtimes", args->paths.philly_runtimes, "Philly run-time CSV")->required();
  command->add_option("--jobs", *jobs, "Number of jobs")->capture_default_str();
  command->add_option("--seed", args->paths.seed, "Seed")->capture_default_str();
  command->add_option("-o,--output", *output, "Job CSV to write")->required();
  registry.on_run(command, [args, jobs, output]() -> Status {
    args->paths.trace = fmt::format("synthetic:{}", *jobs);
    BITGOEUL_ASSIGN_OR_RETURN(npu::Inputs inputs, npu::load_inputs(args->paths));
    BITGOEUL_RETURN_IF_ERROR(npu::write_job_csv(inputs.workload, inputs.cluster, inputs.tenants, *output));
    fmt::print("wrote {} jobs to {}\n", inputs.workload.jobs.size(), *output);
    return Status::ok();
  });
}

void add_saturate(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand(
      "saturate", "Fill an openb node list with an openb pod list (arrivals only) per placement; report what found no room");
  struct Args {
    std::string nodes;
    std::string pods;
    std::vector<std::string> placements = {"best-fit", "fgd"};
    double target_percent = 100.0;
    uint64_t seed = 0;
    bool gpu_only = false;
    std::string output_dir;
  };
  auto args = std::make_shared<Args>();
  command->add_option("--nodes", args->nodes, "openb node list CSV")->required();
  command->add_option("--pods", args->pods, "openb pod list CSV (times not needed)")->required();
  command->add_option("--placements", args->placements, "Placements to compare")->delimiter(',')->capture_default_str();
  command->add_option("--target-percent", args->target_percent, "Stop when this % of the GPU capacity has arrived")
      ->capture_default_str();
  command->add_option("--sample-seed", args->seed,
                      "0: pods arrive in list order (repeated); otherwise drawn from the list with this seed")
      ->capture_default_str();
  command->add_flag("--gpu-only", args->gpu_only,
                   "Pool all GPU models into one type and ignore CPU, memory, CPU pods and gpu_spec (the simple model)");
  command->add_option("-o,--output", args->output_dir, "Output directory: saturation.csv (one curve per placement)");
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(npu::Cluster cluster, npu::read_openb_nodes(args->nodes));
    BITGOEUL_ASSIGN_OR_RETURN(std::vector<npu::PodRequest> pods, npu::read_openb_pod_requests(args->pods, cluster));
    const auto cpu_pods = static_cast<size_t>(
        std::count_if(pods.begin(), pods.end(), [](const npu::PodRequest& pod) { return pod.device_count == 0; }));
    fmt::print("cluster: {} GPUs of {} models on {} nodes; pods: {} with GPUs, {} CPU-only{}; arrivals until {}% of "
               "capacity\n",
               cluster.device_count(), cluster.device_types.size(), cluster.nodes.size(), pods.size() - cpu_pods,
               cpu_pods, args->gpu_only ? " (GPU-only model: CPU pods, CPU, memory and GPU models ignored)" : "",
               args->target_percent);
    npu::SaturationOptions options;
    options.target_arrived = args->target_percent / 100.0;
    options.sample_seed = args->seed;
    options.gpu_only = args->gpu_only;
    std::vector<npu::SaturationResult> results;
    fmt::print("{:<10} {:>15} {:>15} {:>12} {:>12} {:>12} {:>10} {:>10}\n", "placement", "1st_fail_arrived",
               "1st_fail_alloc", "allocated", "unallocated", "fragmented", "failed", "cpu_failed");
    for (const std::string& name : args->placements) {
      BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<npu::Placement> placement, npu::make_placement(name));
      BITGOEUL_ASSIGN_OR_RETURN(npu::SaturationResult result, npu::saturate(cluster, pods, *placement, options));
      const double gpus = result.capacity_gpus;
      const auto percent = [](double v) { return fmt::format("{:.2f}%", 100.0 * v); };
      fmt::print("{:<10} {:>15} {:>15} {:>12} {:>12} {:>12} {:>10} {:>10}\n", name,
                 result.first_failure ? percent(result.first_failure->arrived) : "-",
                 result.first_failure ? percent(result.first_failure->allocated) : "-", percent(result.end.allocated),
                 fmt::format("{:.1f} GPUs", result.end.unallocated * gpus),
                 fmt::format("{:.1f} GPUs", result.end.fragmented * gpus), result.end.pods_failed,
                 result.end.cpu_pods_failed);
      results.push_back(std::move(result));
    }
    if (!args->output_dir.empty()) {
      BITGOEUL_RETURN_IF_ERROR(ensure_dir(args->output_dir));
      const std::string path = args->output_dir + "/saturation.csv";
      BITGOEUL_RETURN_IF_ERROR(npu::write_saturation_csv(results, path));
      fmt::print("wrote {}\n", path);
    }
    return Status::ok();
  });
}

}  // namespace

void add_npu_commands(CLI::App& app, CommandRegistry& registry) {
  auto* npu_app = app.add_subcommand(
      "npu", "NPU computing center: scheduling policies and trace-driven simulation; live on Slurm (submit, queue, ...)");
  npu_app->require_subcommand(1);
  add_simulate(*npu_app, registry);
  add_compare(*npu_app, registry);
  add_generate(*npu_app, registry);
  add_saturate(*npu_app, registry);
  add_npu_center_commands(*npu_app, registry);
}

}  // namespace bitgoeul::cli
