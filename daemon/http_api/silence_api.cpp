#include "daemon/http_api/silence_api.hpp"

#include <openssl/rand.h>
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "connectors/sinks/sink_crypto.hpp"
#include "daemon/http_api/json_fields.hpp"
#include "daemon/routing/duration.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::http_api {

namespace {

constexpr std::size_t kMaxDurationBytes = 32;

const std::vector<std::string>& known_fields() {
    static const std::vector<std::string> fields = {
        "id", "rule", "topic", "person", "duration", "expires_at", "reason", "created_by"};
    return fields;
}

SilenceParse failed(std::string message) { return {std::nullopt, std::move(message)}; }

}  // namespace

bool valid_silence_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxSilenceIdBytes) return false;
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':';
        if (!ok) return false;
    }
    return true;
}

std::string new_silence_id() {
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
    return "s-" + connectors::sinks::to_hex(
                      std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

SilenceParse parse_silence_request(std::string_view body, std::int64_t now_ms) {
    if (blank(body)) return failed("request body is empty: send a JSON object");
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (std::string problem; !parse_request_object(parser, body, object, problem)) {
        return failed(problem);
    }

    delivery::Silence silence;
    silence.created_ms = now_ms;
    std::set<std::string_view> seen;
    std::optional<std::string> duration;
    std::optional<std::int64_t> expires_at;
    bool have_reason = false;
    std::string error;
    for (const auto field : object) {
        const std::string_view name = field.key;
        if (!seen.insert(name).second)
            return failed("field " + quoted_name(name) + " appears twice");
        std::optional<std::string> text;
        if (name == "id") {
            if (!(text = string_field(name, field.value, kMaxSilenceIdBytes, error))) {
                return failed(error);
            }
            if (!valid_silence_id(*text)) {
                return failed(
                    "field 'id' may only contain letters, digits, '.', '-', '_' and ':' (1 to " +
                    std::to_string(kMaxSilenceIdBytes) + " bytes)");
            }
            silence.id = std::move(*text);
        } else if (name == "rule" || name == "topic" || name == "person") {
            if (!(text = string_field(name, field.value, kMaxSilenceMatcherBytes, error))) {
                return failed(error);
            }
            if (!text->empty() && blank(*text)) {
                return failed("field " + quoted_name(name) +
                              " must not be blank (leave it out to match any)");
            }
            std::string& out = name == "rule"    ? silence.rule_id
                               : name == "topic" ? silence.topic
                                                 : silence.person;
            out = std::move(*text);
        } else if (name == "duration") {
            if (!(text = string_field(name, field.value, kMaxDurationBytes, error))) {
                return failed(error);
            }
            duration = std::move(*text);
        } else if (name == "expires_at") {
            std::int64_t value = 0;
            if (field.value.type() != simdjson::dom::element_type::INT64 ||
                field.value.get_int64().get(value) != simdjson::SUCCESS) {
                return failed("field 'expires_at' must be an integer (Unix time in milliseconds)");
            }
            expires_at = value;
        } else if (name == "reason") {
            if (!(text = string_field(name, field.value, kMaxSilenceReasonBytes, error))) {
                return failed(error);
            }
            have_reason = true;
            silence.reason = std::move(*text);
        } else if (name == "created_by") {
            if (!(text = string_field(name, field.value, kMaxSilenceCreatorBytes, error))) {
                return failed(error);
            }
            silence.created_by = std::move(*text);
        } else {
            std::string message = "unknown field " + quoted_name(name);
            const std::string hint = rules::closest_match(name, known_fields());
            if (!hint.empty()) {
                message += "; did you mean '" + hint + "'?";
            } else {
                message +=
                    "; known fields: id, rule, topic, person, duration, expires_at, "
                    "reason, created_by";
            }
            return failed(message);
        }
    }

    if (blank(silence.rule_id) && blank(silence.topic) && blank(silence.person)) {
        return failed("a silence needs at least one of 'rule', 'topic' or 'person'");
    }
    if (!have_reason) return failed("field 'reason' is required: say why alerts are silenced");
    if (blank(silence.reason)) return failed("field 'reason' must not be empty");
    if (duration && expires_at) return failed("give either 'duration' or 'expires_at', not both");
    if (!duration && !expires_at) {
        return failed(
            "a silence needs an expiry: 'duration' (e.g. \"2h\") or 'expires_at' (Unix ms)");
    }
    if (duration) {
        std::string why;
        const auto ms = routing::parse_duration(*duration, &why);
        if (!ms) return failed("field 'duration': " + why);
        if (*ms <= 0) return failed("field 'duration' must be longer than 0");
        if (*ms > kMaxSilenceMs) return failed("a silence lasts at most 90 days");
        silence.expires_ms = now_ms + *ms;
    } else {
        if (*expires_at <= now_ms) return failed("field 'expires_at' is not in the future");
        if (*expires_at > now_ms + kMaxSilenceMs) return failed("a silence lasts at most 90 days");
        silence.expires_ms = *expires_at;
    }
    return {std::move(silence), ""};
}

void write_silence_json(connectors::JsonWriter& json, const delivery::Silence& silence,
                        std::int64_t now_ms) {
    auto text_or_null = [&](std::string_view name, const std::string& value) {
        json.key(name);
        if (value.empty()) {
            json.null();
        } else {
            json.value(value);
        }
    };
    json.begin_object();
    json.field("id", silence.id);
    text_or_null("rule", silence.rule_id);
    text_or_null("topic", silence.topic);
    text_or_null("person", silence.person);
    json.field("reason", silence.reason);
    text_or_null("created_by", silence.created_by);
    json.key("created_at");
    if (silence.created_ms != 0) {
        json.value(silence.created_ms);
    } else {
        json.null();
    }
    json.field("expires_at", silence.expires_ms);
    json.field("expires_in",
               routing::format_duration(std::max<std::int64_t>(0, silence.expires_ms - now_ms)));
    json.end_object();
}

std::string silences_json(const std::vector<delivery::Silence>& silences, std::int64_t now_ms) {
    connectors::JsonWriter json;
    json.begin_object().key("silences").begin_array();
    for (const auto& silence : silences) write_silence_json(json, silence, now_ms);
    json.end_array().end_object();
    return json.take() + "\n";
}

}  // namespace spreekbuis::daemon::http_api
