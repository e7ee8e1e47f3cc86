#include "daemon/cursor_store.hpp"

#include <sqlite3.h>

namespace spreekbuis::daemon {

std::unique_ptr<CursorStore> CursorStore::open(const std::string& path, std::string& error) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        error = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, &message) != SQLITE_OK ||
        !create_table(db, error)) {
        if (message) error = message;
        sqlite3_free(message);
        sqlite3_close(db);
        return nullptr;
    }
    return std::unique_ptr<CursorStore>(new CursorStore(db, true));
}

std::unique_ptr<CursorStore> CursorStore::attach(sqlite3* db, std::string& error) {
    if (!create_table(db, error)) return nullptr;
    return std::unique_ptr<CursorStore>(new CursorStore(db, false));
}

bool CursorStore::create_table(sqlite3* db, std::string& error) {
    const char* schema =
        "CREATE TABLE IF NOT EXISTS source_cursors(source TEXT PRIMARY KEY, position INTEGER NOT "
        "NULL, updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);"
        "CREATE TABLE IF NOT EXISTS source_tokens(source TEXT PRIMARY KEY, token TEXT NOT NULL, "
        "updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);";
    char* message = nullptr;
    if (sqlite3_exec(db, schema, nullptr, nullptr, &message) != SQLITE_OK) {
        error = message ? message : "cannot create the cursor table";
        sqlite3_free(message);
        return false;
    }
    return true;
}

CursorStore::~CursorStore() {
    if (owned_) sqlite3_close(db_);
}

std::uint64_t CursorStore::load(const std::string& source) const {
    sqlite3_stmt* statement = nullptr;
    std::uint64_t position = 0;
    if (sqlite3_prepare_v2(db_, "SELECT position FROM source_cursors WHERE source = ?", -1,
                           &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(statement, 1, source.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(statement) == SQLITE_ROW) {
            position = static_cast<std::uint64_t>(sqlite3_column_int64(statement, 0));
        }
    }
    sqlite3_finalize(statement);
    return position;
}

bool CursorStore::save(const std::string& source, std::uint64_t position) {
    sqlite3_stmt* statement = nullptr;
    bool ok = sqlite3_prepare_v2(db_,
                                 "INSERT INTO source_cursors(source, position) VALUES(?, ?) "
                                 "ON CONFLICT(source) DO UPDATE SET position = excluded.position, "
                                 "updated_at = CURRENT_TIMESTAMP",
                                 -1, &statement, nullptr) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(statement, 1, source.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(statement, 2, static_cast<sqlite3_int64>(position));
        ok = sqlite3_step(statement) == SQLITE_DONE;
    }
    sqlite3_finalize(statement);
    return ok;
}

std::string CursorStore::load_token(const std::string& source) const {
    sqlite3_stmt* statement = nullptr;
    std::string token;
    if (sqlite3_prepare_v2(db_, "SELECT token FROM source_tokens WHERE source = ?", -1, &statement,
                           nullptr) == SQLITE_OK) {
        sqlite3_bind_text(statement, 1, source.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(statement) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(statement, 0);
            if (text) {
                token.assign(reinterpret_cast<const char*>(text),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement, 0)));
            }
        }
    }
    sqlite3_finalize(statement);
    return token;
}

bool CursorStore::save_token(const std::string& source, const std::string& token) {
    sqlite3_stmt* statement = nullptr;
    bool ok = sqlite3_prepare_v2(db_,
                                 "INSERT INTO source_tokens(source, token) VALUES(?, ?) "
                                 "ON CONFLICT(source) DO UPDATE SET token = excluded.token, "
                                 "updated_at = CURRENT_TIMESTAMP",
                                 -1, &statement, nullptr) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(statement, 1, source.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(statement, 2, token.data(), static_cast<int>(token.size()),
                          SQLITE_TRANSIENT);
        ok = sqlite3_step(statement) == SQLITE_DONE;
    }
    sqlite3_finalize(statement);
    return ok;
}

}  // namespace spreekbuis::daemon
