#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "daemon/rule_route_checks.hpp"
#include "routing/routing_test_util.hpp"

using namespace routing_test;
namespace rules = spreekbuis::rules;

namespace {

std::vector<std::string> warnings_of(const rules::Diagnostics& diagnostics) {
    std::vector<std::string> out;
    for (const auto& d : diagnostics.items()) {
        out.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " +
                      d.message + " | " + d.hint);
    }
    return out;
}

const char* kRules =
    "rules:\n"
    "  - id: lost-bag\n"
    "    query: suitcase\n"
    "    topic: baggage\n"
    "    tags: [vip-watch]\n"
    "  - id: refund\n"
    "    query: refund\n"
    "    topic: refunds\n";

}  // namespace

TEST_CASE("routes and skills that name no topic or tag of the rules are warned about",
          "[routing][checks]") {
    auto rule_set = rules::load_rule_text("rules.yaml", kRules);
    REQUIRE(rule_set.rules);
    CHECK(rule_set.rules->topics() == std::vector<std::string>{"baggage", "refunds"});
    CHECK(rule_set.rules->tags() == std::vector<std::string>{"vip-watch"});
    TimeZoneDb db(zoneinfo_dir());
    const std::string people =
        "timezone: Europe/Amsterdam\n"                           // 1
        "people:\n"                                              // 2
        "  - id: anna\n"                                         // 3
        "    chat: {slack: U_ANNA}\n"                            // 4
        "    skills: {baggage: 3, refund: 2, social-care: 1}\n"  // 5
        "    languages: [nl, en]\n"                              // 6
        "teams:\n"                                               // 7
        "  - id: care\n"                                         // 8
        "    members: [anna]\n"                                  // 9
        "routes:\n"                                              // 10
        "  - match: {topic: [bagage, refunds]}\n"                // 11
        "    team: care\n"                                       // 12
        "  - match: {tags: vip-wacth}\n"                         // 13
        "    team: care\n"                                       // 14
        "    skill: social-care\n"                               // 15
        "  - team: care\n";                                      // 16
    auto directory = load_directory_text("people.yaml", people, db);
    INFO(directory.diagnostics.format_all());
    REQUIRE(directory.directory);
    rules::Diagnostics diagnostics;
    spreekbuis::daemon::check_routes_against_rules(*directory.directory, *rule_set.rules,
                                                   diagnostics);
    CHECK(diagnostics.error_count() == 0);
    // `refunds` is a topic, `social-care` a route's skill: neither is reported.
    CHECK(warnings_of(diagnostics) ==
          std::vector<std::string>{
              "11:5 route #1 matches topic 'bagage', which no rule sets: it never matches on "
              "that topic | did you mean 'baggage'?",
              "13:5 route #2 matches tag 'vip-wacth', which no rule sets: it never matches on "
              "that tag | did you mean 'vip-watch'?",
              "3:5 skill 'refund' of 'anna' is no topic a rule sets and no route's skill: it "
              "never counts | did you mean 'refunds'?",
          });
}
