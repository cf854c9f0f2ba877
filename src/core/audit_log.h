#pragma once
// A tamper-evident, append-only audit log of operational decisions (assignments, rejections and the rule that
// rejected them, suspensions, manual overrides). The taxi simulator, the live dispatch service and the NPU center
// write it; it knows nothing about any of them: a record is a sequence number, a time, a kind, an actor and a flat
// object of fields.
//
// File format (docs/audit-log.md has the full definition and a Python verifier): JSON Lines, one record per line,
//   {"actor":A,"data":{...},"kind":K,"prev":P,"seq":N,"time":T,"hash":H}
// where H = hex SHA-256 of the line's text without its `,"hash":H` member (the record's canonical JSON: keys
// sorted, no spaces) and P = H of the previous record (64 zeros for the first). seq is 1 on line 1, then +1.
// Editing, removing, reordering or inserting a record breaks the chain; removing the LAST records does not, which
// is why a reader can check an anchor (the count and head hash the writer reported, e.g. in a run's kpis.json).
//
// Time is passed in by the caller (simulation time or wall clock, in seconds); nothing here reads a clock.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "core/error.h"

namespace bitgoeul {

// No line of an audit log may be longer than this (1 MiB, newline excluded): the writer refuses such a record and
// the reader reports such a line as malformed without holding it in memory.
inline constexpr size_t kMaxAuditLineBytes = size_t{1} << 20;
// The `prev` of the first record.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// One value of a record's `data`: null, a boolean, an integer, a finite number or a UTF-8 string.
class AuditValue {
 public:
  using Variant = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string>;

  AuditValue() = default;  // null
  AuditValue(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  AuditValue(bool value) : value_(value) {}  // NOLINT(google-explicit-constructor)
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
  AuditValue(T value) {  // NOLINT(google-explicit-constructor)
    // One representation per number: integers that fit in int64 are int64 (as the reader returns them).
    if constexpr (std::is_signed_v<T>) {
      value_ = static_cast<int64_t>(value);
    } else if (static_cast<uint64_t>(value) <= static_cast<uint64_t>(INT64_MAX)) {
      value_ = static_cast<int64_t>(value);
    } else {
      value_ = static_cast<uint64_t>(value);
    }
  }
  AuditValue(double value) : value_(value) {}  // NOLINT(google-explicit-constructor)
  AuditValue(float value) : value_(static_cast<double>(value)) {}  // NOLINT(google-explicit-constructor)
  AuditValue(const char* value) : value_(std::string(value)) {}  // NOLINT(google-explicit-constructor)
  AuditValue(std::string value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  AuditValue(std::string_view value) : value_(std::string(value)) {}  // NOLINT(google-explicit-constructor)

  const Variant& get() const { return value_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  // The value as JSON text, as it appears in the file: null, true, 17, 2.5, "text".
  std::string to_json() const;
  bool operator==(const AuditValue& other) const = default;

 private:
  Variant value_;
};

// A record's `data`: field name → value, kept sorted by name (as the file stores them).
using AuditFields = std::map<std::string, AuditValue, std::less<>>;

struct AuditRecord {
  uint64_t seq = 0;    // 1, 2, 3, ... in an intact log (equal to the line number)
  double time_s = 0;   // as passed to append(): simulation time or wall clock, seconds
  std::string kind;    // "assignment", "rejection", "suspension", "override", ...
  std::string actor;   // who decided: a policy, a service, an operator's id
  AuditFields data;
  std::string prev;    // hex SHA-256 of the previous record
  std::string hash;    // hex SHA-256 of this record (see the file comment)
  uint64_t line = 0;   // where it was read from (1-based); 0 for a record not read from a file
};

// What verification found first. Names (audit_problem_name) are stable: scripts and --json use them.
enum class AuditProblem {
  kNone,          // "intact"
  kMalformed,     // "malformed": not JSON, a missing/unknown field, a wrong type, not in canonical form, too long
  kEdited,        // "edited": the record's hash does not match its contents (a field or the hash was changed)
  kChainBroken,   // "chain-broken": in sequence, but `prev` is not the previous record's hash (a record replaced,
                  //   or the one before rewritten with a recomputed hash)
  kRemoved,       // "removed": seq jumps forward and the skipped records appear nowhere later
  kReordered,     // "reordered": seq jumps forward and a skipped record appears later
  kDuplicated,    // "duplicated": the seq was already used (a copied or inserted record)
  kTornTail,      // "torn-tail": the last line has no newline (the writer stopped mid-record)
  kCountMismatch, // "count-mismatch": intact chain, but not the number of records the anchor expects
  kHeadMismatch,  // "head-mismatch": intact chain, but the anchor's head hash is not where it should be
};
const char* audit_problem_name(AuditProblem problem);

// What the reader knows from elsewhere (the writer's final count() and head(), stored out of the log), so that the
// removal of the last records, which leaves a valid chain, is detected too.
struct AuditAnchor {
  std::optional<uint64_t> count;     // the log holds exactly this many records
  std::optional<std::string> head;   // the last record's hash (lowercase hex)
  // Records appended after the anchor was taken are allowed: `count` becomes "at least", and `head` must be the
  // hash of record `count` (or, without a count, of some record).
  bool allow_later_records = false;
};

struct AuditVerifyReport {
  std::string source;      // the path (or name) verified
  uint64_t records = 0;    // records found intact, from the first, before any problem
  std::string head;        // hash of the last of them (kAuditGenesisHash when none)
  AuditProblem problem = AuditProblem::kNone;
  uint64_t line = 0;       // 1-based line of the problem; 0 when intact or for an anchor problem
  uint64_t byte_offset = 0;  // where that line starts in the file
  std::string message;     // "audit.jsonl:17: record removed: ..." (empty when intact)

  bool intact() const { return problem == AuditProblem::kNone; }
  // Ok when intact, else a kCorrupt Status carrying `message`.
  Status status() const;
};

// Verifies the whole chain of the log at `path` and then the anchor. An error Status only when the file cannot be
// read; every kind of damage is described in the report.
Result<AuditVerifyReport> verify_audit_log(const std::string& path, const AuditAnchor& anchor = {});
// The same on text held in memory (tests, fuzzing); `source_name` stands for the path in messages.
AuditVerifyReport verify_audit_log_text(std::string_view text, const std::string& source_name,
                                        const AuditAnchor& anchor = {});

// Writes one log. Opening an existing log verifies its whole chain first and refuses a damaged one, so records are
// only ever appended to an intact chain. Each append() is one write(2) of one complete line (and an fsync with
// AuditLogOptions::fsync), so a crash loses at most the record being written and leaves at worst a torn last line.
// One process at a time: open() takes an exclusive advisory lock (flock) on the file until the AuditLog is
// destroyed. append() is thread-safe.
struct AuditLogOptions {
  bool fsync = false;            // fsync(2) after every record: durable against power loss, slower
  bool drop_torn_tail = false;   // on open, cut a torn last line (a crash mid-record) instead of refusing the log
};

class AuditLog {
 public:
  // Creates `path` (empty) or reopens it for appending. Errors: cannot create/open/lock (io), damaged log
  // (corrupt, with the verifier's message naming the line and the kind of damage).
  static Result<AuditLog> open(const std::string& path, const AuditLogOptions& options = {});

  AuditLog(AuditLog&&) noexcept;
  AuditLog& operator=(AuditLog&&) noexcept;
  ~AuditLog();

  // Appends record count()+1. REQUIRES: time_s and every double in `data` finite; `kind` not empty; all strings
  // valid UTF-8; the line at most kMaxAuditLineBytes. Errors: invalid input (nothing written) or io (the partial
  // line is cut off again; if even that fails the log refuses further appends).
  Status append(double time_s, std::string_view kind, std::string_view actor, const AuditFields& data = {});

  uint64_t count() const;       // records in the log
  std::string head() const;     // hash of the last record, kAuditGenesisHash when empty: the anchor to store
  const std::string& path() const;
  // Bytes of a torn last line cut by open() with drop_torn_tail (0 when there was none).
  uint64_t dropped_torn_bytes() const;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads records in file order, checking each line's format but not the chain (verify_audit_log does that).
class AuditReader {
 public:
  static Result<AuditReader> open(const std::string& path);
  static AuditReader from_string(std::string text, std::string source_name);

  AuditReader(AuditReader&&) noexcept;
  AuditReader& operator=(AuditReader&&) noexcept;
  ~AuditReader();

  // Reads the next record; false at the end. A malformed or torn line is an error naming the file and line.
  Result<bool> next(AuditRecord& record);

 private:
  struct Impl;
  explicit AuditReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitgoeul
