#pragma once
// What one reload did, for the log, the admin API's answer and the operators' chat. Pure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "connectors/alert.hpp"
#include "daemon/routing/people.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::reload {

struct ReloadReport {
    std::string trigger;                     // "SIGHUP", "admin API", "file change"
    std::vector<std::string> files;          // the changed files that triggered it (file change)
    std::int64_t finished_ms = 0;            // Unix ms
    bool config_read = false;                // spreekbuis.yaml was read without errors
    bool rules_reloaded = false;             // the new rule set serves now
    std::size_t rules = 0;                   // rules serving after the reload
    std::vector<std::string> rules_added;    // ids new in the reloaded set, in load order
    std::vector<std::string> rules_removed;  // ids no longer in it, in their old order
    bool people_configured = false;
    bool people_reloaded = false;  // the new people directory went to the router
    // Errors that rejected (part of) the reload; warnings of what was taken.
    rules::Diagnostics diagnostics;
    // Top-level keys of spreekbuis.yaml that changed but only take effect after a restart.
    std::vector<std::string> restart_needed;

    // Everything asked for was taken: rules, and the people directory when there is one.
    bool accepted() const {
        return config_read && rules_reloaded && (!people_configured || people_reloaded);
    }
};

// The top-level keys other than `rules` and `people` whose content differs between two loaded
// configurations (as written; `${env:…}` is compared unexpanded), in file order.
std::vector<std::string> keys_needing_restart(const config::Config& running,
                                              const config::Config& next);

// {"ok","trigger","files","rules":{"reloaded","count"},"people":{"reloaded"}|null,
//  "restart_needed","errors","warnings","diagnostics":[…]} (diagnostics as `check --format
// json` writes them).
std::string reload_report_json(const ReloadReport& report);

// The ids in `after` but not `before`, and in `before` but not `after`, each in its list's order.
void diff_rule_ids(const std::vector<std::string>& before, const std::vector<std::string>& after,
                   std::vector<std::string>& added, std::vector<std::string>& removed);

// One line for the log: "reload (SIGHUP) accepted: 120 rules (+refund), people directory
// reloaded".
std::string reload_summary(const ReloadReport& report);

// The operators' chat message about a rejected reload: what failed, the first errors with
// file:line:col, and that the previous rules keep serving. It starts a thread ("reload:<ms>").
connectors::Alert reload_failure_alert(const ReloadReport& report, const routing::ChatAddress& to,
                                       std::string recipient_name);
// The all-clear after rejected reloads: the first reload accepted in full, as a reply in the
// thread of the last failure (`thread` is that alert's group key).
connectors::Alert reload_recovery_alert(const ReloadReport& report, const routing::ChatAddress& to,
                                        std::string recipient_name, std::string thread);

}  // namespace spreekbuis::daemon::reload
