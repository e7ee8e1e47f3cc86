// Presence set by hand: the router's availability verdict, expiry, and the SQLite store
// (persisted across a restart; a version 1 database is migrated); a customer's cases in the
// store.
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/routing/router.hpp"
#include "daemon/routing/sqlite_case_store.hpp"
#include "routing_test_util.hpp"

using namespace routing_test;

namespace {

const std::int64_t kNoon = utc(2025, 6, 11, 12, 0);  // Wednesday, 14:00 in Amsterdam

struct PresenceFixture {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{kNoon};
    std::shared_ptr<const Directory> dir = load_test_directory(zones);

    std::unique_ptr<Router> start(CaseStore& store) { return quiet_router(dir, store, clock); }
};

Presence away(std::string person, std::int64_t until_ms = 0) {
    Presence p;
    p.person = std::move(person);
    p.away = true;
    p.until_ms = until_ms;
    p.by = "lena";
    p.note = "sick";
    return p;
}

}  // namespace

TEST_CASE("presence by hand: refused for unknown people and past ends", "[routing][presence]") {
    PresenceFixture f;
    MemoryCaseStore store;
    auto router = f.start(store);
    const auto unknown = router->set_presence(away("ana"));
    CHECK_FALSE(unknown.ok);
    CHECK_THAT(unknown.error, Catch::Contains("did you mean 'anna'"));
    const auto past = router->set_presence(away("anna", kNoon - 1));
    CHECK_FALSE(past.ok);
    CHECK_THAT(past.error, Catch::Contains("not in the future"));
    CHECK_FALSE(router->clear_presence("anna").ok);  // nothing to clear
    CHECK_FALSE(router->presence("anna"));
}

TEST_CASE("presence by hand survives a restart in SQLite and expires",
          "[routing][presence][sqlite]") {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("spreekbuis-presence-" + std::to_string(::getpid()) + ".db"))
                          .string();
    std::filesystem::remove(path);
    PresenceFixture f;
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        auto router = f.start(*store);
        REQUIRE(router->set_presence(away("anna", kNoon + 3600 * 1000)).ok);
        Presence back;
        back.person = "bram";
        back.away = false;
        REQUIRE(router->set_presence(back).ok);
        const auto status = router->person_status(*f.dir->person("anna"));
        CHECK_THAT(status.unavailable,
                   Catch::StartsWith("away (set by lena until Wed 2025-06-11 15:00"));
        REQUIRE(status.presence);
        CHECK(status.presence->at_ms == kNoon);
    }
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        auto router = f.start(*store);
        REQUIRE(router->presence("anna"));
        CHECK(router->presence("anna")->note == "sick");
        CHECK(router->presence("anna")->until_ms == kNoon + 3600 * 1000);
        REQUIRE(router->presence("bram"));
        CHECK_FALSE(router->presence("bram")->away);
        // A new baggage case in Dutch skips Anna while she is away...
        const auto d = router->route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
        REQUIRE(d.assignee);
        CHECK(*d.assignee == "bram");
        // ...and the hour after, the presence is gone (and pruned from the store).
        f.clock.advance(2 * 3600 * 1000);
        CHECK_FALSE(router->presence("anna"));
        router->tick();
        REQUIRE(router->clear_presence("bram").ok);
    }
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        const auto snapshot = store->load(0);
        REQUIRE(snapshot);
        CHECK(snapshot->presence.empty());
    }
    std::filesystem::remove(path);
}

TEST_CASE("a version 1 case store gains the presence table", "[routing][presence][sqlite]") {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("spreekbuis-presence-v1-" + std::to_string(::getpid()) + ".db"))
                          .string();
    std::filesystem::remove(path);
    std::string error;
    {
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
    }
    {
        // Back to what version 1 wrote.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "DROP TABLE presence; PRAGMA user_version = 1", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = SqliteCaseStore::open(path, error);
    INFO(error);
    REQUIRE(store);
    CHECK(store->schema_version() == SqliteCaseStore::kSchemaVersion);
    CHECK(store->set_presence(away("anna")));
    const auto snapshot = store->load(0);
    REQUIRE(snapshot);
    CHECK(snapshot->presence.at("anna").away);
    std::filesystem::remove(path);
}

TEST_CASE("the SQLite store finds a customer's cases, newest first", "[routing][sqlite]") {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("spreekbuis-customer-" + std::to_string(::getpid()) + ".db"))
                          .string();
    std::filesystem::remove(path);
    std::string error;
    auto store = SqliteCaseStore::open(path, error);
    REQUIRE(store);
    for (int i = 1; i <= 4; ++i) {
        Case item;
        item.id = "case-" + std::to_string(i);
        item.number = i;
        item.customer = i == 3 ? "x:other" : "mastodon:klant1";
        REQUIRE(store->save_case(item));
    }
    const auto cases = store->customer_cases("mastodon:klant1", 2);
    REQUIRE(cases);
    REQUIRE(cases->size() == 2);
    CHECK((*cases)[0].id == "case-4");
    CHECK((*cases)[1].id == "case-2");
    CHECK(store->customer_cases("nobody:x", 10)->empty());
    std::filesystem::remove(path);
}
