#include "daemon/routing/sqlite_case_store.hpp"

#include <sqlite3.h>

#include "daemon/sqlite_statement.hpp"

namespace spreekbuis::daemon::routing {

namespace {

constexpr const char* kCaseColumns =
    "id, number, status, team, assignee, holder, customer, conversation, topic, priority, "
    "source, lang, first_post_id, first_post_text, post_count, opened_at, updated_at, "
    "last_post_at, assigned_at, acknowledged_at, resolved_at, deadline, warn_at, warned, "
    "escalations_sent, escalation_level, alert_seq, grouped";

// Each entry migrates from version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE cases (
    id TEXT PRIMARY KEY, number INTEGER NOT NULL, status TEXT NOT NULL, team TEXT NOT NULL,
    assignee TEXT NOT NULL, holder TEXT NOT NULL, customer TEXT NOT NULL,
    conversation TEXT NOT NULL, topic TEXT NOT NULL, priority TEXT NOT NULL, source TEXT NOT NULL,
    lang TEXT NOT NULL, first_post_id TEXT NOT NULL, first_post_text TEXT NOT NULL,
    post_count INTEGER NOT NULL, opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    last_post_at INTEGER NOT NULL, assigned_at INTEGER NOT NULL,
    acknowledged_at INTEGER NOT NULL, resolved_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
    warn_at INTEGER NOT NULL, warned INTEGER NOT NULL, escalations_sent INTEGER NOT NULL,
    escalation_level INTEGER NOT NULL,
    alert_seq INTEGER NOT NULL, grouped INTEGER NOT NULL);
CREATE INDEX cases_open ON cases (resolved_at);
CREATE TABLE case_posts (post_key TEXT PRIMARY KEY, case_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX case_posts_case ON case_posts (case_id);
CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL,
    at INTEGER NOT NULL, actor TEXT NOT NULL, from_status TEXT NOT NULL,
    to_status TEXT NOT NULL, assignee TEXT NOT NULL, why TEXT NOT NULL);
CREATE INDEX audit_case ON audit (case_id, seq);
CREATE TABLE affinity (customer TEXT PRIMARY KEY, person TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE people_state (person TEXT PRIMARY KEY, last_assigned_at INTEGER NOT NULL);
)sql",
    // 2: availability set by hand over the admin API.
    R"sql(
CREATE TABLE presence (person TEXT PRIMARY KEY, away INTEGER NOT NULL, until_at INTEGER NOT NULL,
    set_by TEXT NOT NULL, note TEXT NOT NULL, at INTEGER NOT NULL);
)sql",
    // 3: a customer's history (the admin API's case queue by customer).
    R"sql(
CREATE INDEX IF NOT EXISTS cases_customer ON cases (customer, number);
)sql",
};

void bind(sqlite3_stmt* stmt, int index, const std::string& text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* stmt, int index) {
    const auto* text = sqlite3_column_text(stmt, index);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, index)));
}

Case read_case(sqlite3_stmt* stmt) {
    Case c;
    int i = 0;
    c.id = column_text(stmt, i++);
    c.number = sqlite3_column_int64(stmt, i++);
    c.status = parse_case_status(column_text(stmt, i++)).value_or(CaseStatus::new_case);
    c.team = column_text(stmt, i++);
    c.assignee = column_text(stmt, i++);
    c.holder = column_text(stmt, i++);
    c.customer = column_text(stmt, i++);
    c.conversation = column_text(stmt, i++);
    c.topic = column_text(stmt, i++);
    c.priority = column_text(stmt, i++);
    c.source = column_text(stmt, i++);
    c.lang = column_text(stmt, i++);
    c.first_post_id = column_text(stmt, i++);
    c.first_post_text = column_text(stmt, i++);
    c.post_count = sqlite3_column_int64(stmt, i++);
    c.opened_at_ms = sqlite3_column_int64(stmt, i++);
    c.updated_at_ms = sqlite3_column_int64(stmt, i++);
    c.last_post_at_ms = sqlite3_column_int64(stmt, i++);
    c.assigned_at_ms = sqlite3_column_int64(stmt, i++);
    c.acknowledged_at_ms = sqlite3_column_int64(stmt, i++);
    c.resolved_at_ms = sqlite3_column_int64(stmt, i++);
    c.deadline_ms = sqlite3_column_int64(stmt, i++);
    c.warn_at_ms = sqlite3_column_int64(stmt, i++);
    c.warned = sqlite3_column_int64(stmt, i++) != 0;
    c.escalations_sent = sqlite3_column_int(stmt, i++);
    c.escalation_level = sqlite3_column_int(stmt, i++);
    c.alert_seq = sqlite3_column_int64(stmt, i++);
    c.grouped = sqlite3_column_int64(stmt, i++) != 0;
    return c;
}

using Statement = SqliteStatement;

}  // namespace

std::unique_ptr<SqliteCaseStore> SqliteCaseStore::open(const std::string& path,
                                                       std::string& error) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        error = "cannot open case store " + path + ": " +
                (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return nullptr;
    }
    std::unique_ptr<SqliteCaseStore> store(new SqliteCaseStore(db, true));
    sqlite3_busy_timeout(db, 5000);
    if (!store->initialise(true)) {
        error = "case store " + path + ": " + store->error_;
        return nullptr;
    }
    return store;
}

std::unique_ptr<SqliteCaseStore> SqliteCaseStore::attach(sqlite3* db, std::string& error) {
    std::unique_ptr<SqliteCaseStore> store(new SqliteCaseStore(db, false));
    if (!store->initialise(false)) {
        error = "case store: " + store->error_;
        return nullptr;
    }
    return store;
}

bool SqliteCaseStore::initialise(bool configure_connection) {
    if (configure_connection &&
        (!exec("PRAGMA journal_mode=WAL") || !exec("PRAGMA synchronous=NORMAL"))) {
        return false;
    }
    return exec("PRAGMA foreign_keys=ON") && migrate() && prepare();
}

SqliteCaseStore::~SqliteCaseStore() {
    if (in_transaction_) exec("COMMIT");
    for (auto* stmt : {save_case_, add_post_, append_audit_, set_affinity_, set_last_assigned_,
                       set_presence_, clear_presence_, find_case_, audit_trail_}) {
        sqlite3_finalize(stmt);
    }
    if (owned_) sqlite3_close(db_);
}

bool SqliteCaseStore::fail(const char* what) {
    error_ = std::string(what) + ": " + sqlite3_errmsg(db_);
    return false;
}

bool SqliteCaseStore::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        error_ = message ? message : "unknown SQLite error";
        sqlite3_free(message);
        return false;
    }
    return true;
}

int SqliteCaseStore::schema_version() {
    Statement stmt(db_, "PRAGMA user_version");
    if (!stmt.get() || sqlite3_step(stmt.get()) != SQLITE_ROW) return -1;
    return sqlite3_column_int(stmt.get(), 0);
}

bool SqliteCaseStore::migrate() {
    int version = schema_version();
    if (version < 0) return fail("reading the schema version");
    if (version > kSchemaVersion) {
        error_ = "the case store has schema version " + std::to_string(version) +
                 ", newer than this spreekbuis understands (" + std::to_string(kSchemaVersion) +
                 ")";
        return false;
    }
    while (version < kSchemaVersion) {
        if (!exec("BEGIN IMMEDIATE")) return false;
        const std::string bump = "PRAGMA user_version = " + std::to_string(version + 1);
        if (!exec(kMigrations[version]) || !exec(bump.c_str())) {
            const std::string saved = error_;
            exec("ROLLBACK");
            error_ =
                "migration to schema version " + std::to_string(version + 1) + " failed: " + saved;
            return false;
        }
        if (!exec("COMMIT")) return false;
        ++version;
    }
    return true;
}

bool SqliteCaseStore::prepare() {
    const std::string save = std::string("INSERT OR REPLACE INTO cases (") + kCaseColumns +
                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    const std::string find = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?";
    struct Item {
        sqlite3_stmt** stmt;
        std::string sql;
    } items[] = {
        {&save_case_, save},
        {&add_post_, "INSERT OR REPLACE INTO case_posts (post_key, case_id, at) VALUES (?,?,?)"},
        {&append_audit_,
         "INSERT INTO audit (case_id, at, actor, from_status, to_status, assignee, why) "
         "VALUES (?,?,?,?,?,?,?)"},
        {&set_affinity_, "INSERT OR REPLACE INTO affinity (customer, person, at) VALUES (?,?,?)"},
        {&set_last_assigned_,
         "INSERT OR REPLACE INTO people_state (person, last_assigned_at) VALUES (?,?)"},
        {&set_presence_,
         "INSERT OR REPLACE INTO presence (person, away, until_at, set_by, note, at) "
         "VALUES (?,?,?,?,?,?)"},
        {&clear_presence_, "DELETE FROM presence WHERE person = ?"},
        {&find_case_, find},
        {&audit_trail_,
         "SELECT case_id, at, actor, from_status, to_status, assignee, why FROM audit "
         "WHERE case_id = ? ORDER BY seq"},
    };
    for (auto& item : items) {
        if (sqlite3_prepare_v2(db_, item.sql.c_str(), -1, item.stmt, nullptr) != SQLITE_OK) {
            return fail("preparing statements");
        }
    }
    return true;
}

bool SqliteCaseStore::begin() {
    if (in_transaction_) return true;
    if (sqlite3_get_autocommit(db_) == 0) return true;  // the caller's transaction
    if (!exec("BEGIN IMMEDIATE")) return false;
    in_transaction_ = true;
    return true;
}

bool SqliteCaseStore::commit() {
    if (!in_transaction_) return true;
    in_transaction_ = false;
    if (!exec("COMMIT")) {
        exec("ROLLBACK");
        return false;
    }
    return true;
}

namespace {
bool run(sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc == SQLITE_DONE;
}
}  // namespace

bool SqliteCaseStore::save_case(const Case& c) {
    auto* s = save_case_;
    int i = 1;
    bind(s, i++, c.id);
    sqlite3_bind_int64(s, i++, c.number);
    bind(s, i++, std::string(to_string(c.status)));
    bind(s, i++, c.team);
    bind(s, i++, c.assignee);
    bind(s, i++, c.holder);
    bind(s, i++, c.customer);
    bind(s, i++, c.conversation);
    bind(s, i++, c.topic);
    bind(s, i++, c.priority);
    bind(s, i++, c.source);
    bind(s, i++, c.lang);
    bind(s, i++, c.first_post_id);
    bind(s, i++, c.first_post_text);
    sqlite3_bind_int64(s, i++, c.post_count);
    sqlite3_bind_int64(s, i++, c.opened_at_ms);
    sqlite3_bind_int64(s, i++, c.updated_at_ms);
    sqlite3_bind_int64(s, i++, c.last_post_at_ms);
    sqlite3_bind_int64(s, i++, c.assigned_at_ms);
    sqlite3_bind_int64(s, i++, c.acknowledged_at_ms);
    sqlite3_bind_int64(s, i++, c.resolved_at_ms);
    sqlite3_bind_int64(s, i++, c.deadline_ms);
    sqlite3_bind_int64(s, i++, c.warn_at_ms);
    sqlite3_bind_int64(s, i++, c.warned ? 1 : 0);
    sqlite3_bind_int64(s, i++, c.escalations_sent);
    sqlite3_bind_int64(s, i++, c.escalation_level);
    sqlite3_bind_int64(s, i++, c.alert_seq);
    sqlite3_bind_int64(s, i++, c.grouped ? 1 : 0);
    return run(s) || fail("saving a case");
}

bool SqliteCaseStore::add_post(const std::string& post_key, const std::string& case_id,
                               std::int64_t at_ms) {
    bind(add_post_, 1, post_key);
    bind(add_post_, 2, case_id);
    sqlite3_bind_int64(add_post_, 3, at_ms);
    return run(add_post_) || fail("saving a case post");
}

bool SqliteCaseStore::append_audit(const AuditEntry& e) {
    auto* s = append_audit_;
    bind(s, 1, e.case_id);
    sqlite3_bind_int64(s, 2, e.at_ms);
    bind(s, 3, e.actor);
    bind(s, 4, e.from_status);
    bind(s, 5, e.to_status);
    bind(s, 6, e.assignee);
    bind(s, 7, e.why);
    return run(s) || fail("appending to the audit trail");
}

bool SqliteCaseStore::set_affinity(const std::string& customer, const std::string& person,
                                   std::int64_t at_ms) {
    bind(set_affinity_, 1, customer);
    bind(set_affinity_, 2, person);
    sqlite3_bind_int64(set_affinity_, 3, at_ms);
    return run(set_affinity_) || fail("saving affinity");
}

bool SqliteCaseStore::set_last_assigned(const std::string& person, std::int64_t at_ms) {
    bind(set_last_assigned_, 1, person);
    sqlite3_bind_int64(set_last_assigned_, 2, at_ms);
    return run(set_last_assigned_) || fail("saving a person's last assignment");
}

std::optional<StoreSnapshot> SqliteCaseStore::load(std::int64_t since_ms) {
    StoreSnapshot snapshot;
    {
        Statement stmt(db_, std::string("SELECT ") + kCaseColumns +
                                " FROM cases WHERE resolved_at = 0 OR resolved_at >= ? "
                                "ORDER BY number");
        if (!stmt.get()) {
            fail("loading cases");
            return std::nullopt;
        }
        sqlite3_bind_int64(stmt.get(), 1, since_ms);
        while (sqlite3_step(stmt.get()) == SQLITE_ROW)
            snapshot.cases.push_back(read_case(stmt.get()));
    }
    {
        Statement stmt(db_, "SELECT COALESCE(MAX(number), 0) + 1 FROM cases");
        if (stmt.get() && sqlite3_step(stmt.get()) == SQLITE_ROW) {
            snapshot.next_case_number = sqlite3_column_int64(stmt.get(), 0);
        }
    }
    {
        Statement stmt(db_,
                       "SELECT p.post_key, p.case_id FROM case_posts p JOIN cases c "
                       "ON c.id = p.case_id WHERE c.resolved_at = 0 OR c.resolved_at >= ?");
        if (!stmt.get()) {
            fail("loading case posts");
            return std::nullopt;
        }
        sqlite3_bind_int64(stmt.get(), 1, since_ms);
        while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
            snapshot.case_posts.emplace_back(column_text(stmt.get(), 0),
                                             column_text(stmt.get(), 1));
        }
    }
    {
        Statement stmt(db_, "SELECT customer, person, at FROM affinity");
        while (stmt.get() && sqlite3_step(stmt.get()) == SQLITE_ROW) {
            snapshot.affinity[column_text(stmt.get(), 0)] = {column_text(stmt.get(), 1),
                                                             sqlite3_column_int64(stmt.get(), 2)};
        }
    }
    {
        Statement stmt(db_, "SELECT person, last_assigned_at FROM people_state");
        while (stmt.get() && sqlite3_step(stmt.get()) == SQLITE_ROW) {
            snapshot.last_assigned[column_text(stmt.get(), 0)] =
                sqlite3_column_int64(stmt.get(), 1);
        }
    }
    {
        Statement stmt(db_, "SELECT person, away, until_at, set_by, note, at FROM presence");
        if (!stmt.get()) {
            fail("loading presence");
            return std::nullopt;
        }
        while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
            Presence presence;
            presence.person = column_text(stmt.get(), 0);
            presence.away = sqlite3_column_int(stmt.get(), 1) != 0;
            presence.until_ms = sqlite3_column_int64(stmt.get(), 2);
            presence.by = column_text(stmt.get(), 3);
            presence.note = column_text(stmt.get(), 4);
            presence.at_ms = sqlite3_column_int64(stmt.get(), 5);
            snapshot.presence[presence.person] = std::move(presence);
        }
    }
    return snapshot;
}

bool SqliteCaseStore::set_presence(const Presence& presence) {
    bind(set_presence_, 1, presence.person);
    sqlite3_bind_int(set_presence_, 2, presence.away ? 1 : 0);
    sqlite3_bind_int64(set_presence_, 3, presence.until_ms);
    bind(set_presence_, 4, presence.by);
    bind(set_presence_, 5, presence.note);
    sqlite3_bind_int64(set_presence_, 6, presence.at_ms);
    return run(set_presence_) || fail("saving a person's presence");
}

bool SqliteCaseStore::clear_presence(const std::string& person) {
    bind(clear_presence_, 1, person);
    return run(clear_presence_) || fail("clearing a person's presence");
}

std::optional<std::vector<Case>> SqliteCaseStore::customer_cases(const std::string& customer,
                                                                 std::size_t limit) {
    Statement stmt(db_, std::string("SELECT ") + kCaseColumns +
                            " FROM cases WHERE customer = ? ORDER BY number DESC LIMIT ?");
    if (!stmt.get()) {
        fail("reading a customer's cases");
        return std::nullopt;
    }
    bind(stmt.get(), 1, customer);
    sqlite3_bind_int64(stmt.get(), 2, static_cast<sqlite3_int64>(limit));
    std::vector<Case> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) out.push_back(read_case(stmt.get()));
    if (rc != SQLITE_DONE) {
        fail("reading a customer's cases");
        return std::nullopt;
    }
    return out;
}

std::vector<AuditEntry> SqliteCaseStore::audit_trail(const std::string& case_id) {
    std::vector<AuditEntry> out;
    bind(audit_trail_, 1, case_id);
    while (sqlite3_step(audit_trail_) == SQLITE_ROW) {
        AuditEntry e;
        e.case_id = column_text(audit_trail_, 0);
        e.at_ms = sqlite3_column_int64(audit_trail_, 1);
        e.actor = column_text(audit_trail_, 2);
        e.from_status = column_text(audit_trail_, 3);
        e.to_status = column_text(audit_trail_, 4);
        e.assignee = column_text(audit_trail_, 5);
        e.why = column_text(audit_trail_, 6);
        out.push_back(std::move(e));
    }
    sqlite3_reset(audit_trail_);
    sqlite3_clear_bindings(audit_trail_);
    return out;
}

std::optional<Case> SqliteCaseStore::find_case(const std::string& case_id) {
    bind(find_case_, 1, case_id);
    std::optional<Case> out;
    if (sqlite3_step(find_case_) == SQLITE_ROW) out = read_case(find_case_);
    sqlite3_reset(find_case_);
    sqlite3_clear_bindings(find_case_);
    return out;
}

}  // namespace spreekbuis::daemon::routing
