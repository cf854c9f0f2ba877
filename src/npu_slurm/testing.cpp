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

TestCenter::~TestCenter() {
  http.reset();
  center.reset();
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
  center.emplace(*store, *backend, clock, center_options());
  if (options.http) http.emplace(*center, *store);
  return Status::ok();
}

CenterOptions TestCenter::center_options() const { return CenterOptions{(dir / "jobs").string(), 120}; }

Principal TestCenter::operator_principal() {
  Principal principal;
  principal.name = "operator";
  return principal;
}

Result<std::string> TestCenter::issue_token(const std::string& tenant, const std::string& label) {
  return center->issue_token(operator_principal(), tenant, label);
}

}  // namespace bitgoeul::npu_slurm::testing
