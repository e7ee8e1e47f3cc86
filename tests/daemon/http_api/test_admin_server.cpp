#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>
#include <chrono>

#include "connectors/http/http_client.hpp"
#include "connectors/sinks/action_token.hpp"
#include "daemon/http_api/admin_server.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::http_api;
using connectors::sinks::CaseAction;
using connectors::sinks::make_action_token;

namespace {

constexpr std::int64_t kNowMs = 1714572000000;
constexpr const char* kSecret = "action-secret";

class RecordingHandler : public CaseActionHandler {
  public:
    CaseActionResult on_case_action(const CaseActionRequest& request) override {
        calls.push_back(request);
        if (request.case_id == "missing") return {404, "No such case."};
        return {200, "Case " + request.case_id + " updated <ok>."};
    }
    std::vector<CaseActionRequest> calls;
};

AdminOptions options() {
    AdminOptions o;
    o.listen = "127.0.0.1:0";
    o.secret = kSecret;
    o.now_ms = [] { return kNowMs; };
    return o;
}

std::string token(const std::string& case_id, CaseAction action, std::int64_t expiry_s) {
    return make_action_token(kSecret, case_id, action, expiry_s);
}

// Sends the requests one after another over loopback; every one must get an answer.
std::vector<connectors::http::Result> send_all(
    boost::asio::io_context& io, connectors::http::HttpClient& client,
    const std::vector<connectors::sinks::HttpRequestSpec>& requests) {
    std::vector<connectors::http::Result> results;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            for (const auto& r : requests) results.push_back(co_await client.request(r));
        },
        boost::asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (results.size() < requests.size() && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(5));
    }
    REQUIRE(results.size() == requests.size());
    for (const auto& r : results) REQUIRE(r.response);
    return results;
}

}  // namespace

TEST_CASE("url_decode and form_value", "[http_api]") {
    CHECK(url_decode("a%20b+c", true) == "a b c");
    CHECK(url_decode("a+b", false) == "a+b");
    CHECK_FALSE(url_decode("%2", true));
    CHECK_FALSE(url_decode("%zz", true));
    CHECK_FALSE(url_decode("%00", true));
    CHECK(form_value("token=1.abc&to=bob%40x", "to") == "bob@x");
    CHECK(form_value("token=1.abc&to", "to") == "");
    CHECK_FALSE(form_value("token=1.abc", "to"));
}

TEST_CASE("health, metrics and unknown paths", "[http_api]") {
    boost::asio::io_context io;
    std::string error;
    auto server = AdminServer::create(io, options(), error);
    REQUIRE(server);
    CHECK(server->handle("GET", "/healthz", "", "").status == 200);
    CHECK(server->handle("GET", "/healthz", "", "").body == "ok\n");
    server->set_health_check([] { return std::string("outbox unavailable"); });
    CHECK(server->handle("GET", "/healthz", "", "").status == 503);
    server->add_metrics_hook([] { return std::string("a_total 1\n"); });
    server->add_metrics_hook([] { return std::string("b_total 2\n"); });
    const auto metrics = server->handle("GET", "/metrics", "", "");
    CHECK(metrics.body == "a_total 1\nb_total 2\n");
    CHECK(metrics.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK(server->handle("POST", "/metrics", "", "").status == 405);
    CHECK(server->handle("GET", "/nope", "", "").status == 404);
    CHECK(server->handle("GET", "/cases/x/explode?token=1.a", "", "").status == 404);
    CHECK(server->handle("GET", "/cases//ack", "", "").status == 404);
    AdminOptions bad = options();
    bad.listen = "nowhere";
    CHECK_FALSE(AdminServer::create(io, bad, error));
    bad.listen = "example.com:80";
    CHECK_FALSE(AdminServer::create(io, bad, error));
    CHECK(error == "listen host 'example.com' must be an IP address");
}

TEST_CASE("action links verify the token; GET confirms, POST acts", "[http_api]") {
    boost::asio::io_context io;
    std::string error;
    auto server = AdminServer::create(io, options(), error);
    REQUIRE(server);
    auto handler = std::make_shared<RecordingHandler>();
    const std::int64_t expiry = kNowMs / 1000 + 3600;
    const std::string ack = "/cases/case-42/ack?token=" + token("case-42", CaseAction::ack, expiry);

    CHECK(server->handle("POST", ack, "", "").status == 503);  // no handler yet
    server->set_case_handler(handler);

    const auto page = server->handle("GET", ack, "", "");
    CHECK(page.status == 200);
    CHECK(page.body.find("<form method=\"post\" action=\"/cases/case-42/ack?token=") !=
          std::string::npos);
    CHECK(handler->calls.empty());  // a GET changes nothing

    const auto done = server->handle("POST", ack, "", "");
    CHECK(done.status == 200);
    CHECK(done.body.find("Case case-42 updated &lt;ok&gt;.") != std::string::npos);
    REQUIRE(handler->calls.size() == 1);
    CHECK(handler->calls[0].case_id == "case-42");
    CHECK(handler->calls[0].action == CaseAction::ack);

    // Wrong action, wrong case, tampered, expired, missing.
    CHECK(server
              ->handle("POST",
                       "/cases/case-42/resolve?token=" + token("case-42", CaseAction::ack, expiry),
                       "", "")
              .status == 403);
    CHECK(server
              ->handle("POST",
                       "/cases/case-43/ack?token=" + token("case-42", CaseAction::ack, expiry), "",
                       "")
              .status == 403);
    const auto expired = server->handle(
        "POST", "/cases/case-42/ack?token=" + token("case-42", CaseAction::ack, kNowMs / 1000 - 1),
        "", "");
    CHECK(expired.status == 403);
    CHECK(expired.body.find("expired") != std::string::npos);
    CHECK(server->handle("POST", "/cases/case-42/ack", "", "").status == 403);
    CHECK(handler->calls.size() == 1);

    // Reassign takes `to` from the query or the submitted form.
    const std::string reassign =
        "/cases/case%2F7/reassign?token=" + token("case/7", CaseAction::reassign, expiry);
    CHECK(server->handle("POST", reassign, "", "").status == 400);
    CHECK(
        server
            ->handle("POST", reassign, "to=bob%40example.com", "application/x-www-form-urlencoded")
            .status == 200);
    CHECK(server->handle("POST", reassign + "&to=carol", "", "").status == 200);
    REQUIRE(handler->calls.size() == 3);
    CHECK(handler->calls[1].case_id == "case/7");
    CHECK(handler->calls[1].to == "bob@example.com");
    CHECK(handler->calls[2].to == "carol");
    CHECK(server
              ->handle(
                  "POST",
                  "/cases/missing/resolve?token=" + token("missing", CaseAction::resolve, expiry),
                  "", "")
              .status == 404);
}

TEST_CASE("admin server answers on loopback", "[http_api]") {
    boost::asio::io_context io;
    std::string error;
    auto server = AdminServer::create(io, options(), error);
    REQUIRE(server);
    REQUIRE(server->port() != 0);
    auto handler = std::make_shared<RecordingHandler>();
    server->set_case_handler(handler);
    server->add_metrics_hook([] { return std::string("spreekbuis_up 1\n"); });
    server->start();

    connectors::http::ClientOptions client_options;
    client_options.request_timeout = std::chrono::milliseconds(5000);
    connectors::http::HttpClient client(io.get_executor(), nullptr, client_options);
    const std::string base = "http://127.0.0.1:" + std::to_string(server->port());
    const std::int64_t expiry = kNowMs / 1000 + 60;
    const std::vector<connectors::sinks::HttpRequestSpec> requests = {
        {"GET", base + "/healthz", {}, ""},
        {"GET", base + "/metrics", {}, ""},
        {"POST",
         base + "/cases/c1/resolve?token=" + token("c1", CaseAction::resolve, expiry),
         {},
         ""},
        {"POST", base + "/healthz", {}, std::string(64 * 1024, 'x')},
        {"GET", base + "/nope", {}, ""},
    };
    const auto results = send_all(io, client, requests);
    CHECK(results[0].response->status == 200);
    CHECK(results[0].response->body == "ok\n");
    CHECK(results[1].response->body == "spreekbuis_up 1\n");
    CHECK(results[2].response->status == 200);
    REQUIRE(handler->calls.size() == 1);
    CHECK(handler->calls[0].action == CaseAction::resolve);
    CHECK(results[3].response->status == 413);
    CHECK(results[4].response->status == 404);
    server->stop();
    io.run_for(std::chrono::milliseconds(50));
}

TEST_CASE("admin server hands /hooks/<name> to the hook handler, with headers and a larger body",
          "[http_api]") {
    boost::asio::io_context io;
    std::string error;
    auto opts = options();
    opts.hook_body_limit = 256 * 1024;
    auto server = AdminServer::create(io, opts, error);
    REQUIRE(server);
    std::vector<HookRequest> seen;
    std::vector<std::string> bodies;
    std::vector<std::string> signatures;
    std::vector<std::string> queries;  // the request's views live only during the call
    server->set_hook_handler([&](const HookRequest& request) {
        seen.push_back(request);
        queries.emplace_back(request.query);
        bodies.emplace_back(request.body);
        for (const auto& [name, value] : request.headers) {
            if (name == "webhook-signature") signatures.push_back(value);
        }
        return AdminReply{202, "text/plain", "taken\n", {{"X-Seen", "1"}}};
    });
    server->start();

    connectors::http::HttpClient client(io.get_executor(), nullptr, {});
    const std::string base = "http://127.0.0.1:" + std::to_string(server->port());
    const std::string big(100 * 1024, 'p');  // above the admin paths' 16 KiB
    const std::vector<connectors::sinks::HttpRequestSpec> requests = {
        {"POST", base + "/hooks/forms?x=1", {{"Webhook-Signature", "v1,abc"}}, big},
        {"POST", base + "/hooks/forms", {}, std::string(300 * 1024, 'p')},  // above the hook limit
        {"POST", base + "/hooks/a%2Fb", {}, "x"},  // a name with a slash is no source name
        {"POST", base + "/healthz", {}, big},      // the admin limit still holds elsewhere
    };
    const auto results = send_all(io, client, requests);
    CHECK(results[0].response->status == 202);
    CHECK(results[0].response->body == "taken\n");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].name == "forms");
    CHECK(queries[0] == "x=1");
    CHECK(bodies[0] == big);
    REQUIRE(signatures.size() == 1);  // found under its lower-case name
    CHECK(signatures[0] == "v1,abc");
    CHECK(results[1].response->status == 413);
    CHECK(results[2].response->status == 404);
    CHECK(results[3].response->status == 413);
    server->stop();
    io.run_for(std::chrono::milliseconds(50));
}

TEST_CASE("admin server: /hooks/ is 404 without a hook handler", "[http_api]") {
    boost::asio::io_context io;
    std::string error;
    auto server = AdminServer::create(io, options(), error);
    REQUIRE(server);
    CHECK(server->handle_hook("POST", "/hooks/forms", {}, "x").status == 404);
}
