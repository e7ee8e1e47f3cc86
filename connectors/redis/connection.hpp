#pragma once
// One client connection to a Redis server over TCP, or TLS when given a client context: one
// command in flight, each round trip within a timeout. Owned by one coroutine; use it on that
// coroutine's executor only.
#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/connect.hpp"
#include "connectors/redis/resp.hpp"

namespace spreekbuis::connectors::redis {

class Connection {
  public:
    // With `tls`, the connection is TLS: SNI and the server's certificate checked against the
    // context's trusted CAs and the host name (as connect_tls does for HTTPS).
    Connection(boost::asio::any_io_executor executor, ReplyLimits limits,
               std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

    // "" when connected, else what failed ("connect 127.0.0.1:6379: Connection refused",
    // "TLS handshake with redis.internal: certificate verify failed").
    boost::asio::awaitable<std::string> connect(const std::string& host, const std::string& port,
                                                std::chrono::milliseconds timeout);
    // Sends a command and reads its reply. "" when a reply came (an error reply too: check
    // reply.is_error()); else the transport failure, after which the connection is unusable.
    boost::asio::awaitable<std::string> call(const std::vector<std::string_view>& args,
                                             Reply& reply, std::chrono::milliseconds timeout);

  private:
    template <typename Stream>
    boost::asio::awaitable<std::string> exchange(Stream& stream, boost::beast::tcp_stream& layer,
                                                 const std::string& request, Reply& reply,
                                                 std::chrono::milliseconds timeout);

    std::shared_ptr<boost::asio::ssl::context> tls_context_;  // kept alive for tls_
    http::PlainStream stream_;
    std::unique_ptr<http::TlsStream> tls_;
    ReplyParser parser_;
    std::array<char, 16 * 1024> buffer_{};
};

// A reply that should be a plain "+OK": "" when it is, else a description.
std::string expect_ok(const Reply& reply);

}  // namespace spreekbuis::connectors::redis
