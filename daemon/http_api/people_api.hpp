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

// {"people": [...], "teams": [...], "now": ms}; 404-worthy errors (an unknown team) in `error`.
std::optional<std::string> people_json(const routing::Router& router, const PeopleQuery& query,
                                       std::string& error);

}  // namespace spreekbuis::daemon::http_api
