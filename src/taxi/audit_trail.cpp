#include "taxi/audit_trail.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace bitgoeul::taxi {
namespace {

struct Decision {
  double time_s;
  const char* kind;
  std::string actor;
  AuditFields data;
};

bool refused_by_permit(RejectReason reason) {
  return reason == RejectReason::kOutsidePermittedArea || reason == RejectReason::kOutsideOperatingHours ||
         reason == RejectReason::kNoDesignatedStop || reason == RejectReason::kServiceSuspended;
}

}  // namespace

Result<AuditTrailAnchor> write_audit_trail(const SimulationResult& result, const Scenario& scenario,
                                           const std::string& path) {
  const std::string dispatcher = std::string("dispatch/") + dispatch_policy_name(scenario.dispatch.policy);
  std::vector<Decision> decisions;
  for (const PermitEvent& event : result.permit_events) {
    AuditFields data{{"change", event.kind}};
    if (!event.detail.empty()) data["detail"] = event.detail;
    decisions.push_back({event.time_s, event.kind.starts_with("suspension") ? "suspension" : "permit", "permit",
                         std::move(data)});
  }
  for (const VehicleEvent& event : result.events) {
    // A request an RTV round moves to another vehicle is unassigned from the first just before.
    if (event.kind != "assign" && event.kind != "unassign") continue;
    decisions.push_back({event.time_s, event.kind == "assign" ? "assignment" : "unassignment", dispatcher,
                         {{"request", event.request}, {"vehicle", event.vehicle}}});
  }
  for (const RequestState& request : result.requests) {
    if (request.status != RequestStatus::kRejected) continue;
    AuditFields data{{"request", request.request.id}, {"reason", reject_reason_name(request.reject_reason)}};
    if (request.request.id < result.admissions.size() && !result.admissions[request.request.id].rule.empty()) {
      data["rule"] = result.admissions[request.request.id].rule;
    }
    decisions.push_back({request.rejected_s, "rejection",
                         refused_by_permit(request.reject_reason) ? "permit" : dispatcher, std::move(data)});
  }
  // Time order; at equal times the permit's changes first, then in the order above (stable).
  std::stable_sort(decisions.begin(), decisions.end(),
                   [](const Decision& a, const Decision& b) { return a.time_s < b.time_s; });

  std::error_code error;
  std::filesystem::remove(path, error);
  if (error) return io_error("{}: cannot replace the previous run's audit log: {}", path, error.message());
  BITGOEUL_ASSIGN_OR_RETURN(AuditLog log, AuditLog::open(path));
  for (const Decision& decision : decisions) {
    BITGOEUL_RETURN_IF_ERROR(log.append(decision.time_s, decision.kind, decision.actor, decision.data));
  }
  return AuditTrailAnchor{log.count(), log.head()};
}

}  // namespace bitgoeul::taxi
