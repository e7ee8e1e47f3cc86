#include "daemon/delivery/outbox.hpp"

#include <sqlite3.h>

#include "connectors/sinks/alert_json.hpp"
#include "daemon/sqlite_statement.hpp"

namespace spreekbuis::daemon::delivery {

std::string_view to_string(OutboxState state) {
    switch (state) {
        case OutboxState::pending:
            return "pending";
        case OutboxState::sent:
            return "sent";
        case OutboxState::dead:
            return "dead";
        case OutboxState::held:
            return "held";
        case OutboxState::digested:
            return "digested";
    }
    return "pending";
}

namespace {

OutboxState parse_state(std::string_view text) {
    if (text == "sent") return OutboxState::sent;
    if (text == "dead") return OutboxState::dead;
    if (text == "held") return OutboxState::held;
    if (text == "digested") return OutboxState::digested;
    return OutboxState::pending;
}

using Statement = SqliteStatement;

constexpr const char* kColumns =
    "seq, id, sink, destination, payload, state, attempts, next_attempt_ms, last_error, "
    "created_ms, updated_ms, thread_key, remote_ref";

OutboxEntry read_entry(Statement& s) {
    OutboxEntry e;
    e.seq = s.integer(0);
    e.id = s.text(1);
    e.sink = s.text(2);
    e.destination = s.text(3);
    e.payload = s.text(4);
    e.state = parse_state(s.text(5));
    e.attempts = s.integer(6);
    e.next_attempt_ms = s.integer(7);
    e.last_error = s.text(8);
    e.created_ms = s.integer(9);
    e.updated_ms = s.integer(10);
    e.thread_key = s.text(11);
    e.remote_ref = s.text(12);
    return e;
}

// Every row of `s` into `out`; false when a step failed before the last row.
bool read_entries(Statement& s, std::vector<OutboxEntry>& out) {
    int rc = 0;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_entry(s));
    return rc == SQLITE_DONE;
}

}  // namespace

std::unique_ptr<Outbox> Outbox::open(const std::string& path, std::string& error) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        error = "cannot open outbox database '" + path +
                "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return nullptr;
    }
    std::unique_ptr<Outbox> outbox(new Outbox(db, true));
    sqlite3_busy_timeout(db, 5000);
    if (!outbox->exec("PRAGMA journal_mode=WAL") || !outbox->exec("PRAGMA synchronous=NORMAL") ||
        !outbox->migrate()) {
        error = "outbox database '" + path + "': " + outbox->error_;
        return nullptr;
    }
    return outbox;
}

std::unique_ptr<Outbox> Outbox::attach(sqlite3* db, std::string& error) {
    std::unique_ptr<Outbox> outbox(new Outbox(db, false));
    if (!outbox->migrate()) {
        error = "outbox: " + outbox->error_;
        return nullptr;
    }
    return outbox;
}

Outbox::~Outbox() {
    if (owned_) sqlite3_close(db_);
}

bool Outbox::fail(std::string_view what) {
    error_ = std::string(what) + ": " + sqlite3_errmsg(db_);
    return false;
}

bool Outbox::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        error_ = std::string(sql) + ": " + (message ? message : "error");
        sqlite3_free(message);
        return false;
    }
    return true;
}

// Additive and idempotent: the table is created if missing, and columns added later are added
// to an older table (no PRAGMA user_version: a column is detected with PRAGMA table_info).
bool Outbox::migrate() {
    if (!exec(
            "CREATE TABLE IF NOT EXISTS outbox ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " id TEXT NOT NULL UNIQUE,"
            " sink TEXT NOT NULL,"
            " destination TEXT NOT NULL,"
            " payload TEXT NOT NULL,"
            " state TEXT NOT NULL CHECK (state IN ('pending','sent','dead','held','digested')),"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " next_attempt_ms INTEGER NOT NULL,"
            " last_error TEXT NOT NULL DEFAULT '',"
            " created_ms INTEGER NOT NULL,"
            " updated_ms INTEGER NOT NULL);"
            "CREATE INDEX IF NOT EXISTS outbox_queue ON outbox (sink, state, destination, seq);")) {
        return false;
    }
    // Threads: the case id or spike key of each alert, and the service's id of a sent message.
    return add_column("thread_key", "TEXT") && add_column("remote_ref", "TEXT") &&
           exec(
               "CREATE INDEX IF NOT EXISTS outbox_thread ON outbox "
               "(sink, destination, thread_key, seq)");
}

bool Outbox::has_column(const char* column, bool& found) {
    found = false;
    Statement s(db_, "SELECT name FROM pragma_table_info('outbox')");
    if (!s) return fail("table_info");
    int rc = 0;
    while ((rc = s.step()) == SQLITE_ROW) found = found || s.text(0) == column;
    if (rc != SQLITE_DONE) return fail("table_info");
    return true;
}

bool Outbox::add_column(const char* column, const char* definition) {
    bool found = false;
    if (!has_column(column, found)) return false;
    if (found) return true;
    const std::string sql =
        std::string("ALTER TABLE outbox ADD COLUMN ") + column + " " + definition;
    if (exec(sql.c_str())) return true;
    // Another connection may have added it in the meantime.
    const std::string error = error_;
    if (has_column(column, found) && found) return true;
    error_ = error;
    return false;
}

Outbox::Transaction::Transaction(Outbox& outbox) : outbox_(outbox) {
    if (sqlite3_get_autocommit(outbox_.db_) == 0) {
        ok_ = true;  // join the caller's transaction
        return;
    }
    owns_ = true;
    ok_ = outbox_.exec("BEGIN IMMEDIATE");
    if (!ok_) done_ = true;
}

Outbox::Transaction::~Transaction() {
    if (owns_ && !done_) outbox_.exec("ROLLBACK");
}

bool Outbox::Transaction::commit() {
    if (!ok_) return false;
    if (!owns_ || done_) return true;
    done_ = true;
    if (!outbox_.exec("COMMIT")) {
        outbox_.exec("ROLLBACK");
        return false;
    }
    return true;
}

EnqueueResult Outbox::enqueue(const connectors::Alert& alert, std::int64_t now_ms,
                              OutboxState initial) {
    Statement s(db_,
                "INSERT INTO outbox (id, sink, destination, payload, state, next_attempt_ms, "
                "created_ms, updated_ms, thread_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6, "
                "NULLIF(?7, '')) ON CONFLICT(id) DO NOTHING");
    if (!s) {
        fail("enqueue");
        return EnqueueResult::error;
    }
    s.bind(1, alert.id).bind(2, alert.sink).bind(3, alert.destination);
    s.bind(4, connectors::sinks::alert_to_json(alert)).bind(5, to_string(initial));
    s.bind(6, now_ms).bind(7, connectors::thread_key(alert));
    if (s.step() != SQLITE_DONE) {
        fail("enqueue");
        return EnqueueResult::error;
    }
    return sqlite3_changes(db_) > 0 ? EnqueueResult::inserted : EnqueueResult::duplicate;
}

std::vector<OutboxEntry> Outbox::due(std::string_view sink, std::int64_t now_ms,
                                     std::size_t limit) {
    std::vector<OutboxEntry> out;
    // Heads of line: the oldest pending alert of each destination (the GROUP BY walks the
    // (sink, state, destination, seq) index), then those that are due.
    const std::string sql = std::string("SELECT ") + kColumns +
                            " FROM outbox WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE "
                            "sink = ?1 AND state = 'pending' GROUP BY destination) AND "
                            "next_attempt_ms <= ?2 ORDER BY next_attempt_ms, seq LIMIT ?3";
    Statement s(db_, sql.c_str());
    if (!s) {
        fail("due");
        return out;
    }
    s.bind(1, sink).bind(2, now_ms).bind(3, static_cast<std::int64_t>(limit));
    if (!read_entries(s, out)) fail("due");  // the rows read so far are still due
    return out;
}

std::optional<std::int64_t> Outbox::next_due_ms(std::string_view sink) {
    Statement s(db_,
                "SELECT MIN(next_attempt_ms) FROM outbox WHERE seq IN (SELECT MIN(seq) FROM "
                "outbox WHERE sink = ?1 AND state = 'pending' GROUP BY destination)");
    if (!s) {
        fail("next_due_ms");
        return std::nullopt;
    }
    s.bind(1, sink);
    if (s.step() != SQLITE_ROW || s.is_null(0)) return std::nullopt;
    return s.integer(0);
}

bool Outbox::update_state(std::string_view id, OutboxState state, std::optional<std::int64_t> next,
                          std::string_view error, bool count_attempt, std::int64_t now_ms) {
    Statement s(db_,
                "UPDATE outbox SET state = ?2, attempts = attempts + ?3, "
                "next_attempt_ms = COALESCE(?4, next_attempt_ms), last_error = ?5, "
                "updated_ms = ?6 WHERE id = ?1");
    if (!s) return fail("update");
    s.bind(1, id).bind(2, to_string(state)).bind(3, std::int64_t{count_attempt ? 1 : 0});
    if (next) s.bind(4, *next);
    s.bind(5, error).bind(6, now_ms);
    if (s.step() != SQLITE_DONE) return fail("update");
    if (sqlite3_changes(db_) == 0) {
        error_ = "no outbox entry '" + std::string(id) + "'";
        return false;
    }
    return true;
}

bool Outbox::mark_sent(std::string_view id, std::int64_t now_ms, std::string_view remote_ref,
                       std::string_view thread_key) {
    Statement s(db_,
                "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_error = '', "
                "updated_ms = ?2, remote_ref = NULLIF(?3, ''), "
                "thread_key = COALESCE(thread_key, NULLIF(?4, '')) WHERE id = ?1");
    if (!s) return fail("mark_sent");
    s.bind(1, id).bind(2, now_ms).bind(3, remote_ref).bind(4, thread_key);
    if (s.step() != SQLITE_DONE) return fail("mark_sent");
    if (sqlite3_changes(db_) == 0) {
        error_ = "no outbox entry '" + std::string(id) + "'";
        return false;
    }
    return true;
}

std::optional<connectors::sinks::ThreadRef> Outbox::thread_ref(std::string_view sink,
                                                               std::string_view destination,
                                                               std::string_view thread_key) {
    if (thread_key.empty()) return std::nullopt;
    connectors::sinks::ThreadRef ref;
    for (const char* order : {"ASC", "DESC"}) {
        const std::string sql = std::string(
                                    "SELECT remote_ref FROM outbox WHERE sink = ?1 AND "
                                    "destination = ?2 AND thread_key = ?3 AND state = 'sent' "
                                    "AND remote_ref IS NOT NULL ORDER BY seq ") +
                                order + " LIMIT 1";
        Statement s(db_, sql.c_str());
        if (!s) {
            fail("thread_ref");
            return std::nullopt;
        }
        s.bind(1, sink).bind(2, destination).bind(3, thread_key);
        const int rc = s.step();
        if (rc == SQLITE_DONE) return std::nullopt;
        if (rc != SQLITE_ROW) {
            fail("thread_ref");
            return std::nullopt;
        }
        (ref.root.empty() ? ref.root : ref.latest) = s.text(0);
    }
    return ref;
}

bool Outbox::mark_retry(std::string_view id, std::int64_t next_attempt_ms, std::string_view error,
                        std::int64_t now_ms) {
    return update_state(id, OutboxState::pending, next_attempt_ms, error, true, now_ms);
}

bool Outbox::mark_dead(std::string_view id, std::string_view reason, std::int64_t now_ms) {
    return update_state(id, OutboxState::dead, std::nullopt, reason, true, now_ms);
}

std::optional<OutboxEntry> Outbox::get(std::string_view id) {
    const std::string sql = std::string("SELECT ") + kColumns + " FROM outbox WHERE id = ?1";
    Statement s(db_, sql.c_str());
    if (!s) {
        fail("get");
        return std::nullopt;
    }
    s.bind(1, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_entry(s);
}

OutboxCounts Outbox::counts(std::string_view sink) {
    OutboxCounts counts;
    Statement s(db_, "SELECT state, COUNT(*) FROM outbox WHERE sink = ?1 GROUP BY state");
    if (!s) {
        fail("counts");
        return counts;
    }
    s.bind(1, sink);
    while (s.step() == SQLITE_ROW) {
        const std::string state = s.text(0);
        const std::int64_t n = s.integer(1);
        if (state == "pending") counts.pending = n;
        if (state == "sent") counts.sent = n;
        if (state == "dead") counts.dead = n;
        if (state == "held") counts.held = n;
    }
    return counts;
}

std::vector<std::string> Outbox::sinks() {
    std::vector<std::string> out;
    Statement s(db_, "SELECT DISTINCT sink FROM outbox WHERE state = 'pending' ORDER BY sink");
    if (!s) {
        fail("sinks");
        return out;
    }
    while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
    return out;
}

std::optional<std::vector<OutboxEntry>> Outbox::select_entries(
    const std::string& where, std::string_view what, const std::function<void(Statement&)>& bind) {
    const std::string sql = std::string("SELECT ") + kColumns + " FROM outbox WHERE " + where;
    Statement s(db_, sql.c_str());
    std::vector<OutboxEntry> out;
    if (!s) {
        fail(what);
        return std::nullopt;
    }
    bind(s);
    if (!read_entries(s, out)) {
        fail(what);
        return std::nullopt;
    }
    return out;
}

std::optional<std::vector<OutboxEntry>> Outbox::list(OutboxState state, std::string_view sink,
                                                     std::size_t limit) {
    return select_entries(
        "state = ?1 AND (?2 = '' OR sink = ?2) ORDER BY seq LIMIT ?3", "list", [&](Statement& s) {
            s.bind(1, to_string(state)).bind(2, sink).bind(3, static_cast<std::int64_t>(limit));
        });
}

std::int64_t Outbox::requeue_dead(std::string_view sink, std::int64_t now_ms) {
    Statement s(db_,
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = ?2, "
                "updated_ms = ?2 WHERE sink = ?1 AND state = 'dead'");
    if (!s) {
        fail("requeue_dead");
        return 0;
    }
    s.bind(1, sink).bind(2, now_ms);
    if (s.step() != SQLITE_DONE) {
        fail("requeue_dead");
        return 0;
    }
    return sqlite3_changes(db_);
}

std::int64_t Outbox::prune(std::int64_t before_ms) {
    Statement s(db_, "DELETE FROM outbox WHERE state IN ('sent', 'digested') AND updated_ms < ?1");
    if (!s) {
        fail("prune");
        return 0;
    }
    s.bind(1, before_ms);
    if (s.step() != SQLITE_DONE) {
        fail("prune");
        return 0;
    }
    return sqlite3_changes(db_);
}

std::vector<HeldGroup> Outbox::held_groups() {
    std::vector<HeldGroup> out;
    Statement s(db_,
                "SELECT sink, destination, MIN(created_ms), COUNT(*) FROM outbox "
                "WHERE state = 'held' GROUP BY sink, destination ORDER BY sink, destination");
    if (!s) {
        fail("held_groups");
        return out;
    }
    while (s.step() == SQLITE_ROW) {
        out.push_back({s.text(0), s.text(1), s.integer(2), s.integer(3)});
    }
    return out;
}

std::optional<std::vector<OutboxEntry>> Outbox::held(std::string_view sink,
                                                     std::string_view destination) {
    return select_entries("sink = ?1 AND destination = ?2 AND state = 'held' ORDER BY seq", "held",
                          [&](Statement& s) { s.bind(1, sink).bind(2, destination); });
}

bool Outbox::mark_digested(const std::vector<std::string>& ids, std::int64_t now_ms) {
    for (const auto& id : ids) {
        if (!update_state(id, OutboxState::digested, std::nullopt, "", false, now_ms)) {
            return false;
        }
    }
    return true;
}

}  // namespace spreekbuis::daemon::delivery
