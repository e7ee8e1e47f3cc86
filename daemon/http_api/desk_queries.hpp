#pragma once
// The router's side of the desk endpoints, as the admin API answers them: the queue (or one
// customer's history), one case with its audit trail, the case actions and notes, the people
// list and presence changes. Call on the router's thread (the daemon does, inside a pipeline
// batch); the tests call the same functions on a router of their own.
#include <string>

#include "daemon/audit/decision_log.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/routing/router.hpp"

namespace spreekbuis::daemon::http_api {

CaseQueryResult query_cases(const routing::Router& router, const routing::CaseQuery& query);
CaseQueryResult query_case(const routing::Router& router, const std::string& case_id);
// Acknowledge, resolve or reassign; the alerts the router raises (a reassignment's new-case
// alert) are added to `alerts` for delivery.
CaseActionResult apply_case_action(routing::Router& router, const CaseActionRequest& request,
                                   std::vector<connectors::Alert>& alerts);
CaseActionResult add_case_note(routing::Router& router, const std::string& case_id,
                               const std::string& actor, const std::string& note);
CaseActionResult set_case_priority(routing::Router& router, const std::string& case_id,
                                   const std::string& actor, rules::Priority priority,
                                   const std::string& note);
PeopleResult answer_people(const routing::Router& router, const PeopleQuery& query);
// The decision log's answer to GET /api/v1/decisions: one post's decisions (404 when none)
// or the newest. Call on the thread that owns the log's connection.
DecisionsResult query_decisions(const audit::DecisionLog& log, const DecisionsQuery& query);
// Sets (or with nullopt clears) a person's presence; answers with person_presence_json.
PeopleResult change_presence(routing::Router& router, const std::string& person,
                             const std::optional<routing::Presence>& presence);

}  // namespace spreekbuis::daemon::http_api
