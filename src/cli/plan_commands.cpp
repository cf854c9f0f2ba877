// `bitgoeul plan ...`: capacity planning — what a budget buys.
//   taxi  sweep fleet sizes, seats, dispatch policies and demand levels over a robotaxi scenario; the smallest
//         fleet meeting a service target and its cost in KRW
//   npu   sweep the number and mix of NPU and GPU nodes against a workload and policies; the cheapest mix meeting
//         a queueing target
// Both run their points on worker threads (--jobs) or as a Slurm job array (--slurm), keep every finished point in
// DIR/points.jsonl so that an interrupted sweep resumes where it stopped, and write points.csv, plan.json and
// report.html.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "plan/cost_model.h"
#include "plan/npu_plan.h"
#include "plan/point_store.h"
#include "plan/report.h"
#include "plan/slurm_array.h"
#include "plan/sweep_runner.h"
#include "plan/taxi_plan.h"

namespace bitgoeul::cli {
namespace {

struct PlanArgs {
  std::string sweep;
  std::string output = "out/plan";
  unsigned jobs = 1;
  size_t max_points = 0;
  int64_t point = -1;  // --point K: run point K alone into DIR/parts/K.jsonl (a Slurm array task)
  bool slurm = false;
  std::vector<std::string> sbatch_options;
  int slurm_timeout_s = 3600;
};

void add_sweep_options(CLI::App* command, PlanArgs& args) {
  command->add_option("sweep", args.sweep, "Sweep file (TOML, docs/capacity-planning.md)")->required();
  command->add_option("-o,--output", args.output,
                      "Output directory: points.jsonl (finished points, for resuming), points.csv, plan.json, "
                      "report.html")
      ->capture_default_str();
  command->add_option("--jobs", args.jobs, "Points simulated at once (worker threads); results do not depend on it")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  command->add_option("--max-points", args.max_points,
                      "Run at most this many points not yet done, then stop (rerun to continue); 0 = all")
      ->capture_default_str();
  command->add_flag("--slurm", args.slurm,
                    "Run the points still missing as a Slurm job array (sbatch --array, one task per point, at most "
                    "--jobs at once), wait for it, merge the results; DIR must be on a file system the nodes share");
  command->add_option("--sbatch-option", args.sbatch_options,
                      "An extra sbatch option for --slurm, e.g. --sbatch-option=--partition=npu (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--slurm-timeout", args.slurm_timeout_s, "Seconds to wait for the array")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--point", args.point,
                      "Run only point K of the sweep and write it to DIR/parts/K.jsonl (what each --slurm task runs)")
      ->check(CLI::NonNegativeNumber);
}

// An absolute path, for commands that run elsewhere (Slurm tasks).
std::string absolute(const std::string& path) {
  std::error_code error;
  const auto result = std::filesystem::absolute(path, error);
  return error ? path : result.lexically_normal().string();
}

// Runs the points still missing as a Slurm array and merges their parts; an error when some did not finish.
Status run_on_slurm(const PlanArgs& args, const std::string& kind, const std::vector<plan::SweepPoint>& points,
                    plan::PointStore& store) {
  BITGOEUL_ASSIGN_OR_RETURN(size_t merged, plan::merge_parts(args.output, points, store));
  if (merged > 0) fmt::print("merged {} points left by an earlier Slurm array\n", merged);
  plan::SlurmArrayOptions options;
  for (size_t i = 0; i < points.size(); ++i) {
    if (store.find(points[i].key) == nullptr) options.points.push_back(i);
  }
  if (options.points.empty()) return Status::ok();
  std::error_code error;
  options.executable = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) return io_error("cannot find this executable (/proc/self/exe): {}", error.message());
  options.arguments = {"plan", kind, absolute(args.sweep)};
  options.directory = absolute(args.output);
  options.max_parallel = args.jobs;
  options.sbatch_options = args.sbatch_options;
  options.timeout_s = args.slurm_timeout_s;
  fmt::print("submitting {} points as a Slurm job array (at most {} at once)\n", options.points.size(), args.jobs);
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  BITGOEUL_ASSIGN_OR_RETURN(const std::string job, plan::run_slurm_array(options));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BITGOEUL_ASSIGN_OR_RETURN(merged, plan::merge_parts(args.output, points, store));
  fmt::print("Slurm job {} ended after {:.1f} s; merged {} of {} points\n", job, seconds, merged,
             options.points.size());
  if (merged < options.points.size()) {
    return internal_error("{} points did not finish on Slurm (job {}; see {}/slurm/task-*.out); run the same "
                          "command again to submit them again",
                          options.points.size() - merged, job, args.output);
  }
  return Status::ok();
}

// Runs the sweep's points not yet in DIR/points.jsonl (here on worker threads, or on Slurm). Returns the metrics
// when every point is done, nullopt when --max-points stopped it first (the message says how far it got) or when
// only --point K was asked for.
Result<std::optional<std::vector<nlohmann::json>>> run_sweep(const PlanArgs& args, const std::string& kind,
                                                             const std::vector<plan::SweepPoint>& points,
                                                             const plan::PointFunction& run) {
  using Metrics = std::optional<std::vector<nlohmann::json>>;
  if (args.point >= 0) {
    const auto index = static_cast<size_t>(args.point);
    if (index >= points.size()) {
      return invalid_input("--point {}: the sweep has points 0 to {}", index, points.size() - 1);
    }
    BITGOEUL_ASSIGN_OR_RETURN(nlohmann::json metrics, run(index));
    BITGOEUL_RETURN_IF_ERROR(plan::write_part(args.output, index, points[index].key,
                                              {index, points[index].params, std::move(metrics)}));
    fmt::print("point {} {}: wrote {}\n", index, points[index].params.dump(), plan::part_path(args.output, index));
    return Metrics();
  }
  BITGOEUL_RETURN_IF_ERROR(plan::ensure_directory(args.output));
  std::string note;
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<plan::PointStore> store,
                            plan::PointStore::open(args.output + "/points.jsonl", &note));
  if (!note.empty()) fmt::print("{}\n", note);
  if (args.slurm) BITGOEUL_RETURN_IF_ERROR(run_on_slurm(args, kind, points, *store));
  plan::RunOptions options;
  options.jobs = args.jobs;
  options.max_points = args.max_points;
  options.on_point = [&points](size_t index, size_t done, size_t total) {
    fmt::print("[{}/{}] point {} {}\n", done, total, index, points[index].params.dump());
    std::fflush(stdout);
  };
  const auto start = std::chrono::steady_clock::now();
  BITGOEUL_ASSIGN_OR_RETURN(plan::RunSummary summary, plan::run_points(points, run, *store, options));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{} points: {} already done in {}, {} run now in {:.1f} s with {} worker(s)\n", points.size(),
             summary.reused, store->path(), summary.ran, seconds, args.jobs);
  if (!summary.complete()) {
    fmt::print("stopped after --max-points {}: {} of {} points done; run the same command again to continue\n",
               args.max_points, summary.reused + summary.ran, points.size());
    return Metrics();
  }
  std::vector<nlohmann::json> metrics;
  metrics.reserve(points.size());
  for (auto& m : summary.metrics) metrics.push_back(std::move(*m));
  return Metrics(std::move(metrics));
}

// The fleet search by bisection: rounds of probes on worker threads, stored as they finish.
Result<std::optional<std::vector<nlohmann::json>>> run_bisection(const PlanArgs& args, plan::TaxiPlanner& planner) {
  BITGOEUL_RETURN_IF_ERROR(plan::ensure_directory(args.output));
  std::string note;
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<plan::PointStore> store,
                            plan::PointStore::open(args.output + "/points.jsonl", &note));
  if (!note.empty()) fmt::print("{}\n", note);
  const size_t stored_before = store->size();
  plan::RunOptions options;
  options.jobs = args.jobs;
  options.max_points = args.max_points;
  const auto start = std::chrono::steady_clock::now();
  BITGOEUL_ASSIGN_OR_RETURN(std::optional<std::vector<nlohmann::json>> metrics,
                            plan::bisect_taxi_fleets(planner, *store, options));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("bisection: {} fleets simulated now in {:.1f} s with {} worker(s); {} were already in {}\n",
             store->size() - stored_before, seconds, args.jobs, stored_before, store->path());
  if (!metrics) {
    fmt::print("stopped after --max-points {}; run the same command again to continue the search\n",
               args.max_points);
  }
  return metrics;
}

Status run_plan_taxi(const PlanArgs& args) {
  BITGOEUL_ASSIGN_OR_RETURN(const plan::TaxiSweep sweep, plan::read_taxi_sweep(args.sweep));
  BITGOEUL_ASSIGN_OR_RETURN(const plan::TaxiCostModel model, plan::read_taxi_cost_model(sweep.cost_model));
  BITGOEUL_ASSIGN_OR_RETURN(const std::unique_ptr<plan::TaxiPlanner> planner, plan::TaxiPlanner::create(sweep));
  if (sweep.fleet_bisect) {
    fmt::print("sweep {}: scenario {} ({} options, fleets {} to {} by bisection; map and hierarchy built once)\n",
               sweep.path, planner->scenario().scenario.name, planner->groups().size(), sweep.fleet_bisect->first,
               sweep.fleet_bisect->second);
  } else {
    fmt::print("sweep {}: scenario {} ({} points; map and hierarchy built once)\n", sweep.path,
               planner->scenario().scenario.name, planner->points().size());
  }
  std::optional<std::vector<nlohmann::json>> metrics;
  if (sweep.fleet_bisect) {
    if (args.slurm || args.point >= 0) return unsupported("--slurm and --point need fleet sizes, not fleet_bisect");
    BITGOEUL_ASSIGN_OR_RETURN(metrics, run_bisection(args, *planner));
  } else {
    const plan::PointFunction run = [&planner](size_t index) { return planner->run_point(index); };
    BITGOEUL_ASSIGN_OR_RETURN(metrics, run_sweep(args, "taxi", planner->sweep_points(), run));
  }
  if (!metrics) return Status::ok();
  BITGOEUL_ASSIGN_OR_RETURN(const plan::TaxiPlan result, plan::make_taxi_plan(*planner, model, *metrics));
  BITGOEUL_RETURN_IF_ERROR(plan::write_taxi_plan(*planner, result, args.output));
  fmt::print("{:>7} {:<15} {:>5} {:>14} {:>8} {:>9} {:>16}\n", "demand", "policy", "seats", "smallest_fleet", "served",
             "wait_p95", "KRW_per_day");
  for (const plan::TaxiGroup& group : result.groups) {
    if (!group.smallest) {
      fmt::print("{:>7} {:<15} {:>5} {:>14}\n", fmt::format("x{:g}", group.demand),
                 taxi::dispatch_policy_name(group.policy), group.capacity, "none");
      continue;
    }
    const plan::TaxiOption& o = result.options[*group.smallest];
    fmt::print("{:>7} {:<15} {:>5} {:>14} {:>7.1f}% {:>7.0f} s {:>16.0f}\n", fmt::format("x{:g}", group.demand),
               taxi::dispatch_policy_name(group.policy), group.capacity, o.point.fleet, o.metrics.service_rate * 100,
               o.metrics.wait_p95_s, o.cost.total_krw());
  }
  for (size_t level = 0; level < result.demand_levels.size(); ++level) {
    if (!result.chosen[level]) {
      fmt::print("demand x{:g}: no swept option meets the target\n", result.demand_levels[level]);
      continue;
    }
    const plan::TaxiOption& o = result.options[*result.chosen[level]];
    fmt::print("demand x{:g}: chosen {} vehicles x {} seats, {}: {:.0f} KRW per day\n", result.demand_levels[level],
               o.point.fleet, o.point.capacity, taxi::dispatch_policy_name(o.point.policy), o.cost.total_krw());
  }
  fmt::print("wrote {0}/points.csv, {0}/plan.json, {0}/report.html\n", args.output);
  return Status::ok();
}

Status run_plan_npu(const PlanArgs& args) {
  BITGOEUL_ASSIGN_OR_RETURN(const plan::NpuSweep sweep, plan::read_npu_sweep(args.sweep));
  BITGOEUL_ASSIGN_OR_RETURN(const plan::NpuCostModel model, plan::read_npu_cost_model(sweep.cost_model));
  BITGOEUL_ASSIGN_OR_RETURN(const std::unique_ptr<plan::NpuPlanner> planner, plan::NpuPlanner::create(sweep));
  fmt::print("sweep {}: cluster {} ({} points)\n", sweep.path, planner->base_cluster().name, planner->points().size());
  const plan::PointFunction run = [&planner](size_t index) { return planner->run_point(index); };
  BITGOEUL_ASSIGN_OR_RETURN(const std::optional<std::vector<nlohmann::json>> metrics,
                            run_sweep(args, "npu", planner->sweep_points(), run));
  if (!metrics) return Status::ok();
  BITGOEUL_ASSIGN_OR_RETURN(const plan::NpuPlan result, plan::make_npu_plan(*planner, model, *metrics));
  BITGOEUL_RETURN_IF_ERROR(plan::write_npu_plan(*planner, result, args.output));
  for (size_t level = 0; level < result.growth_levels.size(); ++level) {
    if (!result.chosen[level]) {
      fmt::print("growth x{:g}: no swept mix meets the target\n", result.growth_levels[level]);
      continue;
    }
    const plan::NpuOption& o = result.options[*result.chosen[level]];
    std::string mix;
    for (const auto& [type, count] : o.point.nodes) mix += fmt::format("{}{} {}", mix.empty() ? "" : ", ", count, type);
    fmt::print("growth x{:g}: chosen {} nodes ({} cards), {}: queueing p95 {:.0f} s, JCT p95 {:.0f} s, "
               "utilisation {:.1f}%, {:.0f} KRW per year\n",
               result.growth_levels[level], mix, o.cards, o.point.policy, o.metrics.wait_p95_s, o.metrics.jct_p95_s,
               o.metrics.utilisation * 100, o.cost.total_krw());
  }
  fmt::print("wrote {0}/points.csv, {0}/plan.json, {0}/report.html\n", args.output);
  return Status::ok();
}

}  // namespace

void add_plan_commands(CLI::App& app, CommandRegistry& registry) {
  auto* plan_app = app.add_subcommand(
      "plan", "Capacity planning: sweeps of the robotaxi and NPU simulators, costs in KRW, the option meeting a target");
  plan_app->require_subcommand(1);

  auto taxi_args = std::make_shared<PlanArgs>();
  auto* taxi = plan_app->add_subcommand(
      "taxi", "Sweep fleet sizes, seats, policies and demand levels of a scenario; smallest fleet meeting a target");
  add_sweep_options(taxi, *taxi_args);
  registry.on_run(taxi, [taxi_args] { return run_plan_taxi(*taxi_args); });

  auto npu_args = std::make_shared<PlanArgs>();
  auto* npu = plan_app->add_subcommand(
      "npu", "Sweep the number and mix of NPU and GPU nodes against a workload and policies; cheapest mix meeting a target");
  add_sweep_options(npu, *npu_args);
  registry.on_run(npu, [npu_args] { return run_plan_npu(*npu_args); });
}

}  // namespace bitgoeul::cli
