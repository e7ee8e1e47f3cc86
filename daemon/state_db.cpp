#include "daemon/state_db.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "daemon/cursor_store.hpp"
#include "daemon/delivery/outbox.hpp"

namespace spreekbuis::daemon {

namespace fs = std::filesystem;

namespace {

bool exec_on(sqlite3* db, const std::string& sql, std::string& error) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        error = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        return false;
    }
    return true;
}

// SQL string literal for a file path given to ATTACH.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

// Folds an older cases.db (and its WAL) into one self-contained file, then renames it.
bool adopt_cases_file(const fs::path& cases, const fs::path& target, std::string& error) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(cases.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        error = "cannot open " + cases.string() + ": " + (db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, 5000);
    const bool ok =
        exec_on(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;", error);
    sqlite3_close(db);
    if (!ok) {
        error = cases.string() + ": " + error;
        return false;
    }
    std::error_code rename_error;
    fs::rename(cases, target, rename_error);
    if (rename_error) {
        error = "cannot rename " + cases.string() + ": " + rename_error.message();
        return false;
    }
    return true;
}

// Copies rows of an older database file into `db` with `copy_sql` (which reads `legacy.*`),
// then renames the file so the import happens once.
bool import_file(sqlite3* db, const fs::path& file, const std::string& copy_sql,
                 std::string& error) {
    if (!exec_on(db, "ATTACH DATABASE " + quoted(file.string()) + " AS legacy", error)) {
        error = "cannot read " + file.string() + ": " + error;
        return false;
    }
    std::string copy_error;
    const bool copied = exec_on(db, "BEGIN IMMEDIATE; " + copy_sql + "; COMMIT;", copy_error);
    if (!copied) exec_on(db, "ROLLBACK", error);
    std::string detach_error;
    exec_on(db, "DETACH DATABASE legacy", detach_error);
    if (!copied) {
        error = "cannot import " + file.string() + ": " + copy_error;
        return false;
    }
    std::error_code ignored;
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(file.string() + suffix, ignored);
    std::error_code rename_error;
    fs::rename(file, file.string() + ".imported", rename_error);
    if (rename_error) {
        error = "imported " + file.string() + " but cannot rename it: " + rename_error.message();
        return false;
    }
    return true;
}

}  // namespace

std::string state_db_path(const std::string& state_dir) {
    return (fs::path(state_dir) / StateDatabase::kFileName).string();
}

std::unique_ptr<StateDatabase> StateDatabase::open(const std::string& state_dir, std::string& error,
                                                   std::vector<std::string>* notes) {
    std::error_code dir_error;
    fs::create_directories(state_dir, dir_error);
    if (dir_error) {
        error = "cannot create state_dir " + state_dir + ": " + dir_error.message();
        return nullptr;
    }
    const fs::path dir(state_dir);
    const fs::path path = dir / kFileName;
    auto note = [&](std::string text) {
        if (notes) notes->push_back(std::move(text));
    };
    const fs::path old_cases = dir / "cases.db";
    if (!fs::exists(path) && fs::exists(old_cases)) {
        if (!adopt_cases_file(old_cases, path, error)) return nullptr;
        note("cases.db became " + std::string(kFileName));
    } else if (fs::exists(old_cases)) {
        note("cases.db is ignored: " + std::string(kFileName) + " exists");
    }

    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        error =
            "cannot open " + path.string() + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return nullptr;
    }
    std::unique_ptr<StateDatabase> state(new StateDatabase(db, path.string()));
    sqlite3_busy_timeout(db, 5000);
    if (!state->exec("PRAGMA journal_mode=WAL") || !state->exec("PRAGMA synchronous=NORMAL")) {
        error = path.string() + ": " + state->error_;
        return nullptr;
    }
    // The tables the imports write into.
    if (!delivery::Outbox::attach(db, error) || !CursorStore::attach(db, error)) return nullptr;

    const fs::path old_outbox = dir / "outbox.db";
    if (fs::exists(old_outbox)) {
        // Only what was not finished: pending, held for a digest, and dead letters (kept for
        // inspection and requeue). Delivery order is the old insertion order.
        const std::string copy =
            "INSERT OR IGNORE INTO main.outbox (id, sink, destination, payload, state, attempts,"
            " next_attempt_ms, last_error, created_ms, updated_ms)"
            " SELECT id, sink, destination, payload, state, attempts, next_attempt_ms,"
            " last_error, created_ms, updated_ms FROM legacy.outbox"
            " WHERE state IN ('pending', 'held', 'dead') ORDER BY seq";
        if (!import_file(db, old_outbox, copy, error)) return nullptr;
        note("unfinished alerts of outbox.db imported");
    }
    const fs::path old_cursors = dir / "cursors.db";
    if (fs::exists(old_cursors)) {
        const std::string copy =
            "INSERT OR REPLACE INTO main.source_cursors (source, position, updated_at)"
            " SELECT source, position, updated_at FROM legacy.source_cursors";
        if (!import_file(db, old_cursors, copy, error)) return nullptr;
        note("source cursors of cursors.db imported");
    }
    return state;
}

std::unique_ptr<StateDatabase> StateDatabase::snapshot(const std::string& state_dir, bool& found,
                                                       std::string& error) {
    const fs::path path = fs::path(state_dir) / kFileName;
    std::error_code exists_error;
    found = fs::exists(path, exists_error);
    sqlite3* copy = nullptr;
    if (sqlite3_open_v2(":memory:", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        error = "cannot open an in-memory database: " +
                std::string(copy ? sqlite3_errmsg(copy) : "out of memory");
        sqlite3_close(copy);
        return nullptr;
    }
    std::unique_ptr<StateDatabase> state(new StateDatabase(copy, ":memory:"));
    if (!found) return state;

    // Opened for writing only so that, as the last connection, it may fold the WAL back and
    // remove it as every SQLite client does on close; a read-only one would leave an empty
    // state.db-wal behind. The copy only reads.
    sqlite3* source = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(source, 5000);
        sqlite3_backup* backup = sqlite3_backup_init(copy, "main", source, "main");
        if (backup == nullptr) {
            rc = sqlite3_errcode(copy);
        } else {
            const int step = sqlite3_backup_step(backup, -1);
            rc = sqlite3_backup_finish(backup);  // SQLITE_OK when the whole copy worked
            if (step != SQLITE_DONE && step != SQLITE_OK) rc = step;
        }
    }
    if (rc != SQLITE_OK) {
        error = "cannot read " + path.string() + ": " + sqlite3_errstr(rc);
        if (source && sqlite3_errcode(source) != SQLITE_OK) {
            error += " (" + std::string(sqlite3_errmsg(source)) + ")";
        }
        sqlite3_close(source);
        return nullptr;
    }
    sqlite3_close(source);
    return state;
}

StateDatabase::~StateDatabase() {
    if (in_transaction()) rollback();
    sqlite3_close_v2(db_);  // closes once the attached stores have finalised their statements
}

bool StateDatabase::exec(const char* sql) {
    std::string message;
    if (!exec_on(db_, sql, message)) {
        error_ = message;
        return false;
    }
    return true;
}

bool StateDatabase::begin() { return exec("BEGIN IMMEDIATE"); }

bool StateDatabase::commit() {
    if (exec("COMMIT")) return true;
    const std::string saved = error_;
    rollback();
    error_ = saved;
    return false;
}

void StateDatabase::rollback() {
    if (in_transaction()) exec("ROLLBACK");
}

bool StateDatabase::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace spreekbuis::daemon
