#pragma once
// The decision audit log in state.db: the decision record of each post (DESIGN.md's data
// contract: rules, topic, priority, scores, team, assignee, why), written in the emitter's
// batch transaction, so a logged decision and the case and alerts it caused commit together.
// Answers "what did spreekbuis decide about this post, and why", after the fact. Pruned by age.
// Used by the thread that owns the connection.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::audit {

enum class DecisionLogMode {
    off,      // nothing is written
    matched,  // posts that matched a rule, are complaints, or were routed (the default)
    all,      // every post, also the ones nobody needs to see
};

struct AuditSettings {
    DecisionLogMode decisions = DecisionLogMode::matched;
    std::int64_t retention_ms = 30LL * 24 * 60 * 60 * 1000;
};

// The `audit:` section: `decisions: matched|all|off`, `retention: 30d`. Absent: defaults.
AuditSettings read_audit_settings(const config::Config& config, rules::Diagnostics& diagnostics);

struct LoggedDecision {
    std::int64_t seq = 0;
    std::int64_t at_ms = 0;  // when it was decided (Unix ms)
    std::string source;
    std::string post_id;
    std::string record;  // the decision record, one JSON object
};

class DecisionLog {
  public:
    // Creates the table on a connection owned by someone else (the state database).
    static std::unique_ptr<DecisionLog> attach(sqlite3* db, std::string& error);
    ~DecisionLog();
    DecisionLog(const DecisionLog&) = delete;
    DecisionLog& operator=(const DecisionLog&) = delete;

    bool add(std::int64_t at_ms, const std::string& source, const std::string& post_id,
             const std::string& record);
    // The decisions about one post, oldest first (a post decided again after a crash, or
    // re-sent by its network, has more than one); `source` "" = any source.
    std::optional<std::vector<LoggedDecision>> find(const std::string& post_id,
                                                    const std::string& source) const;
    // The newest `limit` decisions, oldest first.
    std::optional<std::vector<LoggedDecision>> latest(std::size_t limit) const;
    // Deletes decisions older than `before_ms`; the number deleted, or -1.
    std::int64_t prune(std::int64_t before_ms);
    const std::string& last_error() const { return error_; }

  private:
    explicit DecisionLog(sqlite3* db) : db_(db) {}
    std::optional<std::vector<LoggedDecision>> query(const char* sql, const std::string& a,
                                                     const std::string& b,
                                                     std::int64_t limit) const;

    sqlite3* db_;
    sqlite3_stmt* insert_ = nullptr;  // prepared once: one insert per decided post
    mutable std::string error_;
};

// {"decided_at":"2026-03-01T10:00:00.000Z", …the record's members…}: a logged decision as one
// line for people and tools.
std::string logged_decision_json(const LoggedDecision& decision);

}  // namespace spreekbuis::daemon::audit
