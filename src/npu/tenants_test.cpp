#include "npu/tenants.h"

#include <gtest/gtest.h>

#include "npu/cluster_file.h"

namespace bitgoeul::npu {
namespace {

Cluster two_types() {
  Result<Cluster> cluster = parse_cluster(R"(
[[device_types]]
name = "RNGD"
resource = "furiosa.ai/rngd"
[[device_types]]
name = "ATOM"
resource = "rebellions.ai/ATOM"
[[nodes]]
name = "r"
device_type = "RNGD"
devices = 8
[[nodes]]
name = "a"
device_type = "ATOM"
devices = 8
)",
                                          "c.toml");
  EXPECT_TRUE(cluster.is_ok()) << cluster.status().to_string();
  return *cluster;
}

constexpr const char* kTenants = R"(
[[tenants]]
name = "prog"
kind = "programme"
shares = 3
voucher_device_hours = 100
guaranteed = { RNGD = 6 }

[[tenants]]
name = "org"
kind = "organisation"
parent = "prog"
guaranteed = { RNGD = 4 }
maximum = { RNGD = 6, ATOM = 2.5 }

[[tenants]]
name = "p1"
kind = "project"
parent = "org"
priority = 5
shares = 3

[[tenants]]
name = "p2"
kind = "project"
parent = "org"

[[tenants]]
name = "other"
kind = "programme"
)";

TEST(Tenants, HierarchyQuotasVouchersAndShares) {
  const Cluster cluster = two_types();
  Result<Tenants> tenants = parse_tenants(kTenants, "t.toml", cluster);
  ASSERT_TRUE(tenants.is_ok()) << tenants.status().to_string();
  ASSERT_EQ(tenants->size(), 5u);
  const TenantIndex p1 = *tenants->find("p1");
  EXPECT_EQ(tenants->chain(p1), (std::vector<TenantIndex>{2, 1, 0}));
  EXPECT_TRUE(tenants->is_leaf(p1));
  EXPECT_FALSE(tenants->is_leaf(1));
  EXPECT_EQ(tenants->tenants[1].guaranteed_milli, (std::vector<int64_t>{4000, 0}));
  EXPECT_EQ(tenants->tenants[1].maximum_milli, (std::vector<int64_t>{6000, 2500}));
  EXPECT_EQ(tenants->tenants[2].maximum_milli[0], kUnlimitedMilli);
  EXPECT_EQ(tenants->tenants[0].voucher_device_hours, 100.0);
  EXPECT_FALSE(tenants->tenants[2].voucher_device_hours.has_value());
  // prog has 3 of 4 top-level shares, org is its only child, p1 has 3 of org's 4.
  EXPECT_DOUBLE_EQ(tenants->normalised_shares(p1), 0.75 * 1.0 * 0.75);
  EXPECT_DOUBLE_EQ(tenants->normalised_shares(*tenants->find("other")), 0.25);
}

TEST(Tenants, BadFilesNameLineAndKey) {
  const Cluster cluster = two_types();
  const auto error = [&cluster](const std::string& text) {
    return parse_tenants(text, "t.toml", cluster).status().message();
  };
  EXPECT_NE(error("[[tenants]]\nname = \"p\"\nkind = \"project\"\n").find("t.toml:3: tenants[0].kind: only a "
                                                                           "programme may have no parent"),
            std::string::npos)
      << error("[[tenants]]\nname = \"p\"\nkind = \"project\"\n");
  EXPECT_NE(error("[[tenants]]\nname = \"p\"\nkind = \"team\"\n").find("t.toml:3: tenants[0].kind: unknown kind"),
            std::string::npos);
  const std::string bad_type = error("[[tenants]]\nname = \"p\"\nkind = \"programme\"\nguaranteed = { TPU = 1 }\n");
  EXPECT_NE(bad_type.find("t.toml:4: tenants[0].guaranteed.TPU: unknown device type 'TPU'"), std::string::npos)
      << bad_type;
  const std::string over = error(
      "[[tenants]]\nname = \"p\"\nkind = \"programme\"\nguaranteed = { RNGD = 3 }\nmaximum = { RNGD = 2 }\n");
  EXPECT_NE(over.find("t.toml:4: tenants[0].guaranteed: guaranteed RNGD exceeds the maximum"), std::string::npos)
      << over;
  const std::string too_big = error("[[tenants]]\nname = \"p\"\nkind = \"programme\"\nguaranteed = { RNGD = 9 }\n");
  EXPECT_NE(too_big.find("exceed the cluster's 8 devices"), std::string::npos) << too_big;
  const std::string children = error(
      "[[tenants]]\nname = \"p\"\nkind = \"programme\"\nguaranteed = { RNGD = 2 }\n"
      "[[tenants]]\nname = \"o\"\nkind = \"organisation\"\nparent = \"p\"\nguaranteed = { RNGD = 3 }\n");
  EXPECT_NE(children.find("children's guaranteed RNGD"), std::string::npos) << children;
  const std::string kinds = error(
      "[[tenants]]\nname = \"p\"\nkind = \"programme\"\n[[tenants]]\nname = \"x\"\nkind = \"project\"\n"
      "parent = \"p\"\n");
  EXPECT_NE(kinds.find("t.toml:7: tenants[1].parent: a project cannot belong to a programme"), std::string::npos)
      << kinds;
}

}  // namespace
}  // namespace bitgoeul::npu
