#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "daemon/cursor_store.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/routing/sqlite_case_store.hpp"
#include "daemon/state_db.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon;
using delivery::EnqueueResult;
using delivery::Outbox;
using delivery::OutboxState;
using routing::SqliteCaseStore;

namespace {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("spreekbuis-state-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// The three stores the daemon attaches to one state database.
struct Stores {
    std::unique_ptr<SqliteCaseStore> cases;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<CursorStore> cursors;
};

Stores attach_stores(StateDatabase& state) {
    std::string error;
    Stores stores{SqliteCaseStore::attach(state.handle(), error),
                  Outbox::attach(state.handle(), error),
                  CursorStore::attach(state.handle(), error)};
    INFO(error);
    REQUIRE(stores.cases);
    REQUIRE(stores.outbox);
    REQUIRE(stores.cursors);
    return stores;
}

connectors::Alert alert(std::string id, std::string case_id) {
    connectors::Alert a;
    a.id = std::move(id);
    a.case_id = std::move(case_id);
    a.sink = "slack";
    a.destination = "#desk";
    a.post.text = "koffer kwijt";
    return a;
}

routing::Case a_case(std::string id) {
    routing::Case c;
    c.id = std::move(id);
    c.number = 1;
    c.topic = "baggage";
    c.priority = "high";
    c.first_post_id = "p1";
    return c;
}

// What another process (the dispatcher, or the daemon after a restart) sees.
struct Observer {
    std::unique_ptr<SqliteCaseStore> cases;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<CursorStore> cursors;
    explicit Observer(const std::string& path) {
        std::string error;
        cases = SqliteCaseStore::open(path, error);
        outbox = Outbox::open(path, error);
        cursors = CursorStore::open(path, error);
        REQUIRE(cases);
        REQUIRE(outbox);
        REQUIRE(cursors);
    }
};

}  // namespace

TEST_CASE("state database: cases, alerts and the cursor commit together or not at all",
          "[daemon][state]") {
    TempDir dir("tx");
    std::string error;
    auto state = StateDatabase::open(dir.path.string(), error);
    REQUIRE(state);
    CHECK(state->path() == state_db_path(dir.path.string()));
    // Named members, not a structured binding: clang 14 cannot use one inside a lambda.
    Stores stores = attach_stores(*state);
    auto& cases = stores.cases;
    auto& outbox = stores.outbox;
    auto& cursors = stores.cursors;

    auto write_batch = [&](const std::string& case_id, std::uint64_t line) {
        REQUIRE(state->begin());
        // The store's own begin/commit join the batch's transaction.
        REQUIRE(cases->begin());
        REQUIRE(cases->save_case(a_case(case_id)));
        REQUIRE(cases->commit());
        CHECK(state->in_transaction());
        REQUIRE(outbox->enqueue(alert("alert-" + case_id, case_id), 1000) ==
                EnqueueResult::inserted);
        REQUIRE(cursors->save("feed", line));
        REQUIRE(cursors->save_token("mastodon", "1090000000000000" + std::to_string(line)));
    };

    SECTION("a rolled-back batch leaves no trace (the crash case)") {
        write_batch("case-1", 7);
        Observer before_commit(state->path());
        CHECK_FALSE(before_commit.cases->find_case("case-1"));
        CHECK_FALSE(before_commit.outbox->get("alert-case-1"));
        state->rollback();
        CHECK_FALSE(state->in_transaction());
        Observer after(state->path());
        CHECK_FALSE(after.cases->find_case("case-1"));
        CHECK_FALSE(after.outbox->get("alert-case-1"));
        CHECK(after.cursors->load("feed") == 0);
        CHECK(after.cursors->load_token("mastodon").empty());
    }
    SECTION("a committed batch is all there") {
        write_batch("case-1", 7);
        REQUIRE(state->commit());
        Observer after(state->path());
        REQUIRE(after.cases->find_case("case-1"));
        CHECK(after.cases->find_case("case-1")->topic == "baggage");
        REQUIRE(after.outbox->get("alert-case-1"));
        CHECK(after.outbox->get("alert-case-1")->state == OutboxState::pending);
        CHECK(after.cursors->load("feed") == 7);
        CHECK(after.cursors->load_token("mastodon") == "10900000000000007");
        CHECK(after.cursors->load_token("feed").empty());  // line and token cursors are apart
    }
    SECTION("without a batch transaction the stores still commit on their own") {
        REQUIRE(cases->begin());
        REQUIRE(cases->save_case(a_case("case-2")));
        REQUIRE(cases->commit());
        CHECK_FALSE(state->in_transaction());
        Observer after(state->path());
        CHECK(after.cases->find_case("case-2"));
    }
}

TEST_CASE("state database: the separate files of an older version are imported once",
          "[daemon][state]") {
    TempDir dir("import");
    std::filesystem::create_directories(dir.path);
    const auto cases_path = (dir.path / "cases.db").string();
    const auto outbox_path = (dir.path / "outbox.db").string();
    const auto cursors_path = (dir.path / "cursors.db").string();
    {
        std::string error;
        auto cases = SqliteCaseStore::open(cases_path, error);
        REQUIRE(cases);
        REQUIRE(cases->save_case(a_case("case-old")));  // stays in cases.db-wal until imported
        auto outbox = Outbox::open(outbox_path, error);
        REQUIRE(outbox);
        for (const char* id : {"a-sent", "a-pending", "a-dead", "a-held"}) {
            REQUIRE(outbox->enqueue(alert(id, "case-old"), 1000) == EnqueueResult::inserted);
        }
        REQUIRE(outbox->mark_sent("a-sent", 2000));
        REQUIRE(outbox->mark_dead("a-dead", "HTTP 404", 2000));
        REQUIRE(outbox->enqueue(alert("a-held2", "case-old"), 1000, OutboxState::held) ==
                EnqueueResult::inserted);
        auto cursors = CursorStore::open(cursors_path, error);
        REQUIRE(cursors);
        REQUIRE(cursors->save("feed", 42));
    }
    std::string error;
    std::vector<std::string> notes;
    auto state = StateDatabase::open(dir.path.string(), error, &notes);
    REQUIRE(state);
    CHECK(notes.size() == 3);
    CHECK_FALSE(std::filesystem::exists(cases_path));
    CHECK(std::filesystem::exists(outbox_path + ".imported"));
    CHECK(std::filesystem::exists(cursors_path + ".imported"));
    auto [cases, outbox, cursors] = attach_stores(*state);
    CHECK(cases->find_case("case-old"));
    CHECK(cursors->load("feed") == 42);
    CHECK_FALSE(outbox->get("a-sent"));  // finished: not carried over
    REQUIRE(outbox->get("a-pending"));
    CHECK(outbox->get("a-pending")->state == OutboxState::pending);
    REQUIRE(outbox->get("a-dead"));
    CHECK(outbox->get("a-dead")->last_error == "HTTP 404");
    REQUIRE(outbox->get("a-held2"));
    CHECK(outbox->get("a-held2")->state == OutboxState::held);
    // Order per destination survives the import.
    auto due = outbox->due("slack", 1'000'000, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == "a-pending");

    // A second start finds nothing left to import.
    cases.reset();
    outbox.reset();
    cursors.reset();
    state.reset();
    notes.clear();
    state = StateDatabase::open(dir.path.string(), error, &notes);
    REQUIRE(state);
    CHECK(notes.empty());
}

TEST_CASE("state database: an unusable state_dir is a clear error", "[daemon][state]") {
    TempDir dir("bad");
    std::filesystem::create_directories(dir.path);
    const auto file = dir.path / "not-a-dir";
    std::ofstream(file) << "x";
    std::string error;
    CHECK_FALSE(StateDatabase::open((file / "state").string(), error));
    CHECK(error.find("cannot create state_dir") != std::string::npos);

    // A corrupt legacy outbox is reported, not silently dropped.
    const auto broken = dir.path / "broken";
    std::filesystem::create_directories(broken);
    std::ofstream(broken / "outbox.db") << "this is not a database";
    error.clear();
    CHECK_FALSE(StateDatabase::open(broken.string(), error));
    CHECK(error.find("outbox.db") != std::string::npos);
    CHECK(std::filesystem::exists(broken / "outbox.db"));  // left for the operator
}
