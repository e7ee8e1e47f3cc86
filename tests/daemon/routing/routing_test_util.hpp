#pragma once
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "daemon/routing/people.hpp"
#include "daemon/routing/router.hpp"
#include "daemon/routing/time_zone.hpp"
#include "rules/post.hpp"
#include "rules/verdict.hpp"

namespace routing_test {

using namespace spreekbuis::daemon::routing;

inline std::string zoneinfo_dir() {
    return std::string(SPREEKBUIS_TEST_DATA) + "/routing/zoneinfo";
}

inline std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    return (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

inline spreekbuis::rules::Post post(std::string id, std::string author, std::string text,
                                    std::string source = "mastodon") {
    spreekbuis::rules::Post p;
    p.id = std::move(id);
    p.author.handle = std::move(author);
    p.text = std::move(text);
    p.source = std::move(source);
    return p;
}

inline spreekbuis::rules::Verdict verdict(
    std::string topic, std::string lang = "nl",
    spreekbuis::rules::Priority priority = spreekbuis::rules::Priority::normal) {
    spreekbuis::rules::Verdict v;
    v.matched = true;
    v.complaint = true;
    if (!topic.empty()) v.topic = std::move(topic);
    v.lang = std::move(lang);
    v.priority = priority;
    v.polarity = spreekbuis::rules::Polarity::negative;
    return v;
}

inline const char* kPeopleYaml = R"(
timezone: Europe/Amsterdam
desk: desk
people:
  - id: anna
    name: Anna de Vries
    chat: {slack: U_ANNA}
    skills: {baggage: 3}
    languages: [nl, en]
    hours: {daily: "00:00-24:00"}
    capacity: 2
    backup: bram
  - id: bram
    chat: {slack: U_BRAM, teams: "29:bram"}
    skills: {baggage: 2}
    languages: [nl]
    hours: {daily: "00:00-24:00"}
    capacity: 2
  - id: cleo
    chat: {matrix: "@cleo:example.org"}
    skills: {baggage: 1}
    languages: [en]
    timezone: America/New_York
    hours: {weekdays: "09:00-17:00"}
    capacity: 2
  - id: lena
    name: Lena (lead)
    chat: {slack: U_LENA}
    languages: [nl, en]
    hours: {daily: "00:00-24:00"}
  - id: dana
    chat: {slack: U_DANA}
    languages: [nl, en]
    hours: {daily: "00:00-24:00"}
    capacity: 100
teams:
  - id: baggage
    members: [anna, bram, cleo]
    lead: lena
    channel: {sink: slack, address: "#baggage"}
  - id: desk
    members: [dana]
    channel: {sink: slack, address: "#desk"}
routes:
  - match: {topic: baggage}
    team: baggage
  - team: desk
)";

// A people directory from YAML text (kPeopleYaml by default); fails the test on errors.
inline std::shared_ptr<const Directory> load_test_directory(TimeZoneDb& zones,
                                                            const std::string& yaml = kPeopleYaml) {
    auto loaded = load_directory_text("people.yaml", yaml, zones);
    INFO(loaded.diagnostics.format_all());
    REQUIRE(loaded.directory);
    return loaded.directory;
}

// A router with the spike and silence checks off (they would alert on every test post).
inline std::unique_ptr<Router> quiet_router(std::shared_ptr<const Directory> directory,
                                            CaseStore& store, Clock& clock) {
    RoutingSettings settings;
    settings.spikes.enabled = false;
    settings.silence.enabled = false;
    auto created = Router::create(std::move(directory), settings, store, clock);
    INFO(created.diagnostics.format_all());
    REQUIRE(created.router);
    return std::move(created.router);
}

}  // namespace routing_test
