#include "daemon/routing/case_query.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace spreekbuis::daemon::routing {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// A case's priority as a rank (urgent highest); an unknown text ranks below low.
int priority_rank(const Case& item) {
    const auto priority = rules::parse_priority(item.priority);
    return priority ? static_cast<int>(*priority) : -1;
}

// When the case was first answered: acknowledged, or resolved without an acknowledgement.
std::int64_t answered_at(const Case& item) {
    if (item.acknowledged_at_ms > 0) return item.acknowledged_at_ms;
    return item.resolved_at_ms;
}

}  // namespace

std::string_view to_string(SlaState state) {
    switch (state) {
        case SlaState::none:
            return "none";
        case SlaState::running:
            return "running";
        case SlaState::warning:
            return "warning";
        case SlaState::overdue:
            return "overdue";
        case SlaState::met:
            return "met";
        case SlaState::missed:
            return "missed";
    }
    return "none";
}

std::optional<SlaState> parse_sla_state(std::string_view text) {
    for (const auto state : {SlaState::none, SlaState::running, SlaState::warning,
                             SlaState::overdue, SlaState::met, SlaState::missed}) {
        if (text == to_string(state)) return state;
    }
    return std::nullopt;
}

SlaState sla_state(const Case& item, std::int64_t now_ms) {
    if (item.deadline_ms <= 0) return SlaState::none;
    if (item.answered()) {
        const std::int64_t at = answered_at(item);
        return at > 0 && at <= item.deadline_ms ? SlaState::met : SlaState::missed;
    }
    if (now_ms >= item.deadline_ms) return SlaState::overdue;
    if (item.warn_at_ms > 0 && now_ms >= item.warn_at_ms) return SlaState::warning;
    return SlaState::running;
}

bool case_matches(const Case& item, const CaseQuery& query, std::int64_t now_ms) {
    if (query.statuses.empty() ? !item.open() : query.statuses.count(item.status) == 0) {
        return false;
    }
    if (!query.assignee.empty() && item.assignee != query.assignee) return false;
    if (query.unassigned && !item.assignee.empty()) return false;
    if (!query.team.empty() && item.team != query.team) return false;
    if (!query.topic.empty() && item.topic != query.topic) return false;
    if (!query.customer.empty() && item.customer != query.customer) return false;
    if (query.at_least && priority_rank(item) < static_cast<int>(*query.at_least)) return false;
    if (!query.sla.empty() && query.sla.count(sla_state(item, now_ms)) == 0) return false;
    return true;
}

bool more_urgent(const Case& a, const Case& b) {
    const auto key = [](const Case& item) {
        const bool open = item.open();
        const std::int64_t due =
            open && !item.answered() && item.deadline_ms > 0 ? item.deadline_ms : kNever;
        // Resolved cases: the latest first, so the negated time sorts ascending.
        const std::int64_t when = open ? item.opened_at_ms : -item.resolved_at_ms;
        return std::make_tuple(open ? 0 : 1, due, open ? -priority_rank(item) : 0, when,
                               item.number);
    };
    return key(a) < key(b);
}

CaseSelection select_cases(const std::map<std::string, Case>& cases, const CaseQuery& query,
                           std::int64_t now_ms) {
    CaseSelection out;
    std::vector<const Case*> matching;
    for (const auto& [id, item] : cases) {
        if (case_matches(item, query, now_ms)) matching.push_back(&item);
    }
    out.total = matching.size();
    const std::size_t keep = std::min(matching.size(), std::max<std::size_t>(query.limit, 1));
    std::partial_sort(matching.begin(), matching.begin() + static_cast<std::ptrdiff_t>(keep),
                      matching.end(),
                      [](const Case* a, const Case* b) { return more_urgent(*a, *b); });
    out.cases.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i) out.cases.push_back(*matching[i]);
    return out;
}

}  // namespace spreekbuis::daemon::routing
