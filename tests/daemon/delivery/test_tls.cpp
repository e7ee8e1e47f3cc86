#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include "../../support/self_signed_cert.hpp"
#include "connectors/http/http_client.hpp"
#include "fake_http_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace spreekbuis;

namespace {

asio::awaitable<void> serve_tls(asio::ip::tcp::acceptor& acceptor, asio::ssl::context& tls,
                                int& served) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        auto [hs_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                       asio::as_tuple(asio::use_awaitable));
        if (hs_ec) continue;  // the client refused our certificate
        beast::flat_buffer buffer;
        beast::http::request<beast::http::string_body> request;
        auto [read_ec, n] = co_await beast::http::async_read(stream, buffer, request,
                                                             asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (read_ec) continue;
        beast::http::response<beast::http::string_body> response(beast::http::status::ok, 11);
        response.body() = "secure " + std::string(request[beast::http::field::host]);
        response.keep_alive(false);
        response.prepare_payload();
        auto [write_ec, written] = co_await beast::http::async_write(
            stream, response, asio::as_tuple(asio::use_awaitable));
        (void)write_ec;
        (void)written;
        ++served;
        auto [shutdown_ec] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
        (void)shutdown_ec;
    }
}

}  // namespace

TEST_CASE("TLS: certificates are verified against the CA store and the host name",
          "[http_client][tls]") {
    const auto [key_pem, cert_pem] = testing::make_self_signed();
    asio::io_context io;
    asio::ssl::context server_tls(asio::ssl::context::tls_server);
    server_tls.use_certificate_chain(asio::buffer(cert_pem));
    server_tls.use_private_key(asio::buffer(key_pem), asio::ssl::context::pem);
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    const std::string port = std::to_string(acceptor.local_endpoint().port());
    int served = 0;
    asio::co_spawn(io, serve_tls(acceptor, server_tls, served), asio::detached);

    std::string error;
    auto system_ca = connectors::http::make_client_tls_context(error);
    REQUIRE(system_ca);
    auto trusting = connectors::http::make_client_tls_context(error);
    REQUIRE(trusting);
    trusting->add_certificate_authority(asio::buffer(cert_pem));
    connectors::http::ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.request_timeout = std::chrono::milliseconds(5000);
    connectors::http::HttpClient untrusted(io.get_executor(), system_ca, options);
    connectors::http::HttpClient trusted(io.get_executor(), trusting, options);

    std::vector<connectors::http::Result> results;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            const connectors::sinks::HttpRequestSpec by_ip{
                "POST", "https://127.0.0.1:" + port + "/hook", {}, "{}"};
            const connectors::sinks::HttpRequestSpec by_name{
                "POST", "https://localhost:" + port + "/hook", {}, "{}"};
            results.push_back(co_await untrusted.request(by_ip));
            results.push_back(co_await trusted.request(by_ip));
            results.push_back(co_await trusted.request(by_name));
        },
        asio::detached);
    REQUIRE(testing::run_until(io, [&] { return results.size() == 3; }));
    acceptor.close();
    CHECK_FALSE(results[0].response);  // self-signed, not in the system store
    CHECK(results[0].error.rfind("TLS handshake with 127.0.0.1", 0) == 0);
    REQUIRE(results[1].response);
    CHECK(results[1].response->status == 200);
    CHECK(results[1].response->body == "secure 127.0.0.1:" + port);
    CHECK_FALSE(results[2].response);  // trusted CA, but the name does not match
    CHECK(results[2].error.rfind("TLS handshake with localhost", 0) == 0);
    CHECK(served == 1);
}
