#pragma once
// A prepared SQLite statement that finalizes itself, shared by the stores on the state
// database (cases, outbox, silences). Used by the thread that owns the connection.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace spreekbuis::daemon {

class SqliteStatement {
  public:
    SqliteStatement(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
    }
    SqliteStatement(sqlite3* db, const std::string& sql) : SqliteStatement(db, sql.c_str()) {}
    ~SqliteStatement() { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    explicit operator bool() const { return stmt_ != nullptr; }
    sqlite3_stmt* get() const { return stmt_; }
    SqliteStatement& bind(int index, std::string_view text) {
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
        return *this;
    }
    SqliteStatement& bind(int index, std::int64_t value) {
        sqlite3_bind_int64(stmt_, index, value);
        return *this;
    }
    int step() { return sqlite3_step(stmt_); }
    std::int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }
    bool is_null(int column) { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    // The column's bytes as they are (NUL bytes and broken UTF-8 included).
    std::string text(int column) {
        const auto* data = sqlite3_column_blob(stmt_, column);
        const int size = sqlite3_column_bytes(stmt_, column);
        return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
                    : std::string();
    }

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace spreekbuis::daemon
