#include "daemon/case_metrics.hpp"

#include "daemon/prometheus.hpp"

namespace spreekbuis::daemon {

namespace {

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

std::string team_label(const std::string& team) {
    return "team=\"" + prometheus_label(team.empty() ? "none" : team) + "\"";
}

}  // namespace

std::string case_metrics_text(const routing::CaseGauges& gauges) {
    std::string out;
    header(out, "spreekbuis_cases_open", "gauge",
           "Open cases by team (\"none\": held by the desk or a channel without team) and "
           "status.");
    for (const auto& [team, numbers] : gauges.teams) {
        for (const char* status : {"new", "assigned", "acknowledged", "reopened"}) {
            const auto it = numbers.open.find(status);
            out += "spreekbuis_cases_open{" + team_label(team) + ",status=\"" + status + "\"} " +
                   std::to_string(it == numbers.open.end() ? 0 : it->second) + "\n";
        }
    }
    header(out, "spreekbuis_cases_sla_warning", "gauge",
           "Unanswered cases past their SLA warning, not yet past the deadline.");
    for (const auto& [team, numbers] : gauges.teams) {
        out += "spreekbuis_cases_sla_warning{" + team_label(team) + "} " +
               std::to_string(numbers.warning) + "\n";
    }
    header(out, "spreekbuis_cases_overdue", "gauge",
           "Unanswered cases past their first-response deadline.");
    for (const auto& [team, numbers] : gauges.teams) {
        out += "spreekbuis_cases_overdue{" + team_label(team) + "} " +
               std::to_string(numbers.overdue) + "\n";
    }
    header(out, "spreekbuis_cases_oldest_unanswered_seconds", "gauge",
           "Age of the oldest unanswered open case (0: none).");
    for (const auto& [team, numbers] : gauges.teams) {
        out += "spreekbuis_cases_oldest_unanswered_seconds{" + team_label(team) + "} " +
               std::to_string(numbers.oldest_unanswered_ms / 1000) + "\n";
    }
    header(out, "spreekbuis_person_open_cases", "gauge", "Open cases a person holds.");
    for (const auto& person : gauges.people) {
        out += "spreekbuis_person_open_cases{person=\"" + prometheus_label(person.id) + "\"} " +
               std::to_string(person.open_cases) + "\n";
    }
    header(out, "spreekbuis_person_capacity", "gauge", "Open cases a person takes at most.");
    for (const auto& person : gauges.people) {
        out += "spreekbuis_person_capacity{person=\"" + prometheus_label(person.id) + "\"} " +
               std::to_string(person.capacity) + "\n";
    }
    header(out, "spreekbuis_person_available", "gauge",
           "1 when the person could take a new case now (on shift, not away, below capacity).");
    for (const auto& person : gauges.people) {
        out += "spreekbuis_person_available{person=\"" + prometheus_label(person.id) + "\"} " +
               (person.available ? "1" : "0") + "\n";
    }
    header(out, "spreekbuis_crises_active", "gauge", "Topics or brands in a spike right now.");
    out += "spreekbuis_crises_active " + std::to_string(gauges.crises_active) + "\n";
    header(out, "spreekbuis_crises_total", "counter", "Spikes raised since the start.");
    out += "spreekbuis_crises_total " + std::to_string(gauges.totals.crises) + "\n";
    header(out, "spreekbuis_duplicates_total", "counter",
           "Posts that joined a case as a repost or near-identical copy since the start.");
    out += "spreekbuis_duplicates_total " + std::to_string(gauges.totals.duplicates) + "\n";
    header(out, "spreekbuis_case_store_errors_total", "counter",
           "Case changes the state database refused since the start.");
    out +=
        "spreekbuis_case_store_errors_total " + std::to_string(gauges.totals.store_errors) + "\n";
    return out;
}

}  // namespace spreekbuis::daemon
