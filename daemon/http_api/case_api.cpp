#include "daemon/http_api/case_api.hpp"

#include <simdjson.h>

#include <charconv>
#include <set>

#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/json_fields.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::http_api {

namespace {

constexpr std::size_t kMaxFilterBytes = 256;

const std::vector<std::string>& known_parameters() {
    static const std::vector<std::string> names = {"status",   "assignee", "team", "topic",
                                                   "priority", "sla",      "limit"};
    return names;
}

CaseQueryParse query_failed(std::string message) { return {std::nullopt, std::move(message)}; }
CaseActionParse action_failed(std::string message) { return {std::nullopt, std::move(message)}; }

// The comma-separated items of a parameter, empty items refused.
std::optional<std::vector<std::string_view>> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        if (item.empty()) return std::nullopt;
        items.push_back(item);
        if (comma == std::string_view::npos) return items;
        text.remove_prefix(comma + 1);
    }
}

std::optional<std::string> parse_statuses(std::string_view text,
                                          std::set<routing::CaseStatus>& out) {
    const auto items = split_list(text);
    if (!items) return "'status' must be a comma-separated list without empty items";
    for (const auto item : *items) {
        if (item == "open") {
            for (const auto status :
                 {routing::CaseStatus::new_case, routing::CaseStatus::assigned,
                  routing::CaseStatus::acknowledged, routing::CaseStatus::reopened}) {
                out.insert(status);
            }
        } else if (item == "all") {
            for (const auto status :
                 {routing::CaseStatus::new_case, routing::CaseStatus::assigned,
                  routing::CaseStatus::acknowledged, routing::CaseStatus::reopened,
                  routing::CaseStatus::resolved}) {
                out.insert(status);
            }
        } else if (const auto status = routing::parse_case_status(item)) {
            out.insert(*status);
        } else {
            return "unknown status " + quoted_name(item) +
                   " (open, all, new, assigned, acknowledged, reopened, resolved)";
        }
    }
    return std::nullopt;
}

std::optional<std::string> parse_sla_states(std::string_view text,
                                            std::set<routing::SlaState>& out) {
    const auto items = split_list(text);
    if (!items) return "'sla' must be a comma-separated list without empty items";
    for (const auto item : *items) {
        const auto state = routing::parse_sla_state(item);
        if (!state) {
            return "unknown SLA state " + quoted_name(item) +
                   " (none, running, warning, overdue, met, missed)";
        }
        out.insert(*state);
    }
    return std::nullopt;
}

void optional_time(connectors::JsonWriter& json, std::string_view name, std::int64_t ms) {
    json.key(name);
    if (ms > 0) {
        json.value(ms);
    } else {
        json.null();
    }
}

}  // namespace

CaseQueryParse parse_case_query(std::string_view query) {
    routing::CaseQuery out;
    std::string error;
    const auto parameters = query_parameters(query, error);
    if (!parameters) return query_failed(error);
    bool saw_status = false;
    for (const auto& [name, value] : *parameters) {
        if (value.size() > kMaxFilterBytes || has_control(value)) {
            return query_failed("parameter " + quoted_name(name) + " is longer than " +
                                std::to_string(kMaxFilterBytes) +
                                " bytes or holds control characters");
        }
        if (name == "status") {
            saw_status = true;
            if (auto problem = parse_statuses(value, out.statuses)) return query_failed(*problem);
        } else if (name == "assignee") {
            if (value.empty()) return query_failed("'assignee' needs a person id, or 'none'");
            if (value == "none") {
                out.unassigned = true;
            } else {
                out.assignee = value;
            }
        } else if (name == "team" || name == "topic") {
            if (value.empty()) return query_failed(quoted_name(name) + " must not be empty");
            (name == "team" ? out.team : out.topic) = value;
        } else if (name == "customer") {
            if (value.find(':') == std::string::npos || value.front() == ':' ||
                value.back() == ':') {
                return query_failed("'customer' is source:handle, e.g. mastodon:@klant1");
            }
            out.customer = value;
        } else if (name == "priority") {
            out.at_least = rules::parse_priority(value);
            if (!out.at_least) {
                return query_failed(
                    "'priority' must be low, normal, high or urgent (that "
                    "priority or higher)");
            }
        } else if (name == "sla") {
            if (auto problem = parse_sla_states(value, out.sla)) return query_failed(*problem);
        } else if (name == "limit") {
            std::size_t limit = 0;
            const char* end = value.data() + value.size();
            const auto [at, ec] = std::from_chars(value.data(), end, limit);
            if (ec != std::errc() || at != end || limit == 0 || limit > routing::kMaxCaseList) {
                return query_failed("'limit' must be a whole number from 1 to " +
                                    std::to_string(routing::kMaxCaseList));
            }
            out.limit = limit;
        } else {
            std::string message = "unknown parameter " + quoted_name(name);
            const std::string hint = rules::closest_match(name, known_parameters());
            if (!hint.empty()) {
                message += "; did you mean '" + hint + "'?";
            } else {
                message += "; known: status, assignee, team, topic, customer, priority, sla, limit";
            }
            return query_failed(message);
        }
    }
    // A customer's history: every status unless the query says which.
    if (!out.customer.empty() && !saw_status) {
        for (const auto status : {routing::CaseStatus::new_case, routing::CaseStatus::assigned,
                                  routing::CaseStatus::acknowledged, routing::CaseStatus::reopened,
                                  routing::CaseStatus::resolved}) {
            out.statuses.insert(status);
        }
    }
    return {out, ""};
}

namespace {

// The fields a case action's body may hold: "by" and "note", and `extra` ("to", "priority"
// or "" for none); what is present is checked (type, length, control characters, a known
// priority). `action` names it in errors.
CaseActionParse read_action_fields(std::string_view body, std::string_view extra,
                                   std::string_view action) {
    CaseActionBody out;
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (std::string problem; !parse_request_object(parser, body, object, problem)) {
        return action_failed(problem);
    }
    std::set<std::string_view> seen;
    std::string error;
    std::string priority;
    for (const auto field : object) {
        const std::string_view name = field.key;
        if (!seen.insert(name).second) {
            return action_failed("field " + quoted_name(name) + " appears twice");
        }
        std::string* target = nullptr;
        if (name == "by") {
            target = &out.by;
        } else if (name == "note") {
            target = &out.note;
        } else if (!extra.empty() && name == extra) {
            target = extra == "to" ? &out.to : &priority;
        } else {
            std::vector<std::string> known = {"by", "note"};
            if (!extra.empty()) known.emplace_back(extra);
            std::string message =
                "unknown field " + quoted_name(name) + " for " + std::string(action);
            const std::string hint = rules::closest_match(name, known);
            if (!hint.empty()) message += "; did you mean '" + hint + "'?";
            return action_failed(message + " (known: by, note" +
                                 (extra.empty() ? "" : ", " + std::string(extra)) + ")");
        }
        const std::size_t limit = name == "note" ? kMaxCaseNoteBytes : kMaxCaseActorBytes;
        auto text = string_field(name, field.value, limit, error);
        if (!text) return action_failed(error);
        *target = std::move(*text);
    }
    if (seen.count("priority") && extra == "priority") {
        out.priority = rules::parse_priority(priority);
        if (!out.priority) return action_failed("'priority' must be low, normal, high or urgent");
    }
    return {out, ""};
}

}  // namespace

CaseActionParse parse_case_action_body(std::string_view body,
                                       connectors::sinks::CaseAction action) {
    const bool reassign = action == connectors::sinks::CaseAction::reassign;
    if (blank(body)) {
        if (reassign) return action_failed("a reassign needs a JSON body with 'to': a person id");
        return {CaseActionBody{}, ""};
    }
    auto parsed =
        read_action_fields(body, reassign ? "to" : "", connectors::sinks::to_string(action));
    if (parsed.body && reassign && blank(parsed.body->to)) {
        return action_failed("a reassign needs 'to': the id of the person to take the case");
    }
    return parsed;
}

CaseActionParse parse_case_note_body(std::string_view body) {
    if (blank(body)) return action_failed("a note needs a JSON body with 'note'");
    auto parsed = read_action_fields(body, "", "a note");
    if (parsed.body && blank(parsed.body->note)) {
        return action_failed("'note' is required and must not be blank");
    }
    return parsed;
}

CaseActionParse parse_case_priority_body(std::string_view body) {
    if (blank(body)) return action_failed("a priority change needs a JSON body with 'priority'");
    auto parsed = read_action_fields(body, "priority", "a priority change");
    if (parsed.body && !parsed.body->priority) {
        return action_failed("'priority' is required: low, normal, high or urgent");
    }
    return parsed;
}

void write_case_json(connectors::JsonWriter& json, const routing::Case& item,
                     std::string_view assignee_name, std::int64_t now_ms) {
    json.begin_object()
        .field("id", item.id)
        .field("number", item.number)
        .field("status", routing::to_string(item.status))
        .field("priority", item.priority);
    write_optional_text(json, "topic", item.topic);
    write_optional_text(json, "team", item.team);
    write_optional_text(json, "assignee", item.assignee);
    write_optional_text(json, "assignee_name", assignee_name);
    write_optional_text(json, "holder", item.holder);
    write_optional_text(json, "customer", item.customer);
    json.field("source", item.source);
    write_optional_text(json, "lang", item.lang);
    json.key("first_post")
        .begin_object()
        .field("id", item.first_post_id)
        .field("text", item.first_post_text)
        .end_object()
        .field("post_count", item.post_count)
        .field("crisis_rollup", item.grouped)
        .field("opened_at", item.opened_at_ms)
        .field("updated_at", item.updated_at_ms);
    optional_time(json, "last_post_at", item.last_post_at_ms);
    optional_time(json, "assigned_at", item.assigned_at_ms);
    optional_time(json, "acknowledged_at", item.acknowledged_at_ms);
    optional_time(json, "resolved_at", item.resolved_at_ms);
    const routing::SlaState sla = routing::sla_state(item, now_ms);
    json.key("sla").begin_object().field("state", routing::to_string(sla));
    optional_time(json, "due_at", item.deadline_ms);
    json.key("due_in_s");
    if (item.deadline_ms > 0 && !item.answered()) {
        // Negative once overdue; whole seconds, rounded towards the deadline.
        json.value(static_cast<std::int64_t>((item.deadline_ms - now_ms) / 1000));
    } else {
        json.null();
    }
    json.end_object()
        .field("escalations_sent", static_cast<std::int64_t>(item.escalations_sent))
        .end_object();
}

void write_audit_json(connectors::JsonWriter& json, const routing::AuditEntry& entry) {
    json.begin_object().field("at", entry.at_ms).field("actor", entry.actor);
    write_optional_text(json, "from", entry.from_status);
    json.field("to", entry.to_status);
    write_optional_text(json, "assignee", entry.assignee);
    json.field("why", entry.why).end_object();
}

}  // namespace spreekbuis::daemon::http_api
