#include "daemon/reload/reload_report.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "connectors/json_writer.hpp"
#include "daemon/check_reports.hpp"

namespace spreekbuis::daemon::reload {

namespace {

constexpr std::size_t kAlertErrors = 5;  // errors quoted in the chat message

std::vector<std::string> top_level_keys(const config::Config& config) {
    std::vector<std::string> keys;
    if (!config.document || !config.document->root.IsMap()) return keys;
    for (const auto& entry : config.document->root) keys.push_back(entry.first.Scalar());
    return keys;
}

std::string dumped(const config::Config& config, const std::string& key) {
    if (!config.document || !config.document->root.IsMap()) return {};
    const YAML::Node node = config.document->root[key];
    return node ? YAML::Dump(node) : std::string("<absent>");
}

std::string location(const rules::Diagnostic& item) {
    std::string out = item.pos.file;
    if (item.pos.line > 0) out += ":" + std::to_string(item.pos.line);
    if (item.pos.column > 0) out += ":" + std::to_string(item.pos.column);
    return out;
}

std::string one_line(const rules::Diagnostic& item) { return location(item) + ": " + item.message; }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// What every reload notice has: its kind, an id by the reload's time, and where it goes.
connectors::Alert reload_notice(connectors::AlertKind kind, const ReloadReport& report,
                                const routing::ChatAddress& to, std::string recipient_name) {
    connectors::Alert alert;
    alert.kind = kind;
    alert.id = "reload:" + std::to_string(report.finished_ms);
    alert.sink = to.sink;
    alert.destination = to.address;
    alert.recipient_name = std::move(recipient_name);
    alert.created_at_ms = report.finished_ms;
    return alert;
}

}  // namespace

std::vector<std::string> keys_needing_restart(const config::Config& running,
                                              const config::Config& next) {
    std::vector<std::string> keys = top_level_keys(next);
    for (const auto& key : top_level_keys(running)) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    std::vector<std::string> changed;
    for (const auto& key : keys) {
        if (key == "rules" || key == "people") continue;
        if (dumped(running, key) != dumped(next, key)) changed.push_back(key);
    }
    return changed;
}

void diff_rule_ids(const std::vector<std::string>& before, const std::vector<std::string>& after,
                   std::vector<std::string>& added, std::vector<std::string>& removed) {
    const std::set<std::string> old_ids(before.begin(), before.end());
    const std::set<std::string> new_ids(after.begin(), after.end());
    added.clear();
    removed.clear();
    for (const auto& id : after) {
        if (!old_ids.count(id)) added.push_back(id);
    }
    for (const auto& id : before) {
        if (!new_ids.count(id)) removed.push_back(id);
    }
}

std::string reload_report_json(const ReloadReport& report) {
    connectors::JsonWriter json;
    json.begin_object();
    json.field("ok", report.accepted());
    json.field("trigger", report.trigger);
    json.key("files").string_array(report.files);
    json.key("rules").begin_object();
    json.field("reloaded", report.rules_reloaded);
    json.field("count", static_cast<std::int64_t>(report.rules));
    json.key("added").string_array(report.rules_added);
    json.key("removed").string_array(report.rules_removed);
    json.end_object();
    json.key("people");
    if (report.people_configured) {
        json.begin_object();
        json.field("reloaded", report.people_reloaded);
        json.end_object();
    } else {
        json.null();
    }
    json.key("restart_needed").string_array(report.restart_needed);
    json.field("errors", static_cast<std::int64_t>(report.diagnostics.error_count()));
    json.field("warnings", static_cast<std::int64_t>(report.diagnostics.warning_count()));
    json.key("diagnostics");
    write_diagnostics_json(json, report.diagnostics);
    json.end_object();
    return json.take() + "\n";
}

std::string reload_summary(const ReloadReport& report) {
    std::string out = "reload (" + report.trigger + ") ";
    if (!report.config_read) {
        return out + "rejected: the configuration has errors; nothing was reloaded";
    }
    out += report.accepted() ? "accepted: " : "rejected in part: ";
    out += report.rules_reloaded ? std::to_string(report.rules) + " rules"
                                 : "rules rejected, the previous " + std::to_string(report.rules) +
                                       " rules keep serving";
    if (report.rules_reloaded && (!report.rules_added.empty() || !report.rules_removed.empty())) {
        std::vector<std::string> changes;
        for (const auto& id : report.rules_added) changes.push_back("+" + id);
        for (const auto& id : report.rules_removed) changes.push_back("-" + id);
        constexpr std::size_t kNamed = 10;  // a whole new pack is not listed rule by rule
        if (changes.size() > kNamed) {
            const auto more = changes.size() - kNamed;
            changes.resize(kNamed);
            changes.push_back("and " + std::to_string(more) + " more");
        }
        out += " (" + joined(changes) + ")";
    }
    if (report.people_configured) {
        out += report.people_reloaded ? ", people directory reloaded"
                                      : ", people directory rejected, the previous one stays";
    }
    if (!report.restart_needed.empty()) {
        out += "; changes to " + joined(report.restart_needed) + " take effect after a restart";
    }
    return out;
}

connectors::Alert reload_failure_alert(const ReloadReport& report, const routing::ChatAddress& to,
                                       std::string recipient_name) {
    auto alert =
        reload_notice(connectors::AlertKind::reload_failed, report, to, std::move(recipient_name));
    const auto errors = report.diagnostics.error_count();
    std::string what = !report.config_read      ? "spreekbuis.yaml"
                       : !report.rules_reloaded ? "rules"
                                                : "people directory";
    if (report.config_read && !report.rules_reloaded && report.people_configured &&
        !report.people_reloaded) {
        what = "rules and people directory";
    }
    alert.title = "Reload rejected (" + what + "): " + std::to_string(errors) +
                  (errors == 1 ? " error" : " errors");
    std::vector<std::string> lines;
    for (const auto& item : report.diagnostics.items()) {
        if (item.severity != rules::Severity::error) continue;
        if (lines.size() == kAlertErrors) break;
        lines.push_back(one_line(item));
    }
    alert.samples = lines;
    alert.count = static_cast<std::int64_t>(errors);
    alert.why =
        "reload by " + report.trigger + " rejected; " +
        (report.rules_reloaded ? "the new rules serve, " : "the previous rules serve, ") +
        (report.people_configured && !report.people_reloaded ? "the previous people directory stays"
                                                             : "nothing else changed");
    if (!lines.empty()) alert.why += "; first error: " + lines.front();
    alert.group_key = "reload:" + std::to_string(report.finished_ms);
    return alert;
}

connectors::Alert reload_recovery_alert(const ReloadReport& report, const routing::ChatAddress& to,
                                        std::string recipient_name, std::string thread) {
    auto alert = reload_notice(connectors::AlertKind::reload_recovered, report, to,
                               std::move(recipient_name));
    alert.title = "Reload accepted again: " + std::to_string(report.rules) + " rules";
    alert.why = "reload by " + report.trigger + " accepted; the new rules" +
                (report.people_configured ? " and people directory" : "") + " serve";
    if (!report.files.empty()) alert.why += "; changed: " + joined(report.files);
    alert.group_key = std::move(thread);
    return alert;
}

}  // namespace spreekbuis::daemon::reload
