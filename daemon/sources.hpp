#pragma once
// The configured sources: the replay source's settings, and one check of every source section
// (replay and live) that `check` and `run` share, so a typo in a source fails before start-up.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "connectors/sources/live_source.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::daemon {

// A replay source: reads a post file at `rate` posts per second (0 = as fast as the pipeline
// takes them), optionally looping. Resumable, so backpressure slows it instead of dropping.
struct ReplaySourceSettings {
    std::string name;
    std::string path;
    double rate = 0.0;
    bool loop = false;
};

std::optional<ReplaySourceSettings> read_replay_settings(const config::PluginConfig& plugin,
                                                         const std::string& base_dir,
                                                         rules::Diagnostics& diagnostics);

// Every source section against its type's keys; a type this build cannot run is an error.
void check_sources(const config::Config& config, rules::Diagnostics& diagnostics);

// The network sources' counters (by source name) in the Prometheus text format.
std::string source_metrics(
    const std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>>& sources);

}  // namespace spreekbuis::daemon
