#pragma once
// A run's operational decisions as a hash-chained audit log (core/audit_log.h): every assignment, every rejection
// with its reason and (under a permit) the rule, and the permit's changes of state (suspensions, opening and
// closing, safety-driver shifts), in time order. The live service writes the same kinds of record as it decides.

#include <string>

#include "core/audit_log.h"
#include "core/error.h"
#include "taxi/scenario.h"
#include "taxi/simulation.h"

namespace bitgoeul::taxi {

struct AuditTrailAnchor {
  uint64_t records = 0;
  std::string head;  // hash of the last record: with `records`, what `bitgoeul audit verify` checks the tail against
};

// Writes a new log at `path` (a previous run's log there is replaced: a run directory holds one run).
Result<AuditTrailAnchor> write_audit_trail(const SimulationResult& result, const Scenario& scenario,
                                           const std::string& path);

}  // namespace bitgoeul::taxi
