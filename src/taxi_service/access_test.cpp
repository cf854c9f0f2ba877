#include "taxi_service/access.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <gtest/gtest.h>

#include "core/token.h"

namespace bitgoeul::taxi_service {
namespace {

std::string write(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "bitgoeul_access_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

TEST(AccessList, TokensAuthenticateByTheirHashOnly) {
  const std::string hash = *token_hash("ops-secret");
  const std::string path = write("ok.toml", "[[token]]\nrole = \"operator\"\nid = \"ops-1\"\nsha256 = \"" + hash +
                                                "\"\n[[token]]\nrole = \"vehicle\"\nid = \"car-7\"\nsha256 = \"" +
                                                *token_hash("car-secret") + "\"\n");
  auto access = AccessList::read(path);
  ASSERT_TRUE(access.is_ok()) << access.status().to_string();
  EXPECT_EQ(access->size(), 2u);
  const auto ops = access->authenticate("ops-secret");
  ASSERT_TRUE(ops.has_value());
  EXPECT_EQ(ops->role, Role::kOperator);
  EXPECT_EQ(ops->id, "ops-1");
  EXPECT_EQ(access->authenticate("car-secret")->id, "car-7");
  EXPECT_FALSE(access->authenticate("").has_value());
  EXPECT_FALSE(access->authenticate(hash).has_value());  // the hash itself is no token
  EXPECT_FALSE(access->authenticate(std::string(100000, 'x')).has_value());
}

// The table whoami answers from and the router authorises by (its calls are probed in live_service_test.cpp).
TEST(Actions, EachHasOneNameAndSomeRoleTheRegulatorOnlyReads) {
  constexpr Role kRoles[] = {Role::kOperator, Role::kRegulator, Role::kVehicle, Role::kRider, Role::kGateway};
  std::set<std::string> names, taken;
  for (int a = 0; a <= static_cast<int>(Action::kReadReport); ++a) {
    const std::string name = action_name(static_cast<Action>(a));
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_TRUE(std::any_of(std::begin(kRoles), std::end(kRoles), [&](Role r) { return role_may(r, static_cast<Action>(a)); }))
        << name << " is nobody's";
  }
  for (const Role role : kRoles) {
    for (const Action action : actions_of(role)) {
      EXPECT_TRUE(role_may(role, action));
      taken.insert(action_name(action));
    }
  }
  EXPECT_EQ(taken, names);
  for (const Action action : actions_of(Role::kRegulator)) {
    const std::string name = action_name(action);
    EXPECT_TRUE(name.starts_with("view_") || name.starts_with("read_")) << "the regulator may " << name;
  }
  EXPECT_TRUE(role_may(Role::kOperator, Action::kSuspendZone));
  EXPECT_FALSE(role_may(Role::kRegulator, Action::kSuspendZone));
  EXPECT_FALSE(role_may(Role::kGateway, Action::kPullVehicle));
  EXPECT_FALSE(role_may(Role::kVehicle, Action::kViewFleet));
  EXPECT_EQ(actions_of(Role::kRider).size(), 6u);
}

TEST(Roles, NamesReadBackAndNothingElseIsARole) {
  for (const Role role : {Role::kOperator, Role::kRegulator, Role::kVehicle, Role::kRider, Role::kGateway}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
  for (const char* name : {"", "admin", "Operator", "operator:", " rider", "unknown"}) {
    EXPECT_EQ(parse_role(name), std::nullopt) << name;
  }
}

TEST(AccessList, BadFilesAreNamed) {
  const std::string h = *token_hash("t");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no [[token]]"},
      {"[[token]]\nrole = \"admin\"\nid = \"a\"\nsha256 = \"" + h + "\"\n", ":2: token[0].role: unknown role 'admin'"},
      {"[[token]]\nrole = \"rider\"\nid = \"a b\"\nsha256 = \"" + h + "\"\n", "token[0].id: must be 1 to 64"},
      {"[[token]]\nrole = \"rider\"\nid = \"a\"\nsha256 = \"abc\"\n", "token[0].sha256: must be 64 lower-case hex"},
      {"[[token]]\nrole = \"rider\"\nid = \"a\"\nsha256 = \"" + h + "\"\n[[token]]\nrole = \"rider\"\nid = \"a\"\nsha256 = \"" +
           *token_hash("u") + "\"\n",
       "rider 'a' is given twice"},
      {"[[token]]\nrole = \"rider\"\nid = \"a\"\nsha256 = \"" + h + "\"\n[[token]]\nrole = \"rider\"\nid = \"b\"\nsha256 = \"" + h +
           "\"\n",
       "the same token is given twice"},
      {"[[token]]\nrole = \"rider\"\nid = \"a\"\nsha256 = \"" + h + "\"\nscope = \"all\"\n", "token[0].scope: unknown key"},
  };
  for (const auto& [text, expected] : cases) {
    auto access = AccessList::read(write("bad.toml", text));
    ASSERT_FALSE(access.is_ok()) << text;
    EXPECT_NE(access.status().message().find(expected), std::string::npos) << access.status().message();
  }
}

}  // namespace
}  // namespace bitgoeul::taxi_service
