#pragma once
// The `routing:` section of spreekbuis.yaml: windows, SLA, influence, spikes, silence, desk.
// Pure data once parsed; any thread may read it.
#include <array>
#include <cstdint>
#include <optional>

#include "config/config.hpp"
#include "daemon/delivery/noise.hpp"
#include "daemon/routing/duration.hpp"
#include "daemon/routing/people.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::routing {

struct InfluenceSettings {
    std::int64_t followers_high = 10000;     // +1 step
    std::int64_t followers_urgent = 250000;  // +2 steps
    int verified_bonus = 1;
    std::int64_t spread_high = 50;     // replies + reposts for +1
    std::int64_t spread_urgent = 500;  // for +2
    int max_raise = 2;                 // total steps at most
};

struct SpikeSettings {
    bool enabled = true;
    std::int64_t window_ms = 10 * kMinuteMs;
    std::int64_t baseline_ms = 6 * kHourMs;
    double factor = 4.0;
    std::int64_t min_count = 20;
    std::int64_t warmup_ms = kHourMs;  // no crisis before this much history was seen
    std::size_t samples = 3;
    ChatAddress crisis{"console", "#crisis"};
};

struct SilenceSettings {
    bool enabled = true;
    double factor = 10.0;                  // silent after factor x the usual (p95) gap
    std::int64_t min_ms = 30 * kMinuteMs;  // never sooner than this
    std::int64_t min_posts = 20;           // gaps to learn "usual" before alerting
    std::optional<ChatAddress> alert;      // default: the desk
};

struct RoutingSettings {
    std::int64_t affinity_window_ms = 30 * kDayMs;
    std::int64_t case_window_ms = 2 * kHourMs;
    std::int64_t reopen_window_ms = 7 * kDayMs;
    std::int64_t dedup_window_ms = 2 * kHourMs;
    std::int64_t simulated_handling_ms = 20 * kMinuteMs;
    std::array<std::int64_t, 4> sla_ms{24 * kHourMs, 4 * kHourMs, kHourMs, 15 * kMinuteMs};
    double sla_warning_at = 0.75;
    std::int64_t escalation_every_ms = 15 * kMinuteMs;
    InfluenceSettings influence;
    SpikeSettings spikes;
    SilenceSettings silence;
    ChatAddress desk{"console", "#webcare-desk"};
    // The company's own handles (lower case, no '@'): their posts never open cases, and their
    // reply in an open case's thread counts as its first response.
    std::set<std::string> own_accounts;
    // Noise control for chat sinks: cooldown, hourly cap (overflow rolled into a digest) and
    // silences from the configuration.
    delivery::NoisePolicy noise;
    std::vector<delivery::Silence> silences;
    // Delivered alerts stay in the outbox this long (thread roots for follow-ups, inspection);
    // older sent and digested ones are deleted once an hour so state.db does not grow forever.
    std::int64_t alert_retention_ms = 30 * kDayMs;

    std::int64_t sla_for(rules::Priority priority) const {
        return sla_ms[static_cast<std::size_t>(priority)];
    }
};

struct SettingsLoadResult {
    std::optional<RoutingSettings> settings;
    rules::Diagnostics diagnostics;
};

// A duration scalar ("90s", "1h30m") in milliseconds; nullopt with an error at the node when
// it is not a string or not a duration. Ranges are the caller's to check.
std::optional<std::int64_t> read_duration(const rules::YamlDocument& document,
                                          const YAML::Node& node, rules::Diagnostics& diagnostics);

// Absent section: defaults. Unknown keys, wrong types and bad durations are errors with
// positions.
SettingsLoadResult parse_routing_settings(const std::optional<config::PluginConfig>& section);
SettingsLoadResult parse_routing_settings(const rules::YamlDocument& document,
                                          const YAML::Node& node);

}  // namespace spreekbuis::daemon::routing
