// Microsoft Teams via a Workflows webhook: a message envelope holding one Adaptive Card.
// Untrusted text goes into RichTextBlock/TextRun elements, which do not parse markdown.
#include "connectors/json_writer.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::size_t kTextLimit = 8000;  // the whole card must stay below 28 KB

std::string_view title_color(const Alert& alert) {
    switch (alert.kind) {
        case AlertKind::crisis_end:
        case AlertKind::reload_recovered:
            return "Good";
        case AlertKind::sla_warning:
            return "Warning";
        case AlertKind::escalation:
        case AlertKind::crisis_start:
        case AlertKind::reload_failed:
            return "Attention";
        default:
            break;
    }
    if (alert.priority == rules::Priority::urgent || alert.priority == rules::Priority::high) {
        return "Attention";
    }
    return "Default";
}

void rich_text(JsonWriter& json, const std::string& text, bool bold = false, bool subtle = false) {
    json.begin_object().field("type", "RichTextBlock").key("inlines").begin_array();
    json.begin_object().field("type", "TextRun").field("text", text);
    if (bold) json.field("weight", "Bolder");
    if (subtle) json.field("isSubtle", true);
    json.end_object().end_array().end_object();
}

}  // namespace

HttpRequestSpec format_teams(const Alert& alert, const SinkSettings& settings) {
    const MessageModel m = build_message(alert, settings);
    JsonWriter json;
    json.begin_object().field("type", "message").key("attachments").begin_array();
    json.begin_object().field("contentType", "application/vnd.microsoft.card.adaptive");
    json.key("contentUrl").null();
    json.key("content").begin_object();
    json.field("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    json.field("type", "AdaptiveCard").field("version", "1.4");
    json.key("body").begin_array();
    json.begin_object().field("type", "RichTextBlock").key("inlines").begin_array();
    json.begin_object().field("type", "TextRun").field("text", truncate_utf8(m.headline, 300));
    json.field("weight", "Bolder").field("size", "Medium").field("color", title_color(alert));
    json.end_object().end_array().end_object();

    const std::string& layout = template_for(alert, settings);
    if (!layout.empty()) {
        rich_text(json, truncate_utf8(render_template(layout, m,
                                                      [](std::string_view v) {
                                                          return truncate_utf8(v, kTextLimit);
                                                      }),
                                      kTextLimit));
    } else {
        std::string who = m.author;
        if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
        if (!who.empty()) rich_text(json, truncate_utf8(who, 400), true);
        if (!m.text.empty()) rich_text(json, truncate_utf8(m.text, kTextLimit));
        if (m.count > 0) rich_text(json, group_thousands(m.count) + " " + m.count_unit, true);
        for (const auto& sample : m.samples) rich_text(json, "• " + truncate_utf8(sample, 280));
        std::vector<std::pair<std::string, std::string>> facts;
        if (!m.recipient.empty()) facts.emplace_back("For", m.recipient);
        if (!m.topic.empty()) facts.emplace_back("Topic", m.topic);
        if (!m.priority.empty()) facts.emplace_back("Priority", m.priority);
        if (!m.text.empty()) facts.emplace_back("Sentiment", m.sentiment);
        if (m.deadline_ms) facts.emplace_back("Respond by", human_utc(*m.deadline_ms));
        if (!m.why.empty()) facts.emplace_back(m.case_id.empty() ? "Why" : "Why you", m.why);
        if (!facts.empty()) {
            std::string lines;
            for (const auto& [name, value] : facts) {
                lines += (lines.empty() ? "" : "\n") + name + ": " + truncate_utf8(value, 1000);
            }
            rich_text(json, lines, false, true);
        }
    }
    json.end_array();

    json.key("actions").begin_array();
    if (!m.post_url.empty()) {
        json.begin_object().field("type", "Action.OpenUrl").field("title", "View post");
        json.field("url", m.post_url).end_object();
    }
    for (const auto& link : m.actions) {
        json.begin_object().field("type", "Action.OpenUrl").field("title", link.label);
        json.field("url", link.url).end_object();
    }
    json.end_array();
    json.key("msteams").begin_object().field("width", "Full").end_object();
    json.end_object();  // content
    json.end_object().end_array().end_object();
    return {"POST", settings.url, {{"Content-Type", "application/json"}}, json.take()};
}

}  // namespace spreekbuis::connectors::sinks
