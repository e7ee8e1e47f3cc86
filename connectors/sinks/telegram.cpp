// Telegram Bot API sendMessage with parse_mode HTML; all untrusted text is HTML-escaped.
#include <charconv>

#include "connectors/json_writer.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

// Visible budget (after entity parsing) must stay within Telegram's 4,096 characters:
// headline 200 + author 200 + post 2400 + 3 samples x 150 + facts ~450 + links ~60.
constexpr std::size_t kPostTextLimit = 2400;
constexpr std::size_t kMaxSamples = 3;

std::string html(std::string_view text, std::size_t limit) {
    return escape_truncated(text, limit, escape_html_cp);
}

bool is_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

HttpRequestSpec format_telegram(const Alert& alert, const SinkSettings& settings,
                                const ThreadRef& thread) {
    const MessageModel m = build_message(alert, settings);
    std::string text;
    const std::string& layout = template_for(alert, settings);
    if (!layout.empty()) {
        text =
            render_template(layout, m, [](std::string_view v) { return html(v, kPostTextLimit); });
    } else {
        text = "<b>" + html(m.headline, 200) + "</b>";
        std::string who = m.author;
        if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
        if (!who.empty()) text += "\n<i>" + html(who, 200) + "</i>";
        if (!m.text.empty())
            text += "\n<blockquote>" + html(m.text, kPostTextLimit) + "</blockquote>";
        if (m.count > 0) text += "\n<b>" + group_thousands(m.count) + " " + m.count_unit + "</b>";
        for (std::size_t i = 0; i < m.samples.size() && i < kMaxSamples; ++i) {
            text += "\n• " + html(m.samples[i], 150);
        }
        auto fact = [&](std::string_view name, const std::string& value, std::size_t limit) {
            if (!value.empty()) {
                text += "\n<b>" + std::string(name) + ":</b> " + html(value, limit);
            }
        };
        fact("For", m.recipient, 100);
        fact("Topic", m.topic, 100);
        fact("Priority", m.priority, 20);
        if (!m.text.empty()) fact("Sentiment", m.sentiment, 20);
        if (m.deadline_ms) fact("Respond by", human_utc(*m.deadline_ms), 40);
        fact(m.case_id.empty() ? "Why" : "Why you", m.why, 200);
        std::string links;
        if (!m.post_url.empty()) {
            links = "<a href=\"" + escape_html(m.post_url) + "\">View post</a>";
        }
        for (const auto& link : m.actions) {
            links += (links.empty() ? "" : " · ") + std::string("<a href=\"") +
                     escape_html(link.url) + "\">" + link.label + "</a>";
        }
        if (!links.empty()) text += "\n" + links;
    }
    JsonWriter json;
    json.begin_object();
    const std::string chat = destination_of(alert, settings);
    if (is_integer(chat)) {
        std::int64_t id = 0;
        std::from_chars(chat.data(), chat.data() + chat.size(), id);
        json.field("chat_id", id);
    } else {
        json.field("chat_id", chat);
    }
    json.field("text", text).field("parse_mode", "HTML");
    json.key("link_preview_options").begin_object().field("is_disabled", true).end_object();
    if (is_integer(thread.root)) {
        std::int64_t message_id = 0;
        std::from_chars(thread.root.data(), thread.root.data() + thread.root.size(), message_id);
        // Still sent (stand-alone) when the message it replies to was deleted.
        json.key("reply_parameters").begin_object().field("message_id", message_id);
        json.field("allow_sending_without_reply", true).end_object();
    }
    json.end_object();
    std::string base = settings.url.empty() ? "https://api.telegram.org" : settings.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return {"POST",
            base + "/bot" + settings.token + "/sendMessage",
            {{"Content-Type", "application/json"}},
            json.take()};
}

}  // namespace spreekbuis::connectors::sinks
