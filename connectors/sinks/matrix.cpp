// Matrix m.notice with a plain body and an HTML formatted_body; idempotent through the txnId.
#include "connectors/json_writer.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::size_t kTextLimit = 16000;  // the whole event must stay below 64 KiB

std::string plain(std::string_view text, std::size_t limit) {
    return escape_truncated(text, limit, escape_mentions_cp);
}
std::string html(std::string_view text, std::size_t limit) {
    std::string escaped = escape_truncated(text, limit, escape_html_cp);
    std::string out;
    for (const char ch : escaped) {
        if (ch == '\n') {
            out += "<br>";
        } else {
            out.push_back(ch);
        }
    }
    return out;
}

}  // namespace

HttpRequestSpec format_matrix(const Alert& alert, const SinkSettings& settings,
                              const ThreadRef& thread) {
    const MessageModel m = build_message(alert, settings);
    std::string body;
    std::string formatted;
    const std::string& layout = template_for(alert, settings);
    if (!layout.empty()) {
        body = render_template(layout, m, [](std::string_view v) { return plain(v, kTextLimit); });
        formatted =
            render_template(layout, m, [](std::string_view v) { return html(v, kTextLimit); });
        std::string with_breaks;
        for (const char ch : formatted) {
            if (ch == '\n') {
                with_breaks += "<br>";
            } else {
                with_breaks.push_back(ch);
            }
        }
        formatted = std::move(with_breaks);
    } else {
        body = plain(m.headline, 300);
        formatted = "<strong>" + html(m.headline, 300) + "</strong>";
        std::string who = m.author;
        if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
        if (!who.empty()) {
            body += "\n" + plain(who, 400);
            formatted += "<br><em>" + html(who, 400) + "</em>";
        }
        if (!m.post_url.empty()) {
            body += "\n" + m.post_url;
            formatted += " <a href=\"" + escape_html(m.post_url) + "\">View post</a>";
        }
        if (!m.text.empty()) {
            body += "\n\n" + plain(m.text, kTextLimit);
            formatted += "<blockquote>" + html(m.text, kTextLimit) + "</blockquote>";
        }
        if (m.count > 0) {
            body += "\n" + group_thousands(m.count) + " " + m.count_unit;
            formatted +=
                "<p><strong>" + group_thousands(m.count) + " " + m.count_unit + "</strong></p>";
        }
        if (!m.samples.empty()) {
            formatted += "<ul>";
            for (const auto& sample : m.samples) {
                body += "\n- " + plain(sample, 280);
                formatted += "<li>" + html(sample, 280) + "</li>";
            }
            formatted += "</ul>";
        }
        std::vector<std::pair<std::string, std::string>> facts;
        if (!m.recipient.empty()) facts.emplace_back("For", m.recipient);
        if (!m.topic.empty()) facts.emplace_back("Topic", m.topic);
        if (!m.priority.empty()) facts.emplace_back("Priority", m.priority);
        if (!m.text.empty()) facts.emplace_back("Sentiment", m.sentiment);
        if (m.deadline_ms) facts.emplace_back("Respond by", human_utc(*m.deadline_ms));
        if (!m.why.empty()) facts.emplace_back(m.case_id.empty() ? "Why" : "Why you", m.why);
        for (const auto& [name, value] : facts) {
            body += "\n" + name + ": " + plain(value, 1000);
            formatted += "<br><strong>" + name + ":</strong> " + html(value, 1000);
        }
        if (!m.actions.empty()) {
            body += "\n";
            formatted += "<br>";
            bool first = true;
            for (const auto& link : m.actions) {
                body += (first ? "" : " · ") + link.label + ": " + link.url;
                formatted += std::string(first ? "" : " · ") + "<a href=\"" +
                             escape_html(link.url) + "\">" + link.label + "</a>";
                first = false;
            }
        }
    }
    JsonWriter json;
    json.begin_object().field("msgtype", "m.notice").field("body", body);
    json.field("format", "org.matrix.custom.html").field("formatted_body", formatted);
    json.key("m.mentions").begin_object().end_object();
    if (!thread.root.empty()) {
        // A thread reply; clients without threads show it as a reply to the thread's latest
        // message (is_falling_back).
        json.key("m.relates_to").begin_object();
        json.field("rel_type", "m.thread").field("event_id", thread.root);
        json.field("is_falling_back", true);
        json.key("m.in_reply_to").begin_object();
        json.field("event_id", thread.latest.empty() ? thread.root : thread.latest);
        json.end_object().end_object();
    }
    json.end_object();
    std::string url = settings.url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/_matrix/client/v3/rooms/" + url_encode(destination_of(alert, settings)) +
           "/send/m.room.message/" + matrix_txn_id(settings.name, alert.id);
    return {"PUT",
            url,
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + settings.token}},
            json.take()};
}

}  // namespace spreekbuis::connectors::sinks
