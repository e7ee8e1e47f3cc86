// Slack (incoming webhook and chat.postMessage, Block Kit) and Mattermost (markdown text).
#include "connectors/json_writer.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::size_t kSectionLimit = 3000;
constexpr std::size_t kHeaderLimit = 150;
constexpr std::size_t kFieldLimit = 2000;
constexpr std::size_t kFallbackTextLimit = 300;
constexpr std::size_t kSampleLimit = 280;

std::string slack_cut(std::string_view text, std::size_t limit) {
    return escape_truncated(text, limit, escape_slack_cp);
}

// <url|label> with both parts escaped.
std::string slack_link(std::string_view url, std::string_view label) {
    return "<" + escape_slack(url) + "|" + escape_slack(label) + ">";
}

std::string slack_deadline(std::int64_t deadline_ms) {
    return "<!date^" + std::to_string(deadline_ms / 1000) + "^{date_short_pretty} {time}|" +
           human_utc(deadline_ms) + ">";
}

void section(JsonWriter& json, const std::string& mrkdwn) {
    json.begin_object().field("type", "section");
    json.key("text").begin_object().field("type", "mrkdwn").field("text", mrkdwn).end_object();
    json.end_object();
}

void context(JsonWriter& json, const std::string& mrkdwn) {
    json.begin_object().field("type", "context").key("elements").begin_array();
    json.begin_object().field("type", "mrkdwn").field("text", mrkdwn).end_object();
    json.end_array().end_object();
}

std::string fallback_text(const MessageModel& m) {
    std::string raw = m.headline;
    if (!m.author.empty()) raw += " — " + m.author;
    std::string out = slack_cut(raw, kFallbackTextLimit / 2);
    if (!m.text.empty()) out += ": " + slack_cut(m.text, kFallbackTextLimit / 2);
    return out;
}

// The "text"/"blocks" members shared by the webhook and chat.postMessage.
void write_blocks(JsonWriter& json, const MessageModel& m, const std::string& message_template) {
    if (!message_template.empty()) {
        const std::string text = render_template(message_template, m, [](std::string_view value) {
            return slack_cut(value, kSectionLimit);
        });
        const std::string cut = truncate_utf8(text, kSectionLimit);
        json.field("text", truncate_utf8(text, kFallbackTextLimit));
        json.key("blocks").begin_array();
        section(json, cut);
        json.end_array();
        return;
    }
    json.field("text", fallback_text(m));
    json.key("blocks").begin_array();
    json.begin_object().field("type", "header");
    json.key("text").begin_object().field("type", "plain_text");
    json.field("text", truncate_utf8(m.headline, kHeaderLimit)).field("emoji", false);
    json.end_object().end_object();

    std::string who;
    if (!m.author.empty()) who = "*" + slack_cut(m.author, 200) + "*";
    if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + escape_slack(m.reach);
    if (!m.post_url.empty()) {
        who += (who.empty() ? "" : "\n") +
               slack_link(m.post_url, m.source.empty() ? "View post" : "View post on " + m.source);
    }
    if (!who.empty()) section(json, who);
    if (!m.text.empty()) section(json, slack_cut(m.text, kSectionLimit));
    if (!m.samples.empty()) {
        std::string lines;
        if (m.count > 0)
            lines = "*" + group_thousands(m.count) + " " + m.count_unit + "*, for example:";
        for (const auto& sample : m.samples) {
            lines +=
                (lines.empty() ? "" : "\n") + std::string("• ") + slack_cut(sample, kSampleLimit);
        }
        section(json, truncate_utf8(lines, kSectionLimit));
    } else if (m.count > 0) {
        section(json, "*" + group_thousands(m.count) + " " + m.count_unit + "*");
    }

    std::vector<std::string> fields;
    if (!m.recipient.empty()) fields.push_back("*For*\n" + slack_cut(m.recipient, 200));
    if (!m.topic.empty()) fields.push_back("*Topic*\n" + slack_cut(m.topic, 200));
    if (!m.priority.empty()) fields.push_back("*Priority*\n" + m.priority);
    if (!m.text.empty()) fields.push_back("*Sentiment*\n" + m.sentiment);
    if (m.deadline_ms) fields.push_back("*Respond by*\n" + slack_deadline(*m.deadline_ms));
    if (!fields.empty()) {
        json.begin_object().field("type", "section").key("fields").begin_array();
        for (const auto& f : fields) {
            json.begin_object().field("type", "mrkdwn").field("text", f).end_object();
        }
        json.end_array().end_object();
    }
    if (!m.why.empty()) {
        context(json, std::string(m.case_id.empty() ? "Why: " : "Why you: ") +
                          slack_cut(m.why, kFieldLimit));
    }
    if (!m.actions.empty()) {
        std::string links;
        for (const auto& link : m.actions) {
            links += (links.empty() ? "" : " · ") + slack_link(link.url, link.label);
        }
        context(json, links);
    }
    json.end_array();
}

std::string mattermost_text(const MessageModel& m, const std::string& message_template) {
    constexpr std::size_t kLimit = 16000;
    auto md = [](std::string_view text, std::size_t limit) {
        return escape_truncated(text, limit, escape_markdown_cp);
    };
    if (!message_template.empty()) {
        return truncate_utf8(
            render_template(message_template, m, [&](std::string_view v) { return md(v, 8000); }),
            kLimit);
    }
    std::string out = "#### " + md(m.headline, 300);
    std::string who = m.author.empty() ? "" : "**" + md(m.author, 200) + "**";
    if (!m.reach.empty()) who += (who.empty() ? "" : " · ") + m.reach;
    if (!m.post_url.empty()) {
        who += (who.empty() ? "" : " · ") + std::string("[View post](") +
               escape_markdown(m.post_url) + ")";
    }
    if (!who.empty()) out += "\n" + who;
    if (!m.text.empty()) {
        std::string quoted = md(m.text, 8000);
        std::string block = "> ";
        for (const char ch : quoted) {
            block.push_back(ch);
            if (ch == '\n') block += "> ";
        }
        out += "\n" + block;
    }
    if (m.count > 0) out += "\n**" + group_thousands(m.count) + " " + m.count_unit + "**";
    for (const auto& sample : m.samples) out += "\n- " + md(sample, 280);
    std::string facts;
    auto fact = [&](std::string_view name, const std::string& value) {
        if (!value.empty())
            facts += (facts.empty() ? "" : " · ") + std::string(name) + ": " + value;
    };
    fact("For", md(m.recipient, 200));
    fact("Topic", md(m.topic, 200));
    fact("Priority", m.priority);
    if (!m.text.empty()) fact("Sentiment", m.sentiment);
    if (m.deadline_ms) fact("Respond by", human_utc(*m.deadline_ms));
    if (!facts.empty()) out += "\n" + facts;
    if (!m.why.empty()) {
        out += std::string(m.case_id.empty() ? "\n*Why: " : "\n*Why you: ") + md(m.why, 2000) + "*";
    }
    if (!m.actions.empty()) {
        std::string links;
        for (const auto& link : m.actions) {
            links += (links.empty() ? "" : " · ") + std::string("[") + link.label + "](" +
                     escape_markdown(link.url) + ")";
        }
        out += "\n" + links;
    }
    return truncate_utf8(out, kLimit);
}

}  // namespace

HttpRequestSpec format_slack_webhook(const Alert& alert, const SinkSettings& settings) {
    const MessageModel m = build_message(alert, settings);
    JsonWriter json;
    json.begin_object();
    write_blocks(json, m, template_for(alert, settings));
    json.end_object();
    return {"POST", settings.url, {{"Content-Type", "application/json"}}, json.take()};
}

HttpRequestSpec format_slack_api(const Alert& alert, const SinkSettings& settings,
                                 const ThreadRef& thread) {
    const MessageModel m = build_message(alert, settings);
    // A thread ref is "<channel id>:<ts>" (the conversation the first message landed in, a
    // direct message when it was addressed to a member id) or just the ts.
    std::string channel = destination_of(alert, settings);
    std::string thread_ts = thread.root;
    if (const auto colon = thread_ts.find(':'); colon != std::string::npos) {
        channel = thread_ts.substr(0, colon);
        thread_ts.erase(0, colon + 1);
    }
    JsonWriter json;
    json.begin_object().field("channel", channel);
    if (!thread_ts.empty()) {
        // A deadline warning or an escalation must be seen: it is also shown in the channel.
        const bool broadcast =
            alert.kind == AlertKind::sla_warning || alert.kind == AlertKind::escalation;
        json.field("thread_ts", thread_ts).field("reply_broadcast", broadcast);
    }
    write_blocks(json, m, template_for(alert, settings));
    json.field("unfurl_links", false).field("unfurl_media", false);
    if (!settings.username.empty()) json.field("username", settings.username);
    json.end_object();
    std::string url = settings.url.empty() ? "https://slack.com/api" : settings.url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return {"POST",
            url + "/chat.postMessage",
            {{"Content-Type", "application/json; charset=utf-8"},
             {"Authorization", "Bearer " + settings.token}},
            json.take()};
}

HttpRequestSpec format_mattermost(const Alert& alert, const SinkSettings& settings) {
    const MessageModel m = build_message(alert, settings);
    JsonWriter json;
    json.begin_object().field("text", mattermost_text(m, template_for(alert, settings)));
    const std::string destination = destination_of(alert, settings);
    if (!destination.empty()) json.field("channel", destination);
    if (!settings.username.empty()) json.field("username", settings.username);
    json.end_object();
    return {"POST", settings.url, {{"Content-Type", "application/json"}}, json.take()};
}

}  // namespace spreekbuis::connectors::sinks
