#include "connectors/sinks/classify.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctime>

#include "connectors/sinks/text.hpp"

namespace spreekbuis::connectors::sinks {

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::ok:
            return "ok";
        case Outcome::retry:
            return "retry";
        case Outcome::permanent:
            return "permanent";
        case Outcome::disable:
            return "disable";
    }
    return "retry";
}

namespace {

constexpr std::int64_t kMaxDelayMs = 24LL * 3600 * 1000;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::int64_t clamp_ms(double ms) {
    if (!(ms > 0)) return 0;
    if (ms > static_cast<double>(kMaxDelayMs)) return kMaxDelayMs;
    return static_cast<std::int64_t>(std::ceil(ms));
}

std::string snippet(std::string_view body) { return truncate_utf8(sanitize_utf8(trim(body)), 200); }

Classification ok() { return {Outcome::ok, std::nullopt, "", std::nullopt, ""}; }
Classification retry(std::string reason, std::optional<std::int64_t> after = std::nullopt) {
    return {Outcome::retry, after, std::move(reason), std::nullopt, ""};
}
Classification permanent(std::string reason) {
    return {Outcome::permanent, std::nullopt, std::move(reason), std::nullopt, ""};
}
Classification disable(std::string reason) {
    return {Outcome::disable, std::nullopt, std::move(reason), std::nullopt, ""};
}

std::string http_reason(int status, std::string_view body) {
    std::string reason = "HTTP " + std::to_string(status);
    const std::string text = snippet(body);
    if (!text.empty()) reason += ": " + text;
    return reason;
}

std::optional<std::int64_t> header_delay(const Headers& headers, std::int64_t now_ms) {
    if (const auto value = find_header(headers, "retry-after")) {
        return parse_retry_after(*value, now_ms);
    }
    return std::nullopt;
}

// The default for statuses without service-specific meaning.
Classification by_status(int status, const Headers& headers, std::string_view body,
                         std::int64_t now_ms) {
    if (status >= 200 && status < 300) return ok();
    if (status == 429) return retry(http_reason(status, body), header_delay(headers, now_ms));
    if (status == 408 || status >= 500) {
        return retry(http_reason(status, body), header_delay(headers, now_ms));
    }
    if (status >= 300 && status < 400)
        return permanent(http_reason(status, "redirect not followed"));
    return permanent(http_reason(status, body));
}

template <std::size_t N>
bool one_of(std::string_view code, const std::array<std::string_view, N>& codes) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Slack error codes, shared by webhooks (plain-text bodies) and chat.postMessage (JSON).
constexpr std::array<std::string_view, 7> kSlackRetry = {
    "ratelimited", "rate_limited",    "internal_error",   "service_unavailable",
    "fatal_error", "request_timeout", "team_added_to_org"};
constexpr std::array<std::string_view, 20> kSlackDisable = {"invalid_auth",
                                                            "not_authed",
                                                            "account_inactive",
                                                            "token_revoked",
                                                            "token_expired",
                                                            "no_permission",
                                                            "missing_scope",
                                                            "org_login_required",
                                                            "ekm_access_denied",
                                                            "team_access_not_granted",
                                                            "invalid_token",
                                                            "no_service",
                                                            "no_service_id",
                                                            "no_team",
                                                            "team_disabled",
                                                            "no_active_hooks",
                                                            "action_prohibited",
                                                            "access_denied",
                                                            "two_factor_setup_required",
                                                            "not_allowed_token_type"};
// For an incoming webhook the channel is part of the hook: these break every message.
constexpr std::array<std::string_view, 4> kSlackWebhookChannel = {
    "channel_not_found", "channel_is_archived", "posting_to_general_channel_denied",
    "user_not_found"};

Classification slack_code(std::string_view code, bool webhook, int status, const Headers& headers,
                          std::int64_t now_ms) {
    const std::string reason =
        "slack: " + snippet(code) + (status != 200 ? " (HTTP " + std::to_string(status) + ")" : "");
    if (one_of(code, kSlackRetry) || status == 429 || status >= 500) {
        auto delay = header_delay(headers, now_ms);
        if (!delay && code == "rate_limited") delay = 60000;
        return retry(reason, delay);
    }
    if (one_of(code, kSlackDisable)) return disable(reason);
    if (webhook && one_of(code, kSlackWebhookChannel)) return disable(reason);
    return permanent(reason);
}

Classification classify_slack_webhook(int status, const Headers& headers, std::string_view body,
                                      std::int64_t now_ms) {
    const std::string_view text = trim(body);
    if (status >= 200 && status < 300 && (text == "ok" || text.empty())) return ok();
    if (status == 429 || status >= 500 || status == 408) {
        return by_status(status, headers, body, now_ms);
    }
    const bool is_code = !text.empty() && text.size() <= 64 &&
                         std::all_of(text.begin(), text.end(),
                                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    if (!is_code) {
        return by_status(status >= 200 && status < 300 ? 500 : status, headers, body, now_ms);
    }
    return slack_code(text, true, status, headers, now_ms);
}

Classification classify_slack_api(int status, const Headers& headers, std::string_view body,
                                  std::int64_t now_ms) {
    if (status != 200) return by_status(status, headers, body, now_ms);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    bool is_ok = false;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS ||
        root["ok"].get_bool().get(is_ok) != simdjson::SUCCESS) {
        return retry("slack: unexpected response " + snippet(body));
    }
    if (is_ok) return ok();
    std::string_view error;
    if (root["error"].get_string().get(error) != simdjson::SUCCESS) error = "unknown_error";
    return slack_code(error, false, status, headers, now_ms);
}

Classification classify_teams(int status, const Headers& headers, std::string_view body,
                              std::int64_t now_ms) {
    if (status >= 200 && status < 300) {
        // Legacy connectors report throttling inside a 200 body.
        if (body.find("returned HTTP error 429") != std::string_view::npos) {
            return retry("teams: throttled (429 in body)", header_delay(headers, now_ms));
        }
        return ok();
    }
    if (status == 401 || status == 403 || status == 404 || status == 410) {
        return disable("teams: " + http_reason(status, body));
    }
    return by_status(status, headers, body, now_ms);
}

Classification classify_discord(int status, const Headers& headers, std::string_view body,
                                std::int64_t now_ms) {
    if (status == 429) {
        std::optional<std::int64_t> delay;
        simdjson::dom::parser parser;
        simdjson::dom::element root;
        const simdjson::padded_string padded(body);
        double seconds = 0;
        if (parser.parse(padded).get(root) == simdjson::SUCCESS &&
            root["retry_after"].get_double().get(seconds) == simdjson::SUCCESS) {
            delay = clamp_ms(seconds * 1000.0);
        }
        if (!delay) delay = header_delay(headers, now_ms);
        if (!delay) {
            if (const auto v = find_header(headers, "x-ratelimit-reset-after")) {
                if (const auto s = parse_number(*v)) delay = clamp_ms(*s * 1000.0);
            }
        }
        return retry("discord: rate limited", delay);
    }
    if (status >= 200 && status < 300) {
        Classification result = ok();
        const auto remaining = find_header(headers, "x-ratelimit-remaining");
        const auto reset_after = find_header(headers, "x-ratelimit-reset-after");
        if (remaining && reset_after && trim(*remaining) == "0") {
            if (const auto s = parse_number(*reset_after)) result.pause_ms = clamp_ms(*s * 1000.0);
        }
        return result;
    }
    if (status == 404) return disable("discord: webhook not found (404), never reuse it");
    if (status == 401 || status == 403) return disable("discord: " + http_reason(status, body));
    return by_status(status, headers, body, now_ms);
}

Classification classify_matrix(int status, const Headers& headers, std::string_view body,
                               std::int64_t now_ms) {
    if (status == 429) {
        auto delay = header_delay(headers, now_ms);
        if (!delay) {
            simdjson::dom::parser parser;
            simdjson::dom::element root;
            const simdjson::padded_string padded(body);
            std::int64_t ms = 0;
            if (parser.parse(padded).get(root) == simdjson::SUCCESS &&
                root["retry_after_ms"].get_int64().get(ms) == simdjson::SUCCESS) {
                delay = clamp_ms(static_cast<double>(ms));
            }
        }
        return retry("matrix: M_LIMIT_EXCEEDED", delay);
    }
    if (status == 401) return disable("matrix: " + http_reason(status, body));
    return by_status(status, headers, body, now_ms);
}

Classification classify_telegram(int status, const Headers& headers, std::string_view body,
                                 std::int64_t now_ms) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    const bool json = parser.parse(padded).get(root) == simdjson::SUCCESS;
    bool is_ok = false;
    if (json && root["ok"].get_bool().get(is_ok) == simdjson::SUCCESS && is_ok && status >= 200 &&
        status < 300) {
        return ok();
    }
    std::string_view description;
    if (json && root["description"].get_string().get(description) != simdjson::SUCCESS) {
        description = {};
    }
    const std::string reason =
        "telegram: " + (description.empty() ? http_reason(status, body) : snippet(description));
    if (status == 429) {
        std::optional<std::int64_t> delay;
        std::int64_t seconds = 0;
        if (json &&
            root["parameters"]["retry_after"].get_int64().get(seconds) == simdjson::SUCCESS) {
            delay = clamp_ms(static_cast<double>(seconds) * 1000.0);
        }
        if (!delay) {
            const auto at = description.find("retry after ");
            if (at != std::string_view::npos) {
                if (const auto s = parse_number(description.substr(at + 12))) {
                    delay = clamp_ms(*s * 1000.0);
                }
            }
        }
        if (!delay) delay = header_delay(headers, now_ms);
        return retry(reason, delay);
    }
    if (status == 401 || status == 404) return disable(reason);  // bad or revoked bot token
    if (status >= 200 && status < 300)
        return retry("telegram: unexpected response " + snippet(body));
    if (status == 408 || status >= 500) return retry(reason, header_delay(headers, now_ms));
    if (json) {
        std::int64_t migrated = 0;
        if (root["parameters"]["migrate_to_chat_id"].get_int64().get(migrated) ==
            simdjson::SUCCESS) {
            return permanent(reason + " (group moved to chat " + std::to_string(migrated) + ")");
        }
    }
    return permanent(reason);
}

Classification classify_webhook(int status, const Headers& headers, std::string_view body,
                                std::int64_t now_ms) {
    if (status == 410) return disable("webhook: endpoint gone (410)");
    return by_status(status, headers, body, now_ms);
}

Classification classify_mattermost(int status, const Headers& headers, std::string_view body,
                                   std::int64_t now_ms) {
    if (status == 401 || status == 403 || status == 404) {
        return disable("mattermost: " + http_reason(status, body));
    }
    return by_status(status, headers, body, now_ms);
}

}  // namespace

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms) {
    value = trim(value);
    if (const auto seconds = parse_number(value)) {
        if (*seconds < 0) return std::nullopt;
        return clamp_ms(*seconds * 1000.0);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (value.size() != 29 || value.substr(25) != " GMT") return std::nullopt;
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
        int n = 0;
        const auto [end, error] = std::from_chars(value.data() + pos, value.data() + pos + len, n);
        if (error != std::errc() || end != value.data() + pos + len) return std::nullopt;
        return n;
    };
    const auto day = number(5, 2);
    const auto year = number(12, 4);
    const auto hour = number(17, 2);
    const auto minute = number(20, 2);
    const auto second = number(23, 2);
    const auto month = std::find(kMonths.begin(), kMonths.end(), value.substr(8, 3));
    if (!day || !year || !hour || !minute || !second || month == kMonths.end()) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = static_cast<int>(month - kMonths.begin());
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    const std::int64_t at_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
    return clamp_ms(static_cast<double>(at_ms - now_ms));
}

namespace {

bool all_of_chars(std::string_view text, bool (*allowed)(char)) {
    return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ts_char(char c) { return is_digit(c) || c == '.'; }
bool is_visible_ascii(char c) { return c > ' ' && c < 0x7f; }
bool is_channel_char(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }

Classification classify_by_service(Service service, int status, const Headers& headers,
                                   std::string_view body, std::int64_t now_ms);

}  // namespace

std::string extract_remote_ref(Service service, std::string_view body) {
    if (body.empty() || body.size() > kMaxRefBodyBytes) return "";
    if (service != Service::slack_api && service != Service::matrix &&
        service != Service::telegram && service != Service::discord) {
        return "";
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) return "";
    std::string_view text;
    std::string ref;
    switch (service) {
        case Service::slack_api:  // "D024BE91L:1503435956.000247" (channel:ts) or the ts
            if (root["ts"].get_string().get(text) == simdjson::SUCCESS &&
                all_of_chars(text, is_ts_char)) {
                ref = std::string(text);
                // The conversation the message landed in (a direct message when it was
                // addressed to a member id): replies must go there.
                std::string_view channel;
                if (root["channel"].get_string().get(channel) == simdjson::SUCCESS &&
                    all_of_chars(channel, is_channel_char)) {
                    ref = std::string(channel) + ":" + ref;
                }
            }
            break;
        case Service::matrix:  // "$YUwRidLecu:example.com" (room v1/v2) or "$<base64>"
            if (root["event_id"].get_string().get(text) == simdjson::SUCCESS && text.size() > 1 &&
                text.front() == '$' && all_of_chars(text, is_visible_ascii)) {
                ref = std::string(text);
            }
            break;
        case Service::telegram: {
            std::int64_t id = 0;
            if (root["result"]["message_id"].get_int64().get(id) == simdjson::SUCCESS && id > 0) {
                ref = std::to_string(id);
            }
            break;
        }
        case Service::discord:  // a snowflake, sent as a string
            if (root["id"].get_string().get(text) == simdjson::SUCCESS &&
                all_of_chars(text, is_digit)) {
                ref = std::string(text);
            }
            break;
        default:
            break;
    }
    return ref.size() <= kMaxRefBytes ? ref : "";
}

Classification classify_response(Service service, int status, const Headers& headers,
                                 std::string_view body, std::int64_t now_ms) {
    Classification result = classify_by_service(service, status, headers, body, now_ms);
    if (result.outcome == Outcome::ok && status >= 200 && status < 300) {
        result.remote_ref = extract_remote_ref(service, body);
    }
    return result;
}

namespace {

Classification classify_by_service(Service service, int status, const Headers& headers,
                                   std::string_view body, std::int64_t now_ms) {
    switch (service) {
        case Service::slack_webhook:
            return classify_slack_webhook(status, headers, body, now_ms);
        case Service::slack_api:
            return classify_slack_api(status, headers, body, now_ms);
        case Service::mattermost:
            return classify_mattermost(status, headers, body, now_ms);
        case Service::teams:
            return classify_teams(status, headers, body, now_ms);
        case Service::discord:
            return classify_discord(status, headers, body, now_ms);
        case Service::matrix:
            return classify_matrix(status, headers, body, now_ms);
        case Service::telegram:
            return classify_telegram(status, headers, body, now_ms);
        case Service::webhook:
            return classify_webhook(status, headers, body, now_ms);
    }
    return by_status(status, headers, body, now_ms);
}

}  // namespace

Classification classify_transport_error(std::string_view what) {
    return retry("transport: " + snippet(what));
}

}  // namespace spreekbuis::connectors::sinks
