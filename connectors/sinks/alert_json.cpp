#include "connectors/sinks/alert_json.hpp"

#include <simdjson.h>

namespace spreekbuis::connectors::sinks {

std::optional<AlertKind> parse_alert_kind(std::string_view text) {
    for (const AlertKind kind :
         {AlertKind::new_case, AlertKind::case_update, AlertKind::sla_warning,
          AlertKind::escalation, AlertKind::crisis_start, AlertKind::crisis_end,
          AlertKind::source_silent, AlertKind::reload_failed, AlertKind::reload_recovered,
          AlertKind::digest, AlertKind::test}) {
        if (to_string(kind) == text) return kind;
    }
    return std::nullopt;
}

void write_alert_json(JsonWriter& json, const Alert& alert) {
    json.begin_object();
    json.field("id", alert.id).field("kind", to_string(alert.kind));
    json.field("case_id", alert.case_id).field("sink", alert.sink);
    json.field("destination", alert.destination).field("recipient", alert.recipient_name);
    json.field("title", alert.title);
    const auto& p = alert.post;
    json.key("post").begin_object();
    json.field("id", p.id).field("source", p.source).field("text", p.text);
    if (!p.lang.empty()) json.field("lang", p.lang);
    if (!p.created_at.empty()) json.field("created_at", p.created_at);
    if (p.created_at_ms) json.field("created_at_ms", *p.created_at_ms);
    json.key("author").begin_object();
    json.field("handle", p.author.handle).field("name", p.author.name);
    if (p.author.followers) json.field("followers", *p.author.followers);
    if (p.author.verified) json.field("verified", *p.author.verified);
    json.end_object();
    if (!p.url.empty()) json.field("url", p.url);
    if (!p.in_reply_to.empty()) json.field("in_reply_to", p.in_reply_to);
    if (!p.conversation.empty()) json.field("conversation", p.conversation);
    if (p.reposts) json.field("reposts", *p.reposts);
    if (p.replies) json.field("replies", *p.replies);
    json.end_object();
    json.key("topic");
    if (alert.topic) {
        json.value(*alert.topic);
    } else {
        json.null();
    }
    json.key("priority");
    if (alert.priority) {
        json.value(rules::to_string(*alert.priority));
    } else {
        json.null();
    }
    json.field("sentiment", alert.sentiment).field("why", alert.why);
    json.key("sla_deadline_ms");
    if (alert.sla_deadline_ms) {
        json.value(*alert.sla_deadline_ms);
    } else {
        json.null();
    }
    json.field("created_at_ms", alert.created_at_ms).field("count", alert.count);
    json.key("samples").begin_array();
    for (const auto& s : alert.samples) json.value(s);
    json.end_array();
    if (!alert.message_template.empty()) json.field("message_template", alert.message_template);
    if (!alert.group_key.empty()) json.field("group_key", alert.group_key);
    json.end_object();
}

std::string alert_to_json(const Alert& alert) {
    JsonWriter json;
    write_alert_json(json, alert);
    return json.take();
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

void get_string(object o, const char* key, std::string& out) {
    std::string_view v;
    if (o[key].get_string().get(v) == simdjson::SUCCESS) out = std::string(v);
}

void get_int(object o, const char* key, std::optional<std::int64_t>& out) {
    std::int64_t v = 0;
    if (o[key].get_int64().get(v) == simdjson::SUCCESS) out = v;
}

}  // namespace

std::optional<Alert> alert_from_json(std::string_view text, std::string* error) {
    simdjson::dom::parser parser;
    element root;
    const simdjson::padded_string padded(text);
    if (const auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
        if (error) *error = std::string("invalid JSON: ") + simdjson::error_message(code);
        return std::nullopt;
    }
    object o;
    if (root.get_object().get(o) != simdjson::SUCCESS) {
        if (error) *error = "not a JSON object";
        return std::nullopt;
    }
    Alert a;
    std::string_view id;
    if (o["id"].get_string().get(id) != simdjson::SUCCESS) {
        if (error) *error = "missing string 'id'";
        return std::nullopt;
    }
    a.id = std::string(id);
    std::string kind;
    get_string(o, "kind", kind);
    a.kind = parse_alert_kind(kind).value_or(AlertKind::new_case);
    get_string(o, "case_id", a.case_id);
    get_string(o, "sink", a.sink);
    get_string(o, "destination", a.destination);
    get_string(o, "recipient", a.recipient_name);
    get_string(o, "title", a.title);
    object post;
    if (o["post"].get_object().get(post) == simdjson::SUCCESS) {
        auto& p = a.post;
        get_string(post, "id", p.id);
        get_string(post, "source", p.source);
        get_string(post, "text", p.text);
        get_string(post, "lang", p.lang);
        get_string(post, "created_at", p.created_at);
        get_int(post, "created_at_ms", p.created_at_ms);
        get_string(post, "url", p.url);
        get_string(post, "in_reply_to", p.in_reply_to);
        get_string(post, "conversation", p.conversation);
        get_int(post, "reposts", p.reposts);
        get_int(post, "replies", p.replies);
        object author;
        if (post["author"].get_object().get(author) == simdjson::SUCCESS) {
            get_string(author, "handle", p.author.handle);
            get_string(author, "name", p.author.name);
            get_int(author, "followers", p.author.followers);
            bool verified = false;
            if (author["verified"].get_bool().get(verified) == simdjson::SUCCESS) {
                p.author.verified = verified;
            }
        }
    }
    std::string_view sv;
    if (o["topic"].get_string().get(sv) == simdjson::SUCCESS) a.topic = std::string(sv);
    if (o["priority"].get_string().get(sv) == simdjson::SUCCESS) {
        a.priority = rules::parse_priority(sv);
    }
    double sentiment = 0.0;
    if (o["sentiment"].get_double().get(sentiment) == simdjson::SUCCESS) a.sentiment = sentiment;
    get_string(o, "why", a.why);
    get_int(o, "sla_deadline_ms", a.sla_deadline_ms);
    std::optional<std::int64_t> n;
    get_int(o, "created_at_ms", n);
    a.created_at_ms = n.value_or(0);
    n.reset();
    get_int(o, "count", n);
    a.count = n.value_or(0);
    simdjson::dom::array samples;
    if (o["samples"].get_array().get(samples) == simdjson::SUCCESS) {
        for (element s : samples) {
            if (s.get_string().get(sv) == simdjson::SUCCESS) a.samples.emplace_back(sv);
        }
    }
    get_string(o, "message_template", a.message_template);
    get_string(o, "group_key", a.group_key);
    return a;
}

}  // namespace spreekbuis::connectors::sinks
