// RuleSet::evaluate_all (the pipeline's batch entry) against evaluate, and the RuleIds of a
// verdict: what the ids read as, and that they outlive the rule set that decided.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rules/ruleset.hpp"

using namespace spreekbuis::rules;

namespace {

const char* const kRules = R"(rules:
  - id: late
    query: 'delay* OR late OR vertraagd'
    topic: disruption
    priority: high
  - id: bag
    query: 'bag* NEAR/3 (lost OR kwijt)'
    topic: baggage
    tags: [luggage]
  - id: refund
    query: 'refund AND NOT thanks'
    topic: booking
  - id: caps
    query: '"never again"'
    priority: urgent
)";

std::shared_ptr<const RuleSet> load_ok(const std::string& yaml) {
    auto result = load_rule_text("all.yaml", yaml);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    return result.rules;
}

Post post_of(std::string text, std::string lang = "") {
    Post post;
    post.id = "p";
    post.text = std::move(text);
    post.lang = std::move(lang);
    return post;
}

void check_same(const Verdict& a, const Verdict& b) {
    CHECK(a.matched == b.matched);
    CHECK(a.rules == b.rules);
    CHECK(a.topic == b.topic);
    CHECK(a.priority == b.priority);
    CHECK(a.tags == b.tags);
    CHECK(a.sentiment == b.sentiment);
    CHECK(a.polarity == b.polarity);
    CHECK(a.complaint == b.complaint);
    CHECK(a.complaint_score == b.complaint_score);
    CHECK(a.lang == b.lang);
    CHECK(a.why == b.why);
}

}  // namespace

TEST_CASE("evaluate_all gives each post what evaluate gives it, across its stage batches",
          "[ruleset][evaluate_all]") {
    const auto rules = load_ok(kRules);
    const std::vector<std::string> texts = {
        "My flight is delayed again, never again!",
        "Mijn bagage is kwijt, bag lost in Schiphol",
        "refund please",
        "refund received, thanks",
        "<p>Vlucht <b>vertraagd</b> &amp; koffer kwijt</p>",
        "\xff\xfe broken bytes late",
        "",
        "nothing to see here",
        "SOOOOO LATE!!! 😡",
        "@klm waar blijft mijn refund? #fail",
    };
    std::vector<Post> posts;
    // 10 texts x 7 = 70 posts: several stage batches and a partial one; with a huge post
    // (over the size above which buffers are let go) in the middle of a batch.
    for (int round = 0; round < 7; ++round) {
        for (const auto& text : texts) posts.push_back(post_of(text, round % 2 ? "en" : ""));
    }
    posts[37] = post_of(std::string(3 << 20, 'x') + " late refund");
    std::vector<const Post*> pointers;
    for (const auto& post : posts) pointers.push_back(&post);

    std::vector<Verdict> all;
    all.push_back(Verdict{});  // evaluate_all appends: what was there stays
    rules->evaluate_all(pointers, all);
    REQUIRE(all.size() == posts.size() + 1);
    CHECK_FALSE(all[0].matched);
    std::size_t matched = 0;
    for (std::size_t i = 0; i < posts.size(); ++i) {
        INFO("post " << i);
        const Verdict one = rules->evaluate(posts[i]);
        check_same(all[i + 1], one);
        matched += one.matched;
    }
    CHECK(matched > 30);  // the comparison covered matching posts, not only misses
    CHECK(all[38].rules == std::vector<std::string>{"late", "refund"});

    // Posts one at a time and none at all.
    std::vector<Verdict> single;
    rules->evaluate_all(std::span(pointers).subspan(1, 1), single);
    REQUIRE(single.size() == 1);
    check_same(single[0], rules->evaluate(posts[1]));
    std::vector<Verdict> none;
    rules->evaluate_all({}, none);
    CHECK(none.empty());
}

TEST_CASE("a verdict's rule ids read as strings and outlive their rule set",
          "[ruleset][rule_ids]") {
    Verdict verdict;
    {
        const auto rules = load_ok(kRules);
        verdict = rules->evaluate(post_of("bag lost and my flight is late, never again"));
    }  // the rule set is gone; the ids keep the list they point into
    REQUIRE(verdict.rules.size() == 3);
    CHECK(verdict.rules[0] == "late");
    CHECK(verdict.rules[1] == "bag");
    CHECK(verdict.rules[2] == "caps");
    CHECK(verdict.rules == std::vector<std::string>{"late", "bag", "caps"});
    CHECK_FALSE(verdict.rules == std::vector<std::string>{"late", "bag"});
    CHECK_FALSE(verdict.rules == std::vector<std::string>{"late", "caps", "bag"});
    CHECK(verdict.rules.strings() == std::vector<std::string>{"late", "bag", "caps"});
    std::vector<std::string> seen(verdict.rules.begin(), verdict.rules.end());
    CHECK(seen == verdict.rules.strings());
    std::ostringstream printed;
    printed << verdict.rules;
    CHECK(printed.str() == R"({"late", "bag", "caps"})");

    // Built by hand (tests, tools): the same reading and comparing.
    const RuleIds by_hand = {"late", "bag", "caps"};
    CHECK(by_hand == verdict.rules);
    const RuleIds from_vector(std::vector<std::string>{"late", "bag"});
    CHECK_FALSE(from_vector == verdict.rules);
    const RuleIds empty;
    CHECK(empty.empty());
    CHECK(empty.begin() == empty.end());
    CHECK(empty == std::vector<std::string>{});
}
