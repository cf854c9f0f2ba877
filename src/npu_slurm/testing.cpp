#include "npu_slurm/testing.h"

#include <stdlib.h>

#include <system_error>

#include <fmt/format.h>

#include "npu/cluster_file.h"
#include "npu/tenants.h"

namespace bitgoeul::npu_slurm::testing {

std::string cluster_toml() {
  return R"(
name = "test"
[[device_types]]
name = "RNGD"
vendor = "FuriosaAI"
resource = "furiosa.ai/rngd"
[[device_types]]
name = "ATOM"
vendor = "Rebellions"
resource = "rebellions.ai/ATOM"
billing_weight = 0.5
[[nodes]]
name = "rngd"
count = 2
device_type = "RNGD"
devices = 8
[[nodes]]
name = "atom"
count = 1
device_type = "ATOM"
devices = 8
)";
}

std::vector<FakeNode> fake_nodes() {
  return {{"rngd1", "npu", "rngd", 8}, {"rngd2", "npu", "rngd", 8}, {"atom1", "npu", "atom", 8}};
}

std::string tenants_toml(const TenantOptions& options) {
  const std::string guaranteed =
      options.univ_vision_guaranteed_rngd > 0
          ? fmt::format("guaranteed = {{ RNGD = {} }}\n", options.univ_vision_guaranteed_rngd)
          : "";
  return fmt::format(R"(
[[tenants]]
name = "public"
kind = "programme"
voucher_device_hours = {}
[[tenants]]
name = "univ"
kind = "organisation"
parent = "public"
maximum = {{ RNGD = 4 }}
voucher_device_hours = {}
[[tenants]]
name = "univ-vision"
kind = "project"
parent = "univ"
{}[[tenants]]
name = "startup"
kind = "organisation"
parent = "public"
[[tenants]]
name = "startup-speech"
kind = "project"
parent = "startup"
maximum = {{ ATOM = 2 }}
[[tenants]]
name = "lab-open"
kind = "project"
parent = "startup"
)",
                     options.public_voucher_h, options.univ_voucher_h, guaranteed);
}

Status import_registry(CenterStore& store, const std::string& cluster_text, const std::string& tenants_text) {
  BITGOEUL_ASSIGN_OR_RETURN(npu::Cluster cluster, npu::parse_cluster(cluster_text, "cluster.toml"));
  BITGOEUL_ASSIGN_OR_RETURN(npu::Tenants tenants, npu::parse_tenants(tenants_text, "tenants.toml", cluster));
  return store.import_registry(cluster, tenants);
}

void GatedBackend::close(Call kind, size_t skip, bool before) {
  std::lock_guard lock(mutex_);
  closed_ = kind;
  skip_ = skip;
  before_ = before;
}

GatedBackend::Call GatedBackend::wait_until_held() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return holding_; });
  return *closed_;
}

void GatedBackend::open() {
  std::lock_guard lock(mutex_);
  closed_.reset();
  changed_.notify_all();
}

size_t GatedBackend::calls(Call kind) const {
  std::lock_guard lock(mutex_);
  return calls_[static_cast<size_t>(kind)];
}

void GatedBackend::hold_if_closed(Call kind, bool before) {
  std::unique_lock lock(mutex_);
  if (!before) ++calls_[static_cast<size_t>(kind)];
  if (closed_ != kind || holding_ || before_ != before) return;
  if (skip_ > 0) {
    --skip_;
    return;
  }
  holding_ = true;
  changed_.notify_all();
  changed_.wait(lock, [&] { return closed_ != kind; });
  holding_ = false;
}

template <typename Work>
auto GatedBackend::pass(Call kind, Work&& work) {
  hold_if_closed(kind, true);
  auto result = [&] {
    std::lock_guard inner(inner_mutex_);
    return work();
  }();
  hold_if_closed(kind, false);
  return result;
}

Result<SlurmJobId> GatedBackend::submit(const SubmitSpec& spec) {
  return pass(Call::kSubmit, [&] { return inner_->submit(spec); });
}
Status GatedBackend::cancel(SlurmJobId id) {
  return pass(Call::kCancel, [&] { return inner_->cancel(id); });
}
Status GatedBackend::hold(SlurmJobId id) {
  return pass(Call::kHold, [&] { return inner_->hold(id); });
}
Status GatedBackend::release(SlurmJobId id) {
  return pass(Call::kRelease, [&] { return inner_->release(id); });
}
Status GatedBackend::set_priority(SlurmJobId id, uint32_t priority) {
  return pass(Call::kSetPriority, [&] { return inner_->set_priority(id, priority); });
}
Status GatedBackend::set_node_list(SlurmJobId id, const std::string& node_list) {
  return pass(Call::kSetNodeList, [&] { return inner_->set_node_list(id, node_list); });
}
Result<std::vector<BackendNode>> GatedBackend::nodes() {
  return pass(Call::kNodes, [&] { return inner_->nodes(); });
}
Result<std::vector<BackendJob>> GatedBackend::list_jobs() {
  return pass(Call::kListJobs, [&] { return inner_->list_jobs(); });
}
Result<std::vector<AccountingRecord>> GatedBackend::accounting(const std::vector<SlurmJobId>& ids) {
  return pass(Call::kAccounting, [&] { return inner_->accounting(ids); });
}

TestCenter::~TestCenter() {
  if (gate) gate->open();  // a test that failed half-way must not leave a call waiting
  http.reset();
  center.reset();
  gate.reset();
  backend.reset();
  store.reset();
  if (!dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

Status TestCenter::start(const std::string& prefix, const TestCenterOptions& options) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return io_error("{}: cannot create the directory", pattern);
  dir = pattern;
  BITGOEUL_ASSIGN_OR_RETURN(CenterStore opened, CenterStore::open((dir / "center.sqlite").string(), true));
  store.emplace(std::move(opened));
  BITGOEUL_RETURN_IF_ERROR(import_registry(*store, cluster_toml(), tenants_toml(options.tenants)));
  backend.emplace(fake_nodes(), clock);
  ClusterBackend* cluster = &*backend;
  if (options.gated) cluster = &gate.emplace(*backend);
  center.emplace(*store, *cluster, clock, center_options());
  if (options.http) http.emplace(*center);
  return Status::ok();
}

CenterOptions TestCenter::center_options() const {
  CenterOptions options;
  options.job_dir = (dir / "jobs").string();
  options.lost_submission_s = 120;
  return options;
}

Principal TestCenter::operator_principal() {
  Principal principal;
  principal.name = "operator";
  return principal;
}

Result<std::string> TestCenter::issue_token(const std::string& tenant, const std::string& label) {
  return center->issue_token(operator_principal(), tenant, label);
}

}  // namespace bitgoeul::npu_slurm::testing
