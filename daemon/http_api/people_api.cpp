#include "daemon/http_api/people_api.hpp"

#include <algorithm>

#include "connectors/json_writer.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/json_fields.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::http_api {

namespace {

constexpr std::size_t kMaxTeamBytes = 256;

PeopleQueryParse failed(std::string message) { return {std::nullopt, std::move(message)}; }

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
            .field("available", now.unavailable.empty())
            .key("unavailable");
        if (now.unavailable.empty()) {
            json.null();
        } else {
            json.value(now.unavailable);
        }
        json.key("local_time");
        if (now.local_time.empty()) {
            json.null();
        } else {
            json.value(now.local_time);
        }
        json.key("backup");
        if (person.backup.empty()) {
            json.null();
        } else {
            json.value(person.backup);
        }
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
            .field("name", team.name.empty() ? team.id : team.name)
            .key("lead");
        if (team.lead.empty()) {
            json.null();
        } else {
            json.value(team.lead);
        }
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
