#include "daemon/http_api/desk_queries.hpp"

#include <spdlog/spdlog.h>

namespace spreekbuis::daemon::http_api {

namespace {

void add_name(const routing::Router& router, const std::string& person_id,
              CaseQueryResult& result) {
    if (person_id.empty()) return;
    if (const auto* person = router.directory().person(person_id)) {
        result.names[person_id] = person->name;
    }
}

}  // namespace

CaseQueryResult query_cases(const routing::Router& router, const routing::CaseQuery& query) {
    CaseQueryResult result;
    result.now_ms = router.now_ms();
    if (query.customer.empty()) {
        result.selection = router.list_cases(query);
    } else {
        auto selection = router.list_customer_cases(query);
        if (!selection) {
            result.status = 500;
            result.message = "the customer's cases could not be read";
            return result;
        }
        result.selection = std::move(*selection);
        result.last_helper = router.last_helper(query.customer);
        if (result.last_helper) add_name(router, result.last_helper->first, result);
    }
    for (const auto& item : result.selection.cases) add_name(router, item.assignee, result);
    return result;
}

CaseQueryResult query_case(const routing::Router& router, const std::string& case_id) {
    CaseQueryResult result;
    result.now_ms = router.now_ms();
    result.item = router.find_case(case_id);
    if (!result.item) {
        result.status = 404;
        result.message = "no case " + case_id.substr(0, 128);
        return result;
    }
    result.audit = router.audit_trail(case_id);
    add_name(router, result.item->assignee, result);
    return result;
}

CaseActionResult apply_case_action(routing::Router& router, const CaseActionRequest& request,
                                   std::vector<connectors::Alert>& alerts) {
    const std::string where = request.actor == "chat" ? "chat" : "the API";
    const auto why = [&](std::string_view done) {
        return request.why.empty() ? std::string(done) + " from " + where : request.why;
    };
    routing::ActionResult outcome;
    switch (request.action) {
        case connectors::sinks::CaseAction::ack:
            outcome = router.acknowledge(request.case_id, request.actor, why("acknowledged"));
            break;
        case connectors::sinks::CaseAction::resolve:
            outcome = router.resolve(request.case_id, request.actor, why("resolved"));
            break;
        case connectors::sinks::CaseAction::reassign:
            outcome =
                router.reassign(request.case_id, request.to, request.actor, why("reassigned"));
            break;
    }
    if (!outcome.ok) {
        return {outcome.error.find("unknown") != std::string::npos ? 404 : 409, outcome.error};
    }
    // A reassignment tells the new holder, like a routed case.
    for (auto& alert : outcome.alerts) alerts.push_back(std::move(alert));
    return {200, "case " + request.case_id + ": " +
                     std::string(connectors::sinks::to_string(request.action)) + " done"};
}

CaseActionResult add_case_note(routing::Router& router, const std::string& case_id,
                               const std::string& actor, const std::string& note) {
    const auto outcome = router.add_note(case_id, actor, note);
    if (!outcome.ok) return {404, outcome.error};
    return {200, "note added to case " + case_id};
}

CaseActionResult set_case_priority(routing::Router& router, const std::string& case_id,
                                   const std::string& actor, rules::Priority priority,
                                   const std::string& note) {
    const auto outcome = router.set_priority(case_id, priority, actor, note);
    if (!outcome.ok) {
        return {outcome.error.find("unknown") != std::string::npos ? 404 : 409, outcome.error};
    }
    return {200, "case " + case_id + ": priority " + std::string(rules::to_string(priority))};
}

DecisionsResult query_decisions(const audit::DecisionLog& log, const DecisionsQuery& query) {
    DecisionsResult result;
    const auto found =
        query.post_id.empty() ? log.latest(query.last) : log.find(query.post_id, query.source);
    if (!found) {
        result.status = 500;
        result.message = "the decision log could not be read: " + log.last_error();
        return result;
    }
    for (const auto& decision : *found) {
        result.decisions.push_back(
            {decision.seq, decision.at_ms, decision.source, decision.post_id, decision.record});
    }
    if (result.decisions.empty() && !query.post_id.empty()) {
        result.status = 404;
        result.message = "no decision about post " + query.post_id.substr(0, 128) +
                         " in the log (not logged under audit.decisions, pruned, or not seen)";
    }
    return result;
}

PeopleResult answer_people(const routing::Router& router, const PeopleQuery& query) {
    PeopleResult result;
    auto body = people_json(router, query, result.message);
    if (!body) {
        result.status = 404;
        return result;
    }
    result.body = std::move(*body);
    return result;
}

PeopleResult change_presence(routing::Router& router, const std::string& person,
                             const std::optional<routing::Presence>& presence) {
    PeopleResult result;
    const routing::Person* known = router.directory().person(person);
    if (!known) {
        result.status = 404;
        result.message = "no person '" + person.substr(0, 128) + "' in the people directory";
        return result;
    }
    const auto outcome = presence ? router.set_presence(*presence) : router.clear_presence(person);
    if (!outcome.ok) {
        result.status = presence ? 400 : 404;
        result.message = outcome.error;
        return result;
    }
    spdlog::info("presence of {} {} by {}", person,
                 !presence        ? "cleared"
                 : presence->away ? "set to away"
                                  : "set to available",
                 presence && !presence->by.empty() ? presence->by : "the admin API");
    result.body = person_presence_json(router, *known);
    return result;
}

}  // namespace spreekbuis::daemon::http_api
