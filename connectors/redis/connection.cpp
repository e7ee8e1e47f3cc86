#include "connectors/redis/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "connectors/http/connect.hpp"
#include "connectors/sources/source_support.hpp"

namespace spreekbuis::connectors::redis {

namespace asio = boost::asio;
namespace beast = boost::beast;

Connection::Connection(asio::any_io_executor executor, ReplyLimits limits,
                       std::shared_ptr<asio::ssl::context> tls)
    : tls_context_(std::move(tls)), stream_(executor), parser_(limits) {
    if (tls_context_) tls_ = std::make_unique<http::TlsStream>(executor, *tls_context_);
}

asio::awaitable<std::string> Connection::connect(const std::string& host, const std::string& port,
                                                 std::chrono::milliseconds timeout) {
    http::Url url;
    url.host = host;
    url.port = port;
    url.target = "/";
    url.tls = tls_ != nullptr;
    if (tls_) co_return co_await http::connect_tls(*tls_, url, timeout);
    co_return co_await http::connect_plain(stream_, url, timeout);
}

asio::awaitable<std::string> Connection::call(const std::vector<std::string_view>& args,
                                              Reply& reply, std::chrono::milliseconds timeout) {
    const std::string request = encode_command(args);
    if (tls_) {
        co_return co_await exchange(*tls_, beast::get_lowest_layer(*tls_), request, reply, timeout);
    }
    co_return co_await exchange(stream_, stream_, request, reply, timeout);
}

template <typename Stream>
asio::awaitable<std::string> Connection::exchange(Stream& stream, beast::tcp_stream& layer,
                                                  const std::string& request, Reply& reply,
                                                  std::chrono::milliseconds timeout) {
    layer.expires_after(timeout);
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(request),
                                                          asio::as_tuple(asio::use_awaitable));
    if (write_ec) co_return http::describe_error("send", write_ec);
    while (true) {
        switch (parser_.next(reply)) {
            case ReplyParser::Status::complete:
                layer.expires_never();
                co_return std::string();
            case ReplyParser::Status::malformed:
                co_return "malformed reply: " + parser_.error();
            case ReplyParser::Status::incomplete:
                break;
        }
        auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(buffer_),
                                                            asio::as_tuple(asio::use_awaitable));
        if (read_ec) co_return http::describe_error("receive", read_ec);
        parser_.feed(std::string_view(buffer_.data(), n));
    }
}

std::string expect_ok(const Reply& reply) {
    if (reply.kind == Reply::Kind::simple && reply.text == "OK") return {};
    if (reply.is_error()) return sources::shown(reply.text, 200);
    return "unexpected reply";
}

}  // namespace spreekbuis::connectors::redis
