#pragma once
// CaseStore on SQLite (WAL) in the state directory, for the daemon. Schema migrations are
// versioned with PRAGMA user_version; every statement is prepared once. Owns its connection;
// one thread at a time (the router's).
#include <memory>
#include <string>

#include "daemon/routing/case_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace spreekbuis::daemon::routing {

class SqliteCaseStore final : public CaseStore {
  public:
    static constexpr int kSchemaVersion = 1;

    // Opens or creates the database at `path` (e.g. <state_dir>/cases.db) and migrates it.
    // nullptr with `error` set when the file cannot be used.
    static std::unique_ptr<SqliteCaseStore> open(const std::string& path, std::string& error);
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
    std::optional<StoreSnapshot> load(std::int64_t since_ms) override;
    std::vector<AuditEntry> audit_trail(const std::string& case_id) override;
    std::optional<Case> find_case(const std::string& case_id) override;
    const std::string& last_error() const override { return error_; }
    int schema_version();

  private:
    explicit SqliteCaseStore(sqlite3* db) : db_(db) {}
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
    sqlite3_stmt* find_case_ = nullptr;
    sqlite3_stmt* audit_trail_ = nullptr;
    bool in_transaction_ = false;
    std::string error_;
};

}  // namespace spreekbuis::daemon::routing
