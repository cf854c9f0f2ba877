#pragma once
// The one place that includes SQLite: a connection (WAL journal, foreign keys on, a busy timeout so several
// `bitgoeul` processes can share a store) and prepared statements with bound parameters — values never enter SQL
// text.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bitgoeul {

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in SQL's ?1, ?2, ...
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, std::nullopt_t);
  template <typename T>
  SqliteStatement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // Back to before the first step, with no parameters bound: for reusing a prepared statement.
  void reset();
  // True while there is a row to read; false when done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();

  int column_count() const;
  bool is_null(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<int64_t> optional_integer(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* statement, sqlite3* db, std::string path);
  sqlite3_stmt* statement_;
  sqlite3* db_;
  std::string path_;
  Status bind_error_;
};

class SqliteDb {
 public:
  // Opens (creating when asked) the database at `path`.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, bool create);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Runs statements without parameters (schema, pragmas, BEGIN/COMMIT).
  Status exec(std::string_view sql);
  Result<SqliteStatement> prepare(std::string_view sql);
  int64_t last_insert_id() const;
  int64_t changes() const;
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// BEGIN IMMEDIATE (takes the write lock at once, so check-then-write is atomic across processes); rolls back
// unless commit() succeeded.
class SqliteTransaction {
 public:
  static Result<SqliteTransaction> begin(SqliteDb& db);
  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();
  Status commit();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
};

}  // namespace bitgoeul
