#pragma once
// A scriptable HTTP peer on 127.0.0.1 for delivery tests: answers, hangs or resets per request.
// Runs on the test's io_context (one thread).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/sinks/classify.hpp"

namespace spreekbuis::testing {

struct FakeRequest {
    std::string method;
    std::string target;
    connectors::sinks::Headers headers;
    std::string body;
    std::string header(std::string_view name) const {
        const auto v = connectors::sinks::find_header(headers, name);
        return v ? std::string(*v) : std::string();
    }
};

struct FakeReply {
    enum class Action { respond, hang, reset } action = Action::respond;
    int status = 200;
    connectors::sinks::Headers headers;
    std::string body;
};

class FakeHttpServer {
  public:
    using Handler = std::function<FakeReply(const FakeRequest&)>;

    FakeHttpServer(boost::asio::io_context& io, Handler handler, unsigned short port = 0)
        : io_(io), acceptor_(io), handler_(std::move(handler)) {
        namespace asio = boost::asio;
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(io_, accept_loop(), asio::detached);
    }
    ~FakeHttpServer() { stop(); }

    unsigned short port() const { return port_; }
    std::string url(std::string_view path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    const std::vector<FakeRequest>& requests() const { return requests_; }

    void stop() {
        boost::system::error_code ec;
        acceptor_.close(ec);
        for (auto& socket : open_) socket->close(ec);
        open_.clear();
    }

    // A port that refuses connections right now (bound, then released).
    static unsigned short closed_port(boost::asio::io_context& io) {
        namespace asio = boost::asio;
        asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
        const unsigned short port = probe.local_endpoint().port();
        probe.close();
        return port;
    }

  private:
    boost::asio::awaitable<void> accept_loop() {
        namespace asio = boost::asio;
        for (;;) {
            auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
            auto [ec] =
                co_await acceptor_.async_accept(*socket, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            open_.push_back(socket);
            asio::co_spawn(io_, serve(socket), asio::detached);
        }
    }

    boost::asio::awaitable<void> serve(std::shared_ptr<boost::asio::ip::tcp::socket> socket) {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        auto [ec, n] = co_await http::async_read(*socket, buffer, request,
                                                 asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec) co_return;
        FakeRequest seen;
        seen.method = std::string(request.method_string());
        seen.target = std::string(request.target());
        for (const auto& field : request) {
            seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        seen.body = request.body();
        requests_.push_back(seen);
        const FakeReply reply = handler_(seen);
        if (reply.action == FakeReply::Action::hang) co_return;  // socket stays open in open_
        if (reply.action == FakeReply::Action::reset) {
            boost::system::error_code ignored;
            socket->set_option(asio::socket_base::linger(true, 0), ignored);
            socket->close(ignored);
            co_return;
        }
        http::response<http::string_body> response;
        response.version(11);
        response.result(static_cast<unsigned>(reply.status));
        for (const auto& [name, value] : reply.headers) response.set(name, value);
        response.body() = reply.body;
        response.keep_alive(false);
        response.prepare_payload();
        auto [write_ec, written] =
            co_await http::async_write(*socket, response, asio::as_tuple(asio::use_awaitable));
        (void)write_ec;
        (void)written;
        boost::system::error_code ignored;
        socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    }

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    Handler handler_;
    unsigned short port_ = 0;
    std::vector<FakeRequest> requests_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> open_;
};

// Runs the io_context until `done` holds or `limit` passes; no sleeping.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (io.stopped()) io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace spreekbuis::testing
