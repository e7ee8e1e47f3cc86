#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/delivery/silence_store.hpp"

using namespace spreekbuis::daemon::delivery;
namespace fs = std::filesystem;

namespace {

// A database file in a fresh temp directory; the connection is the test's (caller-owned).
class TempDb {
  public:
    TempDb() {
        std::string pattern = (fs::temp_directory_path() / "spreekbuis-silences-XXXXXX").string();
        const char* made = mkdtemp(pattern.data());
        REQUIRE(made != nullptr);
        dir_ = made;
        path_ = (fs::path(dir_) / "state.db").string();
        open();
    }
    ~TempDb() {
        close();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    TempDb(const TempDb&) = delete;
    TempDb& operator=(const TempDb&) = delete;

    void open() { REQUIRE(sqlite3_open(path_.c_str(), &db_) == SQLITE_OK); }
    void close() {
        sqlite3_close(db_);
        db_ = nullptr;
    }
    sqlite3* db() const { return db_; }
    void exec(const char* sql) const {
        REQUIRE(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    std::int64_t scalar(const char* sql) const {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
        const auto value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
    }

  private:
    std::string dir_;
    std::string path_;
    sqlite3* db_ = nullptr;
};

std::unique_ptr<SilenceStore> attach(const TempDb& db) {
    std::string error;
    auto store = SilenceStore::attach(db.db(), error);
    INFO(error);
    REQUIRE(store);
    return store;
}

Silence silence(std::string id, std::string rule, std::string topic, std::string person,
                std::int64_t expires_ms, std::string reason) {
    Silence s;
    s.id = std::move(id);
    s.rule_id = std::move(rule);
    s.topic = std::move(topic);
    s.person = std::move(person);
    s.expires_ms = expires_ms;
    s.reason = std::move(reason);
    return s;
}

std::vector<std::string> ids(const std::vector<Silence>& silences) {
    std::vector<std::string> out;
    for (const auto& s : silences) out.push_back(s.id);
    return out;
}

}  // namespace

TEST_CASE("silences persist across a reopen with every field", "[silence_store]") {
    TempDb db;
    {
        auto store = attach(db);
        auto a = silence("outage", "baggage-lost", "", "", 5000, "known outage");
        a.created_by = "anna@ops";
        REQUIRE(store->put(a, 1000));
        auto b = silence("anna-away", "", "baggage", "Anna", 9000, "on leave");
        b.created_ms = 777;
        REQUIRE(store->put(b, 1000));
    }
    db.close();
    db.open();
    auto store = attach(db);
    const auto active = store->active(2000);
    REQUIRE(active);
    REQUIRE(ids(*active) == std::vector<std::string>{"outage", "anna-away"});
    const Silence& a = (*active)[0];
    CHECK(a.rule_id == "baggage-lost");
    CHECK(a.topic.empty());
    CHECK(a.person.empty());
    CHECK(a.expires_ms == 5000);
    CHECK(a.reason == "known outage");
    CHECK(a.created_by == "anna@ops");
    CHECK(a.created_ms == 1000);  // 0 is stored as the time of the put
    const Silence& b = (*active)[1];
    CHECK(b.topic == "baggage");
    CHECK(b.person == "Anna");
    CHECK(b.created_by.empty());
    CHECK(b.created_ms == 777);
}

TEST_CASE("a put with a known id replaces the silence", "[silence_store]") {
    TempDb db;
    auto store = attach(db);
    REQUIRE(store->put(silence("s1", "r1", "", "", 5000, "first"), 1000));
    REQUIRE(store->put(silence("s1", "", "t2", "", 8000, "second"), 2000));
    const auto active = store->active(0);
    REQUIRE(active);
    REQUIRE(active->size() == 1);
    CHECK((*active)[0].rule_id.empty());
    CHECK((*active)[0].topic == "t2");
    CHECK((*active)[0].expires_ms == 8000);
    CHECK((*active)[0].reason == "second");
    CHECK((*active)[0].created_ms == 2000);
    CHECK(db.scalar("SELECT count(*) FROM silences") == 1);

    Silence no_id = silence("", "r", "", "", 5000, "x");
    CHECK_FALSE(store->put(no_id, 1000));
    CHECK(store->last_error() == "a silence needs an id");
}

TEST_CASE("expired silences are not active and prune deletes them", "[silence_store]") {
    TempDb db;
    auto store = attach(db);
    REQUIRE(store->put(silence("short", "r", "", "", 1000, "x"), 0));
    REQUIRE(store->put(silence("edge", "r", "", "", 2000, "x"), 0));
    REQUIRE(store->put(silence("long", "r", "", "", 3000, "x"), 0));
    CHECK(ids(*store->active(999)) == std::vector<std::string>{"short", "edge", "long"});
    CHECK(ids(*store->active(1000)) == std::vector<std::string>{"edge", "long"});
    CHECK(ids(*store->active(2000)) == std::vector<std::string>{"long"});
    CHECK(store->active(3000)->empty());
    // Not active is not deleted: an earlier clock still sees them until prune.
    CHECK(db.scalar("SELECT count(*) FROM silences") == 3);
    CHECK(store->prune(2000) == 2);
    CHECK(store->prune(2000) == 0);
    CHECK(ids(*store->active(0)) == std::vector<std::string>{"long"});
}

TEST_CASE("remove says whether a silence was there", "[silence_store]") {
    TempDb db;
    auto store = attach(db);
    REQUIRE(store->put(silence("s1", "r", "", "", 5000, "x"), 0));
    REQUIRE(store->put(silence("s2", "r", "", "", 5000, "x"), 0));
    CHECK(store->remove("s1") == RemoveResult::removed);
    CHECK(store->remove("s1") == RemoveResult::not_found);
    CHECK(store->remove("") == RemoveResult::not_found);
    CHECK(ids(*store->active(0)) == std::vector<std::string>{"s2"});
}

TEST_CASE("hostile values round-trip byte for byte", "[silence_store]") {
    TempDb db;
    auto store = attach(db);
    const std::string long_text(1 << 20, 'x');
    const std::string quotes = "it's \"quoted\"'); DROP TABLE silences; --";
    const std::string with_nul = std::string("a\0b", 3);
    const std::string bad_utf8 = "\xff\xfe caf\xc3\xa9 \xe2\x82";
    Silence s = silence(quotes, long_text, with_nul, bad_utf8, 5000, quotes + long_text);
    s.created_by = "Robert'); --";
    REQUIRE(store->put(s, 1));
    REQUIRE(store->put(silence(long_text, "r", "", "", 5000, "long id"), 1));
    db.close();
    db.open();
    store = attach(db);
    const auto active = store->active(0);
    REQUIRE(active);
    REQUIRE(active->size() == 2);
    const Silence* back = nullptr;
    for (const auto& item : *active) {
        if (item.id == quotes) back = &item;
    }
    REQUIRE(back != nullptr);
    CHECK(back->rule_id == long_text);
    CHECK(back->topic == with_nul);
    CHECK(back->person == bad_utf8);
    CHECK(back->reason == quotes + long_text);
    CHECK(back->created_by == "Robert'); --");
    CHECK(store->remove(long_text) == RemoveResult::removed);
    CHECK(store->remove(quotes) == RemoveResult::removed);
    CHECK(store->active(0)->empty());
}

TEST_CASE("the store joins the caller's transaction and leaves user_version alone",
          "[silence_store]") {
    TempDb db;
    db.exec("PRAGMA user_version = 7");
    auto store = attach(db);
    CHECK(db.scalar("PRAGMA user_version") == 7);

    db.exec("BEGIN IMMEDIATE");
    REQUIRE(store->put(silence("rolled-back", "r", "", "", 5000, "x"), 0));
    CHECK(sqlite3_get_autocommit(db.db()) == 0);  // still the caller's open transaction
    db.exec("ROLLBACK");
    CHECK(store->active(0)->empty());

    db.exec("BEGIN IMMEDIATE");
    REQUIRE(store->put(silence("kept", "r", "", "", 5000, "x"), 0));
    CHECK(store->remove("nope") == RemoveResult::not_found);
    CHECK(store->prune(0) == 0);
    db.exec("COMMIT");
    CHECK(ids(*store->active(0)) == std::vector<std::string>{"kept"});
    CHECK(db.scalar("PRAGMA user_version") == 7);

    // Attaching inside an open transaction works too (the table already exists).
    db.exec("BEGIN");
    auto second = attach(db);
    db.exec("COMMIT");
    CHECK(ids(*second->active(0)) == std::vector<std::string>{"kept"});
}

TEST_CASE("a foreign table named silences is refused at attach", "[silence_store]") {
    TempDb db;
    db.exec("CREATE TABLE silences (name TEXT)");
    std::string error;
    CHECK_FALSE(SilenceStore::attach(db.db(), error));
    CHECK(error.rfind("silence store: table 'silences' has an unexpected shape: ", 0) == 0);
    CHECK_FALSE(SilenceStore::attach(nullptr, error));
    CHECK(error == "silence store: no database connection");
}
