#include "daemon/reload/reload_settings.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "daemon/routing/settings.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon::reload {

ReloadSettings read_reload_settings(const config::Config& config, rules::Diagnostics& diagnostics) {
    ReloadSettings settings;
    if (!config.reload) return settings;
    const auto& document = *config.reload->document;
    const YAML::Node& node = config.reload->node;
    rules::check_keys(document, node, {"watch", "interval", "alert"}, "reload", diagnostics);
    if (const auto watch = node["watch"]) {
        if (auto value = rules::read_bool(document, watch, diagnostics)) settings.watch = *value;
    }
    if (const auto interval = node["interval"]) {
        if (const auto ms = routing::read_duration(document, interval, diagnostics)) {
            if (*ms < kMinWatchIntervalMs || *ms > kMaxWatchIntervalMs) {
                rules::error_at(document, interval, "reload.interval must be between 100ms and 1h",
                                diagnostics, "e.g. interval: 2s");
            } else {
                settings.interval_ms = *ms;
            }
        }
    }
    if (const auto alert = node["alert"]) {
        settings.alert = routing::read_chat_address(document, alert, "reload.alert", diagnostics);
        if (settings.alert && alert["sink"]) {
            std::vector<std::string> names;
            for (const auto& sink : config.sinks) names.push_back(sink.name);
            if (std::find(names.begin(), names.end(), settings.alert->sink) == names.end()) {
                const auto best = rules::closest_match(settings.alert->sink, names);
                rules::error_at(
                    document, alert["sink"],
                    "reload.alert: no sink named '" + settings.alert->sink + "'", diagnostics,
                    best.empty() ? "add it under sinks:" : "did you mean '" + best + "'?");
                settings.alert.reset();
            }
        }
    }
    return settings;
}

}  // namespace spreekbuis::daemon::reload
