#include "core/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <mutex>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace bitgoeul {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kHashMember = ",\"hash\":\"";
constexpr size_t kHexHashLength = 64;

// Hex SHA-256 of `bytes` through OpenSSL's EVP interface (the one place this project touches OpenSSL).
std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    // Only an OpenSSL without SHA-256 (a broken installation) gets here; an empty hash never matches anything.
    return {};
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0xF];
  }
  return hex;
}

bool is_hex_hash(const std::string& text) {
  if (text.size() != kHexHashLength) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Text from the input quoted in a message: printable ASCII kept, anything else as '?', at most `limit` bytes.
std::string printable(std::string_view text, size_t limit = 80) {
  std::string out;
  for (const char c : text.substr(0, limit)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (text.size() > limit) out += "...";
  return out;
}

// Splits a stream into lines without ever holding more than kMaxAuditLineBytes of one line.
class LineSource {
 public:
  struct Line {
    std::string text;        // without the newline; only the first kMaxAuditLineBytes when too_long
    uint64_t length = 0;     // the line's real length in bytes
    uint64_t number = 0;     // 1-based
    uint64_t offset = 0;     // byte offset of its first byte
    bool terminated = false; // ends with '\n'
    bool too_long = false;
  };

  explicit LineSource(std::istream& in) : in_(in), buffer_(64 * 1024) {}

  // False at the end of the input (or on a read error: see failed()).
  bool next(Line& line) {
    line.text.clear();
    line.length = 0;
    line.offset = consumed_;
    line.terminated = false;
    line.too_long = false;
    bool any = false;
    while (true) {
      if (position_ == filled_ && !refill()) break;
      any = true;
      const char* start = buffer_.data() + position_;
      const size_t available = filled_ - position_;
      const void* newline = std::memchr(start, '\n', available);
      const size_t take = newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - start) : available;
      if (line.length + take > kMaxAuditLineBytes) line.too_long = true;
      if (line.text.size() < kMaxAuditLineBytes) {
        line.text.append(start, std::min(take, kMaxAuditLineBytes - line.text.size()));
      }
      line.length += take;
      position_ += take;
      consumed_ += take;
      if (newline != nullptr) {
        ++position_;
        ++consumed_;
        line.terminated = true;
        break;
      }
    }
    if (!any) return false;
    line.number = ++lines_;
    return true;
  }

  bool failed() const { return in_.bad(); }

 private:
  bool refill() {
    if (!in_.good()) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    filled_ = static_cast<size_t>(in_.gcount());
    position_ = 0;
    return filled_ > 0;
  }

  std::istream& in_;
  std::vector<char> buffer_;
  size_t filled_ = 0;
  size_t position_ = 0;
  uint64_t consumed_ = 0;
  uint64_t lines_ = 0;
};

AuditValue value_from_json(const Json& json) {
  switch (json.type()) {
    case Json::value_t::boolean: return AuditValue(json.get<bool>());
    case Json::value_t::number_integer: return AuditValue(json.get<int64_t>());
    case Json::value_t::number_unsigned: return AuditValue(json.get<uint64_t>());  // int64 when it fits
    case Json::value_t::number_float: return AuditValue(json.get<double>());
    case Json::value_t::string: return AuditValue(json.get<std::string>());
    default: return AuditValue();
  }
}

Json value_to_json(const AuditValue& value) {
  return std::visit(
      [](const auto& v) -> Json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return Json(nullptr);
        } else {
          return Json(v);
        }
      },
      value.get());
}

struct ParsedLine {
  AuditRecord record;
  std::string body;  // the canonical text that `hash` covers
};

// Checks one line's format. Returns an empty string when it is a well-formed record, else what is wrong.
std::string parse_line(const std::string& line, ParsedLine& out) {
  if (line.empty()) return "empty line";
  Json json;
  try {
    json = Json::parse(line);
  } catch (const Json::exception& error) {  // parse_error, or out_of_range for a number like 1e999
    std::string what = error.what();
    const size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what.erase(0, bracket + 2);
    return "not JSON (" + printable(what, 160) + ")";
  }
  if (!json.is_object()) return "not a JSON object";
  static const std::array<const char*, 7> kFields = {"actor", "data", "hash", "kind", "prev", "seq", "time"};
  for (const char* field : kFields) {
    if (!json.contains(field)) return fmt::format("missing field '{}'", field);
  }
  for (const auto& item : json.items()) {
    if (std::find_if(kFields.begin(), kFields.end(), [&](const char* f) { return item.key() == f; }) ==
        kFields.end()) {
      return fmt::format("unknown field '{}'", printable(item.key()));
    }
  }
  const Json& seq = json["seq"];
  if (!seq.is_number_unsigned() || seq.get<uint64_t>() == 0) return "field 'seq' must be a positive integer";
  const Json& time = json["time"];
  if (!time.is_number() || !std::isfinite(time.get<double>())) return "field 'time' must be a finite number";
  if (!json["kind"].is_string() || json["kind"].get_ref<const std::string&>().empty()) {
    return "field 'kind' must be a non-empty string";
  }
  if (!json["actor"].is_string()) return "field 'actor' must be a string";
  const Json& data = json["data"];
  if (!data.is_object()) return "field 'data' must be an object";
  for (const auto& item : data.items()) {
    if (item.value().is_structured()) {
      return fmt::format("field 'data.{}' must be a string, number, boolean or null", printable(item.key()));
    }
    if (item.value().is_number_float() && !std::isfinite(item.value().get<double>())) {
      return fmt::format("field 'data.{}' must be a finite number", printable(item.key()));
    }
  }
  for (const char* field : {"prev", "hash"}) {
    if (!json[field].is_string() || !is_hex_hash(json[field].get_ref<const std::string&>())) {
      return fmt::format("field '{}' must be 64 lowercase hexadecimal digits", field);
    }
  }
  AuditRecord& record = out.record;
  record.hash = json["hash"].get<std::string>();
  const std::string tail = std::string(kHashMember) + record.hash + "\"}";
  if (line.size() <= tail.size() || line.compare(line.size() - tail.size(), tail.size(), tail) != 0) {
    return "not in canonical form: \"hash\" must be the last field, with no spaces";
  }
  out.body = line.substr(0, line.size() - tail.size()) + "}";
  json.erase("hash");
  if (json.dump() != out.body) {
    return "not in canonical form (keys sorted, no spaces, strings and numbers as the writer prints them)";
  }
  record.seq = seq.get<uint64_t>();
  record.time_s = time.get<double>();
  record.kind = json["kind"].get<std::string>();
  record.actor = json["actor"].get<std::string>();
  record.prev = json["prev"].get<std::string>();
  record.data.clear();
  for (const auto& item : data.items()) record.data.emplace(item.key(), value_from_json(item.value()));
  return {};
}

// The seq of a line, if it is a JSON object with a positive integer seq (for looking ahead past a problem).
std::optional<uint64_t> seq_of(const std::string& line) {
  const Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  const auto seq = json.find("seq");
  if (seq == json.end() || !seq->is_number_unsigned()) return std::nullopt;
  return seq->get<uint64_t>();
}

std::string seq_range(uint64_t first, uint64_t last) {
  return first == last ? fmt::format("record {} is", first) : fmt::format("records {}..{} are", first, last);
}

AuditVerifyReport verify_lines(LineSource& source, const std::string& name, const AuditAnchor& anchor) {
  AuditVerifyReport report;
  report.source = name;
  report.head = std::string(kAuditGenesisHash);
  uint64_t expected = 1;
  std::optional<std::string> hash_at_anchor_count;
  bool anchor_head_seen = false;
  LineSource::Line line;
  ParsedLine parsed;
  while (source.next(line)) {
    const auto fail = [&](AuditProblem problem, const std::string& message) {
      report.problem = problem;
      report.line = line.number;
      report.byte_offset = line.offset;
      report.message = fmt::format("{}:{}: {}", name, line.number, message);
      return report;
    };
    if (!line.terminated) {
      return fail(AuditProblem::kTornTail,
                  fmt::format("torn last record: the file ends {} bytes into this line, without a newline (the writer "
                              "stopped while writing it)",
                              line.length));
    }
    if (line.too_long) {
      return fail(AuditProblem::kMalformed,
                  fmt::format("malformed record: line of {} bytes, longer than the limit of {}", line.length,
                              kMaxAuditLineBytes));
    }
    const std::string problem = parse_line(line.text, parsed);
    if (!problem.empty()) return fail(AuditProblem::kMalformed, "malformed record: " + problem);
    const AuditRecord& record = parsed.record;
    if (sha256_hex(parsed.body) != record.hash) {
      return fail(AuditProblem::kEdited,
                  fmt::format("record edited: seq {}'s contents do not match its hash (a field or the hash was changed)",
                              record.seq));
    }
    if (record.seq == expected) {
      if (record.prev != report.head) {
        return fail(AuditProblem::kChainBroken,
                    expected == 1
                        ? std::string("chain broken: the first record's prev is not 64 zeros (records before it were "
                                      "removed and the rest renumbered, or it was replaced)")
                        : fmt::format("chain broken: prev is not the hash of seq {} on line {} (this record was "
                                      "replaced, or the one before it was rewritten with a recomputed hash)",
                                      expected - 1, line.number - 1));
      }
      report.head = record.hash;
      report.records = record.seq;
      ++expected;
      if (anchor.count && record.seq == *anchor.count) hash_at_anchor_count = record.hash;
      if (anchor.head && record.hash == *anchor.head) anchor_head_seen = true;
      continue;
    }
    if (record.seq < expected) {
      return fail(AuditProblem::kDuplicated,
                  fmt::format("duplicated or inserted record: seq {} was already used on line {}", record.seq,
                              record.seq));
    }
    // seq jumps forward: removed records, unless the skipped ones (or this one again) come later.
    const uint64_t seq = record.seq;
    std::optional<std::pair<uint64_t, uint64_t>> repeated;  // (line, seq)
    std::optional<std::pair<uint64_t, uint64_t>> skipped;
    LineSource::Line later;
    while (!repeated && source.next(later)) {
      if (later.too_long) continue;
      const std::optional<uint64_t> later_seq = seq_of(later.text);
      if (!later_seq) continue;
      if (*later_seq == seq) repeated = std::make_pair(later.number, seq);
      if (*later_seq >= expected && *later_seq < seq && !skipped) skipped = std::make_pair(later.number, *later_seq);
    }
    if (repeated) {
      return fail(AuditProblem::kDuplicated,
                  fmt::format("duplicated or inserted record: seq {} appears here, before seq {}, and again on line {}",
                              seq, expected, repeated->first));
    }
    if (skipped) {
      return fail(AuditProblem::kReordered,
                  fmt::format("records reordered: seq {} comes before seq {}, which is on line {}", seq,
                              skipped->second, skipped->first));
    }
    const std::string jump = expected == 1 ? fmt::format("the first line has seq {}", seq)
                                           : fmt::format("seq jumps from {} to {}", expected - 1, seq);
    return fail(AuditProblem::kRemoved,
                fmt::format("record removed: {} missing before this line ({}{})", seq_range(expected, seq - 1), jump,
                            record.prev == report.head ? ", yet prev matches: this record was renumbered" : ""));
  }

  const auto anchor_fail = [&](AuditProblem problem, const std::string& message) {
    report.problem = problem;
    report.message = fmt::format("{}: {}", name, message);
    return report;
  };
  if (anchor.count) {
    const uint64_t want = *anchor.count;
    if (report.records < want) {
      return anchor_fail(AuditProblem::kCountMismatch,
                         fmt::format("records removed from the end: the log holds {} records, the anchor expects {}{}",
                                     report.records, anchor.allow_later_records ? "at least " : "", want));
    }
    if (report.records > want && !anchor.allow_later_records) {
      return anchor_fail(AuditProblem::kCountMismatch,
                         fmt::format("records appended after the anchor: the log holds {} records, the anchor expects {}",
                                     report.records, want));
    }
  }
  if (anchor.head) {
    bool matched = false;
    std::string where;
    if (!anchor.allow_later_records) {
      matched = report.head == *anchor.head;
      where = fmt::format("the last record's hash is {}", report.head);
    } else if (anchor.count) {
      const std::string found = *anchor.count == 0 ? std::string(kAuditGenesisHash) : hash_at_anchor_count.value_or("");
      matched = found == *anchor.head;
      where = fmt::format("record {}'s hash is {}", *anchor.count, found);
    } else {
      matched = anchor_head_seen || *anchor.head == kAuditGenesisHash;
      where = "no record has that hash";
    }
    if (!matched) {
      return anchor_fail(AuditProblem::kHeadMismatch,
                         fmt::format("head does not match the anchor: {}, the anchor expects {} (records rewritten, "
                                     "removed from the end or appended)",
                                     where, printable(*anchor.head)));
    }
  }
  return report;
}

}  // namespace

std::string AuditValue::to_json() const { return value_to_json(*this).dump(); }

const char* audit_problem_name(AuditProblem problem) {
  switch (problem) {
    case AuditProblem::kNone: return "intact";
    case AuditProblem::kMalformed: return "malformed";
    case AuditProblem::kEdited: return "edited";
    case AuditProblem::kChainBroken: return "chain-broken";
    case AuditProblem::kRemoved: return "removed";
    case AuditProblem::kReordered: return "reordered";
    case AuditProblem::kDuplicated: return "duplicated";
    case AuditProblem::kTornTail: return "torn-tail";
    case AuditProblem::kCountMismatch: return "count-mismatch";
    case AuditProblem::kHeadMismatch: return "head-mismatch";
  }
  return "unknown";
}

Status AuditVerifyReport::status() const {
  if (intact()) return Status::ok();
  return corrupt("{}", message);
}

Result<AuditVerifyReport> verify_audit_log(const std::string& path, const AuditAnchor& anchor) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return invalid_input("{}: is a directory, not an audit log", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("{}: cannot open audit log: {}", path, std::strerror(errno));
  LineSource source(in);
  AuditVerifyReport report = verify_lines(source, path, anchor);
  if (source.failed()) return io_error("{}: read error", path);
  return report;
}

AuditVerifyReport verify_audit_log_text(std::string_view text, const std::string& source_name,
                                        const AuditAnchor& anchor) {
  std::istringstream in(std::string(text), std::ios::binary);
  LineSource source(in);
  return verify_lines(source, source_name, anchor);
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

struct AuditLog::Impl {
  std::string path;
  AuditLogOptions options;
  int fd = -1;
  std::mutex mutex;
  uint64_t count = 0;
  std::string head = std::string(kAuditGenesisHash);
  uint64_t size = 0;  // bytes of complete records in the file
  uint64_t dropped_torn_bytes = 0;
  bool unusable = false;

  ~Impl() {
    if (fd >= 0) ::close(fd);  // also releases the flock
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::AuditLog(AuditLog&&) noexcept = default;
AuditLog& AuditLog::operator=(AuditLog&&) noexcept = default;
AuditLog::~AuditLog() = default;

Result<AuditLog> AuditLog::open(const std::string& path, const AuditLogOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  const bool existed = std::filesystem::exists(path);
  impl->fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (impl->fd < 0) return io_error("{}: cannot open audit log for appending: {}", path, std::strerror(errno));
  struct stat info {};
  if (::fstat(impl->fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return io_error("{}: not a regular file", path);
  }
  if (::flock(impl->fd, LOCK_EX | LOCK_NB) != 0) {
    return io_error("{}: audit log is locked by another writer ({})", path, std::strerror(errno));
  }
  // Verified under the lock, so no other writer can append between the check and our first record.
  BITGOEUL_ASSIGN_OR_RETURN(AuditVerifyReport report, verify_audit_log(path));
  if (report.problem == AuditProblem::kTornTail && options.drop_torn_tail) {
    if (::ftruncate(impl->fd, static_cast<off_t>(report.byte_offset)) != 0) {
      return io_error("{}: cannot cut the torn last record: {}", path, std::strerror(errno));
    }
    impl->dropped_torn_bytes = static_cast<uint64_t>(info.st_size) - report.byte_offset;
    info.st_size = static_cast<off_t>(report.byte_offset);
    report.problem = AuditProblem::kNone;
  }
  if (!report.intact()) {
    return corrupt("refusing to append to a damaged audit log: {}", report.message);
  }
  impl->count = report.records;
  impl->head = report.head;
  impl->size = static_cast<uint64_t>(info.st_size);
  if (options.fsync) {
    if (::fsync(impl->fd) != 0) return io_error("{}: fsync failed: {}", path, std::strerror(errno));
    if (!existed) {
      // Make the new file's directory entry durable too.
      const std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
      const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
      }
    }
  }
  return AuditLog(std::move(impl));
}

Status AuditLog::append(double time_s, std::string_view kind, std::string_view actor, const AuditFields& data) {
  Impl& log = *impl_;
  std::lock_guard<std::mutex> guard(log.mutex);
  if (log.unusable) return io_error("{}: audit log unusable after an earlier failed write", log.path);
  if (!std::isfinite(time_s)) return invalid_input("{}: audit record time {} is not finite", log.path, time_s);
  if (kind.empty()) return invalid_input("{}: audit record kind is empty", log.path);
  Json fields = Json::object();
  for (const auto& [name, value] : data) {
    if (const double* number = std::get_if<double>(&value.get()); number != nullptr && !std::isfinite(*number)) {
      return invalid_input("{}: audit record '{}': data field '{}' is not a finite number", log.path, kind, name);
    }
    fields[name] = value_to_json(value);
  }
  const Json record = {{"seq", log.count + 1}, {"time", time_s},  {"kind", kind},
                       {"actor", actor},       {"data", fields}, {"prev", log.head}};
  std::string body;
  try {
    body = record.dump();
  } catch (const Json::type_error& error) {
    return invalid_input("{}: audit record '{}': a string is not valid UTF-8 ({})", log.path, printable(kind),
                         error.what());
  }
  const std::string hash = sha256_hex(body);
  if (hash.empty()) return internal_error("OpenSSL offers no SHA-256");
  body.pop_back();  // the closing brace: the hash member goes last
  std::string line = body;
  line += kHashMember;
  line += hash;
  line += "\"}\n";
  if (line.size() - 1 > kMaxAuditLineBytes) {
    return invalid_input("{}: audit record '{}' is {} bytes, over the limit of {}", log.path, printable(kind),
                         line.size() - 1, kMaxAuditLineBytes);
  }
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(log.fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "nothing written";
      // Cut the partial line so the chain stays intact; if even that fails, stop writing to this log.
      if (written > 0 && ::ftruncate(log.fd, static_cast<off_t>(log.size)) != 0) log.unusable = true;
      return io_error("{}: cannot write audit record {}: {}", log.path, log.count + 1, reason);
    }
    written += static_cast<size_t>(n);
  }
  if (log.options.fsync && ::fsync(log.fd) != 0) {
    log.unusable = true;  // the record may or may not be on disk: no further record can be chained safely
    return io_error("{}: fsync failed after audit record {}: {}", log.path, log.count + 1, std::strerror(errno));
  }
  log.size += line.size();
  ++log.count;
  log.head = hash;
  return Status::ok();
}

uint64_t AuditLog::count() const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  return impl_->count;
}

std::string AuditLog::head() const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  return impl_->head;
}

const std::string& AuditLog::path() const { return impl_->path; }
uint64_t AuditLog::dropped_torn_bytes() const { return impl_->dropped_torn_bytes; }

// ---------------------------------------------------------------------------------------------------------------
// Reader

struct AuditReader::Impl {
  std::string name;
  std::unique_ptr<std::istream> in;
  std::unique_ptr<LineSource> source;
};

AuditReader::AuditReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditReader::AuditReader(AuditReader&&) noexcept = default;
AuditReader& AuditReader::operator=(AuditReader&&) noexcept = default;
AuditReader::~AuditReader() = default;

Result<AuditReader> AuditReader::open(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return invalid_input("{}: is a directory, not an audit log", path);
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*impl->in) return not_found("{}: cannot open audit log: {}", path, std::strerror(errno));
  impl->source = std::make_unique<LineSource>(*impl->in);
  return AuditReader(std::move(impl));
}

AuditReader AuditReader::from_string(std::string text, std::string source_name) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(source_name);
  impl->in = std::make_unique<std::istringstream>(std::move(text), std::ios::binary);
  impl->source = std::make_unique<LineSource>(*impl->in);
  return AuditReader(std::move(impl));
}

Result<bool> AuditReader::next(AuditRecord& record) {
  LineSource::Line line;
  if (!impl_->source->next(line)) {
    if (impl_->source->failed()) return io_error("{}: read error", impl_->name);
    return false;
  }
  if (!line.terminated) {
    return corrupt("{}:{}: torn last record: the file ends {} bytes into this line, without a newline", impl_->name,
                   line.number, line.length);
  }
  if (line.too_long) {
    return corrupt("{}:{}: malformed record: line of {} bytes, longer than the limit of {}", impl_->name, line.number,
                   line.length, kMaxAuditLineBytes);
  }
  ParsedLine parsed;
  const std::string problem = parse_line(line.text, parsed);
  if (!problem.empty()) return corrupt("{}:{}: malformed record: {}", impl_->name, line.number, problem);
  record = std::move(parsed.record);
  record.line = line.number;
  return true;
}

}  // namespace bitgoeul
