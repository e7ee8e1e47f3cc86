#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "../daemon_workspace.hpp"
#include "daemon/audit/decision_log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/setup.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::audit;
using spreekbuis::testing::eventually;
using spreekbuis::testing::run;
using spreekbuis::testing::TestDaemon;
using spreekbuis::testing::Workspace;

namespace {

struct MemoryDb {
    sqlite3* db = nullptr;
    MemoryDb() { REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK); }
    ~MemoryDb() { sqlite3_close(db); }
};

std::unique_ptr<DecisionLog> attached(const MemoryDb& memory) {
    std::string error;
    auto log = DecisionLog::attach(memory.db, error);
    INFO(error);
    REQUIRE(log);
    return log;
}

}  // namespace

TEST_CASE("decision log: add, find by post, newest, prune", "[audit]") {
    MemoryDb memory;
    auto log = attached(memory);
    CHECK(log->add(1000, "x", "42", R"({"post_id":"42","matched":true})"));
    CHECK(log->add(2000, "mastodon", "42", R"({"post_id":"42","matched":false})"));
    CHECK(log->add(3000, "x", "43", R"({"post_id":"43","matched":true})"));
    CHECK(log->add(4000, "x", "42", R"({"post_id":"42","matched":true,"again":1})"));

    auto both = log->find("42", "");
    REQUIRE(both);
    REQUIRE(both->size() == 3);
    CHECK(both->at(0).at_ms == 1000);  // oldest first
    CHECK(both->at(1).source == "mastodon");
    CHECK(both->at(2).record == R"({"post_id":"42","matched":true,"again":1})");
    auto from_x = log->find("42", "x");
    REQUIRE(from_x);
    CHECK(from_x->size() == 2);
    auto none = log->find("999", "");
    REQUIRE(none);
    CHECK(none->empty());

    auto newest = log->latest(2);
    REQUIRE(newest);
    REQUIRE(newest->size() == 2);
    CHECK(newest->at(0).post_id == "43");
    CHECK(newest->at(1).at_ms == 4000);

    CHECK(log->prune(2500) == 2);
    auto left = log->latest(10);
    REQUIRE(left);
    CHECK(left->size() == 2);
    CHECK(log->prune(0) == 0);
}

TEST_CASE("decision log: odd ids and bytes are stored as given", "[audit]") {
    MemoryDb memory;
    auto log = attached(memory);
    const std::string id("a'b\"c\0d", 7);  // quotes and a NUL: bound, never spliced into SQL
    CHECK(log->add(1, "x", id, "{\"post_id\":\"?\"}"));
    auto found = log->find(id, "");
    REQUIRE(found);
    REQUIRE(found->size() == 1);
    CHECK(found->at(0).post_id == id);
    CHECK(log->find("a'b", "")->empty());
}

TEST_CASE("decision log: a logged decision as one JSON line", "[audit]") {
    LoggedDecision decision{7, 1714572000123, "x", "42", R"({"post_id":"42","matched":true})"};
    CHECK(logged_decision_json(decision) ==
          R"({"decided_at":"2024-05-01T14:00:00Z","post_id":"42","matched":true})");
}

TEST_CASE("audit settings: defaults, every key, typos at their position", "[audit]") {
    Workspace ws;
    auto load = [&](const std::string& extra) {
        ws.write("feed.jsonl", "");
        std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app) << extra;
        return daemon::load_setup(ws.path("spreekbuis.yaml"), false);
    };
    {
        Workspace fresh;
        fresh.write("feed.jsonl", "");
        const auto loaded = daemon::load_setup(fresh.path("spreekbuis.yaml"), false);
        REQUIRE(loaded.setup);
        rules::Diagnostics diagnostics;
        const auto settings = read_audit_settings(loaded.setup->config, diagnostics);
        CHECK(settings.decisions == DecisionLogMode::matched);
        CHECK(settings.retention_ms == 30LL * 24 * 3600 * 1000);
    }
    const auto bad = load("audit: {decisions: mached, retention: 10m, keep: yes}\n");
    CHECK_FALSE(bad.setup);
    const auto& items = bad.diagnostics.items();
    REQUIRE(items.size() == 3);
    CHECK(items[0].message.find("keep") != std::string::npos);  // unknown key first
    CHECK(items[1].message == "audit.decisions must be matched, all or off, not 'mached'");
    CHECK(items[1].hint == "did you mean 'matched'?");
    CHECK(items[1].pos.line == 9);
    CHECK(items[1].pos.column == 20);
    CHECK(items[2].message == "audit.retention must be at least 1h");
}

TEST_CASE("daemon: decisions go to the audit log in state.db; `decisions` reads them back",
          "[audit][daemon]") {
    Workspace ws;
    ws.write("feed.jsonl",
             "{\"id\":\"1\",\"source\":\"x\",\"text\":\"my suitcase is gone\"}\n"
             "{\"id\":\"2\",\"source\":\"x\",\"text\":\"lovely weather today\"}\n");
    {
        TestDaemon service(ws);
        service.start();
        REQUIRE(eventually([&] { return service->stats().posts_decided.load() == 2; }));
        CHECK(service.stop() == 0);
        CHECK(service->stats().decisions_logged.load() == 1);  // only the one that matched
    }

    const auto found = run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--post-id", "1"});
    CHECK(found.code == 0);
    CHECK(found.out.rfind("{\"decided_at\":\"", 0) == 0);
    CHECK(found.out.find("\"post_id\":\"1\",\"matched\":true") != std::string::npos);
    CHECK(found.out.find("\"rules\":[\"lost-bag\"]") != std::string::npos);
    CHECK(run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--post-id", "1", "--source",
               "x"})
              .code == 0);
    const auto other_source = run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--post-id",
                                   "1", "--source", "mastodon"});
    CHECK(other_source.code == 1);
    const auto unmatched =
        run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--post-id", "2"});
    CHECK(unmatched.code == 1);
    CHECK(unmatched.err.find("no decision logged for post '2'") != std::string::npos);
    const auto last = run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--last", "5"});
    CHECK(last.code == 0);
    CHECK(std::count(last.out.begin(), last.out.end(), '\n') == 1);

    CHECK(run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--source", "x"}).code == 2);
    CHECK(run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--last", "0"}).code == 2);
    CHECK(
        run({"decisions", "--config", ws.path("spreekbuis.yaml"), "--post-id", "1", "--last", "3"})
            .code == 2);
}

TEST_CASE("daemon: audit.decisions all logs every post, off logs none", "[audit][daemon]") {
    for (const auto& [mode, expected] : {std::pair{"all", 2}, std::pair{"off", 0}}) {
        INFO(mode);
        Workspace ws;
        ws.write("feed.jsonl",
                 "{\"id\":\"1\",\"text\":\"my suitcase is gone\"}\n"
                 "{\"id\":\"2\",\"text\":\"lovely weather today\"}\n");
        std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app)
            << "audit: {decisions: " << mode << "}\n";
        TestDaemon service(ws);
        service.start();
        REQUIRE(eventually([&] { return service->stats().posts_decided.load() == 2; }));
        service.stop();
        CHECK(service->stats().decisions_logged.load() == static_cast<std::uint64_t>(expected));
    }
}
