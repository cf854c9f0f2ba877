// `bitgoeul audit ...`: the tamper-evident audit log of operational decisions (core/audit_log.h,
// docs/audit-log.md).
//   verify  check the whole hash chain (and an anchor): exit 0 when intact, 1 naming the first damaged line
//   show    print records as a table
//   append  add one record by hand (an operator's manual override or suspension)

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/audit_log.h"

namespace bitgoeul::cli {
namespace {

// Text from the log as it may be shown on a terminal: as is when plain, else JSON-quoted with every control
// character escaped (a tampered log must not be able to drive the terminal).
std::string display(const std::string& text, bool quote_spaces, bool force_quotes = false) {
  bool plain = !text.empty() && !force_quotes;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '"' || c == '\\' || (quote_spaces && (c == ' ' || c == '='))) {
      plain = false;
    }
  }
  if (plain) return text;
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string display_value(const AuditValue& value) {
  const auto* text = std::get_if<std::string>(&value.get());
  if (text == nullptr) return value.to_json();
  // A string that reads as a number, true, false or null is quoted, so that "17" and 17 look different.
  const bool looks_like_json = !nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false).is_discarded();
  return display(*text, true, looks_like_json);
}

Result<std::string> parse_head(const std::string& text) {
  std::string head;
  for (const char c : text) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool hex = head.size() == 64;
  for (const char c : head) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) return invalid_input("--expect-head: '{}' is not a SHA-256 hash (64 hexadecimal digits)", display(text, true));
  return head;
}

void add_verify(CLI::App& audit, CommandRegistry& registry) {
  auto* command = audit.add_subcommand(
      "verify",
      "Check an audit log's hash chain: exit 0 when intact, 1 naming the first edited, removed, reordered,\n"
      "duplicated, malformed or torn record (its line and the kind of damage)");
  struct Args {
    std::string path;
    std::string expect_head;
    uint64_t expect_count = 0;
    bool allow_later = false;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  command->add_option("log", args->path, "Audit log (JSON Lines)")->required();
  auto* head_option = command->add_option(
      "--expect-head", args->expect_head,
      "Anchor: hash of the last record, as the writer reported it (e.g. in a run's kpis.json). Without an anchor,\n"
      "the removal of the LAST records cannot be detected");
  auto* count_option =
      command->add_option("--expect-count", args->expect_count, "Anchor: number of records the log must hold");
  command->add_flag("--allow-later-records", args->allow_later,
                    "Records appended after the anchor are fine: --expect-count is a minimum and --expect-head the\n"
                    "hash of record number --expect-count (or of any record)");
  command->add_flag("--json", args->json, "Print the report as one JSON object");
  registry.on_run(command, [args, head_option, count_option]() -> Status {
    AuditAnchor anchor;
    if (head_option->count() > 0) {
      BITGOEUL_ASSIGN_OR_RETURN(anchor.head, parse_head(args->expect_head));
    }
    if (count_option->count() > 0) anchor.count = args->expect_count;
    anchor.allow_later_records = args->allow_later;
    BITGOEUL_ASSIGN_OR_RETURN(AuditVerifyReport report, verify_audit_log(args->path, anchor));
    if (args->json) {
      nlohmann::json out = {{"path", args->path},
                            {"intact", report.intact()},
                            {"problem", audit_problem_name(report.problem)},
                            {"records", report.records},
                            {"head", report.head}};
      if (!report.intact()) {
        out["line"] = report.line;
        out["message"] = report.message;
      }
      fmt::print("{}\n", out.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    } else if (report.intact()) {
      fmt::print("{}: intact: {} records, head {}{}\n", args->path, report.records, report.head,
                 anchor.count || anchor.head ? " (matches the anchor)" : "");
    }
    return report.status();
  });
}

void add_show(CLI::App& audit, CommandRegistry& registry) {
  auto* command = audit.add_subcommand("show", "Print an audit log's records as a table (seq, time, kind, actor, data)");
  struct Args {
    std::string path;
    std::vector<std::string> kinds;
    uint64_t limit = 0;
  };
  auto args = std::make_shared<Args>();
  command->add_option("log", args->path, "Audit log (JSON Lines)")->required();
  command->add_option("--kind", args->kinds, "Only records of this kind (repeat for several)");
  command->add_option("--limit", args->limit, "Print at most this many records (0: all)")->capture_default_str();
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(AuditReader reader, AuditReader::open(args->path));
    fmt::print("{:>6}  {:>12}  {:<14}  {:<20}  {}\n", "seq", "time_s", "kind", "actor", "data");
    AuditRecord record;
    uint64_t shown = 0;
    uint64_t total = 0;
    while (args->limit == 0 || shown < args->limit) {
      BITGOEUL_ASSIGN_OR_RETURN(const bool more, reader.next(record));
      if (!more) break;
      ++total;
      if (!args->kinds.empty() &&
          std::find(args->kinds.begin(), args->kinds.end(), record.kind) == args->kinds.end()) {
        continue;
      }
      std::string data;
      for (const auto& [name, value] : record.data) {
        data += fmt::format("{}{}={}", data.empty() ? "" : " ", display(name, true), display_value(value));
      }
      fmt::print("{:>6}  {:>12}  {:<14}  {:<20}  {}\n", record.seq, record.time_s, display(record.kind, false),
                 display(record.actor, false), data);
      ++shown;
    }
    // What is shown is only as good as the chain: say so when it is not intact.
    BITGOEUL_ASSIGN_OR_RETURN(AuditVerifyReport report, verify_audit_log(args->path));
    fmt::print("{} record(s) shown of {} read; ", shown, total);
    if (report.intact()) {
      fmt::print("chain intact: {} records, head {}\n", report.records, report.head);
    } else {
      fmt::print("chain DAMAGED\n");
      fmt::print(stderr, "bitgoeul: warning: {} (see `bitgoeul audit verify`)\n", report.message);
    }
    return Status::ok();
  });
}

// A --field value: a JSON number, true, false, null or a "quoted string"; anything else is taken as text.
AuditValue parse_field_value(const std::string& text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  switch (json.type()) {
    case nlohmann::json::value_t::null: return text == "null" ? AuditValue(nullptr) : AuditValue(text);
    case nlohmann::json::value_t::boolean: return AuditValue(json.get<bool>());
    case nlohmann::json::value_t::number_integer: return AuditValue(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: return AuditValue(json.get<uint64_t>());
    case nlohmann::json::value_t::number_float: return AuditValue(json.get<double>());
    case nlohmann::json::value_t::string: return AuditValue(json.get<std::string>());
    default: return AuditValue(text);
  }
}

void add_append(CLI::App& audit, CommandRegistry& registry) {
  auto* command = audit.add_subcommand(
      "append", "Append one record (e.g. an operator's manual override); creates the log, refuses a damaged one");
  struct Args {
    std::string path;
    std::string kind;
    std::string actor;
    double time_s = 0;
    std::vector<std::string> fields;
    bool fsync = false;
  };
  auto args = std::make_shared<Args>();
  command->add_option("log", args->path, "Audit log (JSON Lines)")->required();
  command->add_option("--kind", args->kind, "Kind of decision: override, suspension, ...")->required();
  command->add_option("--actor", args->actor, "Who decided (an operator's id, a service)");
  auto* time_option =
      command->add_option("--time", args->time_s, "Time of the decision, seconds (default: now, Unix time)");
  command->add_option("--field", args->fields,
                      "NAME=VALUE, repeatable; VALUE is a JSON number, true, false, null or \"string\", else text");
  command->add_flag("--fsync", args->fsync, "fsync the log after writing");
  registry.on_run(command, [args, time_option]() -> Status {
    AuditFields fields;
    for (const std::string& field : args->fields) {
      const size_t equals = field.find('=');
      if (equals == std::string::npos || equals == 0) {
        return invalid_input("--field '{}': expected NAME=VALUE", display(field, false));
      }
      const std::string name = field.substr(0, equals);
      if (fields.count(name) > 0) return invalid_input("--field '{}' given twice", display(name, false));
      fields.emplace(name, parse_field_value(field.substr(equals + 1)));
    }
    double time_s = args->time_s;
    if (time_option->count() == 0) {
      // The command is the caller: the wall clock is read here, never inside the log.
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      time_s = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) / 1000.0;
    }
    AuditLogOptions options;
    options.fsync = args->fsync;
    BITGOEUL_ASSIGN_OR_RETURN(AuditLog log, AuditLog::open(args->path, options));
    BITGOEUL_RETURN_IF_ERROR(log.append(time_s, args->kind, args->actor, fields));
    fmt::print("{}: record {} appended, head {}\n", args->path, log.count(), log.head());
    return Status::ok();
  });
}

}  // namespace

void add_audit_commands(CLI::App& app, CommandRegistry& registry) {
  auto* audit = app.add_subcommand(
      "audit", "Tamper-evident audit logs of operational decisions: verify the hash chain, show, append");
  audit->require_subcommand(1);
  add_verify(*audit, registry);
  add_show(*audit, registry);
  add_append(*audit, registry);
}

}  // namespace bitgoeul::cli
