// libFuzzer target for the audit log reader and verifier. The input is the log's text. For each input:
//   - verify_audit_log_text must return a report (intact or naming a line and a kind), never crash or hang;
//   - the anchor taken from that report must verify the same text again;
//   - AuditReader must read exactly as many records as are well-formed before the first bad line;
//   - when the text is an intact log, AuditLog must reopen it from a file, append a record, and the result must
//     verify intact with one more record and the writer's head. A broken promise aborts (a finding).
// Seed corpus: tests/fuzz/audit_log/ (intact logs and one of each kind of damage).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/audit_log.h"

namespace {

using namespace bitgoeul;

const std::string& scratch_path() {
  static const std::string path = [] {
    const std::filesystem::path dir =
        std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    return (dir / ("bitgoeul_audit_fuzz_" + std::to_string(getpid()) + ".jsonl")).string();
  }();
  return path;
}

void check(bool condition, const char* what, const std::string& detail) {
  if (condition) return;
  std::fprintf(stderr, "audit_log_fuzz: broken promise: %s (%s)\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const AuditVerifyReport report = verify_audit_log_text(text, "fuzz");
  check(report.intact() == report.message.empty(), "a message exactly when damaged", report.message);
  check(report.intact() || report.line > 0, "damage without an anchor names a line", report.message);

  AuditAnchor anchor;
  anchor.count = report.records;
  anchor.head = report.head;
  if (report.intact()) {
    check(verify_audit_log_text(text, "fuzz", anchor).intact(), "its own anchor verifies", report.head);
  }

  AuditReader reader = AuditReader::from_string(text, "fuzz");
  AuditRecord record;
  uint64_t read = 0;
  while (true) {
    auto more = reader.next(record);
    if (!more.is_ok() || !*more) break;
    ++read;
  }
  check(read >= report.records, "the reader reads every intact record", std::to_string(read));

  if (report.intact()) {
    const std::string path = scratch_path();
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    std::string head;
    {
      auto log = AuditLog::open(path);
      check(log.is_ok(), "an intact log reopens", log.status().to_string());
      check(log->count() == report.records && log->head() == report.head, "reopen sees the verified chain", "");
      const Status appended = log->append(1.5, "fuzz", "fuzzer", {{"n", static_cast<int64_t>(size)}});
      check(appended.is_ok(), "append to an intact log", appended.to_string());
      head = log->head();
    }
    auto again = verify_audit_log(path);
    check(again.is_ok() && again->intact() && again->records == report.records + 1 && again->head == head,
          "append keeps the chain intact", again.is_ok() ? again->message : again.status().to_string());
    std::remove(path.c_str());
  }
  return 0;
}
