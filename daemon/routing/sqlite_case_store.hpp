#pragma once
// CaseStore on SQLite (WAL) in the state directory, for the daemon. Schema migrations are
// versioned with PRAGMA user_version (the case store owns it in a shared database); every
// statement is prepared once. One thread at a time (the router's).
#include <memory>
#include <string>

#include "daemon/routing/case_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace spreekbuis::daemon::routing {

class SqliteCaseStore final : public CaseStore {
  public:
    static constexpr int kSchemaVersion = 3;

    // Opens or creates the database at `path` (tests; the daemon attaches to state.db) and migrates
    // it. nullptr with `error` set when the file cannot be used.
    static std::unique_ptr<SqliteCaseStore> open(const std::string& path, std::string& error);
    // Uses a connection the caller owns and keeps open longer (the daemon's state database).
    // When the caller has a transaction open, begin() and commit() join it instead, so the
    // case changes commit together with whatever else the caller writes (alerts, cursors).
    static std::unique_ptr<SqliteCaseStore> attach(sqlite3* db, std::string& error);
    ~SqliteCaseStore() override;
    SqliteCaseStore(const SqliteCaseStore&) = delete;
    SqliteCaseStore& operator=(const SqliteCaseStore&) = delete;

    bool begin() override;
    bool commit() override;
    bool save_case(const Case& item) override;
    bool add_post(const std::string& post_key, const std::string& case_id,
                  std::int64_t at_ms) override;
    bool append_audit(const AuditEntry& entry) override;
    bool set_affinity(const std::string& customer, const std::string& person,
                      std::int64_t at_ms) override;
    bool set_last_assigned(const std::string& person, std::int64_t at_ms) override;
    bool set_presence(const Presence& presence) override;
    bool clear_presence(const std::string& person) override;
    std::optional<StoreSnapshot> load(std::int64_t since_ms) override;
    std::vector<AuditEntry> audit_trail(const std::string& case_id) override;
    std::optional<Case> find_case(const std::string& case_id) override;
    std::optional<std::vector<Case>> customer_cases(const std::string& customer,
                                                    std::size_t limit) override;
    const std::string& last_error() const override { return error_; }
    int schema_version();

  private:
    SqliteCaseStore(sqlite3* db, bool owned) : db_(db), owned_(owned) {}
    bool initialise(bool configure_connection);
    bool exec(const char* sql);
    bool migrate();
    bool prepare();
    bool fail(const char* what);

    sqlite3* db_ = nullptr;
    sqlite3_stmt* save_case_ = nullptr;
    sqlite3_stmt* add_post_ = nullptr;
    sqlite3_stmt* append_audit_ = nullptr;
    sqlite3_stmt* set_affinity_ = nullptr;
    sqlite3_stmt* set_last_assigned_ = nullptr;
    sqlite3_stmt* set_presence_ = nullptr;
    sqlite3_stmt* clear_presence_ = nullptr;
    sqlite3_stmt* find_case_ = nullptr;
    sqlite3_stmt* audit_trail_ = nullptr;
    bool owned_ = true;
    bool in_transaction_ = false;  // a transaction this store began (not the caller's)
    std::string error_;
};

}  // namespace spreekbuis::daemon::routing
