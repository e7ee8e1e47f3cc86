#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "connectors/sinks/alert_json.hpp"
#include "daemon/delivery/backoff.hpp"
#include "daemon/delivery/noise.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/delivery/rate_limit.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::delivery;
using connectors::Alert;
using connectors::AlertKind;

namespace {

Alert make_alert(std::string id, std::string destination, std::string sink = "chat") {
    Alert a;
    a.id = std::move(id);
    a.sink = std::move(sink);
    a.destination = std::move(destination);
    a.recipient_name = "Anna";
    a.post.text = "text of " + a.id;
    a.created_at_ms = 1000;
    return a;
}

std::unique_ptr<Outbox> memory_outbox() {
    std::string error;
    auto outbox = Outbox::open(":memory:", error);
    REQUIRE(outbox);
    return outbox;
}

// A database file of this process in the temp directory, gone (with its WAL files) before
// and after the test.
struct TempDatabase {
    std::filesystem::path path;

    explicit TempDatabase(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("spreekbuis-" + name + "-" + std::to_string(::getpid()) + ".db")) {
        remove();
    }
    ~TempDatabase() { remove(); }
    void remove() const {
        std::filesystem::remove(path);
        std::filesystem::remove(path.string() + "-wal");
        std::filesystem::remove(path.string() + "-shm");
    }
};

std::vector<std::string> ids(const std::vector<OutboxEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.id);
    return out;
}

}  // namespace

TEST_CASE("outbox enqueue is idempotent and keeps the alert", "[outbox]") {
    auto outbox = memory_outbox();
    const Alert a = make_alert("a1", "C1");
    CHECK(outbox->enqueue(a, 10) == EnqueueResult::inserted);
    CHECK(outbox->enqueue(a, 20) == EnqueueResult::duplicate);
    const auto entry = outbox->get("a1");
    REQUIRE(entry);
    CHECK(entry->state == OutboxState::pending);
    CHECK(entry->created_ms == 10);
    CHECK(entry->next_attempt_ms == 10);
    const auto back = connectors::sinks::alert_from_json(entry->payload);
    REQUIRE(back);
    CHECK(back->post.text == "text of a1");
    CHECK(outbox->counts("chat").pending == 1);
}

TEST_CASE("outbox due gives heads of line in order per destination", "[outbox]") {
    auto outbox = memory_outbox();
    for (const auto& [id, dest] : std::vector<std::pair<std::string, std::string>>{
             {"a1", "C1"}, {"b1", "C2"}, {"a2", "C1"}, {"b2", "C2"}, {"a3", "C1"}}) {
        REQUIRE(outbox->enqueue(make_alert(id, dest), 100) == EnqueueResult::inserted);
    }
    REQUIRE(outbox->enqueue(make_alert("x1", "C1", "other"), 100) == EnqueueResult::inserted);
    CHECK(ids(outbox->due("chat", 100, 10)) == std::vector<std::string>{"a1", "b1"});
    CHECK(outbox->due("chat", 99, 10).empty());
    CHECK(outbox->next_due_ms("chat") == 100);

    // a1 fails: C1 is blocked behind it until its retry time, C2 continues.
    REQUIRE(outbox->mark_retry("a1", 500, "HTTP 500", 100));
    REQUIRE(outbox->mark_sent("b1", 100));
    CHECK(ids(outbox->due("chat", 200, 10)) == std::vector<std::string>{"b2"});
    CHECK(outbox->next_due_ms("chat") == 100);  // b2
    REQUIRE(outbox->mark_sent("b2", 200));
    CHECK(outbox->next_due_ms("chat") == 500);
    CHECK(ids(outbox->due("chat", 500, 10)) == std::vector<std::string>{"a1"});
    const auto a1 = outbox->get("a1");
    CHECK(a1->attempts == 1);
    CHECK(a1->last_error == "HTTP 500");

    REQUIRE(outbox->mark_dead("a1", "slack: channel_not_found", 600));
    CHECK(ids(outbox->due("chat", 600, 10)) == std::vector<std::string>{"a2"});
    CHECK(outbox->get("a1")->state == OutboxState::dead);
    CHECK(outbox->get("a1")->last_error == "slack: channel_not_found");
    const auto counts = outbox->counts("chat");
    CHECK(counts.pending == 2);
    CHECK(counts.sent == 2);
    CHECK(counts.dead == 1);
    CHECK(outbox->sinks() == std::vector<std::string>{"chat", "other"});
    CHECK(ids(outbox->list(OutboxState::dead, "chat", 10).value()) ==
          std::vector<std::string>{"a1"});
    CHECK(ids(outbox->list(OutboxState::dead, "", 10).value()) == std::vector<std::string>{"a1"});
    CHECK(outbox->list(OutboxState::dead, "other", 10).value().empty());
    CHECK(outbox->list(OutboxState::sent, "", 1).value().size() == 1);  // the limit holds
    CHECK(outbox->list(OutboxState::sent, "", 10).value().size() == 2);

    CHECK(outbox->requeue_dead("chat", 700) == 1);
    CHECK(outbox->get("a1")->state == OutboxState::pending);
    CHECK(ids(outbox->due("chat", 700, 10)) == std::vector<std::string>{"a1"});  // order kept
    CHECK_FALSE(outbox->mark_sent("nope", 1));
    CHECK(outbox->prune(1000) == 2);
}

TEST_CASE("outbox transactions commit or roll back, and join the caller's", "[outbox]") {
    auto outbox = memory_outbox();
    {
        Outbox::Transaction tx(*outbox);
        REQUIRE(tx.ok());
        REQUIRE(outbox->enqueue(make_alert("r1", "C"), 1) == EnqueueResult::inserted);
    }  // destroyed uncommitted
    CHECK_FALSE(outbox->get("r1"));
    {
        Outbox::Transaction tx(*outbox);
        REQUIRE(outbox->enqueue(make_alert("c1", "C"), 1) == EnqueueResult::inserted);
        CHECK(tx.commit());
    }
    CHECK(outbox->get("c1"));

    // The router's own transaction on the same connection: both writes or neither.
    sqlite3* db = outbox->db();
    REQUIRE(sqlite3_exec(db, "CREATE TABLE cases (id TEXT)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "INSERT INTO cases VALUES ('k1')", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    {
        Outbox::Transaction tx(*outbox);  // joins
        REQUIRE(outbox->enqueue(make_alert("j1", "C"), 1) == EnqueueResult::inserted);
        CHECK(tx.commit());  // does not commit the caller's transaction
    }
    REQUIRE(sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK_FALSE(outbox->get("j1"));
}

TEST_CASE("outbox survives reopening the file (WAL)", "[outbox]") {
    const TempDatabase file("outbox");
    const auto& path = file.path;
    std::string error;
    {
        auto outbox = Outbox::open(path.string(), error);
        REQUIRE(outbox);
        REQUIRE(outbox->enqueue(make_alert("p1", "C"), 5) == EnqueueResult::inserted);
        auto second = Outbox::open(path.string(), error);  // another connection, same file
        REQUIRE(second);
        CHECK(second->get("p1"));
    }
    {
        auto outbox = Outbox::open(path.string(), error);
        REQUIRE(outbox);
        CHECK(ids(outbox->due("chat", 5, 10)) == std::vector<std::string>{"p1"});
    }
    CHECK_FALSE(Outbox::open("/nonexistent-dir/x/outbox.db", error));
    CHECK(error.find("cannot open outbox database") != std::string::npos);
}

TEST_CASE("backoff grows exponentially with jitter, capped, honouring Retry-After", "[backoff]") {
    BackoffPolicy policy;
    policy.initial_ms = 1000;
    policy.multiplier = 2;
    policy.max_ms = 10000;
    policy.jitter = 0.5;
    const UnitRandom mid = [] { return 0.5; };
    const UnitRandom low = [] { return 0.0; };
    const UnitRandom high = [] { return 0.999999; };
    CHECK(next_delay_ms(policy, 1, std::nullopt, mid) == 1000);
    CHECK(next_delay_ms(policy, 2, std::nullopt, mid) == 2000);
    CHECK(next_delay_ms(policy, 3, std::nullopt, mid) == 4000);
    CHECK(next_delay_ms(policy, 3, std::nullopt, low) == 2000);
    CHECK(next_delay_ms(policy, 3, std::nullopt, high) == 5999);
    CHECK(next_delay_ms(policy, 30, std::nullopt, mid) == 10000);
    CHECK(next_delay_ms(policy, 30, std::nullopt, high) == 10000);  // cap holds with jitter
    CHECK(next_delay_ms(policy, 1, 64570, mid) == 64570);
    CHECK(next_delay_ms(policy, 1, std::int64_t{999999999999}, mid) == policy.max_retry_after_ms);
    CHECK(next_delay_ms(policy, 1000000, std::nullopt, mid) == 10000);  // no overflow

    policy.max_attempts = 5;
    policy.max_age_ms = 1000;
    CHECK_FALSE(should_give_up(policy, 4, 0, 999));
    CHECK(should_give_up(policy, 5, 0, 10));
    CHECK(should_give_up(policy, 1, 0, 1000));
    const auto random = default_unit_random();
    for (int i = 0; i < 100; ++i) {
        const double r = random();
        CHECK((r >= 0.0 && r < 1.0));
    }
}

TEST_CASE("token buckets pace per sink and per destination", "[ratelimit]") {
    TokenBucket bucket(RateLimit{2, 1}, 0);
    CHECK(bucket.try_take(0));
    CHECK(bucket.try_take(0));
    CHECK_FALSE(bucket.try_take(0));
    CHECK(bucket.wait_ms(0) == 1000);
    CHECK(bucket.wait_ms(400) == 600);
    CHECK(bucket.try_take(1000));
    CHECK_FALSE(bucket.try_take(1500));

    // Telegram: 1/s per chat, 30/s overall.
    SinkRateLimiter telegram(default_rate_limits(connectors::sinks::Service::telegram));
    CHECK(telegram.try_take("chat-a", 0));
    CHECK_FALSE(telegram.try_take("chat-a", 10));
    CHECK(telegram.wait_ms("chat-a", 10) == 990);
    CHECK(telegram.try_take("chat-b", 10));  // another chat is not blocked
    int sent = 2;
    for (int i = 0; i < 100; ++i) sent += telegram.try_take("c" + std::to_string(i), 20) ? 1 : 0;
    CHECK(sent == 30);  // global bucket of 30
    CHECK(telegram.try_take("chat-a", 1000));

    SinkRateLimiter discord(default_rate_limits(connectors::sinks::Service::discord));
    int burst = 0;
    while (discord.try_take("", 0)) ++burst;
    CHECK(burst == 5);
    CHECK(discord.wait_ms("", 0) == 400);  // 2.5 tokens/s

    SinkRateLimiter slack(default_rate_limits(connectors::sinks::Service::slack_api));
    slack.pause_until(5000);  // Retry-After
    CHECK(slack.wait_ms("C1", 0) == 5000);
    CHECK_FALSE(slack.try_take("C1", 4999));
    CHECK(slack.try_take("C1", 5000));
}

TEST_CASE("noise filter: silences, cooldown and hourly cap", "[noise]") {
    NoisePolicy policy;
    policy.cooldown_ms = 60000;
    policy.hourly_cap = 3;
    NoiseFilter filter(policy);
    Alert a = make_alert("n1", "U1");
    a.topic = "baggage";
    a.priority = rules::Priority::normal;
    const std::vector<std::string> rules = {"baggage-lost"};
    CHECK(filter.decide(a, rules, 0).verdict == NoiseVerdict::deliver);
    const auto cooled = filter.decide(a, rules, 30000);
    CHECK(cooled.verdict == NoiseVerdict::hold);
    CHECK(cooled.reason == "cooldown: last alert to this person 30 s ago");
    Alert other = make_alert("n2", "U2");
    CHECK(filter.decide(other, rules, 30000).verdict == NoiseVerdict::deliver);  // other person
    CHECK(filter.decide(a, rules, 60000).verdict == NoiseVerdict::deliver);
    CHECK(filter.decide(a, rules, 120000).verdict == NoiseVerdict::deliver);
    const auto capped = filter.decide(a, rules, 180000);
    CHECK(capped.verdict == NoiseVerdict::hold);
    CHECK(capped.reason == "hourly cap of 3 alerts reached");
    Alert urgent = a;
    urgent.priority = rules::Priority::urgent;
    CHECK(filter.decide(urgent, rules, 180001).verdict == NoiseVerdict::deliver);
    Alert escalation = a;
    escalation.kind = AlertKind::escalation;
    CHECK(filter.decide(escalation, rules, 180002).verdict == NoiseVerdict::deliver);
    // The hour rolls: the first deliveries drop out of the window.
    CHECK(filter.decide(a, rules, 3600000 + 120001).verdict == NoiseVerdict::deliver);

    filter.add_silence({"s1", "baggage-lost", "", "", 5000000, "known outage"});
    const auto silenced = filter.decide(a, rules, 4000000);
    CHECK(silenced.verdict == NoiseVerdict::silence);
    CHECK(silenced.reason == "silenced by 's1': known outage");
    CHECK(filter.decide(a, {"other-rule"}, 4000000).verdict != NoiseVerdict::silence);
    Alert test = a;
    test.kind = AlertKind::test;
    CHECK(filter.decide(test, rules, 4000000).verdict == NoiseVerdict::deliver);
    CHECK(filter.decide(a, rules, 5000000).verdict != NoiseVerdict::silence);  // expired
    CHECK(filter.active_silences(5000000).empty());

    filter.add_silence({"s2", "", "baggage", "Anna", 9000000, ""});
    CHECK(filter.decide(a, {}, 6000000).verdict == NoiseVerdict::silence);
    Alert bob = a;
    bob.recipient_name = "Bob";
    CHECK(filter.decide(bob, {}, 6000000).verdict != NoiseVerdict::silence);
    CHECK(filter.remove_silence("s2"));
    CHECK_FALSE(filter.remove_silence("s2"));
}

TEST_CASE("held alerts roll into one durable digest", "[noise]") {
    auto outbox = memory_outbox();
    NoisePolicy policy;
    policy.digest_after_ms = 1000;
    for (int i = 0; i < 3; ++i) {
        Alert a = make_alert("h" + std::to_string(i), "U1");
        a.topic = "baggage";
        a.title = "Case " + std::to_string(i);
        REQUIRE(outbox->enqueue(a, 100 + i, OutboxState::held) == EnqueueResult::inserted);
    }
    REQUIRE(outbox->enqueue(make_alert("g0", "U2"), 900, OutboxState::held) ==
            EnqueueResult::inserted);
    CHECK(outbox->due("chat", 10000, 10).empty());  // held alerts are not sent
    CHECK(outbox->counts("chat").held == 4);
    CHECK(flush_due_digests(*outbox, policy, 1099) == 0);
    CHECK(flush_due_digests(*outbox, policy, 1100) == 1);  // U1 only
    const auto due = outbox->due("chat", 1100, 10);
    REQUIRE(due.size() == 1);
    const auto digest = connectors::sinks::alert_from_json(due[0].payload);
    REQUIRE(digest);
    CHECK(digest->kind == AlertKind::digest);
    CHECK(digest->destination == "U1");
    CHECK(digest->count == 3);
    CHECK(digest->samples.size() == 3);
    CHECK(digest->samples[0] == "Case 0: text of h0");
    CHECK(digest->why == "cooldown or hourly cap reached; topics: baggage (3)");
    CHECK(outbox->counts("chat").held == 1);
    CHECK(outbox->get("h0")->state == OutboxState::digested);
    CHECK(flush_due_digests(*outbox, policy, 1100) == 0);  // nothing twice
    CHECK(flush_due_digests(*outbox, policy, 5000) == 1);  // U2
}

TEST_CASE("outbox attaches to a connection the caller owns", "[outbox]") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    {
        std::string error;
        auto outbox = Outbox::attach(db, error);
        REQUIRE(outbox);
        CHECK(outbox->db() == db);
        REQUIRE(sqlite3_exec(db, "CREATE TABLE cases (id TEXT)", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        Outbox::Transaction tx(*outbox);
        REQUIRE(sqlite3_exec(db, "INSERT INTO cases VALUES ('k1')", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        REQUIRE(outbox->enqueue(make_alert("a1", "C"), 1) == EnqueueResult::inserted);
        CHECK(tx.commit());
    }  // the Outbox does not close a borrowed connection
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(
                db, "SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM outbox)", -1,
                &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(sqlite3_column_int(stmt, 0) == 2);
    sqlite3_finalize(stmt);
    CHECK(sqlite3_close(db) == SQLITE_OK);
}

TEST_CASE("outbox keeps message refs and finds a thread's root", "[outbox][thread]") {
    auto outbox = memory_outbox();
    auto alert = [](std::string id, std::string destination, std::string case_id) {
        Alert a = make_alert(std::move(id), std::move(destination));
        a.case_id = std::move(case_id);
        return a;
    };
    auto crisis = make_alert("s-start", "#crisis");
    crisis.group_key = "crisis:topic:baggage:1000";
    crisis.case_id = "case-9";  // the group key wins over the case
    for (const auto& a : {alert("c1-new", "U1", "case-1"), alert("c2-new", "U1", "case-2"),
                          alert("c1-upd", "U1", "case-1"), alert("c1-esc", "U2", "case-1"),
                          alert("c1-upd2", "U1", "case-1"), crisis}) {
        REQUIRE(outbox->enqueue(a, 100) == EnqueueResult::inserted);
    }
    CHECK(outbox->get("c1-new")->thread_key == "case-1");
    CHECK(outbox->get("s-start")->thread_key == "crisis:topic:baggage:1000");
    CHECK_FALSE(outbox->thread_ref("chat", "U1", "case-1"));  // nothing sent yet
    CHECK_FALSE(outbox->thread_ref("chat", "U1", ""));

    REQUIRE(outbox->mark_sent("c1-new", 200, "1714572000.000100", "case-other"));
    CHECK(outbox->get("c1-new")->thread_key == "case-1");  // an existing key is kept
    REQUIRE(outbox->mark_sent("c2-new", 210, ""));         // no ref from the service
    CHECK(outbox->get("c1-new")->remote_ref == "1714572000.000100");
    CHECK(outbox->get("c2-new")->remote_ref.empty());
    auto ref = outbox->thread_ref("chat", "U1", "case-1");
    REQUIRE(ref);
    CHECK(ref->root == "1714572000.000100");
    CHECK(ref->latest == "1714572000.000100");
    CHECK_FALSE(outbox->thread_ref("chat", "U1", "case-2"));
    CHECK_FALSE(outbox->thread_ref("chat", "U2", "case-1"));   // another destination
    CHECK_FALSE(outbox->thread_ref("other", "U1", "case-1"));  // another sink

    REQUIRE(outbox->mark_sent("c1-upd", 300, "1714572000.000300"));
    REQUIRE(outbox->mark_dead("c1-upd2", "HTTP 400", 310));
    ref = outbox->thread_ref("chat", "U1", "case-1");
    REQUIRE(ref);
    CHECK(ref->root == "1714572000.000100");
    CHECK(ref->latest == "1714572000.000300");

    REQUIRE(outbox->mark_sent("s-start", 400, "$start:example.org"));
    CHECK(outbox->thread_ref("chat", "#crisis", "crisis:topic:baggage:1000")->root ==
          "$start:example.org");
    CHECK_FALSE(outbox->thread_ref("chat", "#crisis", "case-9"));
}

TEST_CASE("outbox adds the thread columns to an existing outbox.db", "[outbox][thread]") {
    const TempDatabase file("outbox-old");
    const auto& path = file.path;
    {
        // The table as the first release created it, with one sent and one pending alert.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
        const std::string payload = connectors::sinks::alert_to_json(make_alert("old1", "C1"));
        const std::string sql =
            "CREATE TABLE outbox ("
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
            "CREATE INDEX outbox_queue ON outbox (sink, state, destination, seq);"
            "INSERT INTO outbox (id, sink, destination, payload, state, next_attempt_ms, "
            "created_ms, updated_ms) VALUES ('old1', 'chat', 'C1', '" +
            payload + "', 'sent', 5, 5, 6), ('old2', 'chat', 'C1', '" + payload +
            "', 'pending', 5, 5, 5);";
        char* message = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
        INFO((message ? message : ""));
        sqlite3_free(message);
        REQUIRE(rc == SQLITE_OK);
        sqlite3_close(db);
    }
    auto columns = [&](Outbox& outbox) {
        std::vector<std::string> names;
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(outbox.db(), "SELECT name FROM pragma_table_info('outbox')", -1,
                                   &stmt, nullptr) == SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        }
        sqlite3_finalize(stmt);
        return names;
    };
    std::string error;
    {
        auto outbox = Outbox::open(path.string(), error);
        INFO(error);
        REQUIRE(outbox);
        const auto names = columns(*outbox);
        CHECK(names.size() == 13);
        CHECK(std::count(names.begin(), names.end(), "remote_ref") == 1);
        CHECK(std::count(names.begin(), names.end(), "thread_key") == 1);
        // Old rows are intact, with no thread and no ref; the pending one is still due.
        const auto old1 = outbox->get("old1");
        REQUIRE(old1);
        CHECK(old1->state == OutboxState::sent);
        CHECK(old1->remote_ref.empty());
        CHECK(old1->thread_key.empty());
        CHECK(ids(outbox->due("chat", 10, 10)) == std::vector<std::string>{"old2"});
        // A pending row from before the upgrade gets its thread key when it is sent.
        CHECK(outbox->get("old2")->thread_key.empty());
        REQUIRE(outbox->mark_sent("old2", 20, "1.2", "case-0"));
        CHECK(outbox->get("old2")->thread_key == "case-0");
        CHECK(outbox->thread_ref("chat", "C1", "case-0")->root == "1.2");
        // New alerts use the new columns.
        auto a = make_alert("new1", "C1");
        a.case_id = "case-1";
        REQUIRE(outbox->enqueue(a, 30) == EnqueueResult::inserted);
        REQUIRE(outbox->mark_sent("new1", 40, "3.4"));
        CHECK(outbox->thread_ref("chat", "C1", "case-1")->root == "3.4");
        // Opening again on a second connection changes nothing (idempotent).
        auto second = Outbox::open(path.string(), error);
        REQUIRE(second);
        CHECK(columns(*second).size() == 13);
    }
    auto reopened = Outbox::open(path.string(), error);
    REQUIRE(reopened);
    CHECK(columns(*reopened).size() == 13);
    CHECK(reopened->get("old2")->remote_ref == "1.2");
    CHECK(reopened->thread_ref("chat", "C1", "case-1")->root == "3.4");
    // No schema version is involved.
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(reopened->db(), "PRAGMA user_version", -1, &stmt, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    CHECK(sqlite3_column_int(stmt, 0) == 0);
    sqlite3_finalize(stmt);
}

TEST_CASE("listing an unreadable outbox gives no list and an error, not an empty one", "[outbox]") {
    const TempDatabase file("outbox-unreadable");
    const auto& path = file.path;
    std::string error;
    auto outbox = Outbox::open(path.string(), error);
    REQUIRE(outbox);
    REQUIRE(outbox->enqueue(make_alert("a1", "#care"), 100) == EnqueueResult::inserted);
    REQUIRE(outbox->list(OutboxState::pending, "", 10).value().size() == 1);

    // Another connection takes the table away under it (as a broken or replaced file would).
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(path.string().c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "DROP TABLE outbox", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);

    CHECK_FALSE(outbox->list(OutboxState::pending, "", 10).has_value());
    CHECK(outbox->last_error().find("list") == 0);
    CHECK_FALSE(outbox->held("chat", "#care").has_value());
    CHECK(outbox->last_error().find("held") == 0);
}
