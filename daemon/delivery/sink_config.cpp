#include "daemon/delivery/sink_config.hpp"

namespace spreekbuis::daemon::delivery {

using connectors::sinks::Service;

std::optional<SinkDelivery> parse_sink_delivery(const config::PluginConfig& plugin,
                                                const config::Config& config,
                                                rules::Diagnostics& diagnostics) {
    if (plugin.type == "console" || !plugin.document) return std::nullopt;
    const rules::YamlDocument& doc = *plugin.document;
    const YAML::Node& node = plugin.node;
    const std::size_t errors_before = diagnostics.error_count();
    if (!rules::check_keys(doc, node,
                           {"name", "type", "url", "token", "secret", "destination", "username",
                            "template", "timeout", "max_attempts", "max_age_hours"},
                           "sink '" + plugin.name + "'", diagnostics)) {
        return std::nullopt;
    }
    SinkDelivery d;
    auto& s = d.settings;
    s.name = plugin.name;
    auto text = [&](const char* key, std::string& out) {
        if (const YAML::Node value = node[key]) {
            if (auto v = config::read_expanded_string(doc, value, config.base_dir, diagnostics)) {
                out = std::move(*v);
            }
        }
    };
    text("url", s.url);
    text("token", s.token);
    text("secret", s.secret);
    text("destination", s.default_destination);
    text("username", s.username);
    text("template", s.message_template);

    const auto parsed = connectors::sinks::parse_service(plugin.type);
    if (!parsed) {
        rules::error_at(doc, node["type"] ? node["type"] : node,
                        "sink type '" + plugin.type + "' cannot deliver alerts", diagnostics);
        return std::nullopt;
    }
    s.service = *parsed;
    if (s.service == Service::slack_webhook && !s.token.empty()) {
        s.service = Service::slack_api;
        if (s.url.find("hooks.slack.com") != std::string::npos) {
            rules::error_at(doc, node["url"],
                            "a Slack sink takes either 'url' (webhook) or "
                            "'token' (bot), not a webhook URL with a token",
                            diagnostics);
        }
    }
    if (const YAML::Node value = node["timeout"]) {
        if (const auto v = rules::read_int(doc, value, diagnostics)) {
            if (*v < 1 || *v > 120) {
                rules::error_at(doc, value, "timeout must be 1..120 seconds", diagnostics);
            } else {
                d.http.request_timeout = std::chrono::seconds(*v);
            }
        }
    }
    if (const YAML::Node value = node["max_attempts"]) {
        if (const auto v = rules::read_int(doc, value, diagnostics)) {
            if (*v < 0) {
                rules::error_at(doc, value, "max_attempts must be >= 0", diagnostics);
            } else {
                d.backoff.max_attempts = *v;
            }
        }
    }
    if (const YAML::Node value = node["max_age_hours"]) {
        if (const auto v = rules::read_int(doc, value, diagnostics)) {
            if (*v < 1 || *v > 720) {
                rules::error_at(doc, value, "max_age_hours must be 1..720", diagnostics);
            } else {
                d.backoff.max_age_ms = *v * 3600 * 1000;
            }
        }
    }
    if (config.http.enabled) {
        s.actions.base_url = config.http.public_url.empty() ? "http://" + config.http.listen
                                                            : config.http.public_url;
        s.actions.secret = config.http.secret;
    }
    d.limits = default_rate_limits(s.service);
    d.http.user_agent = std::string("spreekbuis/") + SPREEKBUIS_VERSION;
    for (const auto& problem : connectors::sinks::validate_settings(s)) {
        rules::error_at(doc, node, problem, diagnostics);
    }
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    return d;
}

}  // namespace spreekbuis::daemon::delivery
