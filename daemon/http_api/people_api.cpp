#include "daemon/http_api/people_api.hpp"

#include <simdjson.h>

#include <algorithm>
#include <set>

#include "connectors/json_writer.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/json_fields.hpp"
#include "daemon/routing/duration.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::http_api {

namespace {

constexpr std::size_t kMaxTeamBytes = 256;

PeopleQueryParse failed(std::string message) { return {std::nullopt, std::move(message)}; }

constexpr std::size_t kMaxPresenceTextBytes = 500;
constexpr std::size_t kMaxPresenceDurationBytes = 32;

PresenceParse presence_failed(std::string message) { return {std::nullopt, std::move(message)}; }

void write_presence(connectors::JsonWriter& json, const std::optional<routing::Presence>& set) {
    if (!set) {
        json.null();
        return;
    }
    json.begin_object().field("away", set->away).key("until");
    if (set->until_ms > 0) {
        json.value(set->until_ms);
    } else {
        json.null();
    }
    json.field("by", set->by).field("note", set->note).field("set_at", set->at_ms).end_object();
}

bool in_team(const routing::Team& team, const std::string& person) {
    return team.lead == person ||
           std::find(team.members.begin(), team.members.end(), person) != team.members.end();
}

}  // namespace

PeopleQueryParse parse_people_query(std::string_view query) {
    PeopleQuery out;
    std::string error;
    const auto parameters = query_parameters(query, error);
    if (!parameters) return failed(error);
    for (const auto& [name, value] : *parameters) {
        if (name == "team") {
            if (value.empty() || value.size() > kMaxTeamBytes || has_control(value)) {
                return failed("'team' must be a team id");
            }
            out.team = value;
        } else if (name == "available") {
            if (value != "true" && value != "false") {
                return failed("'available' must be true or false");
            }
            out.available_only = value == "true";
        } else {
            std::string message = "unknown parameter " + quoted_name(name);
            const std::string hint = rules::closest_match(name, {"team", "available"});
            message += hint.empty() ? "; known: team, available" : "; did you mean '" + hint + "'?";
            return failed(message);
        }
    }
    return {out, ""};
}

PresenceParse parse_presence_request(std::string_view body, std::int64_t now_ms) {
    if (blank(body))
        return presence_failed("request body is empty: send {\"away\": true} or false");
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (std::string problem; !parse_request_object(parser, body, object, problem)) {
        return presence_failed(problem);
    }
    routing::Presence out;
    std::set<std::string_view> seen;
    std::optional<bool> away;
    std::optional<std::string> duration;
    std::optional<std::int64_t> until;
    std::string error;
    for (const auto field : object) {
        const std::string_view name = field.key;
        if (!seen.insert(name).second) {
            return presence_failed("field " + quoted_name(name) + " appears twice");
        }
        std::optional<std::string> text;
        if (name == "away") {
            bool value = false;
            if (field.value.get_bool().get(value) != simdjson::SUCCESS) {
                return presence_failed("field 'away' must be true or false");
            }
            away = value;
        } else if (name == "duration") {
            if (!(text = string_field(name, field.value, kMaxPresenceDurationBytes, error))) {
                return presence_failed(error);
            }
            duration = std::move(*text);
        } else if (name == "until") {
            std::int64_t value = 0;
            if (field.value.type() != simdjson::dom::element_type::INT64 ||
                field.value.get_int64().get(value) != simdjson::SUCCESS) {
                return presence_failed(
                    "field 'until' must be an integer (Unix time in milliseconds)");
            }
            until = value;
        } else if (name == "by" || name == "note") {
            if (!(text = string_field(name, field.value, kMaxPresenceTextBytes, error))) {
                return presence_failed(error);
            }
            (name == "by" ? out.by : out.note) = std::move(*text);
        } else {
            std::string message = "unknown field " + quoted_name(name);
            const std::string hint =
                rules::closest_match(name, {"away", "duration", "until", "by", "note"});
            message += hint.empty() ? "; known fields: away, duration, until, by, note"
                                    : "; did you mean '" + hint + "'?";
            return presence_failed(message);
        }
    }
    if (!away) return presence_failed("field 'away' is required (true or false)");
    out.away = *away;
    if (duration && until) return presence_failed("give either 'duration' or 'until', not both");
    if (duration) {
        std::string why;
        const auto ms = routing::parse_duration(*duration, &why);
        if (!ms) return presence_failed("field 'duration': " + why);
        if (*ms <= 0) return presence_failed("field 'duration' must be longer than 0");
        until = now_ms + std::min(*ms, kMaxPresenceMs + 1);
    }
    if (until) {
        if (*until <= now_ms) return presence_failed("'until' must be in the future");
        if (*until - now_ms > kMaxPresenceMs) {
            return presence_failed(
                "a presence set by hand lasts at most 90 days; for longer, "
                "set `away` in people.yaml");
        }
        out.until_ms = *until;
    }
    return {out, ""};
}

std::string person_presence_json(const routing::Router& router, const routing::Person& person) {
    const routing::PersonStatus now = router.person_status(person);
    connectors::JsonWriter json;
    json.begin_object().field("person", person.id).field("available", now.unavailable.empty());
    write_optional_text(json, "unavailable", now.unavailable);
    json.key("presence");
    write_presence(json, now.presence);
    json.end_object();
    return json.take() + "\n";
}

std::optional<std::string> people_json(const routing::Router& router, const PeopleQuery& query,
                                       std::string& error) {
    const routing::Directory& directory = router.directory();
    const routing::Team* only = nullptr;
    if (!query.team.empty()) {
        only = directory.team(query.team);
        if (!only) {
            error = "no team " + quoted_name(query.team) + " in the people directory";
            return std::nullopt;
        }
    }
    std::map<std::string, routing::PersonStatus> status;
    for (const auto& person : directory.people) status[person.id] = router.person_status(person);

    connectors::JsonWriter json;
    json.begin_object().key("people").begin_array();
    for (const auto& person : directory.people) {
        if (only && !in_team(*only, person.id)) continue;
        const routing::PersonStatus& now = status[person.id];
        if (query.available_only && !now.unavailable.empty()) continue;
        std::vector<std::string> teams;
        std::vector<std::string> leads;
        for (const auto& team : directory.teams) {
            if (std::find(team.members.begin(), team.members.end(), person.id) !=
                team.members.end()) {
                teams.push_back(team.id);
            }
            if (team.lead == person.id) leads.push_back(team.id);
        }
        std::vector<std::string> sinks;
        for (const auto& chat : person.chat) sinks.push_back(chat.sink);
        json.begin_object()
            .field("id", person.id)
            .field("name", person.name.empty() ? person.id : person.name)
            .key("teams")
            .string_array(teams)
            .key("lead_of")
            .string_array(leads)
            .key("languages")
            .string_array(person.languages)
            .key("skills")
            .begin_object();
        for (const auto& [topic, level] : person.skills) json.field(topic, std::int64_t{level});
        json.end_object()
            .field("capacity", std::int64_t{person.capacity})
            .field("open_cases", std::int64_t{now.open_cases})
            .field("available", now.unavailable.empty());
        write_optional_text(json, "unavailable", now.unavailable);
        json.key("presence");
        write_presence(json, now.presence);
        write_optional_text(json, "local_time", now.local_time);
        write_optional_text(json, "backup", person.backup);
        json.key("chat").string_array(sinks).end_object();
    }
    json.end_array().key("teams").begin_array();
    for (const auto& team : directory.teams) {
        if (only && only != &team) continue;
        std::int64_t available = 0;
        std::int64_t open_cases = 0;
        for (const auto& member : team.members) {
            const auto it = status.find(member);
            if (it == status.end()) continue;
            available += it->second.unavailable.empty() ? 1 : 0;
            open_cases += it->second.open_cases;
        }
        json.begin_object()
            .field("id", team.id)
            .field("name", team.name.empty() ? team.id : team.name);
        write_optional_text(json, "lead", team.lead);
        json.field("members", static_cast<std::int64_t>(team.members.size()))
            .field("available", available)
            .field("members_open_cases", open_cases)
            .field("desk", team.id == directory.desk_team)
            .end_object();
    }
    json.end_array().field("now", router.now_ms()).end_object();
    return json.take() + "\n";
}

}  // namespace spreekbuis::daemon::http_api
