#include "daemon/routing/settings.hpp"

#include <cctype>

#include "connectors/post_decoder.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::daemon::routing {

using rules::YamlDocument;

namespace {

class Parser {
  public:
    Parser(const YamlDocument& document, rules::Diagnostics& diagnostics)
        : doc_(document), diag_(diagnostics) {}

    void duration(const YAML::Node& node, std::int64_t& out, bool allow_zero = false) {
        const auto value = read_duration(doc_, node, diag_);
        if (!value) return;
        if (*value == 0 && !allow_zero) {
            rules::error_at(doc_, node, "duration must be longer than 0", diag_);
            return;
        }
        out = *value;
    }

    void whole(const YAML::Node& node, std::int64_t& out, std::int64_t min, std::int64_t max) {
        auto value = rules::read_int(doc_, node, diag_);
        if (!value) return;
        if (*value < min || *value > max) {
            rules::error_at(
                doc_, node,
                "must be between " + std::to_string(min) + " and " + std::to_string(max), diag_);
            return;
        }
        out = *value;
    }

    void fraction(const YAML::Node& node, double& out, double min, double max) {
        auto value = rules::read_double(doc_, node, diag_);
        if (!value) return;
        if (!(*value >= min && *value <= max)) {
            rules::error_at(
                doc_, node,
                "must be between " + std::to_string(min) + " and " + std::to_string(max), diag_);
            return;
        }
        out = *value;
    }

    std::optional<ChatAddress> address(const YAML::Node& node, std::string_view what) {
        return read_chat_address(doc_, node, what, diag_);
    }

    void parse(const YAML::Node& root, RoutingSettings& s) {
        if (!root || root.IsNull()) return;
        if (!rules::check_keys(
                doc_, root,
                {"affinity_window", "case_window", "reopen_window", "dedup_window",
                 "simulated_handling", "sla", "sla_warning_at", "escalation_every", "influence",
                 "spikes", "silence", "desk", "own_accounts", "noise", "alert_retention"},
                "routing", diag_) &&
            !root.IsMap()) {
            return;
        }
        if (auto n = root["affinity_window"]) duration(n, s.affinity_window_ms, true);
        if (auto n = root["case_window"]) duration(n, s.case_window_ms, true);
        if (auto n = root["reopen_window"]) duration(n, s.reopen_window_ms, true);
        if (auto n = root["dedup_window"]) duration(n, s.dedup_window_ms, true);
        if (auto n = root["alert_retention"]) duration(n, s.alert_retention_ms);
        if (auto n = root["simulated_handling"]) duration(n, s.simulated_handling_ms);
        if (auto n = root["escalation_every"]) duration(n, s.escalation_every_ms);
        if (auto n = root["sla_warning_at"]) fraction(n, s.sla_warning_at, 0.0, 1.0);
        if (auto n = root["sla"]) {
            if (rules::check_keys(doc_, n, {"low", "normal", "high", "urgent"}, "routing.sla",
                                  diag_)) {
                const char* names[] = {"low", "normal", "high", "urgent"};
                for (std::size_t i = 0; i < 4; ++i) {
                    if (auto v = n[names[i]]) duration(v, s.sla_ms[i]);
                }
            }
        }
        if (auto n = root["influence"]) {
            if (rules::check_keys(doc_, n,
                                  {"followers_high", "followers_urgent", "verified_bonus",
                                   "spread_high", "spread_urgent", "max_raise"},
                                  "routing.influence", diag_)) {
                auto& in = s.influence;
                const std::int64_t big = std::int64_t{1} << 40;
                if (auto v = n["followers_high"]) whole(v, in.followers_high, 1, big);
                if (auto v = n["followers_urgent"]) whole(v, in.followers_urgent, 1, big);
                if (auto v = n["spread_high"]) whole(v, in.spread_high, 1, big);
                if (auto v = n["spread_urgent"]) whole(v, in.spread_urgent, 1, big);
                std::int64_t bonus = in.verified_bonus, raise = in.max_raise;
                if (auto v = n["verified_bonus"]) whole(v, bonus, 0, 3);
                if (auto v = n["max_raise"]) whole(v, raise, 0, 3);
                in.verified_bonus = static_cast<int>(bonus);
                in.max_raise = static_cast<int>(raise);
                if (in.followers_urgent < in.followers_high) {
                    rules::error_at(doc_, n, "followers_urgent must be at least followers_high",
                                    diag_);
                }
                if (in.spread_urgent < in.spread_high) {
                    rules::error_at(doc_, n, "spread_urgent must be at least spread_high", diag_);
                }
            }
        }
        if (auto n = root["spikes"]) {
            if (rules::check_keys(doc_, n,
                                  {"enabled", "window", "baseline", "factor", "min_count", "warmup",
                                   "samples", "crisis"},
                                  "routing.spikes", diag_)) {
                auto& sp = s.spikes;
                if (auto v = n["enabled"]) {
                    if (auto b = rules::read_bool(doc_, v, diag_)) sp.enabled = *b;
                }
                if (auto v = n["window"]) duration(v, sp.window_ms);
                if (auto v = n["baseline"]) duration(v, sp.baseline_ms);
                if (auto v = n["warmup"]) duration(v, sp.warmup_ms, true);
                if (auto v = n["factor"]) fraction(v, sp.factor, 1.0, 1000.0);
                if (auto v = n["min_count"]) whole(v, sp.min_count, 1, 1000000);
                std::int64_t samples = static_cast<std::int64_t>(sp.samples);
                if (auto v = n["samples"]) whole(v, samples, 0, 20);
                sp.samples = static_cast<std::size_t>(samples);
                if (auto v = n["crisis"]) {
                    if (auto a = address(v, "routing.spikes.crisis")) sp.crisis = *a;
                }
                if (sp.baseline_ms < 2 * sp.window_ms) {
                    rules::error_at(doc_, n, "spikes.baseline must be at least twice the window",
                                    diag_);
                }
                if (sp.window_ms < kMinuteMs) {
                    rules::error_at(doc_, n, "spikes.window must be at least 1m", diag_);
                }
            }
        }
        if (auto n = root["silence"]) {
            if (rules::check_keys(doc_, n, {"enabled", "factor", "min", "min_posts", "alert"},
                                  "routing.silence", diag_)) {
                auto& si = s.silence;
                if (auto v = n["enabled"]) {
                    if (auto b = rules::read_bool(doc_, v, diag_)) si.enabled = *b;
                }
                if (auto v = n["factor"]) fraction(v, si.factor, 1.0, 10000.0);
                if (auto v = n["min"]) duration(v, si.min_ms);
                if (auto v = n["min_posts"]) whole(v, si.min_posts, 2, 100000);
                if (auto v = n["alert"]) si.alert = address(v, "routing.silence.alert");
            }
        }
        if (auto n = root["desk"]) {
            if (auto a = address(n, "routing.desk")) s.desk = *a;
        }
        if (auto n = root["noise"]) parse_noise(n, s);
        if (auto n = root["own_accounts"]) {
            if (auto handles = rules::read_string_list(doc_, n, diag_)) {
                for (auto handle : *handles) {
                    if (!handle.empty() && handle.front() == '@') handle.erase(0, 1);
                    for (auto& c : handle)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    s.own_accounts.insert(handle);
                }
            }
        }
    }

  private:
    void parse_noise(const YAML::Node& node, RoutingSettings& s) {
        // Unknown keys are reported; the known ones are still checked, so one run shows all.
        rules::check_keys(doc_, node, {"cooldown", "hourly_cap", "digest_after", "silences"},
                          "routing.noise", diag_);
        if (!node.IsMap()) return;
        if (auto n = node["cooldown"]) duration(n, s.noise.cooldown_ms, true);
        if (auto n = node["hourly_cap"]) whole(n, s.noise.hourly_cap, 0, 10000);
        if (auto n = node["digest_after"]) duration(n, s.noise.digest_after_ms);
        auto list = node["silences"];
        if (!list) return;
        if (!list.IsSequence()) {
            rules::error_at(doc_, list, "routing.noise.silences must be a list", diag_);
            return;
        }
        for (const auto& item : list) {
            if (!rules::check_keys(doc_, item, {"id", "rule", "topic", "person", "until", "reason"},
                                   "a silence", diag_)) {
                continue;
            }
            delivery::Silence silence;
            auto text = [&](const char* key, std::string& out) {
                if (auto v = item[key]) {
                    if (auto value = rules::read_string(doc_, v, diag_)) out = *value;
                }
            };
            text("id", silence.id);
            text("rule", silence.rule_id);
            text("topic", silence.topic);
            text("person", silence.person);
            text("reason", silence.reason);
            if (silence.id.empty()) {
                rules::error_at(doc_, item, "a silence needs an 'id'", diag_);
                continue;
            }
            if (!item["until"]) {
                rules::error_at(doc_, item, "silence '" + silence.id + "' needs 'until' (RFC 3339)",
                                diag_);
                continue;
            }
            auto until = rules::read_string(doc_, item["until"], diag_);
            if (!until) continue;
            auto expires = connectors::parse_rfc3339_ms(*until);
            if (!expires) {
                rules::error_at(doc_, item["until"], "not an RFC 3339 time", diag_,
                                "for example 2026-12-01T18:00:00Z");
                continue;
            }
            silence.expires_ms = *expires;
            s.silences.push_back(std::move(silence));
        }
    }

    const YamlDocument& doc_;
    rules::Diagnostics& diag_;
};

}  // namespace

std::optional<std::int64_t> read_duration(const rules::YamlDocument& document,
                                          const YAML::Node& node, rules::Diagnostics& diagnostics) {
    auto text = rules::read_string(document, node, diagnostics);
    if (!text) return std::nullopt;
    std::string error;
    auto value = parse_duration(*text, &error);
    if (!value) {
        rules::error_at(document, node, "invalid duration '" + *text + "': " + error, diagnostics);
    }
    return value;
}

SettingsLoadResult parse_routing_settings(const YamlDocument& document, const YAML::Node& node) {
    SettingsLoadResult result;
    RoutingSettings settings;
    Parser(document, result.diagnostics).parse(node, settings);
    if (!result.diagnostics.has_errors()) result.settings = settings;
    return result;
}

SettingsLoadResult parse_routing_settings(const std::optional<config::PluginConfig>& section) {
    if (!section || !section->document) {
        SettingsLoadResult result;
        result.settings = RoutingSettings{};
        return result;
    }
    return parse_routing_settings(*section->document, section->node);
}

}  // namespace spreekbuis::daemon::routing
