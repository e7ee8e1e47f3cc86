#include <catch2/catch.hpp>
#include <string>

#include "daemon/compare.hpp"

using namespace spreekbuis;

namespace {

rules::Verdict verdict(std::vector<std::string> ids, std::optional<std::string> topic,
                       std::optional<rules::Priority> priority = std::nullopt) {
    rules::Verdict v;
    v.rules = std::move(ids);
    v.matched = !v.rules.empty();
    v.topic = std::move(topic);
    v.priority = priority;
    return v;
}

rules::Post post(std::string id, std::string text) {
    rules::Post p;
    p.id = std::move(id);
    p.text = std::move(text);
    return p;
}

}  // namespace

TEST_CASE("compare: counts changed posts, topic moves and rule deltas", "[compare]") {
    daemon::VerdictComparison comparison({"bag", "old", "general"}, {"bag", "general", "fresh"}, 2);
    using P = rules::Priority;
    // Unchanged.
    comparison.add(1, post("p1", "where is my bag"), verdict({"bag"}, "baggage"),
                   verdict({"bag"}, "baggage"));
    // A removed rule's topic gives way to the general one.
    comparison.add(2, post("p2", "old\nthing"), verdict({"old", "general"}, "legacy"),
                   verdict({"general"}, "service"));
    // A new rule takes the topic and raises the priority.
    comparison.add(3, post("p3", "fresh bag"), verdict({"bag"}, "baggage", P::normal),
                   verdict({"fresh", "bag"}, "new-topic", P::high));
    // Nothing matched before, the general rule matches now.
    comparison.add(4, post("p4", "help"), verdict({}, std::nullopt),
                   verdict({"general"}, "service"));
    // Only the priority moved: still a changed post.
    comparison.add(5, post("p5", "urgent"), verdict({"bag"}, "baggage", P::normal),
                   verdict({"bag"}, "baggage", P::urgent));

    CHECK(comparison.posts() == 5);
    CHECK(comparison.changed() == 4);
    const auto& moves = comparison.topic_moves();
    CHECK(moves.size() == 3);
    CHECK(moves.at({"legacy", "service"}) == 1);
    CHECK(moves.at({"baggage", "new-topic"}) == 1);
    CHECK(moves.at({"none", "service"}) == 1);
    const auto& rules = comparison.rules();
    CHECK(rules.at("old").before == 1);
    CHECK(rules.at("old").lost == 1);
    CHECK_FALSE(rules.at("old").in_new);
    CHECK(rules.at("fresh").gained == 1);
    CHECK_FALSE(rules.at("fresh").in_baseline);
    CHECK(rules.at("general").before == 1);
    CHECK(rules.at("general").after == 2);
    CHECK(rules.at("general").gained == 1);
    CHECK(rules.at("bag").gained == 0);
    CHECK(rules.at("bag").lost == 0);
    // The first two changed posts are kept as examples.
    REQUIRE(comparison.examples().size() == 2);
    CHECK(comparison.examples()[0].line == 2);
    CHECK(comparison.examples()[0].what == "topic legacy -> service; -old");
    CHECK(comparison.examples()[1].what ==
          "topic baggage -> new-topic; priority normal -> high; +fresh");

    const auto report = comparison.report();
    INFO(report);
    CHECK(
        report.starts_with("posts: 5; decided differently: 4 (80.0%); priority changed: 2\n"
                           "topic changes (baseline -> new):\n"));
    CHECK(report.find("        1  legacy -> service\n") != std::string::npos);
    CHECK(report.find("rules whose matches changed (gained, lost, posts matched before -> "
                      "after):\n") != std::string::npos);
    CHECK(report.find("       +0      -1        1 -> 0       old (removed)\n") !=
          std::string::npos);
    CHECK(report.find("       +1      -0        1 -> 2       general\n") != std::string::npos);
    CHECK(report.find("       +1      -0        0 -> 1       fresh (new rule)\n") !=
          std::string::npos);
    const auto rules_part = report.substr(0, report.find("first 2 changed posts"));
    CHECK(rules_part.find(" bag\n") == std::string::npos);  // unchanged rules are left out
    CHECK(report.find("first 2 changed posts:\n  line 2 (p2): topic legacy -> service; -old\n"
                      "      old thing\n") != std::string::npos);
}

TEST_CASE("compare: the same rules change nothing", "[compare]") {
    daemon::VerdictComparison comparison({"a"}, {"a"});
    comparison.add(1, post("p", "x"), verdict({"a"}, "t"), verdict({"a"}, "t"));
    CHECK(comparison.changed() == 0);
    CHECK(comparison.report() == "posts: 1; decided differently: 0 (0.0%)\n");
}

TEST_CASE("compare: posts per team on both sides", "[compare]") {
    daemon::VerdictComparison comparison({"a"}, {"a"});
    comparison.add_teams(std::string("bags"), std::string("bags"));
    comparison.add_teams(std::nullopt, std::string("bags"));
    comparison.add_teams(std::string("desk"), std::nullopt);
    comparison.add_teams(std::nullopt, std::nullopt);
    CHECK(comparison.teams().at("bags") == std::pair<std::uint64_t, std::uint64_t>{1, 2});
    CHECK(comparison.teams().at("desk") == std::pair<std::uint64_t, std::uint64_t>{1, 0});
    const auto report = comparison.report();
    INFO(report);
    CHECK(report.find("routing (posts per team, baseline -> new; routed elsewhere: 2):\n"
                      "        1 -> 2       bags\n"
                      "        1 -> 0       desk\n") != std::string::npos);
}
