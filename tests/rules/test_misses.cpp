#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rules/ruleset.hpp"

using namespace spreekbuis::rules;

namespace {

const std::string kRules =
    "lists:\n"
    "  places: [schiphol, zaventem, heathrow, gatwick, jfk, cdg, fra, muc, ams, lhr]\n"
    "macros:\n"
    "  onlywifi: 'wifi'\n"
    "rules:\n"
    "  - id: wifi-seat\n"
    "    query: '$onlywifi AND seat'\n"
    "  - id: lost-bag\n"
    "    query: '(suitcase OR bag) AND (lost OR missing)'\n"
    "    when: 'lang:nl'\n"
    "  - id: bag-near-lost\n"
    "    query: 'bag NEAR/2 lost'\n"
    "  - id: gate-then-change\n"
    "    query: 'gate NEAR/3f change*'\n"
    "  - id: refund-not-voucher\n"
    "    query: 'refund AND NOT voucher'\n"
    "  - id: next-order\n"
    "    query: '{Next} AND order'\n"
    "  - id: vip\n"
    "    query: 'klm AND followers:>1000 AND sentiment:<-0.3'\n"
    "  - id: airport\n"
    "    query: '$places AND queue'\n"
    "  - id: inline-alternatives\n"
    "    query: '(a1 OR a2 OR a3 OR a4 OR a5 OR a6 OR a7 OR a8 OR a9 OR a10) AND queue'\n"
    "  - id: composite-alternatives\n"
    "    query: '(bag NEAR/1 lost) OR (seat AND broken) OR wifi'\n"
    "  - id: unrelated\n"
    "    query: 'wifi OR entertainment'\n";

std::shared_ptr<const RuleSet> load() {
    auto result = load_rule_text("misses.yaml", kRules);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    return result.rules;
}

Post make_post(const std::string& text, const std::string& lang = "en",
               std::optional<std::int64_t> followers = std::nullopt) {
    Post post;
    post.id = "p";
    post.text = text;
    post.lang = lang;
    post.author.followers = followers;
    return post;
}

std::string reason_of(const RuleSet& rules, const Post& post, const std::string& id) {
    const auto misses = rules.misses(post, id);
    return misses.empty() ? "(matched)" : misses.front().reason;
}

}  // namespace

TEST_CASE("misses say why a rule did not match, part by part", "[misses]") {
    const auto rules = load();
    CHECK(reason_of(*rules, make_post("my bag is broken"), "lost-bag") ==
          "none of lost, missing; lang:nl does not hold (lang en)");
    CHECK(reason_of(*rules, make_post("bag arrived after a long wait, then lost"),
                    "bag-near-lost") == "bag and lost are not within 2 words");
    CHECK(reason_of(*rules, make_post("lost bag"), "bag-near-lost") == "(matched)");
    CHECK(reason_of(*rules, make_post("a change of gate"), "gate-then-change") ==
          "gate and change* are not within 3 words in that order");
    CHECK(reason_of(*rules, make_post("refund or a voucher?"), "refund-not-voucher") ==
          "has voucher, which NOT excludes");
    CHECK(reason_of(*rules, make_post("my next order"), "next-order") == "{Next} not in this case");
    CHECK(reason_of(*rules, make_post("klm is great", "en", 50), "vip") ==
          "followers:>1000 does not hold (followers 50); sentiment:<-0.3 does not hold "
          "(sentiment 0.62)");
    // A list is named, not spelled out; alternatives written inline are, up to eight.
    CHECK(reason_of(*rules, make_post("a long queue"), "airport") == "none of $places");
    CHECK(reason_of(*rules, make_post("a long queue"), "inline-alternatives") ==
          "none of a1, a2, a3, a4, a5, a6, a7, a8 and 2 more");
    // Of composite alternatives, the first that has some of its terms says what it lacked.
    CHECK(reason_of(*rules, make_post("my seat was fine"), "composite-alternatives") ==
          "none of (bag NEAR/1 lost), (seat AND broken), wifi (closest: no broken)");
    // A macro of one term does not rename that term where others use it.
    CHECK(reason_of(*rules, make_post("nothing here"), "unrelated") ==
          "none of wifi, entertainment");
    CHECK(reason_of(*rules, make_post("my seat"), "wifi-seat") == "no wifi");
    CHECK(rules->misses(make_post("anything"), "no-such-rule").empty());
}

TEST_CASE("near misses are the unmatched rules that saw some of their terms", "[misses]") {
    const auto rules = load();
    const auto post = make_post("lost my bag and the refund is a voucher", "en");
    const auto verdict = rules->evaluate(post);
    CHECK(verdict.rules == std::vector<std::string>{"bag-near-lost"});
    std::vector<std::string> ids;
    for (const auto& miss : rules->misses(post)) {
        ids.push_back(miss.rule_id);
        CHECK_FALSE(miss.reason.empty());
    }
    // Not the matched rule, not the rules with none of their terms (a NOT's term does not
    // count as seen).
    CHECK(ids ==
          std::vector<std::string>{"lost-bag", "refund-not-voucher", "composite-alternatives"});
}

TEST_CASE("misses agree with the verdict on every rule", "[misses]") {
    const auto rules = load();
    const std::vector<std::string> texts = {"Mijn koffer is lost op Schiphol, bag missing",
                                            "bag lost",
                                            "gate change again",
                                            "change of gate",
                                            "refund",
                                            "refund voucher",
                                            "Next order",
                                            "next order",
                                            "klm :( so bad",
                                            "Heathrow queue",
                                            "",
                                            "🙂 wifi"};
    for (const auto& text : texts) {
        for (const auto& lang : {"en", "nl"}) {
            for (const std::int64_t followers : {10, 5000}) {
                const auto post = make_post(text, lang, followers);
                const auto verdict = rules->evaluate(post);
                for (const auto& id : rules->rule_ids()) {
                    INFO(text << " / " << lang << " / " << id);
                    const bool matched = std::find(verdict.rules.begin(), verdict.rules.end(),
                                                   id) != verdict.rules.end();
                    const auto misses = rules->misses(post, id);
                    CHECK(misses.empty() == matched);
                    if (!misses.empty()) CHECK_FALSE(misses.front().reason.empty());
                }
            }
        }
    }
}
