// Route templates: loading (with positions) and the router putting them on alerts.
#include <catch2/catch.hpp>

#include "daemon/routing/router.hpp"
#include "routing_test_util.hpp"

using namespace routing_test;
using spreekbuis::connectors::Alert;
using spreekbuis::connectors::AlertKind;
using spreekbuis::rules::Priority;

namespace {

const std::int64_t kNoon = utc(2025, 6, 11, 12, 0);

std::string with_route_keys(const std::string& keys) {
    std::string text = kPeopleYaml;
    const std::string anchor = "  - match: {topic: baggage}\n    team: baggage\n";
    const auto at = text.find(anchor);
    REQUIRE(at != std::string::npos);
    text.insert(at + anchor.size(), keys);
    return text;
}

DirectoryLoadResult load(const std::string& text) {
    TimeZoneDb db(zoneinfo_dir());
    return load_directory_text("people.yaml", text, db);
}

const Alert* find_id(const std::vector<Alert>& alerts, const std::string& id) {
    for (const auto& a : alerts) {
        if (a.id == id) return &a;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("a route's template and per-sink templates load", "[routing][people][template]") {
    auto r =
        load(with_route_keys("    template: \"{{title}}: {{text}}\"\n"
                             "    templates:\n"
                             "      slack: \"*{{priority}}* {{title}} {{{{literal\"\n"
                             "      pager-duty: \"{{case_id}}\"\n"));
    INFO(r.diagnostics.format_all());
    REQUIRE(r.directory);
    const auto& route = r.directory->routes[0];
    CHECK(route.message_template == "{{title}}: {{text}}");
    REQUIRE(route.templates.size() == 2);
    CHECK(route.template_for("slack") == "*{{priority}}* {{title}} {{{{literal");
    CHECK(route.template_for("pager-duty") == "{{case_id}}");  // unknown sinks are kept
    CHECK(route.template_for("teams") == "{{title}}: {{text}}");
    CHECK(r.directory->routes[1].template_for("slack").empty());
}

TEST_CASE("route template errors point at the offending field", "[routing][people][template]") {
    // The route is at lines 45-46 of the fixture; the inserted keys start at line 47.
    SECTION("unknown field, with a did-you-mean, at the {{") {
        auto r = load(with_route_keys("    template: \"{{title}} {{txet}}\"\n"));
        CHECK_FALSE(r.directory);
        const auto text = r.diagnostics.format_all();
        INFO(text);
        CHECK(text.find("people.yaml:47:26: error: template: unknown template field 'txet'") !=
              std::string::npos);
        CHECK(text.find("did you mean 'text'?") != std::string::npos);
    }
    SECTION("unclosed placeholder in a per-sink template (plain scalar)") {
        auto r = load(with_route_keys("    templates:\n      slack: see {{title\n"));
        CHECK_FALSE(r.directory);
        const auto text = r.diagnostics.format_all();
        INFO(text);
        CHECK(text.find("people.yaml:48:18: error: template: unclosed '{{' at offset 4") !=
              std::string::npos);
    }
    SECTION("templates must be a map; misspelt key") {
        auto r = load(with_route_keys("    templates: [a, b]\n    tempalte: x\n"));
        CHECK_FALSE(r.directory);
        const auto text = r.diagnostics.format_all();
        INFO(text);
        CHECK(text.find("people.yaml:47:16: error: templates must be a map") != std::string::npos);
        CHECK(text.find("people.yaml:48:5: error: unknown key 'tempalte'") != std::string::npos);
        CHECK(text.find("did you mean 'template'?") != std::string::npos);
    }
    SECTION("a template that is not a string") {
        auto r = load(with_route_keys("    template: {a: 1}\n"));
        CHECK_FALSE(r.directory);
    }
}

TEST_CASE("the router copies the route's template onto its alerts", "[routing][router][template]") {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{kNoon};
    MemoryCaseStore store;
    auto loaded = load_directory_text("people.yaml",
                                      with_route_keys("    template: \"R {{title}}\"\n"
                                                      "    templates: {slack: \"RS {{title}}\"}\n"),
                                      zones);
    INFO(loaded.diagnostics.format_all());
    REQUIRE(loaded.directory);
    const auto made = quiet_router(loaded.directory, store, clock);
    auto& router = *made;

    auto d =
        router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage", "nl", Priority::urgent));
    REQUIRE(d.assignee == "anna");
    REQUIRE(d.alerts.size() == 1);
    CHECK(d.alerts[0].sink == "slack");
    CHECK(d.alerts[0].message_template == "RS {{title}}");  // route + sink first

    auto reply = post("p2", "c1", "nog steeds niks");
    reply.in_reply_to = "p1";
    auto update = router.route(reply, verdict("baggage"));
    REQUIRE(update.alerts.size() == 1);
    CHECK(update.alerts[0].kind == AlertKind::case_update);
    CHECK(update.alerts[0].message_template == "RS {{title}}");

    // The catch-all route has no template: the sink's own layout applies.
    auto other = router.route(post("p3", "c3", "boeking mislukt"), verdict("booking"));
    REQUIRE(other.alerts.size() == 1);
    CHECK(other.alerts[0].message_template.empty());

    // The ladder: the warning and the escalations to slack people and channels get the
    // slack template; the last rung, the desk on the console sink, the route's own.
    clock.set(kNoon + 2 * kHourMs);
    auto ladder = router.tick();
    const auto* warning = find_id(ladder, d.case_id + ":sla_warning:1");
    REQUIRE(warning);
    CHECK(warning->message_template == "RS {{title}}");
    const auto* desk = find_id(ladder, d.case_id + ":escalation:4");
    REQUIRE(desk);
    CHECK(desk->sink == "console");
    CHECK(desk->message_template == "R {{title}}");
    for (const auto& alert : ladder) {
        if (alert.case_id == other.case_id) CHECK(alert.message_template.empty());
    }

    // Reassigning keeps the route's template.
    auto moved = router.reassign(other.case_id, "cleo", "admin:test");
    REQUIRE(moved.ok);
    REQUIRE(moved.alerts.size() == 1);
    CHECK(moved.alerts[0].message_template.empty());
    auto back = router.reassign(d.case_id, "cleo", "admin:test");
    REQUIRE(back.ok);
    CHECK(back.alerts.at(0).sink == "matrix");
    CHECK(back.alerts.at(0).message_template == "R {{title}}");
}

TEST_CASE("after a restart the route is found again from the case", "[routing][router][template]") {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{kNoon};
    MemoryCaseStore store;
    auto loaded = load_directory_text(
        "people.yaml", with_route_keys("    templates: {slack: \"RS {{title}}\"}\n"), zones);
    REQUIRE(loaded.directory);
    const std::string case_id =
        quiet_router(loaded.directory, store, clock)
            ->route(post("p1", "c1", "koffer kwijt"), verdict("baggage", "nl", Priority::urgent))
            .case_id;
    const auto restarted = quiet_router(loaded.directory, store, clock);
    clock.set(kNoon + 12 * kMinuteMs);
    auto alerts = restarted->tick();
    const auto* warning = find_id(alerts, case_id + ":sla_warning:1");
    REQUIRE(warning);
    CHECK(warning->message_template == "RS {{title}}");
}
