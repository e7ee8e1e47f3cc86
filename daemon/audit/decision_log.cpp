#include "daemon/audit/decision_log.hpp"

#include "connectors/json_writer.hpp"
#include "connectors/sinks/text.hpp"
#include "daemon/routing/settings.hpp"
#include "daemon/sqlite_statement.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon::audit {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS decisions("
    "seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, source TEXT NOT NULL, "
    "post_id TEXT NOT NULL, record TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS decisions_post ON decisions(post_id, source);"
    "CREATE INDEX IF NOT EXISTS decisions_at ON decisions(at);";

constexpr std::int64_t kMinRetentionMs = 60LL * 60 * 1000;  // an hour

}  // namespace

AuditSettings read_audit_settings(const config::Config& config, rules::Diagnostics& diagnostics) {
    AuditSettings settings;
    if (!config.audit) return settings;
    const auto& document = *config.audit->document;
    const YAML::Node& node = config.audit->node;
    rules::check_keys(document, node, {"decisions", "retention"}, "audit", diagnostics);
    if (const auto decisions = node["decisions"]) {
        if (auto text = rules::read_string(document, decisions, diagnostics)) {
            if (*text == "matched") {
                settings.decisions = DecisionLogMode::matched;
            } else if (*text == "all") {
                settings.decisions = DecisionLogMode::all;
            } else if (*text == "off") {
                settings.decisions = DecisionLogMode::off;
            } else {
                const auto best = rules::closest_match(*text, {"matched", "all", "off"});
                rules::error_at(document, decisions,
                                "audit.decisions must be matched, all or off, not '" + *text + "'",
                                diagnostics,
                                best.empty() ? std::string() : "did you mean '" + best + "'?");
            }
        }
    }
    if (const auto retention = node["retention"]) {
        if (const auto ms = routing::read_duration(document, retention, diagnostics)) {
            if (*ms < kMinRetentionMs) {
                rules::error_at(document, retention, "audit.retention must be at least 1h",
                                diagnostics, "e.g. retention: 30d");
            } else {
                settings.retention_ms = *ms;
            }
        }
    }
    return settings;
}

std::unique_ptr<DecisionLog> DecisionLog::attach(sqlite3* db, std::string& error) {
    char* message = nullptr;
    if (sqlite3_exec(db, kSchema, nullptr, nullptr, &message) != SQLITE_OK) {
        error = message ? message : "cannot create the decisions table";
        sqlite3_free(message);
        return nullptr;
    }
    std::unique_ptr<DecisionLog> log(new DecisionLog(db));
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO decisions(at, source, post_id, record) VALUES(?, ?, ?, ?)",
                           -1, &log->insert_, nullptr) != SQLITE_OK) {
        error = sqlite3_errmsg(db);
        return nullptr;
    }
    return log;
}

DecisionLog::~DecisionLog() { sqlite3_finalize(insert_); }

bool DecisionLog::add(std::int64_t at_ms, const std::string& source, const std::string& post_id,
                      const std::string& record) {
    sqlite3_reset(insert_);
    sqlite3_bind_int64(insert_, 1, at_ms);
    sqlite3_bind_text(insert_, 2, source.data(), static_cast<int>(source.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 3, post_id.data(), static_cast<int>(post_id.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 4, record.data(), static_cast<int>(record.size()), SQLITE_STATIC);
    const bool ok = sqlite3_step(insert_) == SQLITE_DONE;
    if (!ok) error_ = sqlite3_errmsg(db_);
    sqlite3_reset(insert_);
    sqlite3_clear_bindings(insert_);
    return ok;
}

std::optional<std::vector<LoggedDecision>> DecisionLog::query(const char* sql, const std::string& a,
                                                              const std::string& b,
                                                              std::int64_t limit) const {
    SqliteStatement statement(db_, sql);
    if (!statement) {
        error_ = sqlite3_errmsg(db_);
        return std::nullopt;
    }
    const int parameters = sqlite3_bind_parameter_count(statement.get());
    int next = 1;
    if (next <= parameters && !a.empty()) statement.bind(next++, a);
    if (next <= parameters && !b.empty()) statement.bind(next++, b);
    if (next <= parameters) statement.bind(next, limit);
    std::vector<LoggedDecision> out;
    int step = SQLITE_ROW;
    while ((step = statement.step()) == SQLITE_ROW) {
        out.push_back({statement.integer(0), statement.integer(1), statement.text(2),
                       statement.text(3), statement.text(4)});
    }
    if (step != SQLITE_DONE) {
        error_ = sqlite3_errmsg(db_);
        return std::nullopt;
    }
    return out;
}

std::optional<std::vector<LoggedDecision>> DecisionLog::find(const std::string& post_id,
                                                             const std::string& source) const {
    if (source.empty()) {
        return query(
            "SELECT seq, at, source, post_id, record FROM decisions WHERE post_id = ? "
            "ORDER BY seq",
            post_id, {}, 0);
    }
    return query(
        "SELECT seq, at, source, post_id, record FROM decisions WHERE post_id = ? AND source = ? "
        "ORDER BY seq",
        post_id, source, 0);
}

std::optional<std::vector<LoggedDecision>> DecisionLog::latest(std::size_t limit) const {
    return query(
        "SELECT seq, at, source, post_id, record FROM (SELECT * FROM decisions ORDER BY seq DESC "
        "LIMIT ?) ORDER BY seq",
        {}, {}, static_cast<std::int64_t>(limit));
}

std::int64_t DecisionLog::prune(std::int64_t before_ms) {
    SqliteStatement statement(db_, "DELETE FROM decisions WHERE at < ?");
    if (!statement) {
        error_ = sqlite3_errmsg(db_);
        return -1;
    }
    statement.bind(1, before_ms);
    if (statement.step() != SQLITE_DONE) {
        error_ = sqlite3_errmsg(db_);
        return -1;
    }
    return sqlite3_changes(db_);
}

std::string logged_decision_json(const LoggedDecision& decision) {
    connectors::JsonWriter head;
    head.begin_object();
    head.field("decided_at", connectors::sinks::iso8601_utc(decision.at_ms));
    head.end_object();
    std::string out = head.take();  // {"decided_at":"…"}
    const auto& record = decision.record;
    if (record.size() > 2 && record.front() == '{') {
        out.pop_back();
        out += ",";
        out.append(record, 1, std::string::npos);
    }
    return out;
}

}  // namespace spreekbuis::daemon::audit
