#include "npu_slurm/fake_backend.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace bitgoeul::npu_slurm {

int64_t fake_run_time_s(std::string_view script) {
  int64_t total = 0;
  size_t at = 0;
  while ((at = script.find("sleep ", at)) != std::string_view::npos) {
    at += 6;
    int64_t seconds = 0;
    const auto [end, error] = std::from_chars(script.data() + at, script.data() + script.size(), seconds);
    if (error == std::errc() && seconds > 0) total += std::min<int64_t>(seconds, 1'000'000'000);
    at = static_cast<size_t>(end - script.data());
  }
  return total;
}

FakeBackend::FakeBackend(std::vector<FakeNode> nodes, const Clock& clock)
    : nodes_(std::move(nodes)), clock_(&clock), last_update_s_(clock.now_s()) {
  for (const FakeNode& node : nodes_) free_.push_back(node.devices);
  usable_.assign(nodes_.size(), true);
}

void FakeBackend::set_node_usable(const std::string& name, bool usable) {
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (nodes_[n].name == name) usable_[n] = usable;
  }
}

Status FakeBackend::add_node(FakeNode node) {
  for (const FakeNode& n : nodes_) {
    if (n.name == node.name) return invalid_input("node {}: already in the cluster", node.name);
  }
  free_.push_back(node.devices);
  usable_.push_back(true);
  nodes_.push_back(std::move(node));
  update();
  return Status::ok();
}

Status FakeBackend::remove_node(const std::string& name) {
  update();
  size_t gone = nodes_.size();
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (nodes_[n].name == name) gone = n;
  }
  if (gone == nodes_.size()) return not_found("node {}: not in the cluster", name);
  if (free_[gone] != nodes_[gone].devices) return invalid_input("node {}: runs a job", name);
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(gone));
  free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(gone));
  usable_.erase(usable_.begin() + static_cast<std::ptrdiff_t>(gone));
  for (auto& [id, job] : jobs_) {
    for (size_t& n : job.nodes) {
      if (n > gone) --n;
    }
  }
  return Status::ok();
}

std::string FakeBackend::required_nodes(SlurmJobId id) const {
  const auto it = jobs_.find(raw(id));
  std::string out;
  if (it == jobs_.end()) return out;
  for (const std::string& name : it->second.required_nodes) out += (out.empty() ? "" : ",") + name;
  return out;
}

const SubmitSpec* FakeBackend::spec(SlurmJobId id) const {
  const auto it = jobs_.find(raw(id));
  return it == jobs_.end() ? nullptr : &it->second.spec;
}

FakeBackend::Job* FakeBackend::find(SlurmJobId id) {
  const auto it = jobs_.find(raw(id));
  return it == jobs_.end() ? nullptr : &it->second;
}

void FakeBackend::finish(Job& job, int64_t end_s, JobState state) {
  for (size_t n : job.nodes) free_[n] += job.spec.gres.count;
  job.nodes.clear();
  job.view.state = state;
  job.view.end_s = end_s;
  job.view.reason = "None";
}

void FakeBackend::schedule(int64_t now_s) {
  std::vector<Job*> pending;
  for (auto& [id, job] : jobs_) {
    if (job.view.state == JobState::kPending && !job.held) pending.push_back(&job);
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Job* a, const Job* b) { return a->view.priority > b->view.priority; });
  for (Job* job : pending) {
    std::vector<size_t> chosen;
    for (size_t n = 0; n < nodes_.size() && chosen.size() < job->spec.nodes; ++n) {
      const FakeNode& node = nodes_[n];
      if (!usable_[n]) continue;
      if (!job->required_nodes.empty() &&
          std::find(job->required_nodes.begin(), job->required_nodes.end(), node.name) == job->required_nodes.end()) {
        continue;
      }
      if (node.gres_name == job->spec.gres.name && node.gres_type == job->spec.gres.type &&
          free_[n] >= job->spec.gres.count) {
        chosen.push_back(n);
      }
    }
    if (chosen.size() < job->spec.nodes) {
      job->view.reason = "Resources";
      continue;
    }
    std::string node_list;
    for (size_t n : chosen) {
      free_[n] -= job->spec.gres.count;
      node_list += (node_list.empty() ? "" : ",") + nodes_[n].name;
    }
    job->nodes = chosen;
    job->view.state = JobState::kRunning;
    job->view.reason = "None";
    job->view.start_s = now_s;
    job->view.node_list = node_list;
  }
}

void FakeBackend::update() {
  const int64_t now = clock_->now_s();
  int64_t t = std::min(last_update_s_, now);
  while (true) {
    schedule(t);
    int64_t next_end = std::numeric_limits<int64_t>::max();
    for (auto& [id, job] : jobs_) {
      if (job.view.state != JobState::kRunning) continue;
      next_end = std::min(next_end, *job.view.start_s + std::min(job.run_s, job.spec.time_limit_s));
    }
    if (next_end > now) break;
    t = next_end;
    for (auto& [id, job] : jobs_) {
      if (job.view.state != JobState::kRunning) continue;
      const bool timed_out = job.run_s > job.spec.time_limit_s;
      if (*job.view.start_s + (timed_out ? job.spec.time_limit_s : job.run_s) == t) {
        finish(job, t, timed_out ? JobState::kTimeout : JobState::kCompleted);
      }
    }
  }
  last_update_s_ = now;
}

Result<SlurmJobId> FakeBackend::submit(const SubmitSpec& spec) {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  if (fail_next_submit_) {
    Status status = std::move(*fail_next_submit_);
    fail_next_submit_.reset();
    return status;
  }
  bool fits_somewhere = false;
  uint32_t matching_nodes = 0;
  for (const FakeNode& node : nodes_) {
    if (node.gres_name == spec.gres.name && node.gres_type == spec.gres.type && node.devices >= spec.gres.count) {
      ++matching_nodes;
    }
  }
  fits_somewhere = matching_nodes >= spec.nodes;
  if (!fits_somewhere) {
    return io_error("sbatch failed (exit 1): sbatch: error: Batch job submission failed: Requested node "
                    "configuration is not available");
  }
  Job job;
  job.spec = spec;
  job.run_s = fake_run_time_s(spec.script);
  job.held = spec.hold;
  job.view.id = SlurmJobId{next_id_++};
  job.view.name = spec.name;
  job.view.account = spec.account;
  job.view.state = JobState::kPending;
  job.view.reason = spec.hold ? "JobHeldUser" : "None";
  job.view.submit_s = clock_->now_s();
  job.view.time_limit_s = spec.time_limit_s;
  job.view.priority = spec.priority.value_or(1000);
  job.view.node_count = spec.nodes;
  const SlurmJobId id = job.view.id;
  jobs_.emplace(raw(id), std::move(job));
  update();
  return id;
}

Status FakeBackend::cancel(SlurmJobId id) {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  Job* job = find(id);
  if (job == nullptr) return io_error("scancel failed (exit 1): scancel: error: Invalid job id specified");
  if (is_active(job->view.state)) {
    const int64_t now = clock_->now_s();
    if (!job->view.start_s) job->view.start_s = now;  // Slurm records a pending job's start as its end
    finish(*job, now, JobState::kCancelled);
    update();
  }
  return Status::ok();
}

Status FakeBackend::hold(SlurmJobId id) {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  Job* job = find(id);
  if (job == nullptr || job->view.state != JobState::kPending) {
    return io_error("scontrol failed (exit 1): Job is no longer pending execution for job {}", raw(id));
  }
  job->held = true;
  job->view.reason = "JobHeldUser";
  job->view.priority = 0;
  return Status::ok();
}

Status FakeBackend::release(SlurmJobId id) {
  if (!unavailable_.is_ok()) return unavailable_;
  Job* job = find(id);
  if (job == nullptr || job->view.state != JobState::kPending) {
    return io_error("scontrol failed (exit 1): Job is no longer pending execution for job {}", raw(id));
  }
  job->held = false;
  job->view.reason = "None";
  job->view.priority = job->spec.priority.value_or(1000);
  update();
  return Status::ok();
}

Status FakeBackend::set_priority(SlurmJobId id, uint32_t priority) {
  if (!unavailable_.is_ok()) return unavailable_;
  Job* job = find(id);
  if (job == nullptr) return io_error("scontrol failed (exit 1): Invalid job id specified");
  job->spec.priority = priority;
  if (!job->held) job->view.priority = priority;
  update();
  return Status::ok();
}

Status FakeBackend::set_node_list(SlurmJobId id, const std::string& node_list) {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  Job* job = find(id);
  if (job == nullptr || job->view.state != JobState::kPending) {
    return io_error("scontrol failed (exit 1): Job is no longer pending execution for job {}", raw(id));
  }
  std::vector<std::string> names;
  if (!node_list.empty()) {
    BITGOEUL_ASSIGN_OR_RETURN(names, expand_node_list(node_list));
    for (const std::string& name : names) {
      bool known = false;
      for (const FakeNode& node : nodes_) known = known || node.name == name;
      if (!known) return io_error("scontrol failed (exit 1): Invalid node name specified");
    }
  }
  job->required_nodes = std::move(names);
  update();
  return Status::ok();
}

Result<std::vector<BackendNode>> FakeBackend::nodes() {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  std::vector<BackendNode> out;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    BackendNode node;
    node.name = nodes_[n].name;
    node.gres.push_back({nodes_[n].gres_name, nodes_[n].gres_type, nodes_[n].devices, nodes_[n].devices - free_[n]});
    node.usable = usable_[n];
    node.state = !usable_[n] ? "drained" : free_[n] == nodes_[n].devices ? "idle" : free_[n] == 0 ? "allocated" : "mixed";
    out.push_back(std::move(node));
  }
  return out;
}

Result<std::vector<BackendJob>> FakeBackend::list_jobs() {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  std::vector<BackendJob> out;
  for (const auto& [id, job] : jobs_) out.push_back(job.view);
  return out;
}

Result<std::vector<AccountingRecord>> FakeBackend::accounting(const std::vector<SlurmJobId>& ids) {
  if (!unavailable_.is_ok()) return unavailable_;
  update();
  std::vector<AccountingRecord> out;
  for (SlurmJobId id : ids) {
    const Job* job = find(id);
    if (job == nullptr || is_active(job->view.state)) continue;
    AccountingRecord record;
    record.id = id;
    record.name = job->view.name;
    record.account = job->view.account;
    record.state = job->view.state;
    record.start_s = job->view.start_s;
    record.end_s = job->view.end_s;
    record.elapsed_s = job->view.start_s && job->view.end_s ? *job->view.end_s - *job->view.start_s : 0;
    record.node_count = job->view.node_list.empty() ? 0 : job->spec.nodes;
    record.node_list = job->view.node_list;
    record.exit_code = job->view.state == JobState::kCompleted ? "0:0" : "0:15";
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace bitgoeul::npu_slurm
