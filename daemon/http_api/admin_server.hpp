#pragma once
// The admin HTTP API (Boost.Beast, 127.0.0.1 by default): GET /healthz, GET /metrics
// (Prometheus text from registered hooks), and the chat action links
// /cases/{id}/ack|resolve|reassign?token=...[&to=...]. A GET on an action link only shows a
// confirmation page (chat apps fetch links to build previews); the POST it submits performs the
// action through a CaseActionHandler after the signed, expiring token is verified (constant-time).
// Webhook sources: /hooks/<name>, handed to a hook handler with headers and the raw body.
// Behind `Authorization: Bearer <admin_token>`:
// - silences: GET/POST /api/v1/silences, DELETE /api/v1/silences/{id} (SilenceHandler);
// - dead letters: GET /api/v1/dead-letters, POST /api/v1/dead-letters/requeue;
// - the case queue: GET /api/v1/cases (filters, most urgent first), GET /api/v1/cases/{id}
//   (with its audit trail), POST /api/v1/cases/{id}/ack|resolve|reassign|note|priority
//   (CaseQueryHandler and CaseActionHandler);
// - people: GET /api/v1/people (who can take a case now), POST/DELETE
//   /api/v1/people/{id}/presence (away by hand);
// - GET /api/v1/decisions, the decision audit log;
// - POST /api/v1/reload, which reloads the rules and the people directory and answers with
//   its report.
// The server runs on the io_context it was created with, one strand per connection; hooks and
// the handlers are called from that context and must be thread-safe.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/sinks/action_token.hpp"
#include "daemon/delivery/noise.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/http_api/people_api.hpp"
#include "daemon/routing/case_query.hpp"

namespace spreekbuis::daemon::http_api {

struct CaseActionRequest {
    std::string case_id;
    connectors::sinks::CaseAction action = connectors::sinks::CaseAction::ack;
    std::string to;              // reassign target (person id); empty otherwise
    std::string actor = "chat";  // for the audit trail: "chat" (a link) or "api:<name>"
    std::string why;             // for the audit trail; "" = "<action> from <where>"
};

struct CaseActionResult {
    int status = 200;     // 200 done, 404 unknown case, 409 not possible in the case's state
    std::string message;  // shown to the person who clicked
};

class CaseActionHandler {
  public:
    virtual ~CaseActionHandler() = default;
    virtual CaseActionResult on_case_action(const CaseActionRequest& request) = 0;
    // An internal note (POST /api/v1/cases/{id}/note); `actor` is "api:<name>".
    virtual CaseActionResult on_case_note(const std::string& case_id, const std::string& actor,
                                          const std::string& note) {
        (void)case_id;
        (void)actor;
        (void)note;
        return {503, "notes are not available"};
    }
    // A priority set by hand (POST /api/v1/cases/{id}/priority).
    virtual CaseActionResult on_case_priority(const std::string& case_id, const std::string& actor,
                                              rules::Priority priority, const std::string& note) {
        (void)case_id;
        (void)actor;
        (void)priority;
        (void)note;
        return {503, "priority changes are not available"};
    }
};

// The case queue over the API (GET /api/v1/cases and /api/v1/cases/{id}). Owned by the
// daemon: the router's cases, read on the router's thread.
struct CaseQueryResult {
    int status = 200;  // anything else is passed on to the client with `message`
    std::string message;
    routing::CaseSelection selection;   // list
    std::optional<routing::Case> item;  // one case
    std::vector<routing::AuditEntry> audit;
    std::map<std::string, std::string> names;  // person id -> display name
    std::int64_t now_ms = 0;                   // the time the SLA states were judged at
    // A customer's list: who last helped them, and when (the router's affinity).
    std::optional<std::pair<std::string, std::int64_t>> last_helper;
};

class CaseQueryHandler {
  public:
    virtual ~CaseQueryHandler() = default;
    virtual CaseQueryResult list_cases(const routing::CaseQuery& query) = 0;
    // The case (in memory or in the store) and its audit trail; 404 when unknown.
    virtual CaseQueryResult get_case(const std::string& case_id) = 0;
};

// GET /api/v1/people: the body people_json writes, made on the router's thread.
struct PeopleResult {
    int status = 200;  // anything else is passed on to the client with `message`
    std::string message;
    std::string body;
};

// GET /api/v1/decisions: the decision audit log, read on the emitter thread.
struct DecisionsQuery {
    std::string post_id;  // "" = the newest `last`
    std::string source;   // with post_id: only this source ("" = any)
    std::size_t last = 20;
};
struct LoggedDecisionView {
    std::int64_t seq = 0;
    std::int64_t at_ms = 0;
    std::string source;
    std::string post_id;
    std::string record;  // one JSON object, as logged
};
struct DecisionsResult {
    int status = 200;  // anything else is passed on to the client with `message`
    std::string message;
    std::vector<LoggedDecisionView> decisions;  // oldest first
};

struct SilenceResult {
    // list: 200; add: 201 (created or replaced); remove: 204 removed, 404 unknown id. Anything
    // else (409, 500, 503...) is passed on to the client with `message`.
    int status = 200;
    std::string message;
    std::vector<delivery::Silence> silences;  // list: the active ones; add: the stored one
};

// Owns the silences (the daemon: SilenceStore plus NoiseFilter on the router's thread).
class SilenceHandler {
  public:
    virtual ~SilenceHandler() = default;
    virtual SilenceResult list_silences(std::int64_t now_ms) = 0;
    // Replaces a silence with the same id. The silence is validated and has an id.
    virtual SilenceResult add_silence(const delivery::Silence& silence, std::int64_t now_ms) = 0;
    virtual SilenceResult remove_silence(const std::string& id) = 0;
};

// Dead letters (alerts a service refused for good): listed, and put back in their sink's queue
// once the cause is fixed. Owned by the daemon (the outbox on the router's thread).
struct DeadLetterResult {
    int status = 200;  // anything else is passed on to the client with `message`
    std::string message;
    std::vector<delivery::OutboxEntry> entries;  // list
    std::int64_t requeued = 0;                   // requeue
};

class DeadLetterHandler {
  public:
    virtual ~DeadLetterHandler() = default;
    // `sink` "" = every sink; oldest first.
    virtual DeadLetterResult list_dead_letters(const std::string& sink, std::size_t limit) = 0;
    virtual DeadLetterResult requeue_dead_letters(const std::string& sink) = 0;
};

// An inbound webhook at /hooks/<name> (a webhook source), with what its signature checks need.
struct HookRequest {
    std::string name;  // <name> of /hooks/<name>, percent-decoded
    std::string_view method;
    std::string_view query;                                    // after '?', undecoded
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string_view body;
};

struct AdminOptions {
    std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
    std::string secret;                     // verifies action tokens
    std::string admin_token;                // bearer token of /api/v1; empty = API disabled
    std::function<std::int64_t()> now_ms;   // Unix ms; system clock when empty
    std::size_t body_limit = 16 * 1024;
    std::size_t hook_body_limit = 1024 * 1024;  // for /hooks/<name> (webhook sources)
    std::chrono::milliseconds timeout{10000};   // per read and per write
};

struct AdminReply {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

class AdminServer {
  public:
    // Binds the listening socket; nullptr with `error` on a bad address or a port in use.
    static std::unique_ptr<AdminServer> create(boost::asio::io_context& io, AdminOptions options,
                                               std::string& error);
    ~AdminServer();
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    unsigned short port() const { return port_; }
    void set_case_handler(std::shared_ptr<CaseActionHandler> handler);
    void set_case_query_handler(std::shared_ptr<CaseQueryHandler> handler);
    void set_people_handler(std::function<PeopleResult(const PeopleQuery&)> handler);
    // POST /api/v1/people/{id}/presence sets a presence (nullopt: DELETE clears it); the
    // handler answers with person_presence_json.
    using PresenceHandler = std::function<PeopleResult(
        const std::string& person, const std::optional<routing::Presence>& presence)>;
    void set_presence_handler(PresenceHandler handler);
    void set_decisions_handler(std::function<DecisionsResult(const DecisionsQuery&)> handler);
    void set_silence_handler(std::shared_ptr<SilenceHandler> handler);
    void set_dead_letter_handler(std::shared_ptr<DeadLetterHandler> handler);
    // Runs one reload and answers with its report (blocks this server's thread meanwhile).
    void set_reload_handler(std::function<AdminReply()> handler);
    // Each hook returns complete Prometheus text blocks (# HELP/# TYPE and samples).
    void add_metrics_hook(std::function<std::string()> hook);
    // Returns an empty string when healthy, else what is wrong (answered with 503).
    void set_health_check(std::function<std::string()> check);
    // Receives every request to /hooks/<name>; without one, those paths are 404.
    void set_hook_handler(std::function<AdminReply(const HookRequest&)> handler);

    void start();
    void stop();

    // The routing and checks without sockets (also used by the sessions). `authorization` is
    // the request's Authorization header.
    AdminReply handle(std::string_view method, std::string_view target, std::string_view body,
                      std::string_view content_type, std::string_view authorization = {});
    // /hooks/<name>: to the hook handler. `headers` as received (any case).
    AdminReply handle_hook(std::string_view method, std::string_view target,
                           std::vector<std::pair<std::string, std::string>> headers,
                           std::string_view body);
    static bool is_hook_target(std::string_view target) { return target.substr(0, 7) == "/hooks/"; }

  private:
    AdminServer(boost::asio::io_context& io, AdminOptions options);
    std::int64_t now_ms() const;
    AdminReply handle_case(std::string_view method, std::string_view path, std::string_view query,
                           std::string_view body, std::string_view content_type);
    AdminReply handle_silences(std::string_view method, std::string_view path,
                               std::string_view body, std::string_view authorization);
    AdminReply handle_dead_letters(std::string_view method, std::string_view path,
                                   std::string_view query, std::string_view authorization);
    AdminReply handle_reload(std::string_view method, std::string_view authorization);
    AdminReply handle_people(std::string_view method, std::string_view path, std::string_view query,
                             std::string_view body, std::string_view authorization);
    AdminReply handle_decisions(std::string_view method, std::string_view query,
                                std::string_view authorization);
    AdminReply handle_case_api(std::string_view method, std::string_view path,
                               std::string_view query, std::string_view body,
                               std::string_view authorization);
    // A reply refusing the request when the bearer token is off, missing or wrong.
    std::optional<AdminReply> refuse_unauthorized(std::string_view authorization,
                                                  std::string_view feature) const;

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    AdminOptions options_;
    unsigned short port_ = 0;
    std::mutex mutex_;  // guards the handler and hooks
    std::shared_ptr<CaseActionHandler> handler_;
    std::shared_ptr<CaseQueryHandler> case_query_handler_;
    std::function<PeopleResult(const PeopleQuery&)> people_handler_;
    PresenceHandler presence_handler_;
    std::function<DecisionsResult(const DecisionsQuery&)> decisions_handler_;
    std::shared_ptr<SilenceHandler> silence_handler_;
    std::shared_ptr<DeadLetterHandler> dead_letter_handler_;
    std::vector<std::function<std::string()>> metrics_hooks_;
    std::function<std::string()> health_check_;
    std::function<AdminReply(const HookRequest&)> hook_handler_;
    std::function<AdminReply()> reload_handler_;
};

// Percent-decoding ('+' as space in queries); nullopt on a malformed escape or NUL.
std::optional<std::string> url_decode(std::string_view text, bool plus_as_space);
// The name=value pairs of a query string, percent-decoded, in order; nullopt with `error` set
// on a malformed escape or a name given twice.
std::optional<std::vector<std::pair<std::string, std::string>>> query_parameters(
    std::string_view query, std::string& error);
// Value of `name` in an application/x-www-form-urlencoded string; nullopt when absent.
std::optional<std::string> form_value(std::string_view form, std::string_view name);

}  // namespace spreekbuis::daemon::http_api
