// GET /api/v1/decisions through AdminServer::handle, against a real decision log in SQLite
// (the daemon's query_decisions, without the hop to the emitter thread).
#include <simdjson.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "daemon/audit/decision_log.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/desk_queries.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::http_api;

namespace {

constexpr const char* kToken = "admin-token-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kToken;

struct DecisionsFixture {
    sqlite3* db = nullptr;
    std::unique_ptr<daemon::audit::DecisionLog> log;
    boost::asio::io_context io;
    std::unique_ptr<AdminServer> server;
    std::vector<DecisionsQuery> asked;

    DecisionsFixture() {
        REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
        std::string error;
        log = daemon::audit::DecisionLog::attach(db, error);
        REQUIRE(log);
        REQUIRE(log->add(1000, "x", "x:42", R"({"post_id":"x:42","topic":"baggage"})"));
        REQUIRE(log->add(2000, "mastodon", "x:42", R"({"post_id":"x:42","topic":null})"));
        REQUIRE(log->add(3000, "x", "x:43", R"({"post_id":"x:43","why":"r1: koffer"})"));
        AdminOptions options;
        options.listen = "127.0.0.1:0";
        options.admin_token = kToken;
        server = AdminServer::create(io, std::move(options), error);
        REQUIRE(server);
        server->set_decisions_handler([this](const DecisionsQuery& query) {
            asked.push_back(query);
            return query_decisions(*log, query);
        });
    }
    ~DecisionsFixture() {
        log.reset();
        sqlite3_close(db);
    }
    AdminReply get(std::string_view target, std::string_view authorization = kBearer) {
        return server->handle("GET", target, "", "", authorization);
    }
};

}  // namespace

TEST_CASE("GET /api/v1/decisions: one post's decisions, or the newest", "[http_api][decisions]") {
    DecisionsFixture f;
    simdjson::dom::parser parser;
    const auto both = f.get("/api/v1/decisions?post_id=x%3A42");
    REQUIRE(both.status == 200);
    simdjson::dom::element root;
    REQUIRE(parser.parse(both.body).get(root) == simdjson::SUCCESS);
    auto list = root["decisions"].get_array().value();
    REQUIRE(list.size() == 2);
    CHECK(std::string_view(list.at(0)["source"].get_string().value()) == "x");
    CHECK(std::string_view(list.at(0)["record"]["topic"].get_string().value()) == "baggage");
    CHECK(list.at(1)["record"]["topic"].is_null());  // the record is JSON, not a string
    CHECK(list.at(1)["at"].get_int64().value() == 2000);

    const auto from_x = f.get("/api/v1/decisions?post_id=x:42&source=x");
    REQUIRE(parser.parse(from_x.body).get(root) == simdjson::SUCCESS);
    CHECK(root["decisions"].get_array().value().size() == 1);
    CHECK(f.asked.back().source == "x");

    const auto newest = f.get("/api/v1/decisions?last=1");
    REQUIRE(parser.parse(newest.body).get(root) == simdjson::SUCCESS);
    list = root["decisions"].get_array().value();
    REQUIRE(list.size() == 1);
    CHECK(std::string_view(list.at(0)["post_id"].get_string().value()) == "x:43");
    CHECK(f.get("/api/v1/decisions").status == 200);
    CHECK(f.asked.back().last == 20);  // the default

    const auto unknown = f.get("/api/v1/decisions?post_id=x:999");
    CHECK(unknown.status == 404);
    CHECK_THAT(unknown.body, Catch::Contains("no decision about post x:999"));
}

TEST_CASE("GET /api/v1/decisions refuses what is wrong and says why", "[http_api][decisions]") {
    DecisionsFixture f;
    const auto asked_before = f.asked.size();
    const auto error_of = [&](std::string_view target) {
        const auto reply = f.get(target);
        CHECK(reply.status == 400);
        return reply.body;
    };
    CHECK_THAT(error_of("/api/v1/decisions?postid=x:42"),
               Catch::Contains("did you mean 'post_id'"));
    CHECK_THAT(error_of("/api/v1/decisions?last=0"), Catch::Contains("from 1 to 1000"));
    CHECK_THAT(error_of("/api/v1/decisions?last=1001"), Catch::Contains("from 1 to 1000"));
    CHECK_THAT(error_of("/api/v1/decisions?post_id=x:42&last=3"), Catch::Contains("not both"));
    CHECK_THAT(error_of("/api/v1/decisions?source=x"), Catch::Contains("give the post_id too"));
    CHECK_THAT(error_of("/api/v1/decisions?post_id="), Catch::Contains("must not be empty"));
    CHECK_THAT(error_of("/api/v1/decisions?post_id=a%0Ab"), Catch::Contains("control characters"));
    CHECK_THAT(error_of("/api/v1/decisions?post_id=a&post_id=b"), Catch::Contains("appears twice"));
    CHECK(f.asked.size() == asked_before);  // none of them reached the log
    CHECK(f.get("/api/v1/decisions", "").status == 401);
    CHECK(f.server->handle("POST", "/api/v1/decisions", "", "", kBearer).status == 405);
}
