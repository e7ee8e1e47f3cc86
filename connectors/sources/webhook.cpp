#include "connectors/sources/webhook.hpp"

#include <simdjson.h>

#include <ctime>

#include "connectors/post_decoder.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string_view header(const WebhookRequest& request, std::string_view name) {
    for (const auto& [key, value] : request.headers) {
        if (key == name) return value;
    }
    return {};
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The decoded value of `name` in a query string ('+' is a space); nullopt when absent or
// malformed.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        if (pair.substr(0, eq) != name) continue;
        const std::string_view raw =
            eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '+') {
                out.push_back(' ');
            } else if (raw[i] == '%') {
                if (i + 2 >= raw.size()) return std::nullopt;
                const int high = hex_digit(raw[i + 1]);
                const int low = hex_digit(raw[i + 2]);
                if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
            } else {
                out.push_back(raw[i]);
            }
        }
        return out;
    }
    return std::nullopt;
}

WebhookOutcome refuse(int status, std::string error) {
    WebhookOutcome outcome;
    outcome.status = status;
    outcome.body = error + "\n";
    outcome.error = std::move(error);
    return outcome;
}

std::string text_of(element value) {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
    std::int64_t number = 0;
    if (value.get_int64().get(number) == simdjson::SUCCESS) return std::to_string(number);
    return {};
}

std::string field_text(object map, std::string_view key) {
    element value;
    if (map.at_key(key).get(value) != simdjson::SUCCESS) return {};
    return text_of(value);
}

std::optional<object> field_object(object map, std::string_view key) {
    object value;
    if (map.at_key(key).get_object().get(value) != simdjson::SUCCESS) return std::nullopt;
    return value;
}

// A Page `feed` change: a new post, status or comment with a message becomes a post.
std::optional<rules::Post> facebook_post(object value) {
    const std::string item = field_text(value, "item");
    const std::string verb = field_text(value, "verb");
    const std::string message = field_text(value, "message");
    if (verb != "add" || message.empty()) return std::nullopt;
    if (item != "comment" && item != "post" && item != "status") return std::nullopt;
    const std::string comment_id = field_text(value, "comment_id");
    const std::string post_id = field_text(value, "post_id");
    const std::string own_id = item == "comment" ? comment_id : post_id;
    if (own_id.empty()) return std::nullopt;
    rules::Post post;
    post.id = "facebook:" + own_id;
    post.source = "facebook";
    post.text = message;
    if (auto from = field_object(value, "from")) {
        post.author.handle = field_text(*from, "id");
        post.author.name = field_text(*from, "name");
    }
    std::int64_t created = 0;
    if (value.at_key("created_time").get_int64().get(created) == simdjson::SUCCESS && created > 0 &&
        created < 253402300800) {  // before the year 10000
        post.created_at = rfc3339_from_unix(created);
        post.created_at_ms = created * 1000;
    }
    if (item == "comment") {
        post.in_reply_to = "facebook:" + field_text(value, "parent_id");
        post.conversation = "facebook:" + post_id;
    }
    if (auto page_post = field_object(value, "post")) {
        post.url = field_text(*page_post, "permalink_url");
    }
    return post;
}

// An Instagram `comments` or `live_comments` change.
std::optional<rules::Post> instagram_post(object value) {
    const std::string id = field_text(value, "id");
    const std::string text = field_text(value, "text");
    if (id.empty() || text.empty()) return std::nullopt;
    rules::Post post;
    post.id = "instagram:" + id;
    post.source = "instagram";
    post.text = text;
    if (auto from = field_object(value, "from")) {
        post.author.handle = field_text(*from, "username");
    }
    const std::string parent = field_text(value, "parent_id");
    if (!parent.empty()) post.in_reply_to = "instagram:" + parent;
    if (auto media = field_object(value, "media")) {
        const std::string media_id = field_text(*media, "id");
        if (!media_id.empty()) post.conversation = "instagram:" + media_id;
    }
    return post;
}

WebhookOutcome handle_meta(const WebhookSettings& settings, const WebhookRequest& request) {
    if (request.method == "GET") {
        // The subscription handshake: answer the challenge only to our verify token.
        const auto mode = query_value(request.query, "hub.mode");
        const auto token = query_value(request.query, "hub.verify_token");
        const auto challenge = query_value(request.query, "hub.challenge");
        if (!mode || *mode != "subscribe" || !challenge || challenge->empty() ||
            challenge->size() > 256) {
            return refuse(400, "not a subscription handshake");
        }
        if (settings.verify_token.empty() || !token ||
            !sinks::constant_time_equal(*token, settings.verify_token)) {
            return refuse(403, "wrong verify token");
        }
        WebhookOutcome outcome;
        outcome.body = *challenge;
        return outcome;
    }
    if (request.method != "POST") return refuse(405, "only GET and POST");
    // Meta signs the bytes as sent: the HMAC is over the raw body, before any parsing.
    const std::string_view signature = header(request, "x-hub-signature-256");
    constexpr std::string_view kPrefix = "sha256=";
    if (signature.substr(0, kPrefix.size()) != kPrefix) {
        return refuse(401, "missing X-Hub-Signature-256");
    }
    const std::string expected = sinks::to_hex(sinks::hmac_sha256(settings.secret, request.body));
    std::string given(signature.substr(kPrefix.size()));
    for (auto& c : given) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    if (!sinks::constant_time_equal(given, expected)) return refuse(401, "bad signature");

    simdjson::dom::parser parser;
    object root;
    if (parser.parse(request.body.data(), request.body.size()).get_object().get(root) !=
        simdjson::SUCCESS) {
        return refuse(400, "body is not a JSON object");
    }
    const std::string kind = field_text(root, "object");
    simdjson::dom::array entries;
    if (root.at_key("entry").get_array().get(entries) != simdjson::SUCCESS) {
        return refuse(400, "no entry array");
    }
    WebhookOutcome outcome;
    for (element entry : entries) {
        object entry_object;
        if (entry.get_object().get(entry_object) != simdjson::SUCCESS) continue;
        simdjson::dom::array changes;
        if (entry_object.at_key("changes").get_array().get(changes) != simdjson::SUCCESS) {
            continue;  // `changed_fields` only ("Include Values" off): nothing to read
        }
        for (element change : changes) {
            ++outcome.events;
            object change_object;
            object value;
            if (change.get_object().get(change_object) != simdjson::SUCCESS ||
                change_object.at_key("value").get_object().get(value) != simdjson::SUCCESS) {
                ++outcome.skipped;
                continue;
            }
            const std::string field = field_text(change_object, "field");
            std::optional<rules::Post> post;
            if (kind == "page" && field == "feed") post = facebook_post(value);
            if (kind == "instagram" && (field == "comments" || field == "live_comments")) {
                post = instagram_post(value);
            }
            if (post) {
                outcome.posts.push_back(std::move(*post));
            } else {
                ++outcome.skipped;
            }
        }
    }
    outcome.body = "ok\n";
    return outcome;
}

WebhookOutcome handle_standard(const WebhookSettings& settings, const WebhookRequest& request) {
    if (request.method != "POST") return refuse(405, "only POST");
    const std::string_view id = header(request, "webhook-id");
    const std::string_view timestamp = header(request, "webhook-timestamp");
    const std::string_view signatures = header(request, "webhook-signature");
    if (id.empty() || id.size() > 256 || timestamp.empty() || signatures.empty()) {
        return refuse(400, "missing webhook-id, webhook-timestamp or webhook-signature");
    }
    std::int64_t sent = 0;
    for (const char c : timestamp) {
        if (c < '0' || c > '9' || sent > 1'000'000'000'000) {
            return refuse(400, "webhook-timestamp is not Unix seconds");
        }
        sent = sent * 10 + (c - '0');
    }
    const std::int64_t now = request.now_ms / 1000;
    if (sent < now - settings.tolerance_seconds || sent > now + settings.tolerance_seconds) {
        return refuse(401, "webhook-timestamp outside the tolerance (replayed or clock skew)");
    }
    const auto expected =
        sinks::standard_webhook_signature(settings.secret, id, timestamp, request.body);
    if (!expected) return refuse(500, "the configured secret is not a whsec_ secret");
    bool valid = false;
    std::string_view rest = signatures;
    while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        const std::string_view one = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        if (sinks::constant_time_equal(one, *expected)) valid = true;
    }
    if (!valid) return refuse(401, "bad signature");

    // The body is one post in format v1, or an envelope {"type", "timestamp", "data": post}.
    simdjson::dom::parser parser;
    object root;
    if (parser.parse(request.body.data(), request.body.size()).get_object().get(root) !=
        simdjson::SUCCESS) {
        return refuse(400, "body is not a JSON object");
    }
    std::string line(request.body);
    if (auto data = field_object(root, "data")) line = simdjson::minify(*data);
    PostDecoder decoder;
    auto decoded = decoder.decode(line);
    if (!decoded.post) return refuse(400, "not a post: " + decoded.error);
    WebhookOutcome outcome;
    outcome.events = 1;
    outcome.delivery_id = std::string(id);
    outcome.posts.push_back(std::move(*decoded.post));
    outcome.body = "ok\n";
    return outcome;
}

}  // namespace

std::string rfc3339_from_unix(std::int64_t seconds) {
    const auto time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

WebhookOutcome handle_webhook(const WebhookSettings& settings, const WebhookRequest& request) {
    if (request.body.size() > settings.max_body_bytes) return refuse(413, "body too large");
    return settings.format == WebhookFormat::meta ? handle_meta(settings, request)
                                                  : handle_standard(settings, request);
}

std::optional<WebhookSettings> read_webhook_settings(const config::PluginConfig& plugin,
                                                     const std::string& base_dir,
                                                     rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const std::string what = "webhook source '" + plugin.name + "'";
    if (!rules::check_keys(
            document, plugin.node,
            {"name", "type", "format", "secret", "verify_token", "tolerance", "max_body_bytes"},
            what, diagnostics)) {
        return std::nullopt;
    }
    WebhookSettings settings;
    settings.name = plugin.name;
    bool ok = true;
    if (!plugin.node["format"]) {
        rules::error_at(
            document, plugin.node, what + " needs a format", diagnostics,
            "format: meta (Facebook/Instagram) or format: standard (Standard Webhooks)");
        return std::nullopt;
    }
    auto format =
        config::read_expanded_string(document, plugin.node["format"], base_dir, diagnostics);
    if (!format) return std::nullopt;
    if (*format == "meta") {
        settings.format = WebhookFormat::meta;
    } else if (*format == "standard") {
        settings.format = WebhookFormat::standard;
    } else {
        rules::error_at(document, plugin.node["format"], "unknown webhook format '" + *format + "'",
                        diagnostics, "meta or standard");
        ok = false;
    }
    if (!plugin.node["secret"]) {
        rules::error_at(document, plugin.node, what + " needs a secret", diagnostics,
                        "Meta: the app secret; standard: the whsec_ secret; e.g. ${file:hook.key}");
        return std::nullopt;
    }
    auto secret =
        config::read_expanded_string(document, plugin.node["secret"], base_dir, diagnostics);
    if (!secret) return std::nullopt;
    settings.secret = *secret;
    if (ok && settings.format == WebhookFormat::standard &&
        !sinks::standard_webhook_signature(settings.secret, "", "", "")) {
        rules::error_at(document, plugin.node["secret"],
                        "a standard webhook secret is 'whsec_' and base64", diagnostics);
        ok = false;
    }
    if (ok && settings.format == WebhookFormat::meta && settings.secret.size() < 16) {
        rules::error_at(document, plugin.node["secret"],
                        "the app secret is shorter than 16 characters", diagnostics);
        ok = false;
    }
    if (plugin.node["verify_token"]) {
        auto token = config::read_expanded_string(document, plugin.node["verify_token"], base_dir,
                                                  diagnostics);
        if (!token) return std::nullopt;
        settings.verify_token = *token;
    }
    if (plugin.node["tolerance"]) {
        auto tolerance = rules::read_int(document, plugin.node["tolerance"], diagnostics);
        if (!tolerance) return std::nullopt;
        if (*tolerance < 1 || *tolerance > 3600) {
            rules::error_at(document, plugin.node["tolerance"], "tolerance must be 1..3600 s",
                            diagnostics);
            ok = false;
        }
        settings.tolerance_seconds = *tolerance;
    }
    if (plugin.node["max_body_bytes"]) {
        auto limit = rules::read_int(document, plugin.node["max_body_bytes"], diagnostics);
        if (!limit) return std::nullopt;
        if (*limit < 1024 || *limit > 16 * 1024 * 1024) {
            rules::error_at(document, plugin.node["max_body_bytes"],
                            "max_body_bytes must be 1024..16777216", diagnostics);
            ok = false;
        }
        settings.max_body_bytes = static_cast<std::size_t>(*limit);
    }
    if (!ok) return std::nullopt;
    return settings;
}

}  // namespace spreekbuis::connectors::sources
