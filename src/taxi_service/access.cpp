#include "taxi_service/access.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "core/config_reader.h"
#include "core/config_value.h"
#include "core/token.h"

namespace bitgoeul::taxi_service {
namespace {

constexpr uint32_t bit(Role role) { return uint32_t{1} << static_cast<unsigned>(role); }
constexpr uint32_t kOperator = bit(Role::kOperator), kRegulator = bit(Role::kRegulator), kVehicle = bit(Role::kVehicle),
                   kRider = bit(Role::kRider), kGateway = bit(Role::kGateway);
constexpr uint32_t kEveryone = kOperator | kRegulator | kVehicle | kRider | kGateway;
// The fleet's side: a vehicle for itself, the gateway for any vehicle, operators for any.
constexpr uint32_t kDrivers = kVehicle | kGateway | kOperator;

struct Grant {
  Action action;
  const char* name;
  uint32_t roles;  // bits of Role
};

// Indexed by Action (checked below). The regulator reads and never acts.
constexpr Grant kGrants[] = {
    {Action::kViewNetwork, "view_network", kEveryone},
    {Action::kViewPermit, "view_permit", kEveryone},
    {Action::kQuote, "quote", kRider | kOperator},
    {Action::kRegisterVehicle, "register_vehicle", kDrivers},
    {Action::kSendTelemetry, "send_telemetry", kDrivers},
    {Action::kViewAssignment, "view_assignment", kDrivers | kRegulator},
    {Action::kConfirmStop, "confirm_stop", kDrivers},
    {Action::kReportIncident, "report_incident", kDrivers},
    {Action::kPullVehicle, "pull_vehicle", kOperator},
    {Action::kRequestRide, "request_ride", kRider},
    {Action::kViewRide, "view_ride", kRider | kOperator | kRegulator},
    {Action::kCancelRide, "cancel_ride", kRider | kOperator},
    {Action::kReassignRide, "reassign_ride", kOperator},
    {Action::kViewFleet, "view_fleet", kOperator | kRegulator},
    {Action::kViewKpis, "view_kpis", kOperator | kRegulator},
    {Action::kSuspendZone, "suspend_zone", kOperator},
    {Action::kResumeZone, "resume_zone", kOperator},
    {Action::kReadAudit, "read_audit", kOperator | kRegulator},
    {Action::kReadReport, "read_report", kOperator | kRegulator},
};

constexpr bool grants_in_order() {
  for (size_t i = 0; i < std::size(kGrants); ++i) {
    if (static_cast<size_t>(kGrants[i].action) != i) return false;
  }
  return std::size(kGrants) == static_cast<size_t>(Action::kReadReport) + 1;
}
static_assert(grants_in_order(), "kGrants lists every Action once, in the enum's order");

const Grant& grant(Action action) { return kGrants[static_cast<size_t>(action)]; }

}  // namespace

const char* action_name(Action action) { return grant(action).name; }

bool role_may(Role role, Action action) { return (grant(action).roles & bit(role)) != 0; }

std::vector<Action> actions_of(Role role) {
  std::vector<Action> actions;
  for (const Grant& g : kGrants) {
    if ((g.roles & bit(role)) != 0) actions.push_back(g.action);
  }
  return actions;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kOperator: return "operator";
    case Role::kRegulator: return "regulator";
    case Role::kVehicle: return "vehicle";
    case Role::kRider: return "rider";
    case Role::kGateway: return "gateway";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role role : {Role::kOperator, Role::kRegulator, Role::kVehicle, Role::kRider, Role::kGateway}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

Result<AccessList> AccessList::read(const std::string& path) {
  BITGOEUL_ASSIGN_OR_RETURN(const ConfigValue document, parse_toml_file(path));
  ConfigReader root(document, path, "");
  BITGOEUL_ASSIGN_OR_RETURN(auto entries, root.tables_or_empty("token"));
  if (entries.empty()) return root.error("token", "no [[token]]: nobody could use the service");
  std::unordered_map<std::string, Principal> by_hash;
  std::unordered_map<std::string, std::string> seen_ids;
  for (ConfigReader& entry : entries) {
    BITGOEUL_ASSIGN_OR_RETURN(const std::string role_text, entry.string("role"));
    Principal principal;
    const std::optional<Role> role = parse_role(role_text);
    if (!role) {
      return entry.error("role", fmt::format("unknown role '{}' (operator, regulator, vehicle, rider, gateway)", role_text));
    }
    principal.role = *role;
    BITGOEUL_ASSIGN_OR_RETURN(principal.id, entry.string("id"));
    if (principal.id.empty() || principal.id.size() > 64 ||
        !std::all_of(principal.id.begin(), principal.id.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
      return entry.error("id", "must be 1 to 64 letters, digits, '-' or '_'");
    }
    const std::string key = role_text + "/" + principal.id;
    if (!seen_ids.emplace(key, entry.key_path("id")).second) {
      return entry.error("id", fmt::format("{} '{}' is given twice", role_text, principal.id));
    }
    BITGOEUL_ASSIGN_OR_RETURN(const std::string hash, entry.string("sha256"));
    if (hash.size() != 64 || !std::all_of(hash.begin(), hash.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      return entry.error("sha256", "must be 64 lower-case hex digits (the token's SHA-256)");
    }
    if (!by_hash.emplace(hash, principal).second) return entry.error("sha256", "the same token is given twice");
    BITGOEUL_RETURN_IF_ERROR(entry.finish());
  }
  BITGOEUL_RETURN_IF_ERROR(root.finish());
  return AccessList(std::move(by_hash));
}

std::optional<Principal> AccessList::authenticate(const std::string& token) const {
  if (token.empty() || token.size() > 256) return std::nullopt;
  auto hash = token_hash(token);
  if (!hash.is_ok()) return std::nullopt;
  const auto found = by_hash_.find(*hash);
  if (found == by_hash_.end()) return std::nullopt;
  return found->second;
}

}  // namespace bitgoeul::taxi_service
