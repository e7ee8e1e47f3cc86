#pragma once
// Silences that outlive a restart: one `silences` table in a SQLite database whose connection
// the caller owns (the daemon's state database, possibly inside the caller's transaction). Every
// change is a single statement, so it is atomic on its own and joins an open transaction. The
// schema is created with CREATE TABLE IF NOT EXISTS; PRAGMA user_version belongs to another
// component and is never touched. Used by one thread at a time (the router's).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/delivery/noise.hpp"

struct sqlite3;

namespace spreekbuis::daemon::delivery {

enum class RemoveResult { removed, not_found, error };

class SilenceStore {
  public:
    // Creates the table when missing and checks that an existing one has the expected columns.
    // `db` must stay open longer than the store. nullptr with `error` on failure.
    static std::unique_ptr<SilenceStore> attach(sqlite3* db, std::string& error);

    // Inserts or replaces the silence with the same id. created_ms 0 is stored as `now_ms`.
    // False (see last_error) on an empty id or a database error.
    bool put(const Silence& silence, std::int64_t now_ms);
    RemoveResult remove(const std::string& id);
    // Silences with expires_ms > now_ms, ordered by expiry then id; nullopt on a database error.
    std::optional<std::vector<Silence>> active(std::int64_t now_ms);
    // Deletes the expired ones; returns how many, or -1 on a database error.
    std::int64_t prune(std::int64_t now_ms);

    const std::string& last_error() const { return error_; }

  private:
    explicit SilenceStore(sqlite3* db) : db_(db) {}
    bool fail(const std::string& what);

    sqlite3* db_ = nullptr;
    std::string error_;
};

}  // namespace spreekbuis::daemon::delivery
