#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

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

#include "connectors/http/http_client.hpp"
#include "fake_http_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace spreekbuis;

namespace {

// A self-signed certificate for IP 127.0.0.1 (PEM key and certificate).
std::pair<std::string, std::string> make_self_signed() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    REQUIRE(key);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("spreekbuis test"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_EXTENSION* ca = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "CA:TRUE");
    X509_add_ext(cert, ca, -1);
    X509_EXTENSION_free(ca);
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    auto to_pem = [](auto write) {
        BIO* bio = BIO_new(BIO_s_mem());
        write(bio);
        char* data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        std::string pem(data, static_cast<std::size_t>(size));
        BIO_free(bio);
        return pem;
    };
    const std::string key_pem = to_pem([&](BIO* bio) {
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
    const std::string cert_pem = to_pem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
    X509_free(cert);
    EVP_PKEY_free(key);
    return {key_pem, cert_pem};
}

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
    const auto [key_pem, cert_pem] = make_self_signed();
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
