#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../daemon_workspace.hpp"
#include "daemon/daemon.hpp"
#include "daemon/setup.hpp"

using namespace spreekbuis;
using spreekbuis::testing::add_people;
using spreekbuis::testing::eventually;
using spreekbuis::testing::TestDaemon;
using spreekbuis::testing::Workspace;

TEST_CASE("daemon: a reload reads spreekbuis.yaml again, with new rule files", "[daemon][reload]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    TestDaemon service(ws);

    // A new file for the rules/*.yaml glob is loaded; the running config did not list it.
    ws.write("rules/extra.yaml", "rules:\n  - id: refund\n    query: refund\n");
    auto report = service->reload("test");
    CHECK(report.accepted());
    CHECK(report.rules == 2);
    CHECK(report.rules_added == std::vector<std::string>{"refund"});
    CHECK(report.rules_removed.empty());
    CHECK(report.restart_needed.empty());
    CHECK(service->stats().last_reload_ok.load());

    // A key only a restart applies is named; the rules still reload.
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app) << "queue_capacity: 5000\n";
    report = service->reload("test");
    CHECK(report.accepted());
    CHECK(report.restart_needed == std::vector<std::string>{"queue_capacity"});

    // A typo in spreekbuis.yaml: nothing reloads, the error has its position.
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app) << "rulez: [x]\n";
    report = service->reload("test");
    CHECK_FALSE(report.accepted());
    CHECK_FALSE(report.config_read);
    REQUIRE(report.diagnostics.has_errors());
    CHECK(report.diagnostics.items().front().pos.line == 10);
    CHECK(report.rules == 2);
    CHECK_FALSE(service->stats().last_reload_ok.load());
}

TEST_CASE("daemon: a failing rule test rejects the reload; the old rules keep serving",
          "[daemon][reload]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    TestDaemon service(ws);
    ws.write("rules/demo.yaml",
             "rules:\n"
             "  - id: lost-bag\n"
             "    query: 'koffer'\n"
             "    tests:\n"
             "      - text: 'where is my suitcase'\n"
             "        expect: {match: true}\n");
    const auto report = service->reload("test");
    CHECK_FALSE(report.accepted());
    CHECK(report.config_read);
    CHECK_FALSE(report.rules_reloaded);
    REQUIRE(report.diagnostics.has_errors());
    CHECK(report.diagnostics.items().front().message.find("rule test failed") != std::string::npos);
    CHECK(service->stats().reload_failures.load() == 1);
}

TEST_CASE("daemon: the file watch rejects a broken rule file, tells the operators, takes the fix",
          "[daemon][reload]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    add_people(ws);
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app)
        << "reload: {interval: 100ms, alert: {sink: console, address: '#ops'}}\n";
    TestDaemon service(ws);
    service.start();

    ws.write("rules/demo.yaml", "rules:\n  - id: broken\n    query: '(suitcase'\n");
    CHECK(eventually([&] { return service->stats().reload_notices.load() == 1; }));
    CHECK(service->stats().reload_failures.load() == 1);
    CHECK_FALSE(service->stats().last_reload_ok.load());
    // Not tried again while the file stays broken.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(service->stats().reload_failures.load() == 1);

    ws.write("rules/demo.yaml",
             "rules:\n  - id: lost-bag\n    query: 'suitcase OR koffer OR bag'\n"
             "    topic: baggage\n");
    CHECK(eventually([&] { return service->stats().reloads.load() == 1; }));
    CHECK(eventually([&] { return service->stats().last_reload_ok.load(); }));
    // The people directory was reloaded with the rules, and reached the router.
    CHECK(eventually([&] { return service->stats().people_reloads.load() >= 1; }));
    // The all-clear follows in the failure's thread.
    CHECK(eventually([&] { return service->stats().reload_notices.load() == 2; }));
    CHECK(service.stop() == 0);

    const auto out = service.output();
    INFO(out);
    CHECK(out.find("[reload_failed] Reload rejected (rules): 1 error") != std::string::npos);
    CHECK(out.find("operators") != std::string::npos);
    CHECK(out.find("demo.yaml:3:") != std::string::npos);
    CHECK(out.find("[reload_recovered] Reload accepted again: 1 rules") != std::string::npos);
}

TEST_CASE("check and start-up refuse a reload section with a typo", "[daemon][reload]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app)
        << "reload: {watch: true, interval: 2s, alert: {sink: consle}}\n";
    const auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    CHECK_FALSE(loaded.setup);
    REQUIRE(loaded.diagnostics.has_errors());
    const auto& error = loaded.diagnostics.items().front();
    CHECK(error.message == "reload.alert: no sink named 'consle'");
    CHECK(error.hint == "did you mean 'console'?");
    CHECK(error.pos.line == 9);
    CHECK(error.pos.column == 51);
}
