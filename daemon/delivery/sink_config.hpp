#pragma once
// Reads a chat sink's own keys from its `sinks:` entry (Fluent Bit style: the plugin validates
// its table), with positions in every error, and adds the action-link settings from `http:`.
// Pure; any thread.
#include <optional>

#include "config/config.hpp"
#include "daemon/delivery/dispatcher.hpp"

namespace spreekbuis::daemon::delivery {

// Keys: url, token, secret, destination, username, template, timeout (seconds, 1..120),
// max_attempts (0 = no limit), max_age_hours (1..720). `type: slack` with a `token` is
// chat.postMessage, with a `url` an incoming webhook. nullopt for `console` (not an HTTP sink)
// and on errors, which are added to `diagnostics`.
std::optional<SinkDelivery> parse_sink_delivery(const config::PluginConfig& plugin,
                                                const config::Config& config,
                                                rules::Diagnostics& diagnostics);

}  // namespace spreekbuis::daemon::delivery
