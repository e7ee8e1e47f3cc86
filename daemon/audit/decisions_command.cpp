#include "daemon/audit/decisions_command.hpp"

#include "daemon/audit/decision_log.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/state_db.hpp"

namespace spreekbuis::daemon::audit {

int show_decisions(const config::Config& config, const DecisionQuery& query, std::FILE* out,
                   std::FILE* err) {
    bool found = false;
    std::string error;
    auto snapshot = StateDatabase::snapshot(config.state_dir, found, error);
    if (!snapshot) {
        std::fprintf(err, "spreekbuis: %s\n", error.c_str());
        return kExitRuntime;
    }
    if (!found) {
        std::fprintf(err, "spreekbuis: no state database in %s yet\n", config.state_dir.c_str());
        return kExitBadInput;
    }
    auto log = DecisionLog::attach(snapshot->handle(), error);
    if (!log) {
        std::fprintf(err, "spreekbuis: cannot read the decision log: %s\n", error.c_str());
        return kExitRuntime;
    }
    const auto decisions =
        query.post_id.empty() ? log->latest(query.last) : log->find(query.post_id, query.source);
    if (!decisions) {
        std::fprintf(err, "spreekbuis: cannot read the decision log: %s\n",
                     log->last_error().c_str());
        return kExitRuntime;
    }
    for (const auto& decision : *decisions) {
        const auto line = logged_decision_json(decision);
        std::fprintf(out, "%s\n", line.c_str());
    }
    if (decisions->empty()) {
        if (query.post_id.empty()) {
            std::fprintf(err, "spreekbuis: no decision logged yet\n");
        } else {
            std::fprintf(err,
                         "spreekbuis: no decision logged for post '%s'%s (audit.decisions "
                         "'matched' logs only posts that matched, were complaints or were "
                         "routed; older ones are pruned after audit.retention)\n",
                         query.post_id.c_str(),
                         query.source.empty() ? "" : (" from " + query.source).c_str());
        }
        return kExitBadInput;
    }
    return kExitOk;
}

}  // namespace spreekbuis::daemon::audit
