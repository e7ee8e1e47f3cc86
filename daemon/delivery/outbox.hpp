#pragma once
// The durable alert outbox (SQLite, WAL): every alert is written here before any send is tried,
// and leaves only as sent or dead (with a reason). Held alerts (noise control) wait here for a
// digest. One Outbox object is used by one thread at a time; several connections (for example
// the router's and the dispatcher's) may share the same database file.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/alert.hpp"
#include "connectors/sinks/sink.hpp"

struct sqlite3;

namespace spreekbuis::daemon {
class SqliteStatement;
}

namespace spreekbuis::daemon::delivery {

enum class OutboxState { pending, sent, dead, held, digested };
std::string_view to_string(OutboxState state);

struct OutboxEntry {
    std::int64_t seq = 0;  // insertion order; delivery order per destination
    std::string id;        // alert.id
    std::string sink;
    std::string destination;
    std::string payload;  // the Alert as JSON (connectors/sinks/alert_json.hpp)
    OutboxState state = OutboxState::pending;
    std::int64_t attempts = 0;
    std::int64_t next_attempt_ms = 0;
    std::string last_error;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    std::string thread_key;  // case id or spike group key; "" = none
    std::string remote_ref;  // the service's id of the sent message; "" = none or unknown
};

struct OutboxCounts {
    std::int64_t pending = 0;
    std::int64_t sent = 0;
    std::int64_t dead = 0;
    std::int64_t held = 0;
};

struct HeldGroup {
    std::string sink;
    std::string destination;
    std::int64_t oldest_created_ms = 0;
    std::int64_t count = 0;
};

enum class EnqueueResult { inserted, duplicate, error };

class Outbox {
  public:
    // Opens (creating if needed) the database file in WAL mode with a busy timeout.
    static std::unique_ptr<Outbox> open(const std::string& path, std::string& error);
    // Uses a connection the caller owns (and keeps open longer than the Outbox), so that an
    // alert insert can share the caller's transaction (for example the router's case write).
    static std::unique_ptr<Outbox> attach(sqlite3* db, std::string& error);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    sqlite3* db() const { return db_; }
    const std::string& last_error() const { return error_; }

    // BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted. When the connection is
    // already inside a transaction (the caller's), it joins it and commit() does nothing.
    class Transaction {
      public:
        explicit Transaction(Outbox& outbox);
        ~Transaction();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        bool ok() const { return ok_; }
        bool commit();

      private:
        Outbox& outbox_;
        bool owns_ = false;
        bool ok_ = false;
        bool done_ = false;
    };

    // Idempotent on alert.id: a second enqueue of the same id changes nothing.
    EnqueueResult enqueue(const connectors::Alert& alert, std::int64_t now_ms,
                          OutboxState initial = OutboxState::pending);
    // Pending alerts of `sink` that are due, at most one per destination: the oldest pending
    // alert of each destination (head of line), so delivery keeps order per destination.
    std::vector<OutboxEntry> due(std::string_view sink, std::int64_t now_ms, std::size_t limit);
    // Earliest next_attempt_ms over the heads of `sink`'s destinations; nullopt when none.
    std::optional<std::int64_t> next_due_ms(std::string_view sink);
    // `remote_ref`: the service's id of the message (classify's remote_ref), "" = none.
    // `thread_key` fills the column of a row written before it existed (an older outbox).
    bool mark_sent(std::string_view id, std::int64_t now_ms, std::string_view remote_ref = {},
                   std::string_view thread_key = {});
    // The refs of the sent messages of a thread (same sink, destination and thread key): the
    // first and the latest that have one. nullopt when none was sent with a ref (yet).
    std::optional<connectors::sinks::ThreadRef> thread_ref(std::string_view sink,
                                                           std::string_view destination,
                                                           std::string_view thread_key);
    bool mark_retry(std::string_view id, std::int64_t next_attempt_ms, std::string_view error,
                    std::int64_t now_ms);
    bool mark_dead(std::string_view id, std::string_view reason, std::int64_t now_ms);
    std::optional<OutboxEntry> get(std::string_view id);
    OutboxCounts counts(std::string_view sink);
    std::vector<std::string> sinks();  // sinks that have any pending alert
    // Alerts in `state`, of `sink` ("" = every sink), oldest first, at most `limit`; nullopt
    // (and last_error) when the store could not be read to the end, never a partial list.
    std::optional<std::vector<OutboxEntry>> list(OutboxState state, std::string_view sink,
                                                 std::size_t limit);
    // Dead letters of `sink` back to pending (after fixing the sink); returns how many.
    std::int64_t requeue_dead(std::string_view sink, std::int64_t now_ms);
    // Deletes sent and digested alerts older than `before_ms`; returns how many.
    std::int64_t prune(std::int64_t before_ms);

    // Noise control: alerts held for a digest.
    std::vector<HeldGroup> held_groups();
    // The held alerts of one destination, oldest first; nullopt as for list().
    std::optional<std::vector<OutboxEntry>> held(std::string_view sink,
                                                 std::string_view destination);
    bool mark_digested(const std::vector<std::string>& ids, std::int64_t now_ms);

  private:
    Outbox(sqlite3* db, bool owned) : db_(db), owned_(owned) {}
    bool migrate();
    bool has_column(const char* column, bool& found);
    bool add_column(const char* column, const char* definition);
    bool exec(const char* sql);
    bool fail(std::string_view what);
    // Every entry `where` (the SQL after WHERE, with its ORDER BY) selects, parameters set by
    // `bind`; nullopt (error_ names `what`) unless every row was read.
    std::optional<std::vector<OutboxEntry>> select_entries(
        const std::string& where, std::string_view what,
        const std::function<void(SqliteStatement&)>& bind);
    bool update_state(std::string_view id, OutboxState state, std::optional<std::int64_t> next,
                      std::string_view error, bool count_attempt, std::int64_t now_ms);

    sqlite3* db_ = nullptr;
    bool owned_ = false;
    std::string error_;
};

}  // namespace spreekbuis::daemon::delivery
