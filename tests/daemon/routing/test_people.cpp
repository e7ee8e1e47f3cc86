#include <catch2/catch.hpp>
#include <set>

#include "daemon/routing/settings.hpp"
#include "routing_test_util.hpp"
#include "rules/yaml_source.hpp"

using namespace routing_test;

namespace {
DirectoryLoadResult load(const std::string& text) {
    TimeZoneDb db(zoneinfo_dir());
    return load_directory_text("people.yaml", text, db);
}
std::string errors(const DirectoryLoadResult& r) { return r.diagnostics.format_all(); }
}  // namespace

TEST_CASE("the example fixture loads with people, teams and routes", "[routing][people]") {
    auto result = load(kPeopleYaml);
    INFO(errors(result));
    REQUIRE(result.directory);
    const auto& dir = *result.directory;
    CHECK(dir.people.size() == 5);
    CHECK(dir.teams.size() == 2);
    CHECK(dir.routes.size() == 2);
    CHECK(dir.routes[1].catch_all);
    CHECK(dir.desk_team == "desk");
    const auto* bram = dir.person("bram");
    REQUIRE(bram);
    CHECK(bram->chat.front().sink == "slack");
    CHECK(bram->chat[1].sink == "teams");
    CHECK(bram->skill_level("baggage") == 2);
    CHECK(bram->capacity == 2);
    CHECK(dir.person("cleo")->zone->name() == "America/New_York");
    CHECK(dir.person("anna")->zone->name() == "Europe/Amsterdam");
    CHECK(dir.team("baggage")->channel->address == "#baggage");
    CHECK(dir.routes[0].describe() == "route #1 (topic=baggage)");
}

TEST_CASE("people directory errors point at file:line:col", "[routing][people]") {
    SECTION("unknown member with a did-you-mean") {
        auto r = load(R"(people:
  - id: anna
    chat: {slack: U1}
    languages: [nl]
teams:
  - id: t
    members: [ana]
routes:
  - team: t
)");
        CHECK_FALSE(r.directory);
        CHECK(errors(r).find("people.yaml:7:15: error: unknown person 'ana'") != std::string::npos);
        CHECK(errors(r).find("did you mean 'anna'?") != std::string::npos);
    }
    SECTION("bad hours, time zone, duplicate id, unknown key, bad priority") {
        auto r = load(R"(people:
  - id: anna
    chat: {slack: U1}
    languages: [nl]
    hours: {mon: "25:00-26:00", frid: "09:00-17:00"}
    timezone: Europe/Amsterdm
  - id: anna
    chat: {slack: U2}
    languages: [en]
    holidays: [2025-02-30]
    capacity: -1
teams:
  - id: t
    members: [anna]
    fallback: t
routes:
  - match: {topic: baggage, priority: hgh}
    team: t
)");
        CHECK_FALSE(r.directory);
        const auto text = errors(r);
        CHECK(text.find("people.yaml:5:18: error: invalid hours '25:00-26:00' for mon") !=
              std::string::npos);
        CHECK(text.find("unknown key 'frid' in hours") != std::string::npos);
        CHECK(text.find("did you mean 'fri'?") != std::string::npos);
        CHECK(text.find("people.yaml:6:15: error: unknown time zone 'Europe/Amsterdm'") !=
              std::string::npos);
        CHECK(text.find("people.yaml:7:9: error: duplicate person id 'anna'") != std::string::npos);
        CHECK(text.find("invalid holiday '2025-02-30'") != std::string::npos);
        CHECK(text.find("capacity must be 0..10000") != std::string::npos);
        CHECK(text.find("cannot fall back to itself") != std::string::npos);
        CHECK(text.find("unknown priority 'hgh'") != std::string::npos);
    }
    SECTION("missing sections and a person without chat or languages") {
        auto r = load("people:\n  - id: x\n");
        CHECK_FALSE(r.directory);
        const auto text = errors(r);
        CHECK(text.find("has no chat address") != std::string::npos);
        CHECK(text.find("speaks no languages") != std::string::npos);
        CHECK(text.find("missing key 'teams'") != std::string::npos);
        CHECK(text.find("missing key 'routes'") != std::string::npos);
    }
    SECTION("not YAML at all") {
        auto r = load("people: [\n");
        CHECK_FALSE(r.directory);
        CHECK(errors(r).find("invalid YAML") != std::string::npos);
    }
    SECTION("an unreachable route is a warning") {
        auto r = load(R"(people:
  - {id: a, chat: {slack: U1}, languages: [nl]}
teams:
  - {id: t, members: [a]}
routes:
  - team: t
  - match: {topic: baggage}
    team: t
)");
        REQUIRE(r.directory);
        CHECK(errors(r).find("route #2 is never reached") != std::string::npos);
    }
}

TEST_CASE("holidays and away block a person", "[routing][people]") {
    auto r = load(R"(timezone: Europe/Amsterdam
people:
  - id: a
    chat: {slack: U1}
    languages: [nl]
    holidays: [2025-12-24..2025-12-26, 2025-01-01]
teams:
  - {id: t, members: [a]}
routes:
  - team: t
)");
    INFO(errors(r));
    REQUIRE(r.directory);
    const auto& a = *r.directory->person("a");
    auto zone = a.zone;
    CHECK(a.on_holiday(zone->local(utc(2025, 12, 25, 12))));
    CHECK(a.on_holiday(zone->local(utc(2025, 12, 26, 22, 30))));  // 23:30 local, still the 26th
    CHECK_FALSE(a.on_holiday(zone->local(utc(2025, 12, 26, 23, 30))));
    CHECK(a.on_holiday(zone->local(utc(2024, 12, 31, 23, 30))));  // 00:30 local on Jan 1
}

TEST_CASE("routing settings: defaults, values and positioned errors", "[routing][settings]") {
    auto defaults = parse_routing_settings(std::nullopt);
    REQUIRE(defaults.settings);
    CHECK(defaults.settings->sla_for(spreekbuis::rules::Priority::urgent) == 15 * kMinuteMs);
    CHECK(defaults.settings->case_window_ms == 2 * kHourMs);

    spreekbuis::rules::Diagnostics diag;
    auto doc = spreekbuis::rules::load_yaml_text("spreekbuis.yaml", R"(routing:
  affinity_window: 14d
  simulated_handling: 10m
  sla: {urgent: 10m, high: 1h}
  influence: {followers_high: 5000, max_raise: 1}
  spikes: {window: 5m, baseline: 2h, factor: 3, min_count: 10, crisis: {sink: slack, address: "#crisis"}}
  desk: {sink: teams, address: webcare}
)",
                                                 diag);
    REQUIRE(doc);
    auto ok = parse_routing_settings(*doc, doc->root["routing"]);
    INFO(ok.diagnostics.format_all());
    REQUIRE(ok.settings);
    CHECK(ok.settings->affinity_window_ms == 14 * kDayMs);
    CHECK(ok.settings->sla_for(spreekbuis::rules::Priority::urgent) == 10 * kMinuteMs);
    CHECK(ok.settings->sla_for(spreekbuis::rules::Priority::normal) == 4 * kHourMs);
    CHECK(ok.settings->influence.followers_high == 5000);
    CHECK(ok.settings->influence.max_raise == 1);
    CHECK(ok.settings->spikes.crisis.address == "#crisis");
    CHECK(ok.settings->desk.sink == "teams");

    auto bad_doc = spreekbuis::rules::load_yaml_text("spreekbuis.yaml", R"(routing:
  case_window: 2x
  sla: {urgnt: 10m}
  sla_warning_at: 1.5
  spikes: {window: 10m, baseline: 15m}
  affinty_window: 3d
)",
                                                     diag);
    REQUIRE(bad_doc);
    auto bad = parse_routing_settings(*bad_doc, bad_doc->root["routing"]);
    CHECK_FALSE(bad.settings);
    const auto text = bad.diagnostics.format_all();
    CHECK(text.find("spreekbuis.yaml:2:16: error: invalid duration '2x': unknown unit 'x'") !=
          std::string::npos);
    CHECK(text.find("unknown key 'urgnt' in routing.sla") != std::string::npos);
    CHECK(text.find("did you mean 'urgent'?") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:4:19: error: must be between") != std::string::npos);
    CHECK(text.find("at least twice the window") != std::string::npos);
    CHECK(text.find("did you mean 'affinity_window'?") != std::string::npos);
}

TEST_CASE("routing settings: own accounts and noise control", "[routing][settings][noise]") {
    spreekbuis::rules::Diagnostics diag;
    auto doc = spreekbuis::rules::load_yaml_text("spreekbuis.yaml", R"(routing:
  own_accounts: ["@Zeevlucht", zeevlucht_help]
  alert_retention: 14d
  noise:
    cooldown: 2m
    hourly_cap: 12
    digest_after: 30m
    silences:
      - {id: storm, topic: disruption, until: "2026-12-01T18:00:00Z", reason: known outage}
)",
                                                 diag);
    REQUIRE(doc);
    auto ok = parse_routing_settings(*doc, doc->root["routing"]);
    INFO(ok.diagnostics.format_all());
    REQUIRE(ok.settings);
    CHECK(ok.settings->own_accounts == std::set<std::string>{"zeevlucht", "zeevlucht_help"});
    CHECK(ok.settings->alert_retention_ms == 14 * kDayMs);
    CHECK(ok.settings->noise.cooldown_ms == 2 * kMinuteMs);
    CHECK(ok.settings->noise.hourly_cap == 12);
    CHECK(ok.settings->noise.digest_after_ms == 30 * kMinuteMs);
    REQUIRE(ok.settings->silences.size() == 1);
    CHECK(ok.settings->silences[0].topic == "disruption");
    CHECK(ok.settings->silences[0].expires_ms == utc(2026, 12, 1, 18));

    auto bad_doc = spreekbuis::rules::load_yaml_text("spreekbuis.yaml", R"(routing:
  alert_retention: 0s
  noise:
    hourly_cup: 3
    silences:
      - {id: a, until: tomorrow}
      - {topic: x, until: "2026-12-01T18:00:00Z"}
)",
                                                     diag);
    REQUIRE(bad_doc);
    auto bad = parse_routing_settings(*bad_doc, bad_doc->root["routing"]);
    CHECK_FALSE(bad.settings);
    const auto text = bad.diagnostics.format_all();
    CHECK(text.find("did you mean 'hourly_cap'?") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:6:24: error: not an RFC 3339 time") != std::string::npos);
    CHECK(text.find("a silence needs an 'id'") != std::string::npos);
    CHECK(text.find("spreekbuis.yaml:2:20: error:") != std::string::npos);  // retention 0s
}
