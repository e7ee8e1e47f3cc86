#pragma once
// GET /api/v1/people: who can take a case right now, and why not. For each person of the
// people directory: teams, languages, skills, open cases against capacity, and the router's
// verdict on availability (away, on holiday, off shift, at capacity); per team the same summed.
// Reads the Router only (call on the router's thread); the query parsing is pure.
#include <optional>
#include <string>
#include <string_view>

#include "daemon/routing/router.hpp"

namespace spreekbuis::daemon::http_api {

struct PeopleQuery {
    std::string team;             // "" = everyone; else the team's members and lead
    bool available_only = false;  // only those who can take a case now
};

struct PeopleQueryParse {
    std::optional<PeopleQuery> query;
    std::string error;
};

// ?team=ID&available=true|false; a misspelt parameter is named with a did-you-mean.
PeopleQueryParse parse_people_query(std::string_view query);

inline constexpr std::int64_t kMaxPresenceMs = 90LL * 24 * 3600 * 1000;

struct PresenceParse {
    std::optional<routing::Presence> presence;  // person and at_ms left for the caller
    std::string error;
};
// Body of POST /api/v1/people/{id}/presence: {"away": true|false (required), "duration"? ("8h")
// | "until"? (Unix ms), at most 90 days ahead of now_ms, "by"?, "note"?}.
PresenceParse parse_presence_request(std::string_view body, std::int64_t now_ms);

// {"person", "available", "unavailable", "presence"} of one person after a change.
std::string person_presence_json(const routing::Router& router, const routing::Person& person);

// {"people": [...], "teams": [...], "now": ms}; 404-worthy errors (an unknown team) in `error`.
std::optional<std::string> people_json(const routing::Router& router, const PeopleQuery& query,
                                       std::string& error);

}  // namespace spreekbuis::daemon::http_api
