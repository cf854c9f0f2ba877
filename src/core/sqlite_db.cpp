#include "core/sqlite_db.h"

#include <sqlite3.h>

namespace bitgoeul {

SqliteStatement::SqliteStatement(sqlite3_stmt* statement, sqlite3* db, std::string path)
    : statement_(statement), db_(db), path_(std::move(path)) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : statement_(other.statement_), db_(other.db_), path_(std::move(other.path_)),
      bind_error_(std::move(other.bind_error_)) {
  other.statement_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  if (statement_ != nullptr) sqlite3_finalize(statement_);
}

namespace {
Status check_bind(int code, sqlite3* db, const std::string& path) {
  if (code == SQLITE_OK) return Status::ok();
  return io_error("{}: cannot bind a parameter: {}", path, sqlite3_errmsg(db));
}
}  // namespace

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  if (bind_error_.is_ok()) bind_error_ = check_bind(sqlite3_bind_int64(statement_, index, value), db_, path_);
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, double value) {
  if (bind_error_.is_ok()) bind_error_ = check_bind(sqlite3_bind_double(statement_, index, value), db_, path_);
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  if (bind_error_.is_ok()) {
    bind_error_ = check_bind(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                                 SQLITE_UTF8),
                             db_, path_);
  }
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, std::nullopt_t) {
  if (bind_error_.is_ok()) bind_error_ = check_bind(sqlite3_bind_null(statement_, index), db_, path_);
  return *this;
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  bind_error_ = Status::ok();
}

Result<bool> SqliteStatement::step() {
  if (!bind_error_.is_ok()) return bind_error_;
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return io_error("{}: {} (in: {})", path_, sqlite3_errmsg(db_), sqlite3_sql(statement_));
}

Status SqliteStatement::run() {
  Result<bool> row = step();
  if (!row.is_ok()) return row.status();
  return Status::ok();
}

int SqliteStatement::column_count() const { return sqlite3_column_count(statement_); }
bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(statement_, column); }
double SqliteStatement::real(int column) const { return sqlite3_column_double(statement_, column); }
std::string SqliteStatement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (bytes == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}
std::optional<int64_t> SqliteStatement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}
std::optional<double> SqliteStatement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    if (!create && code == SQLITE_CANTOPEN) {
      return not_found("{}: no such center store (create it with `bitgoeul npu init`)", path);
    }
    return io_error("{}: cannot open: {}", path, message);
  }
  std::unique_ptr<SqliteDb> handle(new SqliteDb(db, path));
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  BITGOEUL_RETURN_IF_ERROR(handle->exec("PRAGMA foreign_keys = ON"));
  Result<SqliteStatement> journal = handle->prepare("PRAGMA journal_mode = WAL");
  if (!journal.is_ok()) return journal.status();
  Result<bool> row = journal->step();
  if (!row.is_ok()) {
    return corrupt("{}: not a SQLite center store ({})", path, row.status().message());
  }
  BITGOEUL_RETURN_IF_ERROR(handle->exec("PRAGMA synchronous = NORMAL"));
  return handle;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Status SqliteDb::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    if (message.find("file is not a database") != std::string::npos) {
      return corrupt("{}: not a SQLite center store ({})", path_, message);
    }
    return io_error("{}: {}", path_, message);
  }
  return Status::ok();
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db_);
    if (message.find("file is not a database") != std::string::npos) {
      return corrupt("{}: not a SQLite center store ({})", path_, message);
    }
    return io_error("{}: cannot prepare '{}': {}", path_, sql.substr(0, 80), message);
  }
  return SqliteStatement(statement, db_, path_);
}

int64_t SqliteDb::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDb& db) {
  BITGOEUL_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Status SqliteTransaction::commit() {
  Status status = db_->exec("COMMIT");
  if (status.is_ok()) db_ = nullptr;
  return status;
}

}  // namespace bitgoeul
