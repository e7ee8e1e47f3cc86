#include "connectors/alert.hpp"

namespace spreekbuis::connectors {

std::string_view to_string(AlertKind kind) {
    switch (kind) {
        case AlertKind::new_case:
            return "new_case";
        case AlertKind::case_update:
            return "case_update";
        case AlertKind::sla_warning:
            return "sla_warning";
        case AlertKind::escalation:
            return "escalation";
        case AlertKind::crisis_start:
            return "crisis_start";
        case AlertKind::crisis_end:
            return "crisis_end";
        case AlertKind::source_silent:
            return "source_silent";
        case AlertKind::reload_failed:
            return "reload_failed";
        case AlertKind::reload_recovered:
            return "reload_recovered";
        case AlertKind::digest:
            return "digest";
        case AlertKind::test:
            return "test";
    }
    return "new_case";
}

bool is_follow_up(AlertKind kind) {
    return kind == AlertKind::case_update || kind == AlertKind::sla_warning ||
           kind == AlertKind::escalation || kind == AlertKind::crisis_end ||
           kind == AlertKind::digest || kind == AlertKind::reload_recovered;
}

std::string_view thread_key(const Alert& alert) {
    return alert.group_key.empty() ? std::string_view(alert.case_id)
                                   : std::string_view(alert.group_key);
}

}  // namespace spreekbuis::connectors
