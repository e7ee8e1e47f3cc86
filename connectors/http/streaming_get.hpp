#pragma once
// One long-lived HTTP/1.1 GET for the streaming sources: connects (plain or TLS, through
// connect.hpp), sends the request, reads the response header, and then either the start of the
// body of an unwanted answer or the whole de-chunked body piece by piece with a read timeout.
// A StreamingGet is one connection attempt, used from one coroutine on one executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/http/connect.hpp"
#include "connectors/http/http_client.hpp"

namespace spreekbuis::connectors::http {

// The Host header for `url`: IPv6 hosts in brackets, the port only when it is not the default.
std::string host_header(const Url& url);

struct StreamingTimeouts {
    std::chrono::milliseconds connect{10000};  // connect + TLS handshake, and writing the GET
    std::chrono::milliseconds read{90000};     // the header, then each read of the body
};

// How a body read ended; `error` says it in words ("the server closed the stream").
struct BodyEnd {
    enum class Why {
        stopped,      // the piece callback returned false
        read_failed,  // read timeout, peer closed, or another read error
        ended,        // the body was complete
    };
    Why why = Why::stopped;
    std::string error;
};

class StreamingGet {
  public:
    using Fields = std::vector<std::pair<boost::beast::http::field, std::string>>;
    using PieceHandler = std::function<bool(std::string_view)>;

    // `tls` is used when `url` is https and must then be non-null.
    StreamingGet(boost::asio::any_io_executor executor,
                 std::shared_ptr<boost::asio::ssl::context> tls, Url url,
                 StreamingTimeouts timeouts);

    // Connects, sends GET with Host, User-Agent and `fields`, and reads the response header.
    // "" when the header arrived, else what failed.
    boost::asio::awaitable<std::string> open(const Fields& fields);

    // After open(): the status and a header field's value ("" when absent).
    int status() const;
    std::string_view header(std::string_view name) const;

    // Up to the first 300 body bytes, raw (for the error text of a non-200 answer).
    boost::asio::awaitable<std::string> read_body_start();

    // Hands each de-chunked body piece to `on_piece` until it returns false, the body ends, or
    // a read fails (the read timeout included).
    boost::asio::awaitable<BodyEnd> read_body(const PieceHandler& on_piece);

  private:
    template <typename Stream>
    boost::asio::awaitable<std::string> open_on(Stream& stream, boost::beast::tcp_stream& layer,
                                                const Fields& fields);
    template <typename Stream>
    boost::asio::awaitable<std::string> body_start_on(Stream& stream,
                                                      boost::beast::tcp_stream& layer);
    template <typename Stream>
    boost::asio::awaitable<BodyEnd> body_on(Stream& stream, boost::beast::tcp_stream& layer,
                                            const PieceHandler& on_piece);

    boost::asio::any_io_executor executor_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    Url url_;
    StreamingTimeouts timeouts_;
    std::optional<PlainStream> plain_;
    std::optional<TlsStream> secure_;
    boost::beast::flat_buffer buffer_;
    boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
};

}  // namespace spreekbuis::connectors::http
