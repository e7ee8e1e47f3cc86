#pragma once
// The case queue as a desk lead asks for it: which cases, filtered by status, person, team,
// topic, priority and SLA state, most urgent first. Pure; the admin API's list and the
// Router's memory (open and recently resolved cases) are its only users.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/routing/case_store.hpp"
#include "rules/verdict.hpp"

namespace spreekbuis::daemon::routing {

inline constexpr std::size_t kMaxCaseList = 1000;

// Where a case stands against its first-response deadline.
enum class SlaState {
    none,     // no SLA on this case
    running,  // unanswered, before the warning
    warning,  // unanswered, past the warning, before the deadline
    overdue,  // unanswered, past the deadline
    met,      // answered by the deadline
    missed,   // answered after the deadline
};
std::string_view to_string(SlaState state);
std::optional<SlaState> parse_sla_state(std::string_view text);
SlaState sla_state(const Case& item, std::int64_t now_ms);

struct CaseQuery {
    std::set<CaseStatus> statuses;            // empty = every open status (all but resolved)
    std::string assignee;                     // person id; "" = anyone
    bool unassigned = false;                  // only cases nobody personally holds
    std::string team;                         // "" = any
    std::string topic;                        // "" = any
    std::string customer;                     // "source:handle"; "" = any
    std::optional<rules::Priority> at_least;  // priority at or above
    std::set<SlaState> sla;                   // empty = any
    std::size_t limit = 100;                  // 1..kMaxCaseList
};

struct CaseSelection {
    std::vector<Case> cases;  // at most query.limit, most urgent first
    std::size_t total = 0;    // how many matched before the limit
};

bool case_matches(const Case& item, const CaseQuery& query, std::int64_t now_ms);

// Most urgent first: open before resolved; among open cases, the unanswered ones with the
// earliest deadline first (overdue ones lead), then higher priority, then the oldest; resolved
// cases last, the most recently resolved first. Ties: case number.
bool more_urgent(const Case& a, const Case& b);

CaseSelection select_cases(const std::map<std::string, Case>& cases, const CaseQuery& query,
                           std::int64_t now_ms);

}  // namespace spreekbuis::daemon::routing
