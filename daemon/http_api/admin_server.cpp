#include "daemon/http_api/admin_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

#include "connectors/sinks/text.hpp"

namespace spreekbuis::daemon::http_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using connectors::sinks::CaseAction;
using connectors::sinks::escape_html;
using connectors::sinks::TokenCheck;

std::optional<std::string> url_decode(std::string_view text, bool plus_as_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex(text[i + 1]);
            const int lo = hex(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            c = ' ';
        }
        if (c == '\0') return std::nullopt;
        out.push_back(c);
    }
    return out;
}

std::optional<std::string> form_value(std::string_view form, std::string_view name) {
    while (!form.empty()) {
        const std::size_t amp = form.find('&');
        const std::string_view pair = form.substr(0, amp);
        const std::size_t eq = pair.find('=');
        const auto key = url_decode(pair.substr(0, eq), true);
        if (key && *key == name) {
            if (eq == std::string_view::npos) return std::string();
            return url_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) break;
        form.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

namespace {

AdminReply text_reply(int status, std::string body) {
    AdminReply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.body += "\n";
    return reply;
}

AdminReply html_reply(int status, std::string_view title, const std::string& inner_html) {
    AdminReply reply;
    reply.status = status;
    reply.content_type = "text/html; charset=utf-8";
    reply.body =
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" "
        "content=\"noindex\"><title>" +
        escape_html(title) + "</title></head><body><h1>" + escape_html(title) + "</h1>" +
        inner_html + "</body></html>\n";
    reply.headers.emplace_back("Cache-Control", "no-store");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
    reply.headers.emplace_back("Content-Security-Policy", "default-src 'none'; form-action 'self'");
    return reply;
}

std::string_view verb_label(CaseAction action) {
    switch (action) {
        case CaseAction::ack:
            return "Acknowledge";
        case CaseAction::resolve:
            return "Resolve";
        case CaseAction::reassign:
            return "Reassign";
    }
    return "Acknowledge";
}

bool parse_listen(const std::string& listen, tcp::endpoint& endpoint, std::string& error) {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) {
        error = "listen address '" + listen + "' must be host:port";
        return false;
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") host = "127.0.0.1";
    unsigned port = 0;
    const std::string digits = listen.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) {
        error = "bad port in listen address '" + listen + "'";
        return false;
    }
    boost::system::error_code address_ec;
    const auto address = asio::ip::make_address(host, address_ec);
    if (address_ec) {
        error = "listen host '" + host + "' must be an IP address";
        return false;
    }
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(port));
    return true;
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io, AdminOptions options)
    : io_(io), acceptor_(asio::make_strand(io)), options_(std::move(options)) {}

AdminServer::~AdminServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

std::unique_ptr<AdminServer> AdminServer::create(asio::io_context& io, AdminOptions options,
                                                 std::string& error) {
    tcp::endpoint endpoint;
    if (!parse_listen(options.listen, endpoint, error)) return nullptr;
    std::unique_ptr<AdminServer> server(new AdminServer(io, std::move(options)));
    boost::system::error_code ec;
    server->acceptor_.open(endpoint.protocol(), ec);
    if (!ec) server->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) server->acceptor_.bind(endpoint, ec);
    if (!ec) server->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = "admin API cannot listen on " + server->options_.listen + ": " + ec.message();
        return nullptr;
    }
    server->port_ = server->acceptor_.local_endpoint(ec).port();
    return server;
}

std::int64_t AdminServer::now_ms() const {
    if (options_.now_ms) return options_.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void AdminServer::set_case_handler(std::shared_ptr<CaseActionHandler> handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
}

void AdminServer::add_metrics_hook(std::function<std::string()> hook) {
    std::lock_guard lock(mutex_);
    metrics_hooks_.push_back(std::move(hook));
}

void AdminServer::set_health_check(std::function<std::string()> check) {
    std::lock_guard lock(mutex_);
    health_check_ = std::move(check);
}

AdminReply AdminServer::handle(std::string_view method, std::string_view target,
                               std::string_view body, std::string_view content_type) {
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    if (path == "/healthz") {
        if (method != "GET" && method != "HEAD") return text_reply(405, "method not allowed");
        std::function<std::string()> check;
        {
            std::lock_guard lock(mutex_);
            check = health_check_;
        }
        const std::string problem = check ? check() : "";
        return problem.empty() ? text_reply(200, "ok") : text_reply(503, problem);
    }
    if (path == "/metrics") {
        if (method != "GET" && method != "HEAD") return text_reply(405, "method not allowed");
        std::vector<std::function<std::string()>> hooks;
        {
            std::lock_guard lock(mutex_);
            hooks = metrics_hooks_;
        }
        AdminReply reply;
        reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
        for (const auto& hook : hooks) reply.body += hook();
        return reply;
    }
    if (path.rfind("/cases/", 0) == 0) return handle_case(method, path, query, body, content_type);
    return text_reply(404, "not found");
}

AdminReply AdminServer::handle_case(std::string_view method, std::string_view path,
                                    std::string_view query, std::string_view body,
                                    std::string_view content_type) {
    // /cases/{id}/{action}
    const std::string_view rest = path.substr(7);
    const std::size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return text_reply(404, "not found");
    const auto case_id = url_decode(rest.substr(0, slash), false);
    const auto action = connectors::sinks::parse_case_action(rest.substr(slash + 1));
    if (!case_id || case_id->empty() || !action) return text_reply(404, "not found");
    if (method != "GET" && method != "POST") return text_reply(405, "method not allowed");

    const std::string token = form_value(query, "token").value_or("");
    std::string to = form_value(query, "to").value_or("");
    const bool is_form = content_type.rfind("application/x-www-form-urlencoded", 0) == 0;
    if (method == "POST" && is_form) {
        if (const auto v = form_value(body, "to")) to = *v;
    }
    if (options_.secret.empty()) return text_reply(503, "action links are not configured");
    const TokenCheck check = connectors::sinks::verify_action_token(
        options_.secret, *case_id, *action, token, now_ms() / 1000);
    if (check != TokenCheck::ok) {
        const std::string why = check == TokenCheck::expired
                                    ? "This link has expired."
                                    : "This link is not valid for this case.";
        return html_reply(403, "Link not accepted", "<p>" + escape_html(why) + "</p>");
    }

    const std::string title = std::string(verb_label(*action)) + " case " + *case_id;
    if (method == "GET") {
        // Confirmation only: link previews and crawlers must not change a case.
        std::string form = "<form method=\"post\" action=\"/cases/" +
                           escape_html(connectors::sinks::url_encode(*case_id)) + "/" +
                           std::string(connectors::sinks::to_string(*action)) +
                           "?token=" + escape_html(connectors::sinks::url_encode(token)) + "\">";
        if (*action == CaseAction::reassign) {
            form += "<label>Reassign to (person id): <input name=\"to\" required value=\"" +
                    escape_html(to) + "\"></label> ";
        }
        form += "<button type=\"submit\">" + escape_html(verb_label(*action)) + "</button></form>";
        return html_reply(200, title, form);
    }
    if (*action == CaseAction::reassign && to.empty()) {
        return html_reply(400, title, "<p>Say whom to reassign the case to.</p>");
    }
    std::shared_ptr<CaseActionHandler> handler;
    {
        std::lock_guard lock(mutex_);
        handler = handler_;
    }
    if (!handler) return html_reply(503, title, "<p>The case service is not ready.</p>");
    const CaseActionResult result = handler->on_case_action({*case_id, *action, to});
    std::string message = result.message;
    if (message.empty()) message = result.status == 200 ? "Done." : "Not possible.";
    return html_reply(result.status, title, "<p>" + escape_html(message) + "</p>");
}

namespace {

asio::awaitable<void> serve(AdminServer* server, tcp::socket socket, AdminOptions options) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(16 * 1024);
    stream.expires_after(options.timeout);
    auto [read_ec, read] =
        co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)read;
    bhttp::response<bhttp::string_body> response;
    response.version(11);
    response.keep_alive(false);
    if (read_ec == bhttp::error::body_limit) {
        response.result(bhttp::status::payload_too_large);
        response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        response.body() = "request body too large\n";
    } else if (read_ec) {
        co_return;  // timeout, reset or garbage: nothing useful to answer
    } else {
        const auto& request = parser.get();
        const AdminReply reply =
            server->handle(request.method_string(), request.target(), request.body(),
                           request[bhttp::field::content_type]);
        response.result(static_cast<unsigned>(reply.status));
        response.set(bhttp::field::content_type, reply.content_type);
        for (const auto& [name, value] : reply.headers) response.set(name, value);
        if (request.method() != bhttp::verb::head) response.body() = reply.body;
    }
    response.set(bhttp::field::server, "spreekbuis");
    response.prepare_payload();
    stream.expires_after(options.timeout);
    auto [write_ec, written] =
        co_await bhttp::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    (void)write_ec;
    (void)written;
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

void AdminServer::start() {
    asio::co_spawn(
        acceptor_.get_executor(),
        [this]() -> asio::awaitable<void> {
            for (;;) {
                auto [ec, socket] = co_await acceptor_.async_accept(
                    asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
                if (ec) {
                    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
                    spdlog::warn("admin API: accept failed: {}", ec.message());
                    asio::steady_timer pause(acceptor_.get_executor(),
                                             std::chrono::milliseconds(100));
                    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                    continue;
                }
                auto executor = socket.get_executor();
                asio::co_spawn(executor, serve(this, std::move(socket), options_), asio::detached);
            }
        },
        asio::detached);
}

void AdminServer::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
}

}  // namespace spreekbuis::daemon::http_api
