#pragma once
// Alerts and settings shared by the sink tests.
#include <string>
#include <vector>

#include "connectors/alert.hpp"
#include "connectors/sinks/sink.hpp"

namespace spreekbuis::connectors::sinks::testing {

inline constexpr std::int64_t kCreatedMs = 1714572000000;  // 2024-05-01T14:00:00Z

inline Alert sample_alert(AlertKind kind) {
    Alert a;
    a.id = "alert-" + std::string(to_string(kind)) + "-1";
    a.kind = kind;
    a.sink = "team-chat";
    a.recipient_name = "Anna de Vries";
    a.created_at_ms = kCreatedMs;
    switch (kind) {
        case AlertKind::crisis_start:
        case AlertKind::crisis_end:
            a.title = kind == AlertKind::crisis_start ? "Spike: 'storing' 14x above baseline" : "";
            a.topic = "outage";
            a.count = 1234;
            a.samples = {"Weer storing bij jullie?! <!channel>", "Internet down again @here"};
            a.why = "1,234 posts in 10 minutes, baseline 88";
            return a;
        case AlertKind::digest:
            a.count = 7;
            a.samples = {"My bag is lost", "Still waiting for a refund & nobody answers"};
            a.why = "hourly cap of 10 alerts reached";
            return a;
        case AlertKind::source_silent:
            a.title = "Source 'mastodon' silent for 15 minutes";
            a.why = "usually 40 posts per 15 minutes";
            return a;
        case AlertKind::reload_failed:
            a.title = "Reload rejected (rules): 2 errors";
            a.count = 2;
            a.samples = {"/etc/spreekbuis/rules/bags.yaml:12:18: unknown list '$bagage'",
                         "/etc/spreekbuis/rules/bags.yaml:30:5: rule test failed: lost bag"};
            a.why = "reload by file change rejected; the previous rules serve";
            a.group_key = "reload:1714572000000";
            return a;
        case AlertKind::reload_recovered:
            a.title = "Reload accepted again: 120 rules";
            a.why = "reload by file change accepted; the rejected files were fixed";
            a.group_key = "reload:1714572000000";
            return a;
        case AlertKind::test:
            a.title = "";
            a.why = "notify-test from the command line";
            return a;
        default:
            break;
    }
    a.case_id = "case-42";
    a.title = "Complaint about baggage (high)";
    a.post.id = "109348699525106378";
    a.post.source = "mastodon";
    a.post.text =
        "@KLM my bag is lost *again* & nobody answers <!here> <@U123> "
        "<https://evil.example|click me> @everyone";
    a.post.url = "https://mastodon.social/@jan/109348699525106378";
    a.post.author.handle = "jan@mastodon.social";
    a.post.author.name = "Jan Jansen";
    a.post.author.followers = 12345;
    a.post.author.verified = true;
    a.topic = "baggage";
    a.priority = rules::Priority::high;
    a.sentiment = -0.62;
    a.why = "matched 'bag lost' (rule baggage); you cover baggage in Dutch, load 2/8";
    a.sla_deadline_ms = kCreatedMs + 3600 * 1000;
    if (kind == AlertKind::escalation) a.recipient_name = "Webcare desk";
    return a;
}

inline std::vector<AlertKind> all_kinds() {
    return {AlertKind::new_case,      AlertKind::case_update,   AlertKind::sla_warning,
            AlertKind::escalation,    AlertKind::crisis_start,  AlertKind::crisis_end,
            AlertKind::source_silent, AlertKind::reload_failed, AlertKind::reload_recovered,
            AlertKind::digest,        AlertKind::test};
}

inline SinkSettings settings_for(Service service) {
    SinkSettings s;
    s.name = "team-chat";
    s.service = service;
    s.actions.base_url = "https://spreekbuis.example.com";
    s.actions.secret = "action-secret";
    switch (service) {
        case Service::slack_webhook:
            s.url = "https://hooks.slack.com/services/T000/B000/XXXX";
            break;
        case Service::slack_api:
            s.token = "xoxb-test-token";
            s.default_destination = "C0123456";
            break;
        case Service::mattermost:
            s.url = "https://chat.example.com/hooks/abc123";
            s.username = "spreekbuis";
            break;
        case Service::teams:
            s.url =
                "https://prod-00.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/"
                "invoke?api-version=2016-06-01&sig=SIG";
            break;
        case Service::discord:
            s.url = "https://discord.com/api/webhooks/123/token";
            s.username = "spreekbuis";
            break;
        case Service::matrix:
            s.url = "https://matrix.example.org";
            s.token = "syt_test_token";
            s.default_destination = "!room:example.org";
            break;
        case Service::telegram:
            s.token = "123456:ABC";
            s.default_destination = "-1001234567890";
            break;
        case Service::webhook:
            s.url = "https://hooks.example.com/spreekbuis";
            s.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            break;
    }
    return s;
}

inline std::vector<Service> all_services() {
    return {Service::slack_webhook, Service::slack_api, Service::mattermost, Service::teams,
            Service::discord,       Service::matrix,    Service::telegram,   Service::webhook};
}

}  // namespace spreekbuis::connectors::sinks::testing
