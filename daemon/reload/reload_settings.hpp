#pragma once
// The `reload:` section of spreekbuis.yaml: whether changed rule files, the people directory and
// the configuration file are picked up without a SIGHUP, how often they are looked at, and
// which chat hears about a rejected reload. Validated with file:line:col like every section.
#include <cstdint>
#include <optional>

#include "config/config.hpp"
#include "daemon/routing/people.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon::reload {

struct ReloadSettings {
    bool watch = true;                // poll the files and reload when they change
    std::int64_t interval_ms = 2000;  // between polls; a change must hold still this long
    // Where a rejected reload is announced; default: routing.silence.alert, else the desk,
    // else the first sink (see Daemon::run).
    std::optional<routing::ChatAddress> alert;
};

inline constexpr std::int64_t kMinWatchIntervalMs = 100;
inline constexpr std::int64_t kMaxWatchIntervalMs = 60 * 60 * 1000;

// Absent section: the defaults. `alert.sink` must name a configured sink.
ReloadSettings read_reload_settings(const config::Config& config, rules::Diagnostics& diagnostics);

}  // namespace spreekbuis::daemon::reload
