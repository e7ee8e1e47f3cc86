#include "connectors/http/streaming_get.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace spreekbuis::connectors::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kRawBufferLimit = 1 << 20;
constexpr std::size_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kBodyStartBytes = 300;
constexpr std::size_t kPieceBytes = 16 * 1024;

}  // namespace

std::string host_header(const Url& url) {
    const bool default_port = url.port == (url.tls ? "443" : "80");
    const std::string host =
        url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    return default_port ? host : host + ":" + url.port;
}

StreamingGet::StreamingGet(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                           Url url, StreamingTimeouts timeouts)
    : executor_(std::move(executor)),
      tls_(std::move(tls)),
      url_(std::move(url)),
      timeouts_(timeouts),
      buffer_(kRawBufferLimit) {
    parser_.header_limit(kHeaderLimit);
    parser_.body_limit(boost::none);
}

asio::awaitable<std::string> StreamingGet::open(const Fields& fields) {
    if (!url_.tls) {
        plain_.emplace(executor_);
        auto error = co_await connect_plain(*plain_, url_, timeouts_.connect);
        if (!error.empty()) co_return error;
        co_return co_await open_on(*plain_, *plain_, fields);
    }
    if (!tls_) co_return "https URL but no TLS context";
    secure_.emplace(executor_, *tls_);
    auto error = co_await connect_tls(*secure_, url_, timeouts_.connect);
    if (!error.empty()) co_return error;
    co_return co_await open_on(*secure_, beast::get_lowest_layer(*secure_), fields);
}

int StreamingGet::status() const { return static_cast<int>(parser_.get().result_int()); }

std::string_view StreamingGet::header(std::string_view name) const {
    const auto value = parser_.get()[beast::string_view(name.data(), name.size())];
    return std::string_view(value.data(), value.size());
}

asio::awaitable<std::string> StreamingGet::read_body_start() {
    if (plain_) co_return co_await body_start_on(*plain_, *plain_);
    if (secure_) co_return co_await body_start_on(*secure_, beast::get_lowest_layer(*secure_));
    co_return std::string();
}

asio::awaitable<BodyEnd> StreamingGet::read_body(const PieceHandler& on_piece) {
    if (plain_) co_return co_await body_on(*plain_, *plain_, on_piece);
    if (secure_) co_return co_await body_on(*secure_, beast::get_lowest_layer(*secure_), on_piece);
    co_return BodyEnd{BodyEnd::Why::read_failed, "read the stream: not connected"};
}

template <typename Stream>
asio::awaitable<std::string> StreamingGet::open_on(Stream& stream, beast::tcp_stream& layer,
                                                   const Fields& fields) {
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, url_.target, 11};
    request.set(bhttp::field::host, host_header(url_));
    request.set(bhttp::field::user_agent, "spreekbuis");
    for (const auto& [name, value] : fields) request.set(name, value);
    layer.expires_after(timeouts_.connect);
    auto [write_ec, written] =
        co_await bhttp::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (write_ec) co_return describe_error("send the stream request", write_ec);
    layer.expires_after(timeouts_.read);
    auto [header_ec, header_bytes] = co_await bhttp::async_read_header(
        stream, buffer_, parser_, asio::as_tuple(asio::use_awaitable));
    (void)header_bytes;
    if (header_ec) co_return describe_error("read the stream's response", header_ec);
    co_return std::string();
}

template <typename Stream>
asio::awaitable<std::string> StreamingGet::body_start_on(Stream& stream, beast::tcp_stream& layer) {
    std::array<char, kBodyStartBytes> start{};
    std::size_t filled = 0;
    for (int reads = 0; reads < 8 && filled < start.size() && !parser_.is_done(); ++reads) {
        parser_.get().body().data = start.data() + filled;
        parser_.get().body().size = start.size() - filled;
        layer.expires_after(std::chrono::seconds(5));
        auto [ec, read] = co_await bhttp::async_read_some(stream, buffer_, parser_,
                                                          asio::as_tuple(asio::use_awaitable));
        (void)read;
        filled = start.size() - parser_.get().body().size;
        if (ec && ec != bhttp::error::need_buffer) break;
    }
    co_return std::string(start.data(), filled);
}

template <typename Stream>
asio::awaitable<BodyEnd> StreamingGet::body_on(Stream& stream, beast::tcp_stream& layer,
                                               const PieceHandler& on_piece) {
    std::array<char, kPieceBytes> piece{};
    for (;;) {
        parser_.get().body().data = piece.data();
        parser_.get().body().size = piece.size();
        layer.expires_after(timeouts_.read);
        auto [read_ec, read] = co_await bhttp::async_read_some(stream, buffer_, parser_,
                                                               asio::as_tuple(asio::use_awaitable));
        (void)read;
        const std::size_t got = piece.size() - parser_.get().body().size;
        if (got > 0 && !on_piece(std::string_view(piece.data(), got))) {
            co_return BodyEnd{BodyEnd::Why::stopped, std::string()};
        }
        if (read_ec && read_ec != bhttp::error::need_buffer) {
            BodyEnd end{BodyEnd::Why::read_failed, std::string()};
            if (read_ec == beast::error::timeout) {
                end.error = "no data for " + std::to_string(timeouts_.read.count()) +
                            " ms (no heartbeat): the connection is dead";
            } else if (read_ec == bhttp::error::partial_message || read_ec == asio::error::eof) {
                end.error = "the server closed the stream";
            } else {
                end.error = describe_error("read the stream", read_ec);
            }
            co_return end;
        }
        if (parser_.is_done())
            co_return BodyEnd{BodyEnd::Why::ended, "the server ended the stream"};
    }
}

}  // namespace spreekbuis::connectors::http
