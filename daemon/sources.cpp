#include "daemon/sources.hpp"

#include <filesystem>

#include "connectors/sources/factory.hpp"
#include "daemon/prometheus.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon {

std::optional<ReplaySourceSettings> read_replay_settings(const config::PluginConfig& plugin,
                                                         const std::string& base_dir,
                                                         rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    if (!rules::check_keys(document, plugin.node, {"name", "type", "path", "rate", "loop"},
                           "replay source '" + plugin.name + "'", diagnostics)) {
        return std::nullopt;
    }
    ReplaySourceSettings settings;
    settings.name = plugin.name;
    if (!plugin.node["path"]) {
        rules::error_at(document, plugin.node, "replay source '" + plugin.name + "' needs a path",
                        diagnostics);
        return std::nullopt;
    }
    auto path = config::read_expanded_string(document, plugin.node["path"], base_dir, diagnostics);
    if (!path) return std::nullopt;
    std::filesystem::path resolved(*path);
    if (resolved.is_relative()) resolved = std::filesystem::path(base_dir) / resolved;
    settings.path = resolved.string();
    if (plugin.node["rate"]) {
        auto rate = rules::read_double(document, plugin.node["rate"], diagnostics);
        if (!rate) return std::nullopt;
        if (*rate < 0) {
            rules::error_at(document, plugin.node["rate"], "rate must be 0 or more posts/s",
                            diagnostics);
            return std::nullopt;
        }
        settings.rate = *rate;
    }
    if (plugin.node["loop"]) {
        auto loop = rules::read_bool(document, plugin.node["loop"], diagnostics);
        if (!loop) return std::nullopt;
        settings.loop = *loop;
    }
    return settings;
}

void check_sources(const config::Config& config, rules::Diagnostics& diagnostics) {
    for (const auto& source : config.sources) {
        if (source.type == "replay") {
            read_replay_settings(source, config.base_dir, diagnostics);
        } else if (connectors::sources::is_live_source_type(source.type)) {
            connectors::sources::check_live_source(source, config.base_dir, diagnostics);
        } else if (connectors::sources::is_webhook_source_type(source.type)) {
            if (connectors::sources::check_live_source(source, config.base_dir, diagnostics) &&
                !config.http.enabled) {
                rules::error_at(*source.document, source.node,
                                "webhook source '" + source.name +
                                    "' needs the http: section: it is received at /hooks/" +
                                    source.name,
                                diagnostics, "add http: {listen: ..., secret: ...}");
            }
        } else {
            rules::error_at(
                *source.document, source.node["type"] ? source.node["type"] : source.node,
                "source type '" + source.type + "' is not available in this build", diagnostics,
                "available: " + connectors::sources::available_source_types());
        }
    }
}

std::string source_metrics(
    const std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>>&
        sources) {
    using Counter = std::atomic<std::uint64_t> connectors::sources::SourceCounters::*;
    struct Series {
        const char* name;
        const char* help;
        Counter counter;
    };
    using connectors::sources::SourceCounters;
    static const Series kSeries[] = {
        {"spreekbuis_source_connects_total", "Connections a live source established.",
         &SourceCounters::connects},
        {"spreekbuis_source_disconnects_total",
         "Connections a live source lost or could not open (each followed by a backoff).",
         &SourceCounters::disconnects},
        {"spreekbuis_source_events_total", "Events a live source received.",
         &SourceCounters::events},
        {"spreekbuis_source_posts_total", "Posts a live source handed to the pipeline.",
         &SourceCounters::posts},
        {"spreekbuis_source_skipped_total", "Events that are no post (deletes, other kinds).",
         &SourceCounters::skipped},
        {"spreekbuis_source_bad_events_total",
         "Malformed events (webhooks: refused deliveries), logged and skipped.",
         &SourceCounters::bad_events},
        {"spreekbuis_source_deferred_total",
         "Webhook deliveries answered 503 because the pipeline was full (the sender retries).",
         &SourceCounters::deferred},
    };
    std::string out;
    for (const auto& series : kSeries) {
        out += std::string("# HELP ") + series.name + " " + series.help + "\n# TYPE " +
               series.name + " counter\n";
        for (const auto& [name, counters] : sources) {
            out += std::string(series.name) + "{source=\"" + prometheus_label(name) + "\"} " +
                   std::to_string((counters->*series.counter).load()) + "\n";
        }
    }
    return out;
}

}  // namespace spreekbuis::daemon
