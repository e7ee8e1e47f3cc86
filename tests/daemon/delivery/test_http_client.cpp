#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>

#include "connectors/http/http_client.hpp"
#include "fake_http_server.hpp"

using namespace spreekbuis;
using connectors::http::parse_url;
using testing::FakeHttpServer;
using testing::FakeReply;
using testing::FakeRequest;

TEST_CASE("parse_url splits scheme, host, port and target", "[http_client]") {
    auto u = parse_url("https://hooks.slack.com/services/T/B/X");
    REQUIRE(u);
    CHECK(u->tls);
    CHECK(u->host == "hooks.slack.com");
    CHECK(u->port == "443");
    CHECK(u->target == "/services/T/B/X");
    u = parse_url("http://127.0.0.1:8065?x=1");
    REQUIRE(u);
    CHECK_FALSE(u->tls);
    CHECK(u->port == "8065");
    CHECK(u->target == "/?x=1");
    u = parse_url("https://[::1]:8443/a");
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->port == "8443");
    std::string error;
    CHECK_FALSE(parse_url("ftp://x/", &error));
    CHECK_FALSE(parse_url("https://user:pw@x/", &error));
    CHECK(error == "URL must not hold user info");
    CHECK_FALSE(parse_url("https://x:99999/", &error));
    CHECK_FALSE(parse_url("https:///path", &error));
    CHECK_FALSE(parse_url("https://x/a b", &error));
    CHECK_FALSE(parse_url("https://[::1/", &error));
}

TEST_CASE("client enforces the body limit and reports TLS failures", "[http_client]") {
    boost::asio::io_context io;
    FakeHttpServer server(io, [](const FakeRequest&) {
        return FakeReply{FakeReply::Action::respond, 200, {}, std::string(4096, 'x')};
    });
    std::string error;
    auto tls = connectors::http::make_client_tls_context(error);
    REQUIRE(tls);
    connectors::http::ClientOptions options;
    options.body_limit = 1024;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.request_timeout = std::chrono::milliseconds(2000);
    connectors::http::HttpClient client(io.get_executor(), tls, options);
    std::vector<connectors::http::Result> results;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            // Named requests: GCC 12 mishandles temporaries inside co_await expressions.
            const connectors::sinks::HttpRequestSpec big{"GET", server.url("/big"), {}, ""};
            results.push_back(co_await client.request(big));
            // https against a plain-HTTP peer: the handshake fails, nothing hangs.
            const connectors::sinks::HttpRequestSpec https{
                "POST", "https://127.0.0.1:" + std::to_string(server.port()) + "/x", {}, "{}"};
            results.push_back(co_await client.request(https));
            const connectors::sinks::HttpRequestSpec bad{"POST", "notaurl", {}, ""};
            results.push_back(co_await client.request(bad));
        },
        boost::asio::detached);
    REQUIRE(testing::run_until(io, [&] { return results.size() == 3; }));
    CHECK_FALSE(results[0].response);
    CHECK(results[0].error.find("read") == 0);
    CHECK_FALSE(results[1].response);
    CHECK(results[1].error.rfind("TLS handshake with 127.0.0.1", 0) == 0);
    CHECK(results[2].error == "bad URL: URL must start with http:// or https://");
}
