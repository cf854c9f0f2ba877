#pragma once
// The project's one error type. Every call that can fail returns a Status or a Result<T>; the message says what
// failed and where (file, line, element or field), so a user can fix the input without reading code.

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace bitgoeul {

enum class ErrorCode {
  kOk = 0,
  kInvalidInput,   // the user's file or argument is wrong; the message names it
  kNotFound,       // a file, id or record does not exist
  kCorrupt,        // a stored artifact fails its magic, version or checksum
  kIo,             // the operating system refused a read or write
  kUnsupported,    // valid input that this version does not handle
  kInternal,       // a broken invariant: a bug, never the user's fault
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid input: map.osm: way 42 references ..." — what a CLI prints.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename... Args>
Status invalid_input(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kInvalidInput, fmt::format(format, std::forward<Args>(args)...)};
}
template <typename... Args>
Status not_found(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kNotFound, fmt::format(format, std::forward<Args>(args)...)};
}
template <typename... Args>
Status corrupt(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kCorrupt, fmt::format(format, std::forward<Args>(args)...)};
}
template <typename... Args>
Status io_error(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kIo, fmt::format(format, std::forward<Args>(args)...)};
}
template <typename... Args>
Status unsupported(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kUnsupported, fmt::format(format, std::forward<Args>(args)...)};
}
template <typename... Args>
Status internal_error(fmt::format_string<Args...> format, Args&&... args) {
  return {ErrorCode::kInternal, fmt::format(format, std::forward<Args>(args)...)};
}

// A value or the Status explaining why there is none. REQUIRES: a Status given to it is not ok.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(state_).is_ok()) {
      state_ = Status(ErrorCode::kInternal, "Result constructed from an ok Status without a value");
    }
  }

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(state_);
  }
  // REQUIRES: is_ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace bitgoeul

// Early return of a failed Status from a function that returns Status or Result<T>.
#define BITGOEUL_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::bitgoeul::Status bitgoeul_status_ = (expr);      \
    if (!bitgoeul_status_.is_ok()) return bitgoeul_status_; \
  } while (0)

#define BITGOEUL_CONCAT_INNER(a, b) a##b
#define BITGOEUL_CONCAT(a, b) BITGOEUL_CONCAT_INNER(a, b)
// BITGOEUL_ASSIGN_OR_RETURN(auto graph, load_graph(path)); declares `graph` or returns the failure.
#define BITGOEUL_ASSIGN_OR_RETURN(lhs, expr) \
  BITGOEUL_ASSIGN_OR_RETURN_IMPL(BITGOEUL_CONCAT(bitgoeul_result_, __LINE__), lhs, expr)
#define BITGOEUL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.is_ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
