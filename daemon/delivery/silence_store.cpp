#include "daemon/delivery/silence_store.hpp"

#include <sqlite3.h>

#include <limits>
#include <string_view>

#include "daemon/sqlite_statement.hpp"

namespace spreekbuis::daemon::delivery {

namespace {

using Statement = SqliteStatement;

constexpr const char* kCreate =
    "CREATE TABLE IF NOT EXISTS silences ("
    "id TEXT PRIMARY KEY NOT NULL, "
    "rule_id TEXT NOT NULL DEFAULT '', "
    "topic TEXT NOT NULL DEFAULT '', "
    "person TEXT NOT NULL DEFAULT '', "
    "expires_ms INTEGER NOT NULL, "
    "reason TEXT NOT NULL DEFAULT '', "
    "created_by TEXT NOT NULL DEFAULT '', "
    "created_ms INTEGER NOT NULL DEFAULT 0)";

constexpr const char* kSelect =
    "SELECT id, rule_id, topic, person, expires_ms, reason, created_by, created_ms "
    "FROM silences WHERE expires_ms > ?1 ORDER BY expires_ms, id";

// Texts longer than SQLite's int length are refused rather than truncated.
bool fits(std::string_view text) {
    return text.size() < static_cast<std::size_t>(std::numeric_limits<int>::max());
}

}  // namespace

std::unique_ptr<SilenceStore> SilenceStore::attach(sqlite3* db, std::string& error) {
    if (db == nullptr) {
        error = "silence store: no database connection";
        return nullptr;
    }
    std::unique_ptr<SilenceStore> store(new SilenceStore(db));
    char* message = nullptr;
    if (sqlite3_exec(db, kCreate, nullptr, nullptr, &message) != SQLITE_OK) {
        error = std::string("silence store: cannot create table 'silences': ") +
                (message ? message : sqlite3_errmsg(db));
        sqlite3_free(message);
        return nullptr;
    }
    // An older or foreign table of the same name would fail here rather than on first use.
    Statement check(db, kSelect);
    if (!check) {
        error = std::string("silence store: table 'silences' has an unexpected shape: ") +
                sqlite3_errmsg(db);
        return nullptr;
    }
    return store;
}

bool SilenceStore::fail(const std::string& what) {
    error_ = what + ": " + sqlite3_errmsg(db_);
    return false;
}

bool SilenceStore::put(const Silence& silence, std::int64_t now_ms) {
    error_.clear();
    if (silence.id.empty()) {
        error_ = "a silence needs an id";
        return false;
    }
    for (const std::string* text : {&silence.id, &silence.rule_id, &silence.topic, &silence.person,
                                    &silence.reason, &silence.created_by}) {
        if (!fits(*text)) {
            error_ = "silence '" + silence.id.substr(0, 64) + "': a value is too long";
            return false;
        }
    }
    Statement s(db_,
                "INSERT OR REPLACE INTO silences (id, rule_id, topic, person, expires_ms, reason, "
                "created_by, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s) return fail("prepare insert silence");
    s.bind(1, silence.id).bind(2, silence.rule_id).bind(3, silence.topic).bind(4, silence.person);
    s.bind(5, silence.expires_ms).bind(6, silence.reason).bind(7, silence.created_by);
    s.bind(8, silence.created_ms != 0 ? silence.created_ms : now_ms);
    if (s.step() != SQLITE_DONE) return fail("insert silence");
    return true;
}

RemoveResult SilenceStore::remove(const std::string& id) {
    error_.clear();
    if (!fits(id)) return RemoveResult::not_found;
    Statement s(db_, "DELETE FROM silences WHERE id = ?1");
    if (!s) {
        fail("prepare delete silence");
        return RemoveResult::error;
    }
    s.bind(1, id);
    if (s.step() != SQLITE_DONE) {
        fail("delete silence");
        return RemoveResult::error;
    }
    return sqlite3_changes(db_) > 0 ? RemoveResult::removed : RemoveResult::not_found;
}

std::optional<std::vector<Silence>> SilenceStore::active(std::int64_t now_ms) {
    error_.clear();
    Statement s(db_, kSelect);
    if (!s) {
        fail("prepare select silences");
        return std::nullopt;
    }
    s.bind(1, now_ms);
    std::vector<Silence> out;
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
        Silence silence;
        silence.id = s.text(0);
        silence.rule_id = s.text(1);
        silence.topic = s.text(2);
        silence.person = s.text(3);
        silence.expires_ms = s.integer(4);
        silence.reason = s.text(5);
        silence.created_by = s.text(6);
        silence.created_ms = s.integer(7);
        out.push_back(std::move(silence));
    }
    if (rc != SQLITE_DONE) {
        fail("select silences");
        return std::nullopt;
    }
    return out;
}

std::int64_t SilenceStore::prune(std::int64_t now_ms) {
    error_.clear();
    Statement s(db_, "DELETE FROM silences WHERE expires_ms <= ?1");
    if (!s) {
        fail("prepare prune silences");
        return -1;
    }
    s.bind(1, now_ms);
    if (s.step() != SQLITE_DONE) {
        fail("prune silences");
        return -1;
    }
    return sqlite3_changes(db_);
}

}  // namespace spreekbuis::daemon::delivery
