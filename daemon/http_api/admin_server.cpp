#include "daemon/http_api/admin_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
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

#include "connectors/sinks/alert_json.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sinks/text.hpp"
#include "daemon/http_api/case_api.hpp"
#include "daemon/http_api/json_fields.hpp"
#include "daemon/http_api/silence_api.hpp"
#include "rules/diagnostic.hpp"

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

std::optional<std::vector<std::pair<std::string, std::string>>> query_parameters(
    std::string_view query, std::string& error) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        auto name = url_decode(pair.substr(0, eq), true);
        auto value = url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!name || !value) {
            error = "the query string has a malformed %-escape";
            return std::nullopt;
        }
        for (const auto& [seen, unused] : out) {
            if (seen == *name) {
                error = "parameter " + quoted_name(*name) + " appears twice";
                return std::nullopt;
            }
        }
        out.emplace_back(std::move(*name), std::move(*value));
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

constexpr std::string_view kSilencesPath = "/api/v1/silences";
constexpr std::string_view kDeadLettersPath = "/api/v1/dead-letters";
constexpr std::string_view kRequeuePath = "/api/v1/dead-letters/requeue";
constexpr std::string_view kReloadPath = "/api/v1/reload";
constexpr std::string_view kCasesPath = "/api/v1/cases";
constexpr std::string_view kPeoplePath = "/api/v1/people";
constexpr std::string_view kDecisionsPath = "/api/v1/decisions";
constexpr std::size_t kMaxDecisionList = 1000;
constexpr std::size_t kMaxDeadLetterList = 1000;
constexpr std::size_t kMaxPathIdBytes = 1024;

AdminReply text_reply(int status, std::string body) {
    AdminReply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.body += "\n";
    return reply;
}

AdminReply json_reply(int status, std::string body) {
    AdminReply reply;
    reply.status = status;
    reply.content_type = "application/json";
    reply.body = std::move(body);
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

AdminReply json_error(int status, std::string_view message) {
    connectors::JsonWriter json;
    json.begin_object().field("error", message).end_object();
    return json_reply(status, json.take() + "\n");
}

// A handler's failure passed on to the client: its status when it is an HTTP error (else 500)
// and its message (else `fallback`).
AdminReply passed_on(int status, const std::string& message, std::string_view fallback) {
    return json_error(status >= 400 && status <= 599 ? status : 500,
                      message.empty() ? fallback : std::string_view(message));
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// The credentials of "Bearer <token>" (scheme case-insensitive); nullopt for anything else.
std::optional<std::string_view> bearer_token(std::string_view header) {
    const auto trim = [](std::string_view text) {
        while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
            text.remove_prefix(1);
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
        return text;
    };
    header = trim(header);
    const std::size_t space = header.find_first_of(" \t");
    if (space == std::string_view::npos || !iequals(header.substr(0, space), "bearer")) {
        return std::nullopt;
    }
    const std::string_view token = trim(header.substr(space + 1));
    if (token.empty()) return std::nullopt;
    return token;
}

// Compares digests, so neither the content nor the length of the token leaks through timing.
bool token_matches(std::string_view expected, std::string_view given) {
    return connectors::sinks::constant_time_equal(connectors::sinks::sha256(expected),
                                                  connectors::sinks::sha256(given));
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

void AdminServer::set_case_query_handler(std::shared_ptr<CaseQueryHandler> handler) {
    std::lock_guard lock(mutex_);
    case_query_handler_ = std::move(handler);
}

void AdminServer::set_people_handler(std::function<PeopleResult(const PeopleQuery&)> handler) {
    std::lock_guard lock(mutex_);
    people_handler_ = std::move(handler);
}

void AdminServer::set_presence_handler(PresenceHandler handler) {
    std::lock_guard lock(mutex_);
    presence_handler_ = std::move(handler);
}

void AdminServer::set_decisions_handler(
    std::function<DecisionsResult(const DecisionsQuery&)> handler) {
    std::lock_guard lock(mutex_);
    decisions_handler_ = std::move(handler);
}

void AdminServer::set_silence_handler(std::shared_ptr<SilenceHandler> handler) {
    std::lock_guard lock(mutex_);
    silence_handler_ = std::move(handler);
}

void AdminServer::set_dead_letter_handler(std::shared_ptr<DeadLetterHandler> handler) {
    std::lock_guard lock(mutex_);
    dead_letter_handler_ = std::move(handler);
}

void AdminServer::set_reload_handler(std::function<AdminReply()> handler) {
    std::lock_guard lock(mutex_);
    reload_handler_ = std::move(handler);
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
                               std::string_view body, std::string_view content_type,
                               std::string_view authorization) {
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
    if (path == kSilencesPath || path.rfind(std::string(kSilencesPath) + "/", 0) == 0) {
        return handle_silences(method, path, body, authorization);
    }
    if (path == kDeadLettersPath || path == kRequeuePath) {
        return handle_dead_letters(method, path, query, authorization);
    }
    if (path == kReloadPath) return handle_reload(method, authorization);
    if (path == kDecisionsPath) return handle_decisions(method, query, authorization);
    if (path == kPeoplePath || path.rfind(std::string(kPeoplePath) + "/", 0) == 0) {
        return handle_people(method, path, query, body, authorization);
    }
    if (path == kCasesPath || path.rfind(std::string(kCasesPath) + "/", 0) == 0) {
        return handle_case_api(method, path, query, body, authorization);
    }
    return text_reply(404, "not found");
}

AdminReply AdminServer::handle_reload(std::string_view method, std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "reloads")) return *refused;
    if (method != "POST") {
        AdminReply reply = json_error(405, "method not allowed: use POST");
        reply.headers.emplace_back("Allow", "POST");
        return reply;
    }
    std::function<AdminReply()> handler;
    {
        std::lock_guard lock(mutex_);
        handler = reload_handler_;
    }
    if (!handler) return json_error(503, "reloads are not available");
    return handler();
}

std::optional<AdminReply> AdminServer::refuse_unauthorized(std::string_view authorization,
                                                           std::string_view feature) const {
    if (options_.admin_token.empty()) {
        return json_error(
            403, std::string(feature) + " over the API are disabled: set http.admin_token");
    }
    const auto token = bearer_token(authorization);
    if (!token || !token_matches(options_.admin_token, *token)) {
        AdminReply reply = json_error(401, token ? "the bearer token is not accepted"
                                                 : "send 'Authorization: Bearer <token>' with "
                                                   "the value of http.admin_token");
        reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"spreekbuis\"");
        return reply;
    }
    return std::nullopt;
}

AdminReply AdminServer::handle_dead_letters(std::string_view method, std::string_view path,
                                            std::string_view query,
                                            std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "dead letters")) return *refused;
    const bool requeue = path == kRequeuePath;
    if (requeue ? method != "POST" : (method != "GET" && method != "HEAD")) {
        AdminReply reply = json_error(
            405, requeue ? "method not allowed: use POST" : "method not allowed: use GET");
        reply.headers.emplace_back("Allow", requeue ? "POST" : "GET, HEAD");
        return reply;
    }
    const auto sink = form_value(query, "sink");
    if (sink && (sink->size() > 256 || has_control(*sink))) {
        return json_error(400, "'sink' is not a sink name");
    }
    std::size_t limit = 100;
    if (const auto text = form_value(query, "limit")) {
        std::size_t parsed = 0;
        const auto* end = text->data() + text->size();
        const auto [at, ec] = std::from_chars(text->data(), end, parsed);
        if (ec != std::errc() || at != end || parsed == 0 || parsed > kMaxDeadLetterList) {
            return json_error(400, "'limit' must be a whole number from 1 to " +
                                       std::to_string(kMaxDeadLetterList));
        }
        limit = parsed;
    }
    if (requeue && (!sink || sink->empty())) {
        return json_error(400, "say which sink: POST " + std::string(kRequeuePath) +
                                   "?sink=NAME (after fixing what made it refuse the alerts)");
    }
    std::shared_ptr<DeadLetterHandler> handler;
    {
        std::lock_guard lock(mutex_);
        handler = dead_letter_handler_;
    }
    if (!handler) return json_error(503, "the outbox is not available (no chat sink configured)");
    const DeadLetterResult result = requeue ? handler->requeue_dead_letters(*sink)
                                            : handler->list_dead_letters(sink.value_or(""), limit);
    if (result.status != 200) {
        return passed_on(result.status, result.message, "the outbox could not be read");
    }
    connectors::JsonWriter json;
    json.begin_object();
    if (requeue) {
        json.field("sink", *sink).field("requeued", result.requeued);
    } else {
        json.key("dead_letters").begin_array();
        for (const auto& entry : result.entries) {
            const auto alert = connectors::sinks::alert_from_json(entry.payload);
            json.begin_object()
                .field("id", entry.id)
                .field("sink", entry.sink)
                .field("destination", entry.destination)
                .field("kind", alert ? std::string(connectors::to_string(alert->kind)) : "")
                .field("case_id", alert ? alert->case_id : "")
                .field("title", alert ? alert->title : "")
                .field("attempts", entry.attempts)
                .field("last_error", entry.last_error)
                .field("created_at", entry.created_ms)
                .field("dead_since", entry.updated_ms)
                .end_object();
        }
        json.end_array();
    }
    json.end_object();
    return json_reply(200, json.take() + "\n");
}

AdminReply AdminServer::handle_silences(std::string_view method, std::string_view path,
                                        std::string_view body, std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "silences")) return *refused;
    std::optional<std::string> id;
    if (path.size() > kSilencesPath.size()) {
        // Not only valid_silence_id: the configuration's silences may have other ids.
        id = url_decode(path.substr(kSilencesPath.size() + 1), false);
        if (!id || id->empty() || id->size() > kMaxPathIdBytes || has_control(*id)) {
            return json_error(404, "no such silence");
        }
    }
    const bool is_collection = !id;
    if (is_collection && method != "GET" && method != "HEAD" && method != "POST") {
        AdminReply reply = json_error(405, "method not allowed: use GET or POST");
        reply.headers.emplace_back("Allow", "GET, HEAD, POST");
        return reply;
    }
    if (!is_collection && method != "DELETE") {
        AdminReply reply = json_error(405, "method not allowed: use DELETE");
        reply.headers.emplace_back("Allow", "DELETE");
        return reply;
    }
    if (body.size() > options_.body_limit) return json_error(413, "request body too large");

    std::shared_ptr<SilenceHandler> handler;
    {
        std::lock_guard lock(mutex_);
        handler = silence_handler_;
    }
    const std::int64_t now = now_ms();

    if (method == "GET" || method == "HEAD") {
        if (!handler) return json_error(503, "the silence service is not ready");
        const SilenceResult result = handler->list_silences(now);
        if (result.status != 200)
            return passed_on(result.status, result.message, "could not list the silences");
        return json_reply(200, silences_json(result.silences, now));
    }
    if (method == "POST") {
        SilenceParse parsed = parse_silence_request(body, now);
        if (!parsed.silence) return json_error(400, parsed.error);
        delivery::Silence& silence = *parsed.silence;
        if (silence.id.empty()) silence.id = new_silence_id();
        if (silence.id.empty()) return json_error(500, "could not generate a silence id");
        if (!handler) return json_error(503, "the silence service is not ready");
        const SilenceResult result = handler->add_silence(silence, now);
        if (result.status != 201 && result.status != 200) {
            return passed_on(result.status, result.message, "the silence was not stored");
        }
        const delivery::Silence& stored = result.silences.empty() ? silence : result.silences[0];
        connectors::JsonWriter json;
        write_silence_json(json, stored, now);
        AdminReply reply = json_reply(201, json.take() + "\n");
        reply.headers.emplace_back("Location", std::string(kSilencesPath) + "/" +
                                                   connectors::sinks::url_encode(stored.id));
        return reply;
    }
    if (!handler) return json_error(503, "the silence service is not ready");
    const SilenceResult result = handler->remove_silence(*id);
    if (result.status == 204 || result.status == 200) {
        AdminReply reply;
        reply.status = 204;
        reply.content_type.clear();
        reply.headers.emplace_back("Cache-Control", "no-store");
        return reply;
    }
    if (result.status == 404) {
        return json_error(404, result.message.empty() ? "no silence '" + id->substr(0, 64) + "'"
                                                      : result.message);
    }
    return passed_on(result.status, result.message, "the silence was not removed");
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
    const CaseActionResult result = handler->on_case_action({*case_id, *action, to, "chat", ""});
    std::string message = result.message;
    if (message.empty()) message = result.status == 200 ? "Done." : "Not possible.";
    return html_reply(result.status, title, "<p>" + escape_html(message) + "</p>");
}

namespace {

AdminReply method_not_allowed(std::string_view allow) {
    AdminReply reply = json_error(405, "method not allowed: use " + std::string(allow));
    reply.headers.emplace_back("Allow", std::string(allow) == "GET" ? "GET, HEAD" : "POST");
    return reply;
}

std::string display_name(const CaseQueryResult& result, const std::string& person) {
    const auto it = result.names.find(person);
    return it == result.names.end() ? "" : it->second;
}

}  // namespace

AdminReply AdminServer::handle_people(std::string_view method, std::string_view path,
                                      std::string_view query, std::string_view body,
                                      std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "people")) return *refused;
    if (path != kPeoplePath) {  // /api/v1/people/{id}/presence
        constexpr std::string_view kSuffix = "/presence";
        std::string_view rest = path.substr(kPeoplePath.size() + 1);
        if (rest.size() <= kSuffix.size() || rest.substr(rest.size() - kSuffix.size()) != kSuffix) {
            return json_error(404, "not found (POST or DELETE /api/v1/people/{id}/presence)");
        }
        const auto person = url_decode(rest.substr(0, rest.size() - kSuffix.size()), false);
        if (!person || person->empty() || person->size() > kMaxPathIdBytes ||
            has_control(*person) || person->find('/') != std::string::npos) {
            return json_error(404, "no such person");
        }
        if (method != "POST" && method != "DELETE") {
            AdminReply reply = json_error(405, "method not allowed: use POST or DELETE");
            reply.headers.emplace_back("Allow", "POST, DELETE");
            return reply;
        }
        std::optional<routing::Presence> presence;
        if (method == "POST") {
            PresenceParse parsed = parse_presence_request(body, now_ms());
            if (!parsed.presence) return json_error(400, parsed.error);
            presence = std::move(parsed.presence);
            presence->person = *person;
        }
        PresenceHandler handler;
        {
            std::lock_guard lock(mutex_);
            handler = presence_handler_;
        }
        if (!handler) return json_error(503, "people are not available (no people directory)");
        const PeopleResult result = handler(*person, presence);
        if (result.status != 200) {
            return passed_on(result.status, result.message, "the presence could not be changed");
        }
        return json_reply(200, result.body);
    }
    if (method != "GET" && method != "HEAD") return method_not_allowed("GET");
    const PeopleQueryParse parsed = parse_people_query(query);
    if (!parsed.query) return json_error(400, parsed.error);
    std::function<PeopleResult(const PeopleQuery&)> handler;
    {
        std::lock_guard lock(mutex_);
        handler = people_handler_;
    }
    if (!handler) return json_error(503, "people are not available (no people directory)");
    const PeopleResult result = handler(*parsed.query);
    if (result.status != 200) {
        return passed_on(result.status, result.message, "the people could not be read");
    }
    return json_reply(200, result.body);
}

AdminReply AdminServer::handle_decisions(std::string_view method, std::string_view query,
                                         std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "decisions")) return *refused;
    if (method != "GET" && method != "HEAD") return method_not_allowed("GET");
    std::string error;
    const auto parameters = query_parameters(query, error);
    if (!parameters) return json_error(400, error);
    DecisionsQuery wanted;
    bool have_last = false;
    for (const auto& [name, value] : *parameters) {
        if (value.size() > kMaxPathIdBytes || has_control(value)) {
            return json_error(
                400, "parameter " + quoted_name(name) + " is too long or holds control characters");
        }
        if (name == "post_id" || name == "source") {
            if (value.empty()) return json_error(400, quoted_name(name) + " must not be empty");
            (name == "post_id" ? wanted.post_id : wanted.source) = value;
        } else if (name == "last") {
            std::size_t last = 0;
            const char* end = value.data() + value.size();
            const auto [at, ec] = std::from_chars(value.data(), end, last);
            if (ec != std::errc() || at != end || last == 0 || last > kMaxDecisionList) {
                return json_error(400, "'last' must be a whole number from 1 to " +
                                           std::to_string(kMaxDecisionList));
            }
            wanted.last = last;
            have_last = true;
        } else {
            std::string message = "unknown parameter " + quoted_name(name);
            const std::string hint = rules::closest_match(name, {"post_id", "source", "last"});
            message +=
                hint.empty() ? "; known: post_id, source, last" : "; did you mean '" + hint + "'?";
            return json_error(400, message);
        }
    }
    if (!wanted.post_id.empty() && have_last) {
        return json_error(400, "give either 'post_id' (with 'source') or 'last', not both");
    }
    if (wanted.post_id.empty() && !wanted.source.empty()) {
        return json_error(400, "'source' narrows a 'post_id'; give the post_id too");
    }
    std::function<DecisionsResult(const DecisionsQuery&)> handler;
    {
        std::lock_guard lock(mutex_);
        handler = decisions_handler_;
    }
    if (!handler) return json_error(503, "the decision log is not available");
    const DecisionsResult result = handler(wanted);
    if (result.status != 200) {
        return passed_on(result.status, result.message, "the decision log could not be read");
    }
    connectors::JsonWriter json;
    json.begin_object().key("decisions").begin_array();
    for (const auto& decision : result.decisions) {
        json.begin_object()
            .field("seq", decision.seq)
            .field("at", decision.at_ms)
            .field("source", decision.source)
            .field("post_id", decision.post_id)
            .key("record")
            .raw(decision.record)
            .end_object();
    }
    json.end_array().end_object();
    return json_reply(200, json.take() + "\n");
}

AdminReply AdminServer::handle_case_api(std::string_view method, std::string_view path,
                                        std::string_view query, std::string_view body,
                                        std::string_view authorization) {
    if (auto refused = refuse_unauthorized(authorization, "cases")) return *refused;
    std::shared_ptr<CaseQueryHandler> queries;
    std::shared_ptr<CaseActionHandler> actions;
    {
        std::lock_guard lock(mutex_);
        queries = case_query_handler_;
        actions = handler_;
    }
    if (!queries) return json_error(503, "cases are not available (no people directory)");
    const bool is_get = method == "GET" || method == "HEAD";

    if (path == kCasesPath) {  // the queue
        if (!is_get) return method_not_allowed("GET");
        const CaseQueryParse parsed = parse_case_query(query);
        if (!parsed.query) return json_error(400, parsed.error);
        const CaseQueryResult result = queries->list_cases(*parsed.query);
        if (result.status != 200) {
            return passed_on(result.status, result.message, "the cases could not be read");
        }
        connectors::JsonWriter json;
        json.begin_object().key("cases").begin_array();
        for (const auto& item : result.selection.cases) {
            write_case_json(json, item, display_name(result, item.assignee), result.now_ms);
        }
        json.end_array()
            .field("count", static_cast<std::int64_t>(result.selection.cases.size()))
            .field("total", static_cast<std::int64_t>(result.selection.total))
            .field("now", result.now_ms);
        if (!parsed.query->customer.empty()) {
            json.key("customer").begin_object().field("id", parsed.query->customer);
            if (result.last_helper) {
                json.field("last_helper", result.last_helper->first)
                    .field("last_helper_name", display_name(result, result.last_helper->first))
                    .field("last_helped_at", result.last_helper->second);
            } else {
                json.key("last_helper").null();
            }
            json.end_object();
        }
        json.end_object();
        return json_reply(200, json.take() + "\n");
    }

    // /api/v1/cases/{id} or /api/v1/cases/{id}/{action}
    std::string_view rest = path.substr(kCasesPath.size() + 1);
    std::optional<CaseAction> action;
    bool note = false;
    bool priority = false;
    if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
        note = rest.substr(slash + 1) == "note";
        priority = rest.substr(slash + 1) == "priority";
        action = connectors::sinks::parse_case_action(rest.substr(slash + 1));
        if (!action && !note && !priority) {
            return json_error(404, "no such case action (ack, resolve, reassign, note, priority)");
        }
        rest = rest.substr(0, slash);
    }
    const auto case_id = url_decode(rest, false);
    if (!case_id || case_id->empty() || case_id->size() > kMaxPathIdBytes ||
        has_control(*case_id)) {
        return json_error(404, "no such case");
    }
    if (note || priority) {
        if (method != "POST") return method_not_allowed("POST");
        const CaseActionParse parsed =
            note ? parse_case_note_body(body) : parse_case_priority_body(body);
        if (!parsed.body) return json_error(400, parsed.error);
        if (!actions) return json_error(503, "case actions are not available");
        const std::string actor =
            "api:" + (parsed.body->by.empty() ? std::string("admin") : parsed.body->by);
        const CaseActionResult done =
            note ? actions->on_case_note(*case_id, actor, parsed.body->note)
                 : actions->on_case_priority(*case_id, actor, *parsed.body->priority,
                                             parsed.body->note);
        if (done.status != 200) return passed_on(done.status, done.message, "not possible");
    } else if (!action) {
        if (!is_get) return method_not_allowed("GET");
    } else {
        if (method != "POST") return method_not_allowed("POST");
        const CaseActionParse parsed = parse_case_action_body(body, *action);
        if (!parsed.body) return json_error(400, parsed.error);
        if (!actions) return json_error(503, "case actions are not available");
        const CaseActionRequest request{
            *case_id, *action, parsed.body->to,
            "api:" + (parsed.body->by.empty() ? std::string("admin") : parsed.body->by),
            parsed.body->note};
        const CaseActionResult done = actions->on_case_action(request);
        if (done.status != 200) return passed_on(done.status, done.message, "not possible");
    }
    const CaseQueryResult result = queries->get_case(*case_id);
    if (result.status != 200 || !result.item) {
        return passed_on(result.status == 200 ? 404 : result.status, result.message,
                         "no such case");
    }
    connectors::JsonWriter json;
    json.begin_object().key("case");
    write_case_json(json, *result.item, display_name(result, result.item->assignee), result.now_ms);
    json.key("audit").begin_array();
    for (const auto& entry : result.audit) write_audit_json(json, entry);
    json.end_array().end_object();
    return json_reply(200, json.take() + "\n");
}

void AdminServer::set_hook_handler(std::function<AdminReply(const HookRequest&)> handler) {
    std::lock_guard lock(mutex_);
    hook_handler_ = std::move(handler);
}

AdminReply AdminServer::handle_hook(std::string_view method, std::string_view target,
                                    std::vector<std::pair<std::string, std::string>> headers,
                                    std::string_view body) {
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    std::function<AdminReply(const HookRequest&)> handler;
    {
        std::lock_guard lock(mutex_);
        handler = hook_handler_;
    }
    const auto name = url_decode(path.substr(7), false);
    if (!handler || !name || name->empty() || name->find('/') != std::string::npos) {
        return AdminReply{404, "text/plain; charset=utf-8", "not found\n", {}};
    }
    for (auto& [key, value] : headers) {
        for (auto& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    HookRequest request;
    request.name = *name;
    request.method = method;
    request.query = q == std::string_view::npos ? "" : target.substr(q + 1);
    request.headers = std::move(headers);
    request.body = body;
    return handler(request);
}

namespace {

asio::awaitable<void> serve(AdminServer* server, tcp::socket socket, AdminOptions options) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    // The header first: a webhook may carry a larger body than the admin paths. The parser
    // checks a Content-Length against the limit it had when the header ended, so that limit
    // is the larger one and the path's own limit is applied here.
    parser.body_limit(std::max(options.body_limit, options.hook_body_limit));
    stream.expires_after(options.timeout);
    auto [header_ec, header_read] = co_await bhttp::async_read_header(
        stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)header_read;
    if (header_ec && header_ec != bhttp::error::body_limit) co_return;  // nothing to answer
    const bool hook = AdminServer::is_hook_target(parser.get().target());
    const std::size_t limit = hook ? options.hook_body_limit : options.body_limit;
    boost::system::error_code read_ec = header_ec;
    if (!read_ec && parser.content_length() && *parser.content_length() > limit) {
        read_ec = bhttp::error::body_limit;
    }
    if (!read_ec) {
        parser.body_limit(limit);  // for chunked bodies, checked as they arrive
        stream.expires_after(options.timeout);
        auto [body_ec, read] =
            co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)read;
        read_ec = body_ec;
    }
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
        AdminReply reply;
        if (hook) {
            std::vector<std::pair<std::string, std::string>> headers;
            for (const auto& field : request) {
                headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
            }
            reply = server->handle_hook(request.method_string(), request.target(),
                                        std::move(headers), request.body());
        } else {
            reply = server->handle(request.method_string(), request.target(), request.body(),
                                   request[bhttp::field::content_type],
                                   request[bhttp::field::authorization]);
        }
        response.result(static_cast<unsigned>(reply.status));
        if (!reply.content_type.empty()) {
            response.set(bhttp::field::content_type, reply.content_type);
        }
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
