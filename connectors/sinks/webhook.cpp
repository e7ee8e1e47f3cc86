// Generic JSON webhook, signed per Standard Webhooks (webhook-id/-timestamp/-signature).
#include <cctype>

#include "connectors/json_writer.hpp"
#include "connectors/sinks/alert_json.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {

HttpRequestSpec format_webhook(const Alert& alert, const SinkSettings& settings,
                               std::int64_t now_ms) {
    const MessageModel m = build_message(alert, settings);
    JsonWriter json;
    json.begin_object();
    json.field("type", "alert." + std::string(to_string(alert.kind)));
    json.field("timestamp", iso8601_utc(alert.created_at_ms));
    json.key("data");
    write_alert_json(json, alert);
    json.key("links").begin_object();
    for (const auto& link : m.actions) {
        std::string name = link.label;
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        json.field(name, link.url);
    }
    json.end_object();
    const std::string& layout = template_for(alert, settings);
    if (!layout.empty()) {
        json.field("text",
                   render_template(layout, m, [](std::string_view v) { return std::string(v); }));
    }
    json.end_object();
    HttpRequestSpec request{
        "POST", settings.url, {{"Content-Type", "application/json"}}, json.take()};
    const std::string timestamp = std::to_string(now_ms / 1000);
    request.headers.emplace_back("webhook-id", alert.id);
    request.headers.emplace_back("webhook-timestamp", timestamp);
    if (const auto signature =
            standard_webhook_signature(settings.secret, alert.id, timestamp, request.body)) {
        request.headers.emplace_back("webhook-signature", *signature);
    }
    return request;
}

}  // namespace spreekbuis::connectors::sinks
