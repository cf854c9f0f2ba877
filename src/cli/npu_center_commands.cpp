// `bitgoeul npu init|token|submit|queue|cancel|usage|tenants|sync`: the NPU center live on Slurm, in Slurm's
// habits (sbatch-like flags, squeue-like columns). Each command opens the center store, authenticates the token
// and calls one npu_slurm::Center function — the same calls a server makes.
//
//   init     create the store (or update its registry) from the cluster and tenants TOML; prints the operator token
//   token    (operator) a new token for a tenant
//   submit   admit a batch script against quota and voucher, then sbatch it
//   queue    the caller's jobs (squeue-like), states brought up to date from Slurm
//   cancel   cancel one of the caller's jobs by its Slurm job id
//   usage    charged device-hours per job and per tenant (from sacct)
//   tenants  registry, devices in use and vouchers left
//   sync     read Slurm's states and accounting now (charges ended jobs once), run the policy pass
//   eta-accuracy  predicted (at submission) against actual start times of the caller's jobs
//   serve    the same calls as an HTTP/JSON API (docs/npu-center-openapi.yaml), token per request

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "npu/cluster_file.h"
#include "npu/tenants.h"
#include "core/http_server.h"
#include "npu_slurm/center.h"
#include "npu_slurm/center_http.h"
#include "npu_slurm/center_store.h"
#include "core/clock.h"
#include "npu_slurm/job_request.h"
#include "npu_slurm/slurm_backend.h"
#include "core/token.h"

namespace bitgoeul::cli {
namespace {

using npu_slurm::Center;
using npu_slurm::CenterStore;
using npu_slurm::JobRow;
using npu_slurm::Principal;

struct CenterArgs {
  std::string db = "center.sqlite";
  std::string token;
  std::string slurm_conf;
  std::string slurm_bin;
  std::string partition;
  std::string job_dir;
  bool schedule_on_submit = true;
  int64_t inventory_max_age_s = 5;  // CenterOptions::inventory_max_age_s: serve gives its sync interval
};

void add_store_option(CLI::App* command, CenterArgs& args) {
  command->add_option("--db", args.db, "Center store (SQLite)")->envname("BITGOEUL_CENTER_DB")->capture_default_str();
}

void add_slurm_options(CLI::App* command, CenterArgs& args);

void add_center_options(CLI::App* command, CenterArgs& args, bool slurm) {
  add_store_option(command, args);
  command->add_option("--token", args.token, "API token (better: the BITGOEUL_TOKEN environment variable)")
      ->envname("BITGOEUL_TOKEN");
  if (slurm) add_slurm_options(command, args);
}

void add_slurm_options(CLI::App* command, CenterArgs& args) {
  command->add_option("--slurm-conf", args.slurm_conf, "slurm.conf for the Slurm commands")->envname("SLURM_CONF");
  command->add_option("--slurm-bin", args.slurm_bin, "Directory of sbatch, squeue, sacct, ... (default: PATH)");
  command->add_option("--partition", args.partition, "Slurm partition (default: the cluster's default)");
  command->add_option("--job-dir", args.job_dir, "Where job output goes (default: jobs/ beside the store)");
}

// The store, the Slurm backend, the clock and the center, wired together for one command.
struct Session {
  std::optional<CenterStore> store;
  std::optional<npu_slurm::SlurmBackend> backend;
  SystemClock clock;
  std::unique_ptr<Center> center;
  Principal principal;
};

// The store, Slurm and the center, without a caller (a server authenticates each request).
Result<std::unique_ptr<Session>> open_center(const CenterArgs& args) {
  auto session = std::make_unique<Session>();
  BITGOEUL_ASSIGN_OR_RETURN(CenterStore store, CenterStore::open(args.db, false));
  session->store.emplace(std::move(store));
  npu_slurm::SlurmOptions options;
  options.bin_dir = args.slurm_bin;
  options.slurm_conf = args.slurm_conf;
  options.partition = args.partition;
  BITGOEUL_ASSIGN_OR_RETURN(npu_slurm::SlurmBackend backend, npu_slurm::SlurmBackend::create(options));
  session->backend.emplace(std::move(backend));
  npu_slurm::CenterOptions center_options;
  std::error_code error;
  const std::filesystem::path db = std::filesystem::absolute(args.db, error);
  center_options.schedule_on_submit = args.schedule_on_submit;
  center_options.inventory_max_age_s = args.inventory_max_age_s;
  center_options.job_dir = args.job_dir.empty() ? (db.parent_path() / "jobs").string()
                                                : std::filesystem::absolute(args.job_dir, error).string();
  session->center = std::make_unique<Center>(*session->store, *session->backend, session->clock, center_options);
  return session;
}

Result<std::unique_ptr<Session>> open_session(const CenterArgs& args) {
  BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, open_center(args));
  BITGOEUL_ASSIGN_OR_RETURN(session->principal, npu_slurm::authenticate(*session->store, args.token));
  return session;
}

// A command run for the token's caller on the live center: it takes the center's options (--db, --token, then the
// Slurm ones) before its own, and runs with a session opened for the caller. `Own` holds the command's own values.
template <typename Own>
struct CallerCommand {
  const char* name = "";
  const char* description = "";
  std::function<void(CLI::App*, Own&)> add_options{};  // the command's own options; may be empty
  // Checks the command's own arguments before the store is opened, and may set the center's; may be empty.
  std::function<Status(Own&, CenterArgs&)> prepare{};
  std::function<Status(Session&, const Own&)> run{};
};

struct NoOptions {};

template <typename Own>
void add_caller_command(CLI::App& npu_app, CommandRegistry& registry, CallerCommand<Own> spec) {
  struct Args {
    CenterArgs center;
    Own own;
  };
  auto* command = npu_app.add_subcommand(spec.name, spec.description);
  auto args = std::make_shared<Args>();
  add_center_options(command, args->center, true);
  if (spec.add_options) spec.add_options(command, args->own);
  registry.on_run(command, [args, spec = std::move(spec)]() -> Status {
    if (spec.prepare) {
      BITGOEUL_RETURN_IF_ERROR(spec.prepare(args->own, args->center));
    }
    BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, open_session(args->center));
    return spec.run(*session, args->own);
  });
}

std::string time_text(std::optional<int64_t> seconds) {
  if (!seconds) return "N/A";
  const std::time_t t = static_cast<std::time_t>(*seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  return buffer;
}

std::string slurm_id_text(const JobRow& job) {
  return job.slurm_id ? std::to_string(npu_slurm::raw(*job.slurm_id)) : "-";
}

Result<std::string> read_file(const std::string& path, size_t limit) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return not_found("{}: no such file", path);
  const auto size = std::filesystem::file_size(path, error);
  if (error) return io_error("{}: cannot read: {}", path, error.message());
  if (size > limit) return invalid_input("{}: script is {} bytes, over the limit of {}", path, size, limit);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return io_error("{}: cannot read", path);
  return text.str();
}

void add_init(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand(
      "init", "Create the center store from cluster and tenants TOML (or update its registry); prints the operator token");
  struct Args {
    CenterArgs center;
    std::string cluster;
    std::string tenants;
    std::string token_file;
    std::string policy;
    double half_life_s = 0.0;
  };
  auto args = std::make_shared<Args>();
  add_store_option(command, args->center);
  command->add_option("--policy", args->policy,
                      "Scheduling policy of the center (an npu policy; default multifactor: fair share from charged "
                      "usage)");
  command->add_option("--half-life", args->half_life_s,
                      "Fair-share usage half-life in seconds (default 604800, 7 days)");
  command->add_option("--cluster", args->cluster, "Cluster TOML (docs/npu-formats.md)")->required();
  command->add_option("--tenants", args->tenants, "Tenants TOML: programmes, organisations, projects, quotas, vouchers")
      ->required();
  command->add_option("--operator-token-file", args->token_file,
                      "Write the new operator token to this file (mode 600) instead of printing it");
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(npu::Cluster cluster, npu::load_cluster_file(args->cluster));
    BITGOEUL_ASSIGN_OR_RETURN(npu::Tenants tenants, npu::load_tenants_file(args->tenants, cluster));
    std::error_code error;
    const bool existed = std::filesystem::exists(args->center.db, error);
    BITGOEUL_ASSIGN_OR_RETURN(CenterStore store, CenterStore::open(args->center.db, true));
    BITGOEUL_RETURN_IF_ERROR(store.import_registry(cluster, tenants));
    fmt::print("{} {}: {} device types, {} tenants (schema {})\n", existed ? "updated" : "created", args->center.db,
               cluster.device_types.size(), tenants.size(), store.schema_version());
    BITGOEUL_ASSIGN_OR_RETURN(npu_slurm::SchedulingSettings settings, npu_slurm::scheduling_settings(store));
    if (!args->policy.empty() || args->half_life_s != 0.0) {
      if (!args->policy.empty()) settings.policy = args->policy;
      if (args->half_life_s != 0.0) settings.usage_half_life_s = args->half_life_s;
      BITGOEUL_RETURN_IF_ERROR(npu_slurm::set_scheduling(store, settings.policy, settings.usage_half_life_s));
    }
    fmt::print("policy {}, fair-share half-life {} s\n", settings.policy, settings.usage_half_life_s);
    if (existed) return Status::ok();
    SystemClock clock;
    BITGOEUL_ASSIGN_OR_RETURN(std::string token, npu_slurm::issue_first_operator_token(store, clock));
    if (args->token_file.empty()) {
      fmt::print("operator token (shown once; the store keeps only its SHA-256):\n{}\n", token);
      return Status::ok();
    }
    // Readable by its owner only, from the moment it exists.
    const int fd = ::open(args->token_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("{}: cannot create file", args->token_file);
    const std::string line = token + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) return io_error("{}: cannot write the token", args->token_file);
    fmt::print("operator token written to {}\n", args->token_file);
    return Status::ok();
  });
}

void add_token(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand(
      "token", "(operator) Issue a token for a tenant (printed once); --list the tokens; --revoke one");
  struct Args {
    CenterArgs center;
    std::string tenant;
    std::string label;
    bool list = false;
    int64_t revoke = 0;
  };
  auto args = std::make_shared<Args>();
  add_center_options(command, args->center, false);
  command->add_option("--tenant", args->tenant, "Tenant the token acts for (omit for another operator token)");
  command->add_option("--label", args->label, "Note kept with the token (who holds it)");
  auto* list = command->add_flag("--list", args->list, "List tokens: id, tenant, label, created, revoked");
  auto* revoke = command->add_option("--revoke", args->revoke, "Revoke the token with this id (from --list)");
  list->excludes(revoke);
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(CenterStore store, CenterStore::open(args->center.db, false));
    SystemClock clock;
    BITGOEUL_ASSIGN_OR_RETURN(Principal caller, npu_slurm::authenticate(store, args->center.token));
    if (args->list) {
      BITGOEUL_ASSIGN_OR_RETURN(std::vector<npu_slurm::TokenRow> tokens, npu_slurm::list_tokens(store, caller));
      BITGOEUL_ASSIGN_OR_RETURN(std::vector<npu_slurm::TenantRow> tenants, store.tenants());
      std::map<npu_slurm::TenantId, std::string> names;
      for (const auto& t : tenants) names[t.id] = t.name;
      fmt::print("{:>4} {:<20} {:<19} {:<8} {}\n", "ID", "TENANT", "CREATED", "REVOKED", "LABEL");
      for (const auto& token : tokens) {
        fmt::print("{:>4} {:<20} {:<19} {:<8} {}\n", token.id, token.tenant ? names[*token.tenant] : "(operator)",
                   time_text(token.created_s), token.revoked ? "yes" : "no", token.label);
      }
      return Status::ok();
    }
    if (args->revoke != 0) {
      BITGOEUL_RETURN_IF_ERROR(npu_slurm::revoke_token(store, caller, args->revoke));
      fmt::print("token {} revoked\n", args->revoke);
      return Status::ok();
    }
    BITGOEUL_ASSIGN_OR_RETURN(std::string token,
                              npu_slurm::issue_token(store, clock, caller, args->tenant, args->label));
    fmt::print("{}\n", token);
    return Status::ok();
  });
}

void add_submit(CLI::App& npu_app, CommandRegistry& registry) {
  struct Own {
    npu_slurm::SubmitRequest request;
    std::string script_path;
    bool parsable = false;
    bool no_schedule = false;
  };
  add_caller_command<Own>(npu_app, registry, {
      .name = "submit",
      .description = "Submit a batch script (sbatch-like): admitted against quota and voucher before it reaches Slurm",
      .add_options = [](CLI::App* command, Own& own) {
        command->add_option("--gres", own.request.gres, "Devices per node, NAME:TYPE[:COUNT], e.g. npu:rngd:4")
            ->required();
        command->add_option("-t,--time", own.request.time_limit,
                            "Time limit: MINUTES, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (whole minutes)")
            ->required();
        command->add_option("--tenant", own.request.tenant, "Project to run for (default: the token's own)");
        command->add_option("-N,--nodes", own.request.nodes, "Nodes (the gres count is per node)")
            ->capture_default_str();
        command->add_option("-J,--job-name", own.request.job_name, "Name shown in the queue (default: the script's)");
        command->add_flag("--parsable", own.parsable, "Print only the Slurm job id");
        command->add_flag(
            "--no-schedule", own.no_schedule,
            "Leave the start decision to the next `npu sync` (jobs submitted together are ordered together)");
        command->add_option("script", own.script_path,
                            "Batch script (#! first line; no #SBATCH lines: options come from these flags)")
            ->required();
      },
      .prepare = [](Own& own, CenterArgs& center) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(std::string script, read_file(own.script_path, npu_slurm::kMaxScriptBytes));
        own.request.script = std::move(script);
        own.request.script_source = own.script_path;
        center.schedule_on_submit = !own.no_schedule;
        return Status::ok();
      },
      .run = [](Session& session, const Own& own) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(JobRow job, session.center->submit(session.principal, own.request));
        if (own.parsable) {
          fmt::print("{}\n", slurm_id_text(job));
        } else {
          fmt::print(
              "Submitted batch job {} (center job {}, tenant {}, {} × {} node(s), reserved {:.3f} device-hours)\n",
              slurm_id_text(job), npu_slurm::raw(job.id), job.tenant_name, job.gres.to_string(), job.nodes,
              job.reserved_device_hours);
        }
        return Status::ok();
      },
  });
}

void add_queue(CLI::App& npu_app, CommandRegistry& registry) {
  struct Own {
    bool all = false;
  };
  add_caller_command<Own>(npu_app, registry, {
      .name = "queue",
      .description = "The caller's jobs, squeue-like, up to date from Slurm",
      .add_options = [](CLI::App* command, Own& own) {
        command->add_flag("-a,--all", own.all, "Include ended and rejected jobs");
      },
      .run = [](Session& session, const Own& own) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(std::vector<JobRow> jobs, session.center->queue(session.principal, own.all));
        // POS: place in the center's queue by predicted start (1 starts next); ETA: the predicted start, from the
        // policy run forward on the live state at the last pass. Started jobs show their actual start instead.
        fmt::print("{:>8} {:>6} {:<16} {:<20} {:<12} {:>5} {:<10} {:>10} {:<19} {:>4} {:<19} {}\n", "JOBID", "CENTER",
                   "TENANT", "NAME", "GRES", "NODES", "STATE", "TIME_LIMIT", "SUBMIT", "POS", "START/ETA",
                   "NODELIST(REASON)");
        for (const JobRow& job : jobs) {
          const bool held = job.state == "PENDING" && !job.released_s;
          std::string where = job.state == "PENDING" || job.state == npu_slurm::kStateRejected
                                  ? "(" + job.reason + ")"
                                  : job.node_list;
          if (held) where = "(CenterPolicy)";
          const std::string position = job.queue_position ? std::to_string(*job.queue_position) : "-";
          const std::string start = job.start_s ? time_text(job.start_s)
                                    : job.state == "PENDING" && job.eta_s ? time_text(job.eta_s)
                                                                          : std::string("N/A");
          fmt::print("{:>8} {:>6} {:<16} {:<20} {:<12} {:>5} {:<10} {:>10} {:<19} {:>4} {:<19} {}\n",
                     slurm_id_text(job), npu_slurm::raw(job.id), job.tenant_name, job.name.substr(0, 20),
                     job.gres.to_string(), job.nodes, job.state, npu_slurm::format_duration(job.time_limit_s),
                     time_text(job.submitted_s), held ? position : "-", start, where);
        }
        return Status::ok();
      },
  });
}

void add_cancel(CLI::App& npu_app, CommandRegistry& registry) {
  struct Own {
    std::string id;
    uint64_t slurm_id = 0;  // id, checked
  };
  add_caller_command<Own>(npu_app, registry, {
      .name = "cancel",
      .description = "Cancel one of the caller's jobs (scancel-like)",
      .add_options = [](CLI::App* command, Own& own) {
        command->add_option("id", own.id, "Slurm job id (JOBID in `npu queue`)")->required();
      },
      .prepare = [](Own& own, CenterArgs&) -> Status {
        const std::string& text = own.id;
        if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
          return invalid_input("job id '{}': expected a Slurm job id (digits)", text.substr(0, 40));
        }
        own.slurm_id = std::stoull(text);
        return Status::ok();
      },
      .run = [](Session& session, const Own& own) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(JobRow job,
                                  session.center->cancel(session.principal, npu_slurm::SlurmJobId{own.slurm_id}));
        fmt::print("job {} {}\n", slurm_id_text(job), job.state);
        return Status::ok();
      },
  });
}

void add_usage(CLI::App& npu_app, CommandRegistry& registry) {
  add_caller_command<NoOptions>(npu_app, registry, {
      .name = "usage",
      .description = "Charged device-hours of the caller's ended jobs, from sacct",
      .run = [](Session& session, const NoOptions&) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(std::vector<npu_slurm::UsageRow> rows, session.center->usage(session.principal));
        fmt::print("{:>6} {:<16} {:<6} {:>7} {:>9} {:>12} {:>12} {:<10} {:<19} {:<19}\n", "CENTER", "TENANT", "TYPE",
                   "DEVICES", "ELAPSED_S", "DEVICE_H", "BILLED_H", "STATE", "START", "END");
        std::map<std::string, std::pair<double, double>> totals;
        for (const npu_slurm::UsageRow& row : rows) {
          fmt::print("{:>6} {:<16} {:<6} {:>7} {:>9} {:>12.6f} {:>12.6f} {:<10} {:<19} {:<19}\n",
                     npu_slurm::raw(row.job), row.tenant_name, row.device_type, row.devices, row.elapsed_s,
                     row.device_hours, row.billed_device_hours, row.final_state, time_text(row.start_s),
                     time_text(row.end_s));
          totals[row.tenant_name].first += row.device_hours;
          totals[row.tenant_name].second += row.billed_device_hours;
        }
        for (const auto& [tenant, total] : totals) {
          fmt::print("total {:<16} device-hours {:.6f}, billed {:.6f}\n", tenant, total.first, total.second);
        }
        return Status::ok();
      },
  });
}

void add_tenants(CLI::App& npu_app, CommandRegistry& registry) {
  add_caller_command<NoOptions>(npu_app, registry, {
      .name = "tenants",
      .description = "Tenants the caller may see: quotas, devices in use, vouchers",
      .run = [](Session& session, const NoOptions&) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(std::vector<npu_slurm::TenantView> views, session.center->tenants(session.principal));
        std::map<npu_slurm::TenantId, std::string> names;
        for (const auto& view : views) names[view.tenant.id] = view.tenant.name;
        fmt::print("{:<20} {:<12} {:<16} {:<24} {:<16} {}\n", "TENANT", "KIND", "PARENT", "MAXIMUM", "IN_USE",
                   "VOUCHER_H(left/burnt/reserved/granted)");
        const auto milli = [](int64_t m) {
          return m % 1000 == 0 ? std::to_string(m / 1000) : fmt::format("{:.3f}", static_cast<double>(m) / 1000.0);
        };
        for (const auto& view : views) {
          const auto& t = view.tenant;
          std::string maximum, in_use;
          for (const auto& [type, m] : t.maximum_milli) maximum += (maximum.empty() ? "" : ",") + type + "=" + milli(m);
          for (const auto& [type, m] : view.in_use_milli) in_use += (in_use.empty() ? "" : ",") + type + "=" + milli(m);
          const std::string parent = !t.parent ? "-" : names.contains(*t.parent) ? names[*t.parent] : "(above)";
          const std::string voucher =
              t.voucher_granted_hours
                  ? fmt::format("{:.3f}/{:.3f}/{:.3f}/{:.3f}", *view.voucher_left_hours, t.voucher_burnt_hours,
                                view.reserved_hours, *t.voucher_granted_hours)
                  : "-";
          fmt::print("{:<20} {:<12} {:<16} {:<24} {:<16} {}\n", t.name, npu::tenant_kind_name(t.kind), parent,
                     maximum.empty() ? "-" : maximum, in_use.empty() ? "-" : in_use, voucher);
        }
        return Status::ok();
      },
  });
}

void add_sync(CLI::App& npu_app, CommandRegistry& registry) {
  add_caller_command<NoOptions>(npu_app, registry, {
      .name = "sync",
      .description = "Read job states and accounting from Slurm now; charge ended jobs",
      .run = [](Session& session, const NoOptions&) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(npu_slurm::SyncReport report, session.center->sync());
        fmt::print("updated {}, charged {}, recovered {}, lost {}, released {}\n", report.updated, report.charged,
                   report.recovered, report.lost, report.released);
        return Status::ok();
      },
  });
}

void add_eta_accuracy(CLI::App& npu_app, CommandRegistry& registry) {
  struct Own {
    bool jobs = false;
  };
  add_caller_command<Own>(npu_app, registry, {
      .name = "eta-accuracy",
      .description = "Start times predicted at submission against actual ones, for the caller's started jobs",
      .add_options = [](CLI::App* command, Own& own) {
        command->add_flag("--jobs", own.jobs, "One line per job too");
      },
      .run = [](Session& session, const Own& own) -> Status {
        BITGOEUL_ASSIGN_OR_RETURN(npu_slurm::EtaAccuracy accuracy, session.center->eta_accuracy(session.principal));
        if (own.jobs) {
          fmt::print("{:>8} {:<16} {:>8} {:>10} {:>10} {:>9}\n", "JOBID", "TENANT", "WAIT_S", "PREDICTED", "ACTUAL",
                     "ERROR_S");
          for (const npu_slurm::EtaSample& sample : accuracy.samples) {
            fmt::print("{:>8} {:<16} {:>8} {:>10} {:>10} {:>9}\n",
                       sample.slurm_id ? std::to_string(npu_slurm::raw(*sample.slurm_id)) : "-", sample.tenant_name,
                       sample.actual_start_s - sample.submitted_s, sample.predicted_start_s - sample.submitted_s,
                       sample.actual_start_s - sample.submitted_s, sample.actual_start_s - sample.predicted_start_s);
          }
        }
        const auto number = [](std::optional<double> value, const char* unit) {
          return value ? fmt::format("{:.1f}{}", *value, unit) : std::string("n/a");
        };
        fmt::print(
            "jobs {}: |actual - predicted start| median {}, p90 {}; {} that waited: median {}, p90 {} of their wait\n",
            accuracy.samples.size(), number(accuracy.median_error_s, " s"), number(accuracy.p90_error_s, " s"),
            accuracy.waited_jobs, number(accuracy.median_error_pct_of_wait, "%"),
            number(accuracy.p90_error_pct_of_wait, "%"));
        return Status::ok();
      },
  });
}

void add_serve(CLI::App& npu_app, CommandRegistry& registry) {
  auto* command = npu_app.add_subcommand(
      "serve", "Run the center's HTTP/JSON API (docs/npu-center-openapi.yaml); each request brings its own token");
  struct Args {
    CenterArgs center;
    std::string listen = "127.0.0.1:8090";
    int threads = 4;
    double sync_interval_s = 5.0;
  };
  auto args = std::make_shared<Args>();
  add_store_option(command, args->center);
  add_slurm_options(command, args->center);
  command->add_option("--listen", args->listen, "ADDRESS:PORT (port 0: any free port)")->capture_default_str();
  command->add_option("--threads", args->threads,
                      "HTTP threads; all but one may wait for Slurm (submissions, cancellations), one is kept for reads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--sync-interval", args->sync_interval_s,
                      "Seconds between reads of Slurm's states and accounting (0: none; states then change only with "
                      "submissions and cancellations)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(const auto listen, parse_listen_address(args->listen));
    // Block the stop signals before any thread starts, so that only sigtimedwait below receives them (the Slurm
    // commands the center runs start with them unblocked).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // Admission's shape check uses the tick's node inventory while it is at most one tick old.
    if (args->sync_interval_s > 0) {
      int64_t tick_s = static_cast<int64_t>(args->sync_interval_s);
      if (static_cast<double>(tick_s) < args->sync_interval_s) ++tick_s;  // whole seconds, rounded up
      args->center.inventory_max_age_s = tick_s;
    }
    BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, open_center(args->center));
    // Reads never wait for Slurm; requests that do may take all threads but one.
    npu_slurm::CenterHttp http(*session->center, {.slurm_request_slots = args->threads > 1 ? args->threads - 1 : 0});
    // After a restart, states come from Slurm before the first request: jobs submitted while the server was down
    // (or whose submission it did not see through) are found again. A Slurm that does not answer yet does not keep
    // the server down: requests that need it get 502 until it does.
    Result<npu_slurm::SyncReport> first = http.sync();
    bool failing = !first.is_ok();
    if (failing) fmt::print(stderr, "first sync failed (serving anyway): {}\n", first.status().to_string());
    HttpServerOptions options;
    options.address = listen.first;
    options.port = listen.second;
    options.threads = args->threads;
    options.max_body_bytes = 4 * npu_slurm::kMaxScriptBytes;  // a script at its limit, JSON-escaped
    BITGOEUL_ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
                              HttpServer::start(options, [&http](const HttpRequest& request) {
                                return http.handle(request);
                              }));
    const npu_slurm::SyncReport synced = first.is_ok() ? *first : npu_slurm::SyncReport{};
    fmt::print("listening on http://{}:{} (store {}; synced: updated {}, charged {}, recovered {}, lost {})\n",
               listen.first, server->port(), args->center.db, synced.updated, synced.charged, synced.recovered,
               synced.lost);
    std::fflush(stdout);
    int received = 0;
    while (received <= 0) {
      if (args->sync_interval_s <= 0) {
        sigwait(&stop_signals, &received);
        break;
      }
      timespec interval{};
      interval.tv_sec = static_cast<time_t>(args->sync_interval_s);
      interval.tv_nsec = static_cast<long>((args->sync_interval_s - static_cast<double>(interval.tv_sec)) * 1e9);
      received = sigtimedwait(&stop_signals, nullptr, &interval);
      if (received > 0) break;
      if (errno != EAGAIN && errno != EINTR) return io_error("sigtimedwait failed: {}", std::strerror(errno));
      // A failing Slurm is reported once when it starts failing and once when it recovers, not every tick.
      Result<npu_slurm::SyncReport> report = http.sync();
      if (!report.is_ok() && !failing) fmt::print(stderr, "sync failed: {}\n", report.status().to_string());
      if (report.is_ok() && failing) fmt::print(stderr, "sync recovered\n");
      failing = !report.is_ok();
    }
    server->stop();
    fmt::print("stopped ({})\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    return Status::ok();
  });
}

}  // namespace

void add_npu_center_commands(CLI::App& npu_app, CommandRegistry& registry) {
  add_init(npu_app, registry);
  add_token(npu_app, registry);
  add_submit(npu_app, registry);
  add_queue(npu_app, registry);
  add_cancel(npu_app, registry);
  add_usage(npu_app, registry);
  add_tenants(npu_app, registry);
  add_sync(npu_app, registry);
  add_eta_accuracy(npu_app, registry);
  add_serve(npu_app, registry);
}

}  // namespace bitgoeul::cli
