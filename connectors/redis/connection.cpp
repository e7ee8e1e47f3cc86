#include "connectors/redis/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "connectors/http/connect.hpp"
#include "connectors/sources/source_support.hpp"

namespace spreekbuis::connectors::redis {

namespace asio = boost::asio;

Connection::Connection(asio::any_io_executor executor, ReplyLimits limits)
    : stream_(std::move(executor)), parser_(limits) {}

asio::awaitable<std::string> Connection::connect(const std::string& host, const std::string& port,
                                                 std::chrono::milliseconds timeout) {
    http::Url url;
    url.host = host;
    url.port = port;
    url.target = "/";
    co_return co_await http::connect_plain(stream_, url, timeout);
}

asio::awaitable<std::string> Connection::call(const std::vector<std::string_view>& args,
                                              Reply& reply, std::chrono::milliseconds timeout) {
    const std::string request = encode_command(args);
    stream_.expires_after(timeout);
    auto [write_ec, written] = co_await asio::async_write(stream_, asio::buffer(request),
                                                          asio::as_tuple(asio::use_awaitable));
    if (write_ec) co_return http::describe_error("send", write_ec);
    while (true) {
        switch (parser_.next(reply)) {
            case ReplyParser::Status::complete:
                stream_.expires_never();
                co_return std::string();
            case ReplyParser::Status::malformed:
                co_return "malformed reply: " + parser_.error();
            case ReplyParser::Status::incomplete:
                break;
        }
        auto [read_ec, n] = co_await stream_.async_read_some(asio::buffer(buffer_),
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
