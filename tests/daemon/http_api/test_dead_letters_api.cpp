#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "connectors/sinks/alert_json.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/http_api/admin_server.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::http_api;
using daemon::delivery::Outbox;
using daemon::delivery::OutboxState;

namespace {

constexpr const char* kToken = "admin-token-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kToken;

// A real outbox in memory, like the daemon's handler (which also checks the sink's name).
class OutboxDeadLetters : public DeadLetterHandler {
  public:
    OutboxDeadLetters() {
        std::string error;
        outbox = Outbox::open(":memory:", error);
        REQUIRE(outbox);
    }
    DeadLetterResult list_dead_letters(const std::string& sink, std::size_t limit) override {
        DeadLetterResult result;
        result.entries = outbox->list(OutboxState::dead, sink, limit).value();
        return result;
    }
    DeadLetterResult requeue_dead_letters(const std::string& sink) override {
        DeadLetterResult result;
        result.requeued = outbox->requeue_dead(sink, 5000);
        return result;
    }
    std::unique_ptr<Outbox> outbox;
};

connectors::Alert alert(std::string id, std::string sink) {
    connectors::Alert a;
    a.id = std::move(id);
    a.sink = std::move(sink);
    a.destination = "#desk";
    a.case_id = "case-7";
    a.title = "Complaint about baggage (high)";
    a.kind = connectors::AlertKind::sla_warning;  // not the default: the list must read it
    return a;
}

struct Fixture {
    boost::asio::io_context io;
    std::unique_ptr<AdminServer> server;
    std::shared_ptr<OutboxDeadLetters> handler = std::make_shared<OutboxDeadLetters>();

    explicit Fixture(std::string admin_token = kToken) {
        AdminOptions o;
        o.listen = "127.0.0.1:0";
        o.secret = "action-secret";
        o.admin_token = std::move(admin_token);
        std::string error;
        server = AdminServer::create(io, std::move(o), error);
        REQUIRE(server);
        server->set_dead_letter_handler(handler);
        auto& outbox = *handler->outbox;
        for (const char* id : {"a1", "a2", "a3"})
            REQUIRE(outbox.enqueue(alert(id, "slack"), 1000) ==
                    daemon::delivery::EnqueueResult::inserted);
        REQUIRE(outbox.enqueue(alert("b1", "teams"), 1000) ==
                daemon::delivery::EnqueueResult::inserted);
        REQUIRE(outbox.mark_dead("a1", "slack: channel_not_found", 2000));
        REQUIRE(outbox.mark_dead("a2", "slack: channel_not_found", 2100));
        REQUIRE(outbox.mark_dead("b1", "HTTP 400: bad card", 2200));
    }
    AdminReply call(std::string_view method, std::string_view target,
                    std::string_view authorization = kBearer) {
        return server->handle(method, target, "", "", authorization);
    }
};

}  // namespace

TEST_CASE("dead letters: listed with their reasons and requeued per sink",
          "[http_api][dead_letters]") {
    Fixture f;
    auto listed = f.call("GET", "/api/v1/dead-letters?sink=slack");
    REQUIRE(listed.status == 200);
    CHECK(listed.content_type == "application/json");
    simdjson::dom::parser parser;
    simdjson::dom::array items;
    REQUIRE(parser.parse(listed.body).at_key("dead_letters").get_array().get(items) ==
            simdjson::SUCCESS);
    REQUIRE(items.size() == 2);
    std::string_view id, reason, kind, case_id, title;
    REQUIRE(items.at(0).at_key("id").get(id) == simdjson::SUCCESS);
    REQUIRE(items.at(0).at_key("last_error").get(reason) == simdjson::SUCCESS);
    REQUIRE(items.at(0).at_key("kind").get(kind) == simdjson::SUCCESS);
    REQUIRE(items.at(0).at_key("case_id").get(case_id) == simdjson::SUCCESS);
    REQUIRE(items.at(0).at_key("title").get(title) == simdjson::SUCCESS);
    CHECK(id == "a1");
    CHECK(reason == "slack: channel_not_found");
    CHECK(kind == "sla_warning");
    CHECK(case_id == "case-7");
    CHECK(title == "Complaint about baggage (high)");

    auto every_sink = f.call("GET", "/api/v1/dead-letters");
    REQUIRE(every_sink.status == 200);
    CHECK(every_sink.body.find("\"b1\"") != std::string::npos);
    auto limited = f.call("GET", "/api/v1/dead-letters?limit=1");
    REQUIRE(limited.status == 200);
    CHECK(limited.body.find("\"a1\"") != std::string::npos);
    CHECK(limited.body.find("\"a2\"") == std::string::npos);

    auto requeued = f.call("POST", "/api/v1/dead-letters/requeue?sink=slack");
    REQUIRE(requeued.status == 200);
    CHECK(requeued.body == "{\"sink\":\"slack\",\"requeued\":2}\n");
    CHECK(f.handler->outbox->get("a1")->state == OutboxState::pending);
    CHECK(f.handler->outbox->get("b1")->state == OutboxState::dead);  // other sinks untouched
    CHECK(f.call("GET", "/api/v1/dead-letters?sink=slack").body == "{\"dead_letters\":[]}\n");
}

TEST_CASE("dead letters: refused without the token, with a bad query or method",
          "[http_api][dead_letters]") {
    SECTION("no admin token configured") {
        Fixture f("");
        auto reply = f.call("GET", "/api/v1/dead-letters");
        CHECK(reply.status == 403);
        CHECK(reply.body.find("dead letters over the API are disabled") != std::string::npos);
    }
    Fixture f;
    CHECK(f.call("GET", "/api/v1/dead-letters", "").status == 401);
    CHECK(f.call("POST", "/api/v1/dead-letters/requeue?sink=slack", "Bearer wrong").status == 401);
    CHECK(f.handler->outbox->get("a1")->state == OutboxState::dead);

    auto no_sink = f.call("POST", "/api/v1/dead-letters/requeue");
    CHECK(no_sink.status == 400);
    CHECK(no_sink.body.find("say which sink") != std::string::npos);
    CHECK(f.call("GET", "/api/v1/dead-letters?limit=0").status == 400);
    CHECK(f.call("GET", "/api/v1/dead-letters?limit=abc").status == 400);
    CHECK(f.call("GET", "/api/v1/dead-letters?limit=100000").status == 400);
    CHECK(f.call("GET", "/api/v1/dead-letters?sink=%01x").status == 400);
    auto wrong_method = f.call("GET", "/api/v1/dead-letters/requeue?sink=slack");
    CHECK(wrong_method.status == 405);
    CHECK(f.call("DELETE", "/api/v1/dead-letters").status == 405);
    CHECK(f.handler->outbox->get("a1")->state == OutboxState::dead);
}
