#pragma once
// Who may call the dispatch service: bearer tokens with a role, from the service's access file (TOML). The file
// holds only each token's SHA-256 (`bitgoeul taxi token` makes a token and its line), so reading it reveals none.
//
//   [[token]]
//   role = "operator"        # operator | regulator | vehicle | rider | gateway
//   id = "ops-1"             # a vehicle's or rider's own id: they act only as themselves
//
// A gateway is the fleet's telematics gateway: it may send telemetry and confirm stops for any vehicle, nothing else.
//   sha256 = "9f86d0..."     # lower-case hex SHA-256 of the token

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace bitgoeul::taxi_service {

enum class Role { kOperator, kRegulator, kVehicle, kRider, kGateway };
const char* role_name(Role role);
// The role `role_name` calls `name`, if any.
std::optional<Role> parse_role(std::string_view name);

// What a role may do: one action per operation of the API. This table is the only statement of it: the service
// authorises each call by `role_may(role, action)`, and GET /api/v1/whoami lists `actions_of(role)`. Acting on a
// vehicle or a ride is further limited to the principal's own (a vehicle acts only as itself, a rider on its own
// rides): that is the handlers' check, on top of this one.
enum class Action : uint8_t {
  kViewNetwork,
  kViewPermit,
  kQuote,
  kRegisterVehicle,
  kSendTelemetry,
  kViewAssignment,
  kConfirmStop,
  kReportIncident,
  kPullVehicle,
  kRequestRide,
  kViewRide,
  kCancelRide,
  kReassignRide,
  kViewFleet,
  kViewKpis,
  kSuspendZone,
  kResumeZone,
  kReadAudit,
  kReadReport,
};
// "suspend_zone", "pull_vehicle", ...: the names whoami sends.
const char* action_name(Action action);
bool role_may(Role role, Action action);
// Every action `role` may take, in the order of Action.
std::vector<Action> actions_of(Role role);

struct Principal {
  Role role = Role::kRider;
  std::string id;
};

class AccessList {
 public:
  // Errors name the file, line and key: unknown roles, ids missing or repeated, hashes that are not 64 hex digits,
  // a hash given twice.
  static Result<AccessList> read(const std::string& path);
  static AccessList from_entries(const std::unordered_map<std::string, Principal>& by_hash) { return AccessList(by_hash); }

  // The principal holding `token`, or nullopt (unknown or empty token).
  std::optional<Principal> authenticate(const std::string& token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  explicit AccessList(std::unordered_map<std::string, Principal> by_hash) : by_hash_(std::move(by_hash)) {}
  std::unordered_map<std::string, Principal> by_hash_;
};

}  // namespace bitgoeul::taxi_service
