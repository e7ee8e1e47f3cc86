// Discord webhook with one rich embed; mentions are disabled and user text is escaped.
#include "connectors/json_writer.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::size_t kContentLimit = 2000;
constexpr std::size_t kTitleLimit = 256;
// Sum over title, description, fields, author and footer must stay <= 6,000 characters, so the
// description gets 3,000 of its 4,096.
constexpr std::size_t kDescriptionLimit = 3000;
constexpr std::size_t kFieldValueLimit = 1024;
constexpr std::size_t kAuthorLimit = 256;

std::int64_t embed_color(const Alert& alert) {
    switch (alert.kind) {
        case AlertKind::crisis_end:
        case AlertKind::reload_recovered:
            return 3066993;  // green
        case AlertKind::sla_warning:
            return 15105570;  // orange
        case AlertKind::escalation:
        case AlertKind::crisis_start:
        case AlertKind::reload_failed:
            return 15158332;  // red
        default:
            break;
    }
    if (!alert.priority) return 3447003;
    switch (*alert.priority) {
        case rules::Priority::urgent:
            return 15158332;
        case rules::Priority::high:
            return 15105570;
        case rules::Priority::normal:
            return 3447003;  // blue
        case rules::Priority::low:
            return 9807270;  // grey
    }
    return 3447003;
}

std::string md(std::string_view text, std::size_t limit) {
    return escape_truncated(text, limit, escape_markdown_cp);
}

}  // namespace

HttpRequestSpec format_discord(const Alert& alert, const SinkSettings& settings) {
    const MessageModel m = build_message(alert, settings);
    JsonWriter json;
    json.begin_object();
    if (!settings.username.empty()) json.field("username", truncate_utf8(settings.username, 80));
    json.key("allowed_mentions").begin_object().key("parse").begin_array().end_array();
    json.end_object();
    const std::string& layout = template_for(alert, settings);
    if (!layout.empty()) {
        json.field(
            "content",
            truncate_utf8(
                render_template(layout, m, [](std::string_view v) { return md(v, kContentLimit); }),
                kContentLimit));
        json.end_object();
    } else {
        json.key("embeds").begin_array().begin_object();
        json.field("title", truncate_utf8(m.headline, kTitleLimit));
        if (!m.post_url.empty()) json.field("url", m.post_url);
        std::string description;
        if (!m.text.empty()) description = md(m.text, 2500);
        if (m.count > 0) {
            description += (description.empty() ? "" : "\n") + std::string("**") +
                           group_thousands(m.count) + " " + m.count_unit + "**";
        }
        for (const auto& sample : m.samples) {
            description += (description.empty() ? "" : "\n") + std::string("• ") + md(sample, 200);
        }
        if (!description.empty()) {
            json.field("description", truncate_utf8(description, kDescriptionLimit));
        }
        json.field("color", embed_color(alert));
        if (!m.author.empty() || !m.reach.empty()) {
            std::string who = m.author;
            if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
            json.key("author").begin_object().field("name", truncate_utf8(who, kAuthorLimit));
            json.end_object();
        }
        json.key("fields").begin_array();
        auto field = [&](std::string_view name, const std::string& value, bool is_inline) {
            if (value.empty()) return;
            json.begin_object().field("name", name);
            json.field("value", truncate_utf8(value, kFieldValueLimit));
            json.field("inline", is_inline).end_object();
        };
        field("For", md(m.recipient, 200), true);
        field("Topic", md(m.topic, 200), true);
        field("Priority", m.priority, true);
        if (!m.text.empty()) field("Sentiment", m.sentiment, true);
        if (m.deadline_ms) {
            const std::string t = std::to_string(*m.deadline_ms / 1000);
            field("Respond by", "<t:" + t + ":f> (<t:" + t + ":R>)", true);
        }
        field(m.case_id.empty() ? "Why" : "Why you", md(m.why, 500), false);
        if (!m.actions.empty()) {
            std::string links;
            for (const auto& link : m.actions) {
                links += (links.empty() ? "" : " · ") + std::string("[") + link.label + "](" +
                         link.url + ")";
            }
            field("Actions", links, false);
        }
        json.end_array();
        std::string footer = "spreekbuis";
        if (!m.source.empty()) footer += " · " + m.source;
        json.key("footer").begin_object().field("text", truncate_utf8(footer, 100)).end_object();
        if (alert.created_at_ms > 0) json.field("timestamp", iso8601_utc(alert.created_at_ms));
        json.end_object().end_array();
        json.end_object();
    }
    std::string url = settings.url;
    url += url.find('?') == std::string::npos ? "?wait=true" : "&wait=true";
    const std::string destination = destination_of(alert, settings);
    if (!destination.empty()) url += "&thread_id=" + url_encode(destination);
    return {"POST", url, {{"Content-Type", "application/json"}}, json.take()};
}

}  // namespace spreekbuis::connectors::sinks
