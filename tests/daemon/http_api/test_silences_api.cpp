#include <simdjson.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <map>

#include "connectors/http/http_client.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/silence_api.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::http_api;
using daemon::delivery::Silence;

namespace {

constexpr std::int64_t kNowMs = 1714572000000;
constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr const char* kToken = "admin-token-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kToken;

// Keeps silences in a map, like the daemon's handler would in the store and the filter.
class FakeSilences : public SilenceHandler {
  public:
    SilenceResult list_silences(std::int64_t now_ms) override {
        ++lists;
        if (fail_status) return {fail_status, fail_message, {}};
        SilenceResult result;
        for (const auto& [id, s] : silences) {
            if (s.expires_ms > now_ms) result.silences.push_back(s);
        }
        return result;
    }
    SilenceResult add_silence(const Silence& silence, std::int64_t) override {
        added.push_back(silence);
        if (fail_status) return {fail_status, fail_message, {}};
        silences[silence.id] = silence;
        return {201, "", {silence}};
    }
    SilenceResult remove_silence(const std::string& id) override {
        removed.push_back(id);
        if (fail_status) return {fail_status, fail_message, {}};
        if (silences.erase(id) == 0) return {404, "", {}};
        return {204, "", {}};
    }

    std::map<std::string, Silence> silences;
    std::vector<Silence> added;
    std::vector<std::string> removed;
    int lists = 0;
    int fail_status = 0;
    std::string fail_message;
};

AdminOptions options(std::string admin_token = kToken) {
    AdminOptions o;
    o.listen = "127.0.0.1:0";
    o.secret = "action-secret";
    o.admin_token = std::move(admin_token);
    o.now_ms = [] { return kNowMs; };
    return o;
}

struct Fixture {
    boost::asio::io_context io;
    std::unique_ptr<AdminServer> server;
    std::shared_ptr<FakeSilences> handler = std::make_shared<FakeSilences>();

    explicit Fixture(AdminOptions o = options()) {
        std::string error;
        server = AdminServer::create(io, std::move(o), error);
        REQUIRE(server);
        server->set_silence_handler(handler);
    }
    AdminReply call(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view authorization = kBearer) {
        return server->handle(method, target, body, "application/json", authorization);
    }
    AdminReply post(std::string_view body) { return call("POST", "/api/v1/silences", body); }
};

std::string error_of(const AdminReply& reply) {
    simdjson::dom::parser parser;
    std::string_view message;
    if (parser.parse(reply.body).at_key("error").get_string().get(message) != simdjson::SUCCESS) {
        return "<no error field in: " + reply.body + ">";
    }
    return std::string(message);
}

std::string header(const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return value;
        }
    }
    return "";
}

}  // namespace

TEST_CASE("silence endpoints are off without an admin token", "[http_api][silences]") {
    Fixture f(options(""));
    for (const char* method : {"GET", "POST", "DELETE"}) {
        INFO(method);
        const auto reply = f.call(method, std::string("/api/v1/silences") +
                                              (std::string_view(method) == "DELETE" ? "/x" : ""));
        CHECK(reply.status == 403);
        CHECK(reply.content_type == "application/json");
        CHECK(error_of(reply) == "silences over the API are disabled: set http.admin_token");
    }
    // Even a request with a token gets no further, and an empty bearer is not a match for "".
    CHECK(f.call("GET", "/api/v1/silences", "", "Bearer ").status == 403);
    CHECK(f.handler->lists == 0);
}

TEST_CASE("silence endpoints need the bearer token", "[http_api][silences]") {
    Fixture f;
    const auto missing = f.call("GET", "/api/v1/silences", "", "");
    CHECK(missing.status == 401);
    CHECK(error_of(missing) ==
          "send 'Authorization: Bearer <token>' with the value of http.admin_token");
    CHECK(header(missing.headers, "WWW-Authenticate") == "Bearer realm=\"spreekbuis\"");

    for (const std::string& bad :
         {std::string("Bearer wrong"), std::string("Bearer ") + kToken + "x",
          std::string("Bearer ") + std::string(kToken).substr(1), std::string("Bearer a b"),
          std::string(10000, 'B')}) {
        INFO(bad.substr(0, 40));
        const auto reply = f.call("GET", "/api/v1/silences", "", bad);
        CHECK(reply.status == 401);
    }
    CHECK(error_of(f.call("GET", "/api/v1/silences", "", "Bearer wrong")) ==
          "the bearer token is not accepted");
    for (const std::string& other : {std::string("Basic ") + kToken, std::string(kToken),
                                     std::string("Bearer"), std::string("Bearer    ")}) {
        INFO(other);
        CHECK(error_of(f.call("GET", "/api/v1/silences", "", other)) ==
              "send 'Authorization: Bearer <token>' with the value of http.admin_token");
    }
    // Nothing was listed, added or removed with a bad token.
    CHECK(f.call("POST", "/api/v1/silences", R"({"rule":"r","duration":"1h","reason":"x"})",
                 "Bearer nope")
              .status == 401);
    CHECK(f.call("DELETE", "/api/v1/silences/x", "", "Bearer nope").status == 401);
    CHECK(f.handler->lists == 0);
    CHECK(f.handler->added.empty());
    CHECK(f.handler->removed.empty());

    // The scheme is case-insensitive and surrounding blanks do not matter.
    CHECK(f.call("GET", "/api/v1/silences", "", std::string("bearer ") + kToken).status == 200);
    CHECK(
        f.call("GET", "/api/v1/silences", "", std::string("  BEARER   ") + kToken + "  ").status ==
        200);
    CHECK(f.handler->lists == 2);
}

TEST_CASE("a silence is created, listed, replaced and deleted", "[http_api][silences]") {
    Fixture f;
    const auto created = f.post(
        R"({"rule": "baggage-lost", "topic": "baggage", "duration": "2h", "reason": "known outage at AMS", "created_by": "anna"})");
    REQUIRE(created.status == 201);
    CHECK(created.content_type == "application/json");
    REQUIRE(f.handler->added.size() == 1);
    const Silence added = f.handler->added[0];  // a copy: later posts grow the vector
    CHECK(added.id.size() == 18);
    CHECK(added.id.rfind("s-", 0) == 0);
    CHECK(valid_silence_id(added.id));
    CHECK(added.rule_id == "baggage-lost");
    CHECK(added.topic == "baggage");
    CHECK(added.person.empty());
    CHECK(added.expires_ms == kNowMs + 2 * kHourMs);
    CHECK(added.reason == "known outage at AMS");
    CHECK(added.created_by == "anna");
    CHECK(added.created_ms == kNowMs);
    CHECK(header(created.headers, "Location") == "/api/v1/silences/" + added.id);
    CHECK(created.body == "{\"id\":\"" + added.id +
                              "\",\"rule\":\"baggage-lost\",\"topic\":\"baggage\",\"person\":null,"
                              "\"reason\":\"known outage at AMS\",\"created_by\":\"anna\","
                              "\"created_at\":1714572000000,\"expires_at\":1714579200000,"
                              "\"expires_in\":\"2h\"}\n");

    // Two posts without an id get two different ids.
    REQUIRE(f.post(R"({"person":"Bob","expires_at":1714575600000,"reason":"on leave"})").status ==
            201);
    REQUIRE(f.handler->added.size() == 2);
    CHECK(f.handler->added[1].id != added.id);
    CHECK(f.handler->added[1].expires_ms == 1714575600000);
    CHECK(f.handler->added[1].created_by.empty());

    const auto list = f.call("GET", "/api/v1/silences");
    REQUIRE(list.status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::array items;
    REQUIRE(parser.parse(list.body).at_key("silences").get_array().get(items) == simdjson::SUCCESS);
    CHECK(items.size() == 2);

    // A known id replaces.
    REQUIRE(f.post(R"({"id":"outage-1","topic":"wifi","duration":"30m","reason":"a"})").status ==
            201);
    REQUIRE(f.post(R"({"id":"outage-1","topic":"wifi","duration":"90m","reason":"b"})").status ==
            201);
    CHECK(f.handler->silences.size() == 3);
    CHECK(f.handler->silences.at("outage-1").reason == "b");
    CHECK(f.handler->silences.at("outage-1").expires_ms == kNowMs + 90 * 60 * 1000);

    const auto deleted = f.call("DELETE", "/api/v1/silences/outage-1");
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    CHECK(f.handler->removed == std::vector<std::string>{"outage-1"});
    const auto again = f.call("DELETE", "/api/v1/silences/outage-1");
    CHECK(again.status == 404);
    CHECK(error_of(again) == "no silence 'outage-1'");
    // Ids are percent-decoded (configuration silences may use any characters).
    f.handler->silences["from config/1"] = Silence{"from config/1", "r", "", "", kNowMs + 1, "x"};
    CHECK(f.call("DELETE", "/api/v1/silences/from%20config%2F1").status == 204);
    CHECK(f.call("DELETE", "/api/v1/silences/").status == 404);
    CHECK(f.call("DELETE", "/api/v1/silences/%zz").status == 404);
    CHECK(f.call("DELETE", "/api/v1/silences/a%0Ab").status == 404);  // no log injection
    CHECK(f.call("DELETE", "/api/v1/silences/" + std::string(1025, 'x')).status == 404);
    CHECK(f.handler->removed.size() == 3);
}

TEST_CASE("silence requests are validated with a clear message", "[http_api][silences]") {
    Fixture f;
    const std::string long_reason(501, 'r');
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "request body is empty: send a JSON object"},
        {"  \n", "request body is empty: send a JSON object"},
        {"{", "request body is not valid JSON: "},
        {R"({"rule": "r",})", "request body is not valid JSON: "},
        {"{\"rule\": \"\xff\xfe\", \"duration\": \"1h\", \"reason\": \"x\"}",
         "request body is not valid UTF-8"},
        {"[1, 2]", "request body must be a JSON object"},
        {"\"rule\"", "request body must be a JSON object"},
        {R"({"rule":"r","duration":"1h","reason":"x","reasn":"y"})",
         "unknown field 'reasn'; did you mean 'reason'?"},
        {R"({"rule":"r","duration":"1h","reason":"x","expire_at":1})",
         "unknown field 'expire_at'; did you mean 'expires_at'?"},
        {R"({"rule":"r","duration":"1h","reason":"x","matchers":[]})",
         "unknown field 'matchers'; known fields: id, rule, topic, person, duration, expires_at, "
         "reason, created_by"},
        {R"({"rule":"r","rule":"s","duration":"1h","reason":"x"})", "field 'rule' appears twice"},
        {R"({"rule":1,"duration":"1h","reason":"x"})", "field 'rule' must be a string"},
        {R"({"topic":null,"duration":"1h","reason":"x"})", "field 'topic' must be a string"},
        {R"({"person":["a"],"duration":"1h","reason":"x"})", "field 'person' must be a string"},
        {R"({"rule":"r","duration":2,"reason":"x"})", "field 'duration' must be a string"},
        {R"({"rule":"r","expires_at":"1714575600000","reason":"x"})",
         "field 'expires_at' must be an integer (Unix time in milliseconds)"},
        {R"({"rule":"r","expires_at":1714575600000.5,"reason":"x"})",
         "field 'expires_at' must be an integer (Unix time in milliseconds)"},
        {R"({"rule":"r","expires_at":18446744073709551615,"reason":"x"})",
         "field 'expires_at' must be an integer (Unix time in milliseconds)"},
        {R"({"rule":"r","duration":"1h","reason":true})", "field 'reason' must be a string"},
        {R"({"rule":"r","duration":"1h","reason":"x","created_by":7})",
         "field 'created_by' must be a string"},
        {R"({"duration":"1h","reason":"x"})",
         "a silence needs at least one of 'rule', 'topic' or 'person'"},
        {R"({"rule":"","topic":"","duration":"1h","reason":"x"})",
         "a silence needs at least one of 'rule', 'topic' or 'person'"},
        {R"({"rule":"  ","topic":"t","duration":"1h","reason":"x"})",
         "field 'rule' must not be blank (leave it out to match any)"},
        {R"({"rule":"r\u0000x","duration":"1h","reason":"x"})",
         "field 'rule' must not contain control characters"},
        {R"({"rule":"r","duration":"1h","reason":"line\nbreak"})",
         "field 'reason' must not contain control characters"},
        {"{\"rule\":\"" + std::string(257, 'r') + "\",\"duration\":\"1h\",\"reason\":\"x\"}",
         "field 'rule' is longer than 256 bytes"},
        {R"({"rule":"r","duration":"1h"})",
         "field 'reason' is required: say why alerts are silenced"},
        {R"({"rule":"r","duration":"1h","reason":" "})", "field 'reason' must not be empty"},
        {R"({"rule":"r","duration":"1h","reason":")" + long_reason + "\"}",
         "field 'reason' is longer than 500 bytes"},
        {R"({"rule":"r","reason":"x"})",
         "a silence needs an expiry: 'duration' (e.g. \"2h\") or 'expires_at' (Unix ms)"},
        {R"({"rule":"r","duration":"1h","expires_at":1714575600000,"reason":"x"})",
         "give either 'duration' or 'expires_at', not both"},
        {R"({"rule":"r","duration":"2 hours","reason":"x"})",
         "field 'duration': missing unit after 2 (use ms, s, m, h, d or w)"},
        {R"({"rule":"r","duration":"soon","reason":"x"})",
         "field 'duration': expected a number at 'soon'; write e.g. 15m, 1h30m or 2d"},
        {R"({"rule":"r","duration":"0s","reason":"x"})", "field 'duration' must be longer than 0"},
        {R"({"rule":"r","duration":"91d","reason":"x"})", "a silence lasts at most 90 days"},
        {R"({"rule":"r","duration":")" + std::string(40, '9') + R"(h","reason":"x"})",
         "field 'duration' is longer than 32 bytes"},
        {R"({"rule":"r","expires_at":1714572000000,"reason":"x"})",
         "field 'expires_at' is not in the future"},
        {R"({"rule":"r","expires_at":-9223372036854775808,"reason":"x"})",
         "field 'expires_at' is not in the future"},
        {R"({"rule":"r","expires_at":9223372036854775807,"reason":"x"})",
         "a silence lasts at most 90 days"},
        {R"({"id":"has space","rule":"r","duration":"1h","reason":"x"})",
         "field 'id' may only contain letters, digits, '.', '-', '_' and ':' (1 to 64 bytes)"},
        {R"({"id":"","rule":"r","duration":"1h","reason":"x"})",
         "field 'id' may only contain letters, digits, '.', '-', '_' and ':' (1 to 64 bytes)"},
        {"{\"id\":\"" + std::string(65, 'i') +
             "\",\"rule\":\"r\",\"duration\":\"1h\",\"reason\":\"x\"}",
         "field 'id' is longer than 64 bytes"},
        {std::string(2000, '[') + std::string(2000, ']'), "request body is not valid JSON: "},
    };
    for (const auto& [body, expected] : cases) {
        INFO(body.substr(0, 120));
        const auto reply = f.post(body);
        CHECK(reply.status == 400);
        CHECK(reply.content_type == "application/json");
        const std::string message = error_of(reply);
        if (expected.back() == ' ') {
            CHECK(message.rfind(expected, 0) == 0);
            CHECK(message.size() > expected.size());
        } else {
            CHECK(message == expected);
        }
    }
    CHECK(f.handler->added.empty());

    // An unknown field name is echoed shortened, and the reply stays valid JSON.
    const auto hostile =
        f.post("{\"" + std::string(5000, 'k') + "\\u0007\":1,\"rule\":\"r\",\"reason\":\"x\"}");
    CHECK(hostile.status == 400);
    CHECK(error_of(hostile) == "unknown field '" + std::string(64, 'k') +
                                   "...'; known fields: id, rule, topic, person, duration, "
                                   "expires_at, reason, created_by");

    // The edges that are allowed.
    CHECK(f.post(R"({"rule":"r","duration":"90d","reason":")" + std::string(500, 'r') + "\"}")
              .status == 201);
    CHECK(f.post(R"({"rule":"r","expires_at":1722348000000,"reason":"x"})").status == 201);
    CHECK(f.post(R"({"id":"Ops.outage_2:a-b","topic":"caf\u00e9","duration":"1ms","reason":"é"})")
              .status == 201);
    CHECK(f.handler->added.size() == 3);
    CHECK(f.handler->added[2].topic == "caf\xc3\xa9");
}

TEST_CASE("silence endpoints: limits, methods, handler failures", "[http_api][silences]") {
    AdminOptions small = options();
    small.body_limit = 1024;
    Fixture f(small);
    const std::string big = R"({"rule":"r","duration":"1h","reason":"x","created_by":")" +
                            std::string(1100, 'a') + "\"}";
    const auto too_large = f.post(big);
    CHECK(too_large.status == 413);
    CHECK(error_of(too_large) == "request body too large");

    const auto put = f.call("PUT", "/api/v1/silences");
    CHECK(put.status == 405);
    CHECK(header(put.headers, "Allow") == "GET, HEAD, POST");
    const auto get_one = f.call("GET", "/api/v1/silences/abc");
    CHECK(get_one.status == 405);
    CHECK(header(get_one.headers, "Allow") == "DELETE");
    CHECK(f.call("GET", "/api/v1/silencesX").status == 404);

    f.handler->fail_status = 500;
    f.handler->fail_message = "silence store: disk I/O error";
    const auto failed = f.post(R"({"rule":"r","duration":"1h","reason":"x"})");
    CHECK(failed.status == 500);
    CHECK(error_of(failed) == "silence store: disk I/O error");
    CHECK(error_of(f.call("GET", "/api/v1/silences")) == "silence store: disk I/O error");
    f.handler->fail_status = 409;
    f.handler->fail_message = "silence 'cfg' comes from the configuration";
    CHECK(f.call("DELETE", "/api/v1/silences/cfg").status == 409);
    f.handler->fail_status = 42;  // nonsense from a handler becomes 500
    f.handler->fail_message = "";
    const auto odd = f.call("DELETE", "/api/v1/silences/cfg");
    CHECK(odd.status == 500);
    CHECK(error_of(odd) == "the silence was not removed");

    f.server->set_silence_handler(nullptr);
    const auto not_ready = f.call("GET", "/api/v1/silences");
    CHECK(not_ready.status == 503);
    CHECK(error_of(not_ready) == "the silence service is not ready");
    // Validation still answers first, so a client learns what is wrong with its request.
    CHECK(f.post("{}").status == 400);
}

TEST_CASE("silences over a real socket on loopback", "[http_api][silences]") {
    AdminOptions o = options();
    o.body_limit = 4096;
    Fixture f(o);
    f.server->start();
    connectors::http::ClientOptions client_options;
    client_options.request_timeout = std::chrono::milliseconds(5000);
    connectors::http::HttpClient client(f.io.get_executor(), nullptr, client_options);
    const std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
    const connectors::sinks::Headers auth = {{"Authorization", kBearer},
                                             {"Content-Type", "application/json"}};
    const std::vector<connectors::sinks::HttpRequestSpec> requests = {
        {"POST", base + "/api/v1/silences", auth,
         R"({"id":"wifi","topic":"wifi","duration":"2h","reason":"router swap"})"},
        {"GET", base + "/api/v1/silences", auth, ""},
        {"GET", base + "/api/v1/silences", {}, ""},
        {"POST", base + "/api/v1/silences", auth, std::string(8192, ' ')},
        {"DELETE", base + "/api/v1/silences/wifi", auth, ""},
        {"DELETE", base + "/api/v1/silences/wifi", auth, ""},
    };
    std::vector<connectors::http::Result> results;
    boost::asio::co_spawn(
        f.io,
        [&]() -> boost::asio::awaitable<void> {
            for (const auto& r : requests) results.push_back(co_await client.request(r));
        },
        boost::asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (results.size() < requests.size() && std::chrono::steady_clock::now() < deadline) {
        f.io.run_for(std::chrono::milliseconds(5));
    }
    REQUIRE(results.size() == requests.size());
    for (const auto& r : results) {
        INFO(r.error);
        REQUIRE(r.response);
    }
    CHECK(results[0].response->status == 201);
    CHECK(header(results[0].response->headers, "Location") == "/api/v1/silences/wifi");
    CHECK(results[1].response->status == 200);
    CHECK(header(results[1].response->headers, "Content-Type") == "application/json");
    CHECK(results[1].response->body.find("\"id\":\"wifi\"") != std::string::npos);
    CHECK(results[2].response->status == 401);
    CHECK(results[3].response->status == 413);
    CHECK(results[4].response->status == 204);
    CHECK(results[4].response->body.empty());
    CHECK(results[5].response->status == 404);
    CHECK(f.handler->silences.empty());
    f.server->stop();
    f.io.run_for(std::chrono::milliseconds(50));
}
