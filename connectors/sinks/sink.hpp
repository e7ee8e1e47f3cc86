#pragma once
// The pure half of every chat sink: an Alert plus the sink's settings in, the exact HTTP
// request out. Also the shared message model every layout renders. Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/alert.hpp"

namespace spreekbuis::connectors::sinks {

enum class Service {
    slack_webhook,  // Slack incoming webhook (Block Kit)
    slack_api,      // Slack chat.postMessage with a bot token (Block Kit)
    mattermost,     // Mattermost incoming webhook (Slack-compatible, markdown text)
    teams,          // Microsoft Teams Workflows webhook (Adaptive Card)
    discord,        // Discord webhook (embeds)
    matrix,         // Matrix client-server API, PUT send/m.room.message/{txnId}
    telegram,       // Telegram Bot API sendMessage (HTML)
    webhook,        // generic JSON webhook signed per Standard Webhooks
};
std::string_view to_string(Service service);
std::optional<Service> parse_service(std::string_view text);

struct HttpRequestSpec {
    std::string method;  // "POST" or "PUT"
    std::string url;     // absolute: scheme://host[:port]/target
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// Golden form: "METHOD URL", then headers sorted by lower-cased name as "name: value", an empty
// line, the body and a final newline.
std::string describe_request(const HttpRequestSpec& request);

struct ActionLinkSettings {
    std::string base_url;                // public URL of the admin API; empty = no action links
    std::string secret;                  // HMAC key for the tokens
    std::int64_t ttl_s = 7 * 24 * 3600;  // counted from alert.created_at_ms
};

struct SinkSettings {
    std::string name;  // configured sink name; scopes the Matrix txnId
    Service service = Service::webhook;
    std::string url;     // webhook URL; API base for slack_api, matrix (homeserver), telegram
    std::string token;   // Slack bot token, Matrix access token, Telegram bot token
    std::string secret;  // whsec_<base64> for the generic webhook (empty: unsigned)
    std::string default_destination;  // channel, room id, chat id when alert.destination is ""
    std::string username;             // display name where the service allows it
    std::string message_template;     // optional {{field}} layout replacing the default one
    ActionLinkSettings actions;
};

// Startup validation of settings (missing URL/token, bad whsec_ secret, bad template...).
std::vector<std::string> validate_settings(const SinkSettings& settings);

struct ActionLink {
    std::string label;  // "Acknowledge", "Resolve", "Reassign"
    std::string url;
};

// What a message shows, independent of the service. Strings are raw (unescaped) and clean UTF-8.
struct MessageModel {
    std::string kind;      // to_string(AlertKind)
    std::string headline;  // alert.title or a default per kind
    std::string author;    // "Name (@handle)", "@handle", "Name" or ""
    std::string reach;     // "12,345 followers · verified" or ""
    std::string text;      // the post text
    std::string post_url;
    std::string source;
    std::string why;
    std::string topic;      // "" when none
    std::string priority;   // "" when none
    std::string sentiment;  // "-0.62"
    std::optional<std::int64_t> deadline_ms;
    std::string recipient;
    std::string case_id;
    std::int64_t count = 0;
    std::string count_unit = "posts";  // what `count` counts ("errors" for a rejected reload)
    std::vector<std::string> samples;
    std::vector<ActionLink> actions;  // ack, resolve, reassign when a case and base URL exist
};
MessageModel build_message(const Alert& alert, const SinkSettings& settings);
std::string destination_of(const Alert& alert, const SinkSettings& settings);

// The service's ids of earlier messages of the alert's thread (same sink, destination and
// thread key), as the service returned them: Slack `ts`, Matrix `event_id`, Telegram
// `message_id`. Empty: send a stand-alone message.
struct ThreadRef {
    std::string root;    // the thread's first message
    std::string latest;  // its most recent message (Matrix reply fallback); "" = root
};
// Services whose API lets a follow-up reply under an earlier message: Slack chat.postMessage,
// Matrix and Telegram. Webhooks (Slack, Mattermost, Teams, Discord, generic) cannot.
bool threads_replies(Service service);

// Formatters. `now_ms` is the attempt time (only the generic webhook signs it). `thread` makes
// the message a reply where the service supports it, and is ignored elsewhere.
HttpRequestSpec format_slack_webhook(const Alert& alert, const SinkSettings& settings);
HttpRequestSpec format_slack_api(const Alert& alert, const SinkSettings& settings,
                                 const ThreadRef& thread = {});
HttpRequestSpec format_mattermost(const Alert& alert, const SinkSettings& settings);
HttpRequestSpec format_teams(const Alert& alert, const SinkSettings& settings);
HttpRequestSpec format_discord(const Alert& alert, const SinkSettings& settings);
HttpRequestSpec format_matrix(const Alert& alert, const SinkSettings& settings,
                              const ThreadRef& thread = {});
HttpRequestSpec format_telegram(const Alert& alert, const SinkSettings& settings,
                                const ThreadRef& thread = {});
HttpRequestSpec format_webhook(const Alert& alert, const SinkSettings& settings,
                               std::int64_t now_ms);
HttpRequestSpec format_request(const Alert& alert, const SinkSettings& settings,
                               std::int64_t now_ms, const ThreadRef& thread = {});

// Matrix transaction id: a stable hash of (sink name, alert id), so a retried PUT is deduped.
std::string matrix_txn_id(std::string_view sink_name, std::string_view alert_id);

// Readable multi-line text for a terminal; control characters from the post are neutralised.
std::string format_console(const Alert& alert);

}  // namespace spreekbuis::connectors::sinks
