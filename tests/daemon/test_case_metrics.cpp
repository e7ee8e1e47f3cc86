// The desk's gauges on /metrics: taken from a real Router on a manual clock, then formatted.
#include <catch2/catch.hpp>

#include "daemon/case_metrics.hpp"
#include "daemon/routing/router.hpp"
#include "routing/routing_test_util.hpp"

using namespace routing_test;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("case gauges: open cases, SLA warnings and breaches, people's load", "[metrics]") {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{utc(2025, 6, 11, 12, 0)};
    MemoryCaseStore store;
    const auto made = quiet_router(load_test_directory(zones), store, clock);
    auto& router = *made;

    const auto high = router.route(post("p1", "c1", "koffer kwijt"),
                                   verdict("baggage", "nl", spreekbuis::rules::Priority::high));
    clock.advance(kMinuteMs);
    const auto low = router.route(post("p2", "c2", "tas kwijt"),
                                  verdict("baggage", "nl", spreekbuis::rules::Priority::low));
    clock.advance(kMinuteMs);
    const auto desk = router.route(post("p3", "c3", "boeking mislukt"), verdict("booking"));
    REQUIRE(high.assignee);
    REQUIRE(low.assignee);
    REQUIRE(desk.team == "desk");
    REQUIRE(router.acknowledge(low.case_id, "bram").ok);
    clock.advance(70 * kMinuteMs);  // the high case's hour is gone; the desk's 4 hours are not
    Presence away;
    away.person = "dana";
    away.away = true;
    REQUIRE(router.set_presence(away).ok);

    const auto gauges = router.case_gauges();
    REQUIRE(gauges.teams.count("baggage"));
    const auto& baggage = gauges.teams.at("baggage");
    CHECK(baggage.open.at("assigned") == 1);
    CHECK(baggage.open.at("acknowledged") == 1);
    CHECK(baggage.overdue == 1);
    CHECK(baggage.warning == 0);
    CHECK(baggage.oldest_unanswered_ms == 72 * kMinuteMs);
    REQUIRE(gauges.teams.count("desk"));
    CHECK(gauges.teams.at("desk").overdue == 0);

    const std::string text = spreekbuis::daemon::case_metrics_text(gauges);
    CHECK(has_line(text, R"(spreekbuis_cases_open{team="baggage",status="assigned"} 1)"));
    CHECK(has_line(text, R"(spreekbuis_cases_open{team="baggage",status="new"} 0)"));
    CHECK(has_line(text, R"(spreekbuis_cases_overdue{team="baggage"} 1)"));
    CHECK(has_line(text, R"(spreekbuis_cases_oldest_unanswered_seconds{team="baggage"} 4320)"));
    CHECK(has_line(text, "spreekbuis_person_open_cases{person=\"" + *high.assignee + "\"} " +
                             (*high.assignee == *low.assignee ? "2" : "1")));
    CHECK(has_line(text, R"(spreekbuis_person_available{person="dana"} 0)"));  // away
    CHECK(has_line(text, R"(spreekbuis_person_available{person="cleo"} 1)"));  // 09:12 in NY
    CHECK(has_line(text, R"(spreekbuis_person_capacity{person="anna"} 2)"));
    CHECK(has_line(text, "spreekbuis_crises_active 0"));
    CHECK(text.find("# TYPE spreekbuis_cases_overdue gauge\n") != std::string::npos);
}
