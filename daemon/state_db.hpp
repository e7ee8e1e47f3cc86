#pragma once
// The daemon's one SQLite database, <state_dir>/state.db (WAL): cases and their audit trail,
// the alert outbox, source cursors and silences live side by side, so that one transaction
// covers what a batch of posts changed: the cases, the alerts they caused and the cursor that
// says the batch is done. A crash then loses either the whole batch (it is decided again after
// the restart) or nothing. The connection belongs to the emitter thread; the dispatcher opens
// its own connection to the same file.
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace spreekbuis::daemon {

class StateDatabase {
  public:
    static constexpr const char* kFileName = "state.db";

    // Opens (creating the directory and file when needed) and imports what an older version
    // kept in separate files: cases.db becomes state.db when there is no state.db yet, and the
    // unfinished alerts of outbox.db and the cursors of cursors.db are copied in, after which
    // those files are renamed to *.imported. `notes` says what was imported.
    static std::unique_ptr<StateDatabase> open(const std::string& state_dir, std::string& error,
                                               std::vector<std::string>* notes = nullptr);
    // A private in-memory copy of <state_dir>/state.db, read through SQLite's backup API (a
    // consistent snapshot even while the daemon writes), for dry runs such as `explain`: what
    // they change is lost with the copy. With no state.db yet, an empty in-memory database and
    // `found` false. Never creates a file or changes what the database holds.
    static std::unique_ptr<StateDatabase> snapshot(const std::string& state_dir, bool& found,
                                                   std::string& error);
    ~StateDatabase();
    StateDatabase(const StateDatabase&) = delete;
    StateDatabase& operator=(const StateDatabase&) = delete;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // BEGIN IMMEDIATE / COMMIT / ROLLBACK on this connection. Stores attached to the connection
    // join an open transaction instead of starting their own.
    bool begin();
    bool commit();
    void rollback();
    bool in_transaction() const;
    const std::string& last_error() const { return error_; }

  private:
    StateDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    bool exec(const char* sql);

    sqlite3* db_ = nullptr;
    std::string path_;
    std::string error_;
};

// <state_dir>/state.db
std::string state_db_path(const std::string& state_dir);

}  // namespace spreekbuis::daemon
