#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/routing/router.hpp"
#include "routing_test_util.hpp"

using namespace routing_test;
using spreekbuis::rules::Priority;

namespace {

std::shared_ptr<const Directory> load_pack(const std::string& relative) {
    TimeZoneDb db(zoneinfo_dir());
    auto result = load_directory_file(std::string(SPREEKBUIS_SOURCE_DIR) + "/" + relative, db);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.directory);
    CHECK(result.diagnostics.empty());
    return result.directory;
}

const char* kTopics[] = {"baggage",          "disruption", "booking",
                         "customer-service", "inflight",   "airport"};

}  // namespace

TEST_CASE("the airline people directory covers every topic in Dutch and English at every hour",
          "[routing][airline]") {
    auto dir = load_pack("config/examples/airline/people.yaml");
    CHECK(dir->people.size() >= 20);
    for (const auto* topic : kTopics) REQUIRE(dir->team(topic));
    REQUIRE(dir->team("webcare-desk"));
    CHECK(dir->routes.back().catch_all);
    // A winter week, a summer week, and the weeks of both DST changes in Europe and the US.
    const std::int64_t weeks[] = {utc(2025, 1, 13), utc(2025, 7, 14),  utc(2025, 3, 3),
                                  utc(2025, 3, 24), utc(2025, 10, 20), utc(2025, 10, 27)};
    std::size_t gaps = 0;
    for (const auto start : weeks) {
        for (std::int64_t t = start; t < start + 7 * kDayMs; t += 15 * kMinuteMs) {
            for (const auto* topic : kTopics) {
                for (const std::string lang : {"nl", "en"}) {
                    bool covered = false;
                    for (const auto& id : dir->team(topic)->members) {
                        const auto& p = *dir->person(id);
                        if (p.away || p.skill_level(topic) == 0 || !p.has_language(lang)) continue;
                        const auto local = p.zone->local(t);
                        if (p.hours.open_at(local) && !p.on_holiday(local)) covered = true;
                    }
                    if (!covered) {
                        ++gaps;
                        UNSCOPED_INFO(topic << " " << lang << " uncovered at "
                                            << dir->person("anouk")->zone->local(t).to_string());
                    }
                }
            }
        }
    }
    CHECK(gaps == 0);
}

TEST_CASE("a replayed week of airline complaints gets a team always and an assignee nearly always",
          "[routing][airline][replay]") {
    auto dir = load_pack("config/examples/airline/people.yaml");
    ManualClock clock(utc(2025, 3, 24));
    MemoryCaseStore store;
    RoutingSettings settings;
    auto created = Router::create(dir, settings, store, clock, RouterOptions{true});
    REQUIRE(created.router);
    auto& router = *created.router;
    // A deterministic busy week: a complaint every 4 minutes, busier in the day, 1 in 5 in
    // English, a few urgent and a few from influential authors.
    std::size_t total = 0, with_team = 0, with_assignee = 0;
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (std::int64_t t = utc(2025, 3, 24); t < utc(2025, 3, 31); t += 4 * kMinuteMs) {
        const auto hour = dir->person("anouk")->zone->local(t).minute_of_day / 60;
        const int posts = hour >= 7 && hour < 22 ? 2 : 1;
        for (int i = 0; i < posts; ++i) {
            clock.set(t + i * 30 * kSecondMs);
            const auto n = next();
            auto v = verdict(kTopics[n % 6], n % 5 == 0 ? "en" : "nl",
                             n % 23 == 0 ? Priority::urgent : Priority::normal);
            auto p = post("p" + std::to_string(total), "customer" + std::to_string(n % 3000),
                          "complaint number " + std::to_string(total) + " about " + *v.topic +
                              " on flight KL" + std::to_string(n % 2000));
            if (n % 97 == 0) p.author.followers = 50000;
            auto d = router.route(p, v);
            ++total;
            with_team += d.team ? 1 : 0;
            with_assignee += d.assignee ? 1 : 0;
        }
    }
    router.tick();
    INFO("posts " << total << ", team " << with_team << ", assignee " << with_assignee);
    CHECK(total > 3000);
    CHECK(with_team == total);
    CHECK(with_assignee * 100 >= total * 97);
}

TEST_CASE("the demo people directory validates when present", "[routing][demo]") {
    const auto path = std::string(SPREEKBUIS_SOURCE_DIR) + "/config/demo/people.yaml";
    if (!std::filesystem::exists(path)) return;
    TimeZoneDb db(zoneinfo_dir());
    auto result = load_directory_file(path, db);
    INFO(result.diagnostics.format_all());
    CHECK(result.directory);
}
