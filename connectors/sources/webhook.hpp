#pragma once
// Inbound webhooks as a source: Meta's Graph API webhooks (Facebook Page feed and Instagram
// comments, signed with X-Hub-Signature-256) and Standard Webhooks (webhook-id,
// webhook-timestamp, webhook-signature; the body carries a post in format v1). The daemon's
// HTTP server receives them at /hooks/<name>; this is the pure half: the request in, the answer
// and the posts out. Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"

namespace spreekbuis::connectors::sources {

enum class WebhookFormat { meta, standard };

struct WebhookSettings {
    std::string name;
    WebhookFormat format = WebhookFormat::meta;
    std::string secret;                        // Meta: the app secret; standard: a whsec_ secret
    std::string verify_token;                  // Meta: answers the subscription handshake (GET)
    std::int64_t tolerance_seconds = 300;      // standard: how old or new a timestamp may be
    std::size_t max_body_bytes = 1024 * 1024;  // larger requests are refused with 413
};

std::optional<WebhookSettings> read_webhook_settings(const config::PluginConfig& plugin,
                                                     const std::string& base_dir,
                                                     rules::Diagnostics& diagnostics);

struct WebhookRequest {
    std::string_view method;  // "GET" or "POST"
    std::string_view query;   // after '?', undecoded
    // Header names in lower case.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view body;
    std::int64_t now_ms = 0;
};

struct WebhookOutcome {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;  // Meta's challenge, or what was wrong
    std::vector<rules::Post> posts;
    std::size_t events = 0;   // changes or messages in the request
    std::size_t skipped = 0;  // of those, the ones that are no post (reactions, edits, mentions)
    std::string delivery_id;  // standard: webhook-id, stable across the sender's retries
    std::string error;        // why the request was refused; empty when it was accepted
};

WebhookOutcome handle_webhook(const WebhookSettings& settings, const WebhookRequest& request);

// "2026-11-24T09:00:00Z" for Unix seconds.
std::string rfc3339_from_unix(std::int64_t seconds);

}  // namespace spreekbuis::connectors::sources
