#include "connectors/http/connect.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <variant>

namespace spreekbuis::connectors::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

std::string describe_error(std::string_view step, const boost::system::error_code& ec) {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
        return std::string(step) + ": timed out";
    }
    return std::string(step) + ": " + ec.message();
}

namespace {

// Resolves and connects the TCP layer; "" or the error.
asio::awaitable<std::string> connect_layer(beast::tcp_stream& layer, const Url& url,
                                           std::chrono::milliseconds timeout) {
    const auto executor = layer.get_executor();
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor);
    timer.expires_after(timeout);
    auto resolved =
        co_await (resolver.async_resolve(url.host, url.port, asio::as_tuple(asio::use_awaitable)) ||
                  timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (resolved.index() == 1) co_return "resolve " + url.host + ": timed out";
    auto [resolve_ec, endpoints] = std::get<0>(std::move(resolved));
    if (resolve_ec) co_return describe_error("resolve " + url.host, resolve_ec);
    layer.expires_after(timeout);
    auto [connect_ec, endpoint] =
        co_await layer.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    (void)endpoint;
    if (connect_ec) co_return describe_error("connect " + url.host + ":" + url.port, connect_ec);
    co_return std::string();
}

}  // namespace

asio::awaitable<std::string> connect_plain(PlainStream& stream, const Url& url,
                                           std::chrono::milliseconds timeout) {
    co_return co_await connect_layer(stream, url, timeout);
}

asio::awaitable<std::string> connect_tls(TlsStream& stream, const Url& url,
                                         std::chrono::milliseconds timeout) {
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
        co_return "TLS: cannot set SNI host name";
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    auto& layer = beast::get_lowest_layer(stream);
    auto error = co_await connect_layer(layer, url, timeout);
    if (!error.empty()) co_return error;
    layer.expires_after(timeout);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                          asio::as_tuple(asio::use_awaitable));
    if (handshake_ec) co_return describe_error("TLS handshake with " + url.host, handshake_ec);
    co_return std::string();
}

}  // namespace spreekbuis::connectors::http
