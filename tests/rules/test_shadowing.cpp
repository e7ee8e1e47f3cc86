#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/ruleset.hpp"

using namespace spreekbuis::rules;
namespace fs = std::filesystem;

namespace {

// "line:col message" of each warning of the shadowing checks, in order.
std::vector<std::string> shadow_warnings(const RuleLoadResult& result) {
    std::vector<std::string> out;
    for (const auto& d : result.diagnostics.items()) {
        if (d.severity != Severity::warning) continue;
        if (d.message.find("never decides the topic") == std::string::npos &&
            d.message.find("has the same query as") == std::string::npos) {
            continue;
        }
        out.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " +
                      d.message);
    }
    return out;
}

const char* const kNames =
    "lists:\n"
    "  refunds: [refund, 'money back']\n"
    "macros:\n"
    "  delays: 'delay OR late OR \"te laat\"'\n";

// Rule `a` (query on line 3) before rule `b` (query on line 6); `b_extra` adds keys to b.
std::string two_rules(const std::string& a_query, const std::string& a_topic,
                      const std::string& b_query, const std::string& b_topic,
                      const std::string& b_extra = {}) {
    std::string text = "rules:\n  - id: a\n    query: '" + a_query + "'\n";
    text += a_topic.empty() ? "    priority: low\n" : "    topic: " + a_topic + "\n";
    text += "  - id: b\n    query: '" + b_query + "'\n";
    text += b_topic.empty() ? "    priority: low\n" : "    topic: " + b_topic + "\n";
    text += b_extra;
    return text + kNames;
}

const std::string kShadowed =
    "6:13 rule 'b' sets topic 'later', but the earlier rule 'a' (t.yaml:3:13), with topic "
    "'earlier', matches every post 'b' matches: 'b' never decides the topic";

}  // namespace

TEST_CASE("rules with the same query are warned, whatever their topics", "[ruleset][shadow]") {
    const std::string text =
        "rules:\n"                                 // 1
        "  - id: refund-a\n"                       // 2
        "    query: 'refund OR \"money back\"'\n"  // 3
        "    topic: refunds\n"                     // 4
        "  - id: refund-b\n"                       // 5
        "    query: 'Refund OR \"Money back\"'\n"  // 6
        "    topic: billing\n"                     // 7
        "  - id: plain\n"                          // 8
        "    query: late AND delay\n"              // 9
        "  - id: plain-again\n"                    // 10
        "    query: late\n"                        // 11
        "    when: delay\n"                        // 12
        "  - id: off\n"                            // 13
        "    query: late AND (delay)\n"            // 14
        "    enabled: false\n"                     // 15
        "  - id: block\n"                          // 16
        "    query: |\n"                           // 17
        "      late\n"                             // 18
        "        AND delay\n"                      // 19
        "  - id: other-order\n"                    // 20
        "    query: delay AND late\n"              // 21
        "  - id: same-topic\n"                     // 22
        "    query: '\"money back\" OR refund'\n"  // 23
        "    topic: refunds\n"                     // 24
        "  - id: three\n"                          // 25
        "    query: late AND delay AND klm\n"      // 26
        "  - id: three-with-when\n"                // 27
        "    query: late AND delay\n"              // 28
        "    when: klm\n"                          // 29
        "  - id: ordered\n"                        // 30
        "    query: late NEAR/2f train\n"          // 31
        "  - id: ordered-reversed\n"               // 32
        "    query: train NEAR/2f late\n"          // 33
        "  - id: unordered\n"                      // 34
        "    query: late NEAR/2 train\n"           // 35
        "  - id: unordered-reversed\n"             // 36
        "    query: train NEAR/2 late\n";          // 37
    auto result = load_rule_text("same.yaml", text);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);  // warnings never stop a load
    CHECK(shadow_warnings(result) ==
          std::vector<std::string>{
              "6:13 rule 'refund-b' has the same query as rule 'refund-a' (same.yaml:3:13)",
              "11:12 rule 'plain-again' has the same query as rule 'plain' (same.yaml:9:12)",
              "18:7 rule 'block' has the same query as rule 'plain' (same.yaml:9:12)",
              // AND and OR do not depend on the order of their operands.
              "21:12 rule 'other-order' has the same query as rule 'plain' (same.yaml:9:12)",
              "23:13 rule 'same-topic' has the same query as rule 'refund-a' (same.yaml:3:13)",
              "28:12 rule 'three-with-when' has the same query as rule 'three' (same.yaml:26:12)",
              // An unordered NEAR of two sides is symmetric, NEAR/nf (lines 31 and 33) is not.
              "37:12 rule 'unordered-reversed' has the same query as rule 'unordered' "
              "(same.yaml:35:12)",
          });
    for (const auto& d : result.diagnostics.items()) {
        if (d.message.starts_with("rule 'refund-b'")) {
            CHECK(d.hint == "remove one or change its query");
            CHECK(d.line_text == "    query: 'Refund OR \"Money back\"'");
        }
        if (d.message.starts_with("rule 'block'")) CHECK(d.line_text == "      late");
    }
    CHECK(result.diagnostics.format_all().find(
              "same.yaml:6:13: warning: rule 'refund-b' has the same query") != std::string::npos);
}

TEST_CASE("a rule whose topic an earlier rule always takes is warned", "[ruleset][shadow]") {
    struct Case {
        const char* name;
        std::string a;
        std::string b;
        std::string b_extra;
        const char* post;  // a post b matches, to see that a's topic wins; "" for none
    };
    const std::vector<Case> cases = {
        {"term", "refund", "refund AND late", "", "refund, and late"},
        {"OR", "refund OR \"money back\"", "\"money back\" AND late", "", "late money back"},
        {"prefix", "refund*", "late AND refunded", "", "refunded late"},
        {"every part of an OR", "refund*", "refunded OR refunding", "", "refunding"},
        {"list", "$refunds", "klm AND \"money back\"", "", "klm money back"},
        {"macro", "$delays", "trein AND \"te laat\"", "", "trein te laat"},
        {"case-sensitive", "next", "{Next} AND late", "", "Next is late"},
        {"field", "complaint:true", "refund AND complaint:true", "", ""},
        {"narrower field", "followers:>1000", "klm AND followers:>5000", "", ""},
        {"when:", "lang:nl", "trein", "    when: 'lang:nl AND vertraging'\n", ""},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto result = load_rule_text("t.yaml", two_rules(c.a, "earlier", c.b, "later", c.b_extra));
        INFO(result.diagnostics.format_all());
        REQUIRE(result.rules);
        CHECK(shadow_warnings(result) == std::vector<std::string>{kShadowed});
        for (const auto& d : result.diagnostics.items()) {
            if (d.message == kShadowed.substr(5)) {
                CHECK(d.hint == "put 'b' before 'a', or narrow 'a'");
                CHECK(d.line_text == "    query: '" + c.b + "'");
            }
        }
        if (*c.post) {
            Post post;
            post.id = "p";
            post.text = c.post;
            const auto verdict = result.rules->evaluate(post);
            CHECK(verdict.rules == std::vector<std::string>{"a", "b"});
            CHECK(verdict.topic == "earlier");
        }
    }
}

TEST_CASE("a rule's topic is not warned when it can apply or is not proved not to",
          "[ruleset][shadow]") {
    struct Case {
        const char* name;
        std::string a;
        std::string a_topic;
        std::string b;
        std::string b_topic;
        std::string a_extra;
    };
    const std::vector<Case> cases = {
        {"same topic", "refund", "refunds", "refund AND late", "refunds", ""},
        {"later rule has no topic", "refund", "refunds", "refund AND late", "", ""},
        {"earlier rule has no topic", "refund", "", "refund AND late", "later", ""},
        {"specific before generic", "refund AND late", "earlier", "refund", "later", ""},
        {"earlier rule disabled", "refund", "earlier", "refund AND late", "later",
         "    enabled: false\n"},
        {"NEAR", "refund NEAR/5 late", "earlier", "refund NEAR/2 late", "later", ""},
        {"regex", "re:/refund/", "earlier", "refund AND late", "later", ""},
        {"NOT in both", "NOT late", "earlier", "refund AND NOT late", "later", ""},
        {"NOT in the earlier", "refund AND NOT late", "earlier", "refund AND klm", "later", ""},
        {"AND in the earlier", "refund AND late", "earlier", "refund AND late AND klm", "later",
         ""},
        {"wider field later", "followers:>5000", "earlier", "klm AND followers:>1000", "later", ""},
        {"prefix later", "refunded", "earlier", "refund* AND late", "later", ""},
        {"hashtag", "#refund", "earlier", "refund AND late", "later", ""},
        {"one part of an OR", "refund", "earlier", "refund OR late", "later", ""},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        // The disabled rule is `a`: its extra keys must follow it, so a and b swap places.
        const auto text = c.a_extra.empty() ? two_rules(c.a, c.a_topic, c.b, c.b_topic)
                                            : "rules:\n  - id: a\n    query: '" + c.a +
                                                  "'\n    topic: " + c.a_topic + "\n" + c.a_extra +
                                                  "  - id: b\n    query: '" + c.b +
                                                  "'\n    topic: " + c.b_topic + "\n" + kNames;
        auto result = load_rule_text("t.yaml", text);
        INFO(result.diagnostics.format_all());
        REQUIRE(result.rules);
        CHECK(shadow_warnings(result).empty());
    }
}

TEST_CASE("shadowing is checked across files, in load order, without disabled rules",
          "[ruleset][shadow]") {
    const auto dir = fs::temp_directory_path() / ("spreekbuis-shadow-" + std::to_string(::rand()));
    fs::create_directories(dir);
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    };
    const auto first = write("first.yaml",
                             "rules:\n"
                             "  - id: generic\n"
                             "    query: 'refund OR refunds'\n"
                             "    topic: refunds\n");
    const auto second = write("second.yaml",
                              "rules:\n"
                              "  - id: specific\n"
                              "    query: refunds AND late\n"
                              "    topic: delays\n");
    auto result = load_rule_files({first, second});
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    CHECK(shadow_warnings(result) ==
          std::vector<std::string>{
              "3:12 rule 'specific' sets topic 'delays', but the earlier rule 'generic' (" + first +
              ":3:13), with topic 'refunds', matches every post 'specific' matches: 'specific' "
              "never decides the topic"});
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(result.diagnostics.items()[0].pos.file == second);

    // In the other order the specific rule comes first: nothing to warn about.
    result = load_rule_files({second, first});
    CHECK(shadow_warnings(result).empty());

    // A rule switched off by another file's disable_rules shadows nothing.
    const auto local = write("local.yaml", "disable_rules: [generic]\n");
    result = load_rule_files({first, second, local});
    REQUIRE(result.rules);
    CHECK(shadow_warnings(result).empty());
    fs::remove_all(dir);
}

TEST_CASE("shadowing checks stay cheap on many similar rules", "[ruleset][shadow]") {
    // 3,000 rules over a few shared words: each is checked against a bounded set of earlier
    // rules. Every `w AND k` rule after the first `w OR k` one with another topic is shadowed.
    std::string text = "rules:\n";
    for (int i = 0; i < 3000; ++i) {
        const auto word = "w" + std::to_string(i % 10);
        const auto query = i < 10 ? word + " OR shared" : word + " AND k" + std::to_string(i);
        text += "  - id: r" + std::to_string(i) + "\n    query: " + query + "\n    topic: t" +
                std::to_string(i % 7) + "\n";
    }
    auto result = load_rule_text("many.yaml", text);
    REQUIRE(result.rules);
    const auto warnings = shadow_warnings(result);
    // r10.. r2999: shadowed by r(i % 10) unless they share its topic (i % 7 == (i % 10) % 7).
    std::size_t expected = 0;
    for (int i = 10; i < 3000; ++i) expected += (i % 7) != ((i % 10) % 7) ? 1 : 0;
    CHECK(warnings.size() == expected);
    REQUIRE_FALSE(warnings.empty());
    CHECK(warnings.front().find(
              "rule 'r10' sets topic 't3', but the earlier rule 'r0' (many.yaml:3:12)") !=
          std::string::npos);
}
