#include "daemon/setup.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/audit/decision_log.hpp"
#include "daemon/ingest.hpp"
#include "daemon/reload/reload_settings.hpp"
#include "daemon/router_setup.hpp"
#include "daemon/rule_route_checks.hpp"
#include "daemon/sources.hpp"

namespace spreekbuis::daemon {

std::shared_ptr<const rules::RuleSet> load_rules(const config::Config& config, bool run_rule_tests,
                                                 rules::Diagnostics& diagnostics) {
    auto loaded = rules::load_rule_files(config.rule_files);
    diagnostics.append(loaded.diagnostics);
    if (!loaded.rules) return nullptr;
    if (run_rule_tests) {
        bool failed = false;
        for (const auto& outcome : loaded.rules->run_tests()) {
            if (outcome.passed) continue;
            failed = true;
            diagnostics.error(outcome.pos, "rule test failed: " + outcome.name, outcome.detail);
        }
        if (failed) return nullptr;
    }
    return loaded.rules;
}

SetupResult load_setup(const std::string& config_path, bool run_rule_tests) {
    SetupResult result;
    auto loaded = config::load_config(config_path);
    result.diagnostics.append(loaded.diagnostics);
    if (!loaded.config) return result;
    check_sources(*loaded.config, result.diagnostics);
    reload::read_reload_settings(*loaded.config, result.diagnostics);
    audit::read_audit_settings(*loaded.config, result.diagnostics);
    read_ingest_settings(*loaded.config, result.diagnostics);
    auto files = reload::take_fingerprint(reload::watched_paths(*loaded.config));
    auto rule_set = load_rules(*loaded.config, run_rule_tests, result.diagnostics);
    // Validates the people directory and the routing section without touching the state dir.
    const auto runtime = make_router(*loaded.config, RouterMode::replay, result.diagnostics);
    if (runtime.router && rule_set) {
        check_routes_against_rules(runtime.router->directory(), *rule_set, result.diagnostics);
    }
    if (!rule_set || result.diagnostics.has_errors()) return result;
    result.setup = Setup{std::move(*loaded.config), std::move(rule_set), std::move(files)};
    return result;
}

void configure_logging(const std::string& level) {
    auto logger = spdlog::get("spreekbuis");
    if (!logger) logger = spdlog::stderr_color_mt("spreekbuis");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace spreekbuis::daemon
