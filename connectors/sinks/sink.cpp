#include "connectors/sinks/sink.hpp"

#include <algorithm>
#include <cctype>

#include "connectors/sinks/action_token.hpp"
#include "connectors/sinks/message_template.hpp"
#include "connectors/sinks/sink_crypto.hpp"
#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {

std::string_view to_string(Service service) {
    switch (service) {
        case Service::slack_webhook:
            return "slack";
        case Service::slack_api:
            return "slack_api";
        case Service::mattermost:
            return "mattermost";
        case Service::teams:
            return "teams";
        case Service::discord:
            return "discord";
        case Service::matrix:
            return "matrix";
        case Service::telegram:
            return "telegram";
        case Service::webhook:
            return "webhook";
    }
    return "webhook";
}

std::optional<Service> parse_service(std::string_view text) {
    for (const Service s :
         {Service::slack_webhook, Service::slack_api, Service::mattermost, Service::teams,
          Service::discord, Service::matrix, Service::telegram, Service::webhook}) {
        if (to_string(s) == text) return s;
    }
    if (text == "slack_webhook") return Service::slack_webhook;
    return std::nullopt;
}

std::string describe_request(const HttpRequestSpec& request) {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : request.headers) headers.emplace_back(lower(name), value);
    std::stable_sort(headers.begin(), headers.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = request.method + " " + request.url + "\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\n";
    out += "\n";
    out += request.body;
    out += "\n";
    return out;
}

std::vector<std::string> validate_settings(const SinkSettings& settings) {
    std::vector<std::string> errors;
    const std::string label =
        "sink '" + settings.name + "' (" + std::string(to_string(settings.service)) + "): ";
    const bool needs_url =
        settings.service != Service::slack_api && settings.service != Service::telegram;
    if (needs_url && settings.url.empty()) errors.push_back(label + "'url' is required");
    if (!settings.url.empty() && settings.url.rfind("https://", 0) != 0 &&
        settings.url.rfind("http://", 0) != 0) {
        errors.push_back(label + "'url' must start with https:// or http://");
    }
    const bool needs_token = settings.service == Service::slack_api ||
                             settings.service == Service::matrix ||
                             settings.service == Service::telegram;
    if (needs_token && settings.token.empty()) errors.push_back(label + "'token' is required");
    const bool needs_destination = settings.service == Service::slack_api ||
                                   settings.service == Service::matrix ||
                                   settings.service == Service::telegram;
    if (needs_destination && settings.default_destination.empty()) {
        errors.push_back(label +
                         "'destination' is required (channel, room id or chat id used when a "
                         "person has no own address)");
    }
    if (settings.service == Service::webhook && !settings.secret.empty() &&
        !standard_webhook_signature(settings.secret, "x", "0", "")) {
        errors.push_back(label + "'secret' must be whsec_ followed by base64");
    }
    if (!settings.message_template.empty()) {
        if (const auto error = validate_template(settings.message_template)) {
            errors.push_back(label + "'template': " + *error);
        }
    }
    if (!settings.actions.base_url.empty() && settings.actions.secret.empty()) {
        errors.push_back(label + "action links need a secret");
    }
    return errors;
}

namespace {

std::string default_headline(const Alert& alert) {
    switch (alert.kind) {
        case AlertKind::new_case:
            return "New case";
        case AlertKind::case_update:
            return "Case update";
        case AlertKind::sla_warning:
            return "Response deadline is near";
        case AlertKind::escalation:
            return "Escalated: deadline passed";
        case AlertKind::crisis_start:
            return "Crisis: post volume far above normal";
        case AlertKind::crisis_end:
            return "Crisis over: volume back to normal";
        case AlertKind::source_silent:
            return "A source went silent";
        case AlertKind::reload_failed:
            return "Reload rejected";
        case AlertKind::reload_recovered:
            return "Reload accepted again";
        case AlertKind::digest:
            return "Digest of held alerts";
        case AlertKind::test:
            return "Test alert from spreekbuis";
    }
    return "Alert";
}

}  // namespace

MessageModel build_message(const Alert& alert, const SinkSettings& settings) {
    MessageModel m;
    m.kind = std::string(to_string(alert.kind));
    m.headline = sanitize_utf8(alert.title.empty() ? default_headline(alert) : alert.title);
    const auto& author = alert.post.author;
    const std::string name = sanitize_utf8(author.name);
    std::string handle = sanitize_utf8(author.handle);
    if (!handle.empty() && handle.front() != '@') handle.insert(0, "@");
    if (!name.empty() && !handle.empty()) {
        m.author = name + " (" + handle + ")";
    } else {
        m.author = name.empty() ? handle : name;
    }
    if (author.followers) m.reach = group_thousands(*author.followers) + " followers";
    if (author.verified.value_or(false)) m.reach += m.reach.empty() ? "verified" : " · verified";
    m.text = sanitize_utf8(alert.post.text);
    m.post_url = sanitize_utf8(alert.post.url);
    m.source = sanitize_utf8(alert.post.source);
    m.why = sanitize_utf8(alert.why);
    if (alert.topic) m.topic = sanitize_utf8(*alert.topic);
    if (alert.priority) m.priority = std::string(rules::to_string(*alert.priority));
    m.sentiment = format_sentiment(alert.sentiment);
    m.deadline_ms = alert.sla_deadline_ms;
    m.recipient = sanitize_utf8(alert.recipient_name);
    m.case_id = sanitize_utf8(alert.case_id);
    m.count = alert.count;
    if (alert.kind == AlertKind::reload_failed)
        m.count_unit = alert.count == 1 ? "error" : "errors";
    for (const auto& sample : alert.samples) m.samples.push_back(sanitize_utf8(sample));
    if (!alert.case_id.empty() && !settings.actions.base_url.empty()) {
        const std::int64_t expiry = alert.created_at_ms / 1000 + settings.actions.ttl_s;
        const std::pair<CaseAction, const char*> actions[] = {{CaseAction::ack, "Acknowledge"},
                                                              {CaseAction::resolve, "Resolve"},
                                                              {CaseAction::reassign, "Reassign"}};
        for (const auto& [action, label] : actions) {
            const std::string token =
                make_action_token(settings.actions.secret, alert.case_id, action, expiry);
            m.actions.push_back(
                {label, action_url(settings.actions.base_url, alert.case_id, action, token)});
        }
    }
    return m;
}

std::string destination_of(const Alert& alert, const SinkSettings& settings) {
    return alert.destination.empty() ? settings.default_destination : alert.destination;
}

std::string matrix_txn_id(std::string_view sink_name, std::string_view alert_id) {
    std::string key(sink_name);
    key += '\n';
    key += alert_id;
    return "sb" + to_hex(sha256(key)).substr(0, 32);
}

bool threads_replies(Service service) {
    return service == Service::slack_api || service == Service::matrix ||
           service == Service::telegram;
}

HttpRequestSpec format_request(const Alert& alert, const SinkSettings& settings,
                               std::int64_t now_ms, const ThreadRef& thread) {
    switch (settings.service) {
        case Service::slack_webhook:
            return format_slack_webhook(alert, settings);
        case Service::slack_api:
            return format_slack_api(alert, settings, thread);
        case Service::mattermost:
            return format_mattermost(alert, settings);
        case Service::teams:
            return format_teams(alert, settings);
        case Service::discord:
            return format_discord(alert, settings);
        case Service::matrix:
            return format_matrix(alert, settings, thread);
        case Service::telegram:
            return format_telegram(alert, settings, thread);
        case Service::webhook:
            return format_webhook(alert, settings, now_ms);
    }
    return format_webhook(alert, settings, now_ms);
}

}  // namespace spreekbuis::connectors::sinks
