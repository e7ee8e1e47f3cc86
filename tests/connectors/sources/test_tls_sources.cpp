// The streaming sources over TLS: Mastodon (https, chunked SSE) and Jetstream (wss) against
// loopback servers with a certificate made at run time. The source trusts it only when its TLS
// context has the certificate as a CA, and only under the name the certificate carries.
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "../../support/self_signed_cert.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/sources/jetstream.hpp"
#include "connectors/sources/mastodon.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace spreekbuis;
using connectors::sources::SourceOutput;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Certificate {
    std::string key_pem;
    std::string cert_pem;
    Certificate() { std::tie(key_pem, cert_pem) = testing::make_self_signed(); }

    std::shared_ptr<asio::ssl::context> server() const {
        auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        context->use_certificate_chain(asio::buffer(cert_pem));
        context->use_private_key(asio::buffer(key_pem), asio::ssl::context::pem);
        return context;
    }
    // The client context the daemon makes, plus this certificate as a CA when `trust`.
    std::shared_ptr<asio::ssl::context> client(bool trust) const {
        std::string error;
        auto context = connectors::http::make_client_tls_context(error);
        REQUIRE(context);
        if (trust) context->add_certificate_authority(asio::buffer(cert_pem));
        return context;
    }
};

// What a server saw: handshakes that succeeded and that the client broke off.
struct Seen {
    int handshakes = 0;
    int refused = 0;
    std::vector<std::string> targets;
};

asio::awaitable<void> hold_open(asio::any_io_executor executor) {
    asio::steady_timer hold(executor);
    hold.expires_after(std::chrono::seconds(30));
    co_await hold.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Mastodon's streaming endpoint over https: one `update` event, then the stream stays open.
asio::awaitable<void> serve_mastodon(tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
                                     std::string event, Seen& seen) {
    TlsStream stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                          asio::as_tuple(asio::use_awaitable));
    if (handshake_ec) {
        ++seen.refused;
        co_return;
    }
    ++seen.handshakes;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, n] =
        co_await bhttp::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (read_ec) co_return;
    seen.targets.emplace_back(request.target());
    std::ostringstream size;
    size << std::hex << event.size();
    const std::string bytes =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
        size.str() + "\r\n" + event + "\r\n";
    co_await asio::async_write(stream, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
    beast::get_lowest_layer(stream).expires_never();
    co_await hold_open(stream.get_executor());
}

// Jetstream over wss: one frame, then the connection stays open.
asio::awaitable<void> serve_jetstream(tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
                                      std::string frame, Seen& seen) {
    websocket::stream<TlsStream> ws(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
    auto [handshake_ec] = co_await ws.next_layer().async_handshake(
        asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (handshake_ec) {
        ++seen.refused;
        co_return;
    }
    ++seen.handshakes;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, n] = co_await bhttp::async_read(ws.next_layer(), buffer, request,
                                                   asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (read_ec) co_return;
    seen.targets.emplace_back(request.target());
    beast::get_lowest_layer(ws).expires_never();
    auto [accept_ec] = co_await ws.async_accept(request, asio::as_tuple(asio::use_awaitable));
    if (accept_ec) co_return;
    co_await ws.async_write(asio::buffer(frame), asio::as_tuple(asio::use_awaitable));
    co_await hold_open(ws.get_executor());
}

template <typename Serve>
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Serve serve) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
}

const std::string kStatus =
    R"({"id":"200","created_at":"2026-03-01T10:00:00.000Z","in_reply_to_id":null,)"
    R"("sensitive":false,"spoiler_text":"","visibility":"public","language":"nl",)"
    R"("uri":"https://social.example/users/piet/statuses/200",)"
    R"("url":"https://social.example/@piet/200","content":"<p>Versleuteld aangekomen</p>",)"
    R"("reblog":null,"account":{"id":"7","username":"piet","acct":"piet",)"
    R"("display_name":"Piet","followers_count":12}})";

const std::string& status_event() {
    static const std::string event = "event: update\ndata: " + kStatus + "\n\n";
    return event;
}

const std::string kFrame =
    R"({"did":"did:plc:testauthor7xq2m","time_us":1780000101000000,"kind":"commit",)"
    R"("commit":{"rev":"3lzzrevtest22","operation":"create","collection":"app.bsky.feed.post",)"
    R"("rkey":"3ktlsaaaa22","record":{"$type":"app.bsky.feed.post",)"
    R"("createdAt":"2026-03-02T09:15:30.250Z","langs":["nl"],"text":"Over wss"},)"
    R"("cid":"bafyreitestcid"}})";

// A TLS Mastodon on `acceptor` that streams one status per connection.
void serve_status_stream(asio::io_context& io, tcp::acceptor& acceptor,
                         std::shared_ptr<asio::ssl::context> tls, Seen& seen) {
    asio::co_spawn(io,
                   accept_loop(acceptor,
                               [&seen, tls](tcp::socket socket) {
                                   return serve_mastodon(std::move(socket), tls, status_event(),
                                                         seen);
                               }),
                   asio::detached);
}

connectors::sources::MastodonSettings mastodon_settings(const std::string& host,
                                                        unsigned short port) {
    connectors::sources::MastodonSettings settings;
    settings.name = "secure";
    settings.url = "https://" + host + ":" + std::to_string(port);
    settings.token = "secret-token";
    return settings;
}

struct Run {
    std::vector<rules::Post> posts;
    bool finished = false;
};

// Runs `source` until it emitted one post (then stops it) or `limit` passed.
void run_source(asio::io_context& io, connectors::sources::LiveSource& source, Run& run,
                std::chrono::milliseconds limit) {
    SourceOutput output;
    output.emit = [&](rules::Post post, std::string) {
        run.posts.push_back(std::move(post));
        return false;  // one is enough: the source returns
    };
    asio::co_spawn(io, source.run("", output), [&](std::exception_ptr) {
        run.finished = true;
        io.stop();
    });
    io.run_for(limit);
}

}  // namespace

TEST_CASE("mastodon over https: a trusted certificate streams, others are refused",
          "[mastodon][tls][loopback]") {
    const Certificate certificate;
    struct Case {
        const char* what;
        bool trust;
        const char* host;
        bool streams;
    };
    for (const auto& c : {Case{"trusted CA, the certificate's address", true, "127.0.0.1", true},
                          Case{"certificate not trusted", false, "127.0.0.1", false},
                          Case{"trusted CA, another name", true, "localhost", false}}) {
        INFO(c.what);
        asio::io_context io;
        tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
        const auto port = acceptor.local_endpoint().port();
        Seen seen;
        const auto tls = certificate.server();
        serve_status_stream(io, acceptor, tls, seen);
        auto settings = mastodon_settings(c.host, port);
        settings.reconnect_initial = std::chrono::milliseconds(50);
        settings.reconnect_cap = std::chrono::milliseconds(100);
        auto source =
            connectors::sources::make_mastodon_source(settings, certificate.client(c.trust));
        Run run;
        run_source(io, *source, run, std::chrono::milliseconds(c.streams ? 10000 : 1500));
        if (c.streams) {
            REQUIRE(run.posts.size() == 1);
            CHECK(run.posts[0].text ==
                  "<p>Versleuteld aangekomen</p>");  // HTML, as Mastodon sends it
            CHECK(run.finished);
            CHECK(seen.targets == std::vector<std::string>{"/api/v1/streaming/public"});
            CHECK(source->counters().connects == 1);
        } else {
            CHECK(run.posts.empty());
            CHECK(seen.handshakes == 0);
            CHECK(seen.refused >= 1);  // the client broke off the handshake
            CHECK(source->counters().connects == 0);
            CHECK(source->counters().disconnects >= 1);  // each failure backs off and retries
        }
    }
}

TEST_CASE("jetstream over wss: a trusted certificate streams, others are refused",
          "[jetstream][tls][loopback]") {
    const Certificate certificate;
    for (const bool trust : {true, false}) {
        INFO("trust " << trust);
        asio::io_context io;
        tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
        const auto port = acceptor.local_endpoint().port();
        Seen seen;
        const auto tls = certificate.server();
        asio::co_spawn(io,
                       accept_loop(acceptor,
                                   [&](tcp::socket socket) {
                                       return serve_jetstream(std::move(socket), tls, kFrame, seen);
                                   }),
                       asio::detached);
        connectors::sources::JetstreamSettings settings;
        settings.name = "bsky-secure";
        settings.url = "wss://127.0.0.1:" + std::to_string(port) + "/subscribe";
        settings.reconnect_initial = std::chrono::milliseconds(50);
        settings.reconnect_cap = std::chrono::milliseconds(100);
        auto source =
            connectors::sources::make_jetstream_source(settings, certificate.client(trust));
        Run run;
        run_source(io, *source, run, std::chrono::milliseconds(trust ? 10000 : 1500));
        if (trust) {
            REQUIRE(run.posts.size() == 1);
            CHECK(run.posts[0].text == "Over wss");
            CHECK(run.posts[0].id == "at://did:plc:testauthor7xq2m/app.bsky.feed.post/3ktlsaaaa22");
            REQUIRE(seen.targets.size() == 1);
            CHECK(seen.targets[0].rfind("/subscribe?wantedCollections=app.bsky.feed.post", 0) == 0);
        } else {
            CHECK(run.posts.empty());
            CHECK(seen.handshakes == 0);
            CHECK(seen.refused >= 1);
            CHECK(source->counters().connects == 0);
        }
    }
}

TEST_CASE("TLS: an internal CA is trusted through SSL_CERT_FILE", "[mastodon][tls][loopback]") {
    // What an operator of a self-hosted instance with a private CA does: point OpenSSL's
    // SSL_CERT_FILE at a bundle that holds it (the unit's Environment=).
    const Certificate certificate;
    const auto bundle = std::filesystem::temp_directory_path() /
                        ("spreekbuis-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(bundle) << certificate.cert_pem;
    ::setenv("SSL_CERT_FILE", bundle.c_str(), 1);
    const auto client = certificate.client(false);  // the daemon's context, nothing added
    ::unsetenv("SSL_CERT_FILE");
    std::filesystem::remove(bundle);

    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    Seen seen;
    const auto tls = certificate.server();
    serve_status_stream(io, acceptor, tls, seen);
    auto source =
        connectors::sources::make_mastodon_source(mastodon_settings("127.0.0.1", port), client);
    Run run;
    run_source(io, *source, run, std::chrono::milliseconds(10000));
    CHECK(run.posts.size() == 1);
    CHECK(seen.handshakes == 1);
}
