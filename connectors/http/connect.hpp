#pragma once
// Opening a client connection: resolve, TCP connect and, for TLS, the handshake with SNI and
// certificate + host name verification, all within one timeout. Shared by the HTTP client of
// the sinks and the streaming clients of the sources. Use from the stream's executor.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <string>

#include "connectors/http/http_client.hpp"

namespace spreekbuis::connectors::http {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Both return "" when connected, else what failed ("connect example.org:443: Connection
// refused", "resolve example.org: timed out").
boost::asio::awaitable<std::string> connect_plain(PlainStream& stream, const Url& url,
                                                  std::chrono::milliseconds timeout);
boost::asio::awaitable<std::string> connect_tls(TlsStream& stream, const Url& url,
                                                std::chrono::milliseconds timeout);

// "step: message", with "timed out" for Beast's and Asio's timeouts.
std::string describe_error(std::string_view step, const boost::system::error_code& ec);

}  // namespace spreekbuis::connectors::http
