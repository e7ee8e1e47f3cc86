#include <simdjson.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "daemon/reload/reload_report.hpp"
#include "daemon/reload/reload_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::reload;
namespace fs = std::filesystem;

namespace {

// A configuration directory with one rule file, for load_config_text.
struct ConfigDir {
    fs::path dir;
    ConfigDir() {
        static int counter = 0;
        dir = fs::temp_directory_path() /
              ("spreekbuis-reload-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(dir / "rules");
        std::ofstream(dir / "rules" / "a.yaml") << "rules: []\n";
    }
    ~ConfigDir() { fs::remove_all(dir); }
    config::ConfigLoadResult load(const std::string& extra) const {
        return config::load_config_text("spreekbuis.yaml",
                                        "rules: [rules/*.yaml]\n"
                                        "sinks:\n"
                                        "  - {name: console, type: console}\n"
                                        "  - {name: ops-slack, type: console}\n" +
                                            extra,
                                        dir.string());
    }
};

ReloadSettings settings_of(const ConfigDir& dir, const std::string& extra,
                           rules::Diagnostics& diagnostics) {
    auto loaded = dir.load(extra);
    REQUIRE(loaded.config);
    return read_reload_settings(*loaded.config, diagnostics);
}

}  // namespace

TEST_CASE("reload settings: defaults and every key", "[reload]") {
    ConfigDir dir;
    rules::Diagnostics diagnostics;
    const auto defaults = settings_of(dir, "", diagnostics);
    CHECK(diagnostics.empty());
    CHECK(defaults.watch);
    CHECK(defaults.interval_ms == 2000);
    CHECK_FALSE(defaults.alert);

    const auto set = settings_of(
        dir, "reload: {watch: false, interval: 500ms, alert: {sink: ops-slack, address: '#ops'}}\n",
        diagnostics);
    CHECK(diagnostics.empty());
    CHECK_FALSE(set.watch);
    CHECK(set.interval_ms == 500);
    REQUIRE(set.alert);
    CHECK(set.alert->sink == "ops-slack");
    CHECK(set.alert->address == "#ops");
}

TEST_CASE("reload settings: typos are errors at their position", "[reload]") {
    ConfigDir dir;
    struct Case {
        std::string yaml;
        std::string message;
        int column;
    };
    const std::vector<Case> cases = {
        {"reload: {watch: true, intervall: 2s}\n", "intervall", 23},
        {"reload: {interval: soon}\n", "invalid duration 'soon'", 20},
        {"reload: {interval: 10ms}\n", "between 100ms and 1h", 20},
        {"reload: {watch: sometimes}\n", "", 17},
        {"reload: {alert: {sink: ops-slak}}\n", "no sink named 'ops-slak'", 24},
        {"reload: {alert: {address: '#ops'}}\n", "needs a 'sink'", 17},
        {"reload: [watch]\n", "reload must be a map", 9},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        auto loaded = dir.load(c.yaml);
        rules::Diagnostics diagnostics;
        if (loaded.config) {
            read_reload_settings(*loaded.config, diagnostics);
        } else {
            diagnostics = loaded.diagnostics;
        }
        REQUIRE(diagnostics.has_errors());
        const auto& first = diagnostics.items().front();
        CHECK(first.message.find(c.message) != std::string::npos);
        CHECK(first.pos.line == 5);
        CHECK(first.pos.column == c.column);
    }
    // The hint of a misspelt sink name.
    auto loaded = dir.load("reload: {alert: {sink: ops-slak}}\n");
    REQUIRE(loaded.config);
    rules::Diagnostics diagnostics;
    read_reload_settings(*loaded.config, diagnostics);
    REQUIRE(diagnostics.has_errors());
    CHECK(diagnostics.items().front().hint == "did you mean 'ops-slack'?");
}

TEST_CASE("keys_needing_restart names the changed keys other than rules and people", "[reload]") {
    ConfigDir dir;
    const auto running = dir.load("workers: 2\nqueue_capacity: 1000\n");
    REQUIRE(running.config);
    const auto same = dir.load("workers: 2\nqueue_capacity: 1000\n");
    REQUIRE(same.config);
    CHECK(keys_needing_restart(*running.config, *same.config).empty());
    // Different rule globs take effect on reload; workers and a new section need a restart.
    const auto next = dir.load("workers: 4\nqueue_capacity: 1000\nlog_level: debug\n");
    REQUIRE(next.config);
    CHECK(keys_needing_restart(*running.config, *next.config) ==
          std::vector<std::string>{"workers", "log_level"});
    const auto fewer = dir.load("queue_capacity: 1000\n");
    REQUIRE(fewer.config);
    CHECK(keys_needing_restart(*running.config, *fewer.config) ==
          std::vector<std::string>{"workers"});
}

TEST_CASE("a reload report as JSON carries the outcome and the diagnostics", "[reload]") {
    ReloadReport report;
    report.trigger = "file change";
    report.files = {"/etc/spreekbuis/rules/bags.yaml"};
    report.config_read = true;
    report.rules_reloaded = false;
    report.rules = 12;
    report.people_configured = true;
    report.people_reloaded = true;
    report.restart_needed = {"workers"};
    report.diagnostics.error({"/etc/spreekbuis/rules/bags.yaml", 4, 12}, "unknown list '$bagage'",
                             "did you mean '$bags'?", "    query: '$bagage AND lost'");
    CHECK_FALSE(report.accepted());
    const auto json = reload_report_json(report);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    REQUIRE(parser.parse(json).get(root) == simdjson::SUCCESS);
    CHECK(root["ok"].get_bool().value() == false);
    CHECK(std::string(root["trigger"].get_string().value()) == "file change");
    CHECK(root["rules"]["reloaded"].get_bool().value() == false);
    CHECK(root["rules"]["count"].get_int64().value() == 12);
    CHECK(root["people"]["reloaded"].get_bool().value() == true);
    CHECK(std::string(root["restart_needed"].at(0).get_string().value()) == "workers");
    CHECK(root["errors"].get_int64().value() == 1);
    const auto first = root["diagnostics"].at(0);
    CHECK(std::string(first["file"].get_string().value()) == "/etc/spreekbuis/rules/bags.yaml");
    CHECK(first["line"].get_int64().value() == 4);
    CHECK(first["column"].get_int64().value() == 12);
    CHECK(std::string(first["hint"].get_string().value()) == "did you mean '$bags'?");

    report.rules_reloaded = true;
    report.diagnostics = {};
    report.people_configured = false;
    CHECK(report.accepted());
    REQUIRE(parser.parse(reload_report_json(report)).get(root) == simdjson::SUCCESS);
    CHECK(root["ok"].get_bool().value() == true);
    CHECK(root["people"].is_null());
    CHECK(reload_summary(report) ==
          "reload (file change) accepted: 12 rules; changes to workers take effect after a "
          "restart");
}

TEST_CASE("a rejected reload becomes an alert for the operators", "[reload]") {
    ReloadReport report;
    report.trigger = "SIGHUP";
    report.finished_ms = 1700000000000;
    report.config_read = true;
    report.rules = 40;
    for (int i = 1; i <= 7; ++i) {
        report.diagnostics.error({"rules/bags.yaml", i, 3}, "problem " + std::to_string(i));
    }
    report.diagnostics.warning({"rules/bags.yaml", 9, 1}, "a warning is not quoted");
    const auto alert = reload_failure_alert(report, {"ops-slack", "#ops"}, "operators");
    CHECK(alert.kind == connectors::AlertKind::reload_failed);
    CHECK(alert.id == "reload:1700000000000");
    CHECK(alert.sink == "ops-slack");
    CHECK(alert.destination == "#ops");
    CHECK(alert.recipient_name == "operators");
    CHECK(alert.title == "Reload rejected (rules): 7 errors");
    CHECK(alert.count == 7);
    REQUIRE(alert.samples.size() == 5);  // the first five errors
    CHECK(alert.samples.front() == "rules/bags.yaml:1:3: problem 1");
    CHECK(alert.why.find("the previous rules serve") != std::string::npos);
    CHECK(alert.why.find("first error: rules/bags.yaml:1:3: problem 1") != std::string::npos);
    CHECK(alert.created_at_ms == report.finished_ms);

    ReloadReport broken_config;
    broken_config.trigger = "admin API";
    broken_config.diagnostics.error({"spreekbuis.yaml", 3, 1}, "unknown key 'rulez'");
    CHECK(reload_failure_alert(broken_config, {"console", ""}, "webcare desk").title ==
          "Reload rejected (spreekbuis.yaml): 1 error");
    CHECK(reload_summary(broken_config) ==
          "reload (admin API) rejected: the configuration has errors; nothing was reloaded");
}

TEST_CASE("the all-clear after a rejected reload replies in its thread", "[reload]") {
    ReloadReport failed;
    failed.trigger = "file change";
    failed.finished_ms = 1700000000000;
    failed.config_read = true;
    failed.diagnostics.error({"rules/bags.yaml", 3, 12}, "unbalanced '('");
    const auto failure = reload_failure_alert(failed, {"slack", "#ops"}, "operators");
    CHECK(failure.group_key == "reload:1700000000000");
    CHECK_FALSE(connectors::is_follow_up(failure.kind));  // it starts the thread

    ReloadReport fixed;
    fixed.trigger = "file change";
    fixed.files = {"rules/bags.yaml"};
    fixed.finished_ms = 1700000060000;
    fixed.config_read = fixed.rules_reloaded = true;
    fixed.rules = 12;
    const auto recovery =
        reload_recovery_alert(fixed, {"slack", "#ops"}, "operators", failure.group_key);
    CHECK(recovery.kind == connectors::AlertKind::reload_recovered);
    CHECK(connectors::is_follow_up(recovery.kind));
    CHECK(connectors::thread_key(recovery) == connectors::thread_key(failure));
    CHECK(recovery.id == "reload:1700000060000");
    CHECK(recovery.title == "Reload accepted again: 12 rules");
    CHECK(recovery.why ==
          "reload by file change accepted; the new rules serve; changed: rules/bags.yaml");
}

TEST_CASE("a reload names the rules it added and removed", "[reload]") {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    diff_rule_ids({"lost-bag", "refund", "delay"}, {"lost-bag", "delay", "rude-staff", "wifi"},
                  added, removed);
    CHECK(added == std::vector<std::string>{"rude-staff", "wifi"});
    CHECK(removed == std::vector<std::string>{"refund"});
    diff_rule_ids({"a", "b"}, {"b", "a"}, added, removed);  // order alone is no change
    CHECK(added.empty());
    CHECK(removed.empty());

    ReloadReport report;
    report.trigger = "SIGHUP";
    report.config_read = report.rules_reloaded = true;
    report.rules = 4;
    report.rules_added = {"rude-staff", "wifi"};
    report.rules_removed = {"refund"};
    CHECK(reload_summary(report) ==
          "reload (SIGHUP) accepted: 4 rules (+rude-staff, +wifi, -refund)");
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    REQUIRE(parser.parse(reload_report_json(report)).get(root) == simdjson::SUCCESS);
    CHECK(std::string(root["rules"]["added"].at(1).get_string().value()) == "wifi");
    CHECK(std::string(root["rules"]["removed"].at(0).get_string().value()) == "refund");

    for (int i = 0; i < 12; ++i) report.rules_added.push_back("r" + std::to_string(i));
    CHECK(reload_summary(report) ==
          "reload (SIGHUP) accepted: 4 rules (+rude-staff, +wifi, +r0, +r1, +r2, +r3, +r4, +r5, "
          "+r6, +r7, and 5 more)");
}
