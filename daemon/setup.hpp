#pragma once
// Everything validated before the daemon opens a connection: configuration and rules (and,
// when configured, the people directory). Shared by run, replay, check and test.
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "daemon/reload/file_watch.hpp"
#include "rules/diagnostic.hpp"
#include "rules/ruleset.hpp"

namespace spreekbuis::daemon {

struct Setup {
    config::Config config;
    std::shared_ptr<const rules::RuleSet> rules;
    // The files as they were before the rules and people were read: the file watch reloads
    // when they differ, so an edit made during start-up is not missed.
    reload::Fingerprint files;
};

struct SetupResult {
    std::optional<Setup> setup;  // nullopt when anything had an error
    rules::Diagnostics diagnostics;
};

// Loads the configuration and compiles its rule files. With `run_rule_tests`, a rule set whose
// embedded tests fail is rejected (as at start-up and reload).
SetupResult load_setup(const std::string& config_path, bool run_rule_tests);

// Compiles the rule files of `config` and runs their tests; errors into `diagnostics`.
std::shared_ptr<const rules::RuleSet> load_rules(const config::Config& config, bool run_rule_tests,
                                                 rules::Diagnostics& diagnostics);

// Sets spdlog's stderr logger and level ("info", "debug", ...).
void configure_logging(const std::string& level);

}  // namespace spreekbuis::daemon
