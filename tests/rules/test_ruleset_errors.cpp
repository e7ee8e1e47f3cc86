#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/ruleset.hpp"

using namespace spreekbuis::rules;
namespace fs = std::filesystem;

namespace {

const std::string kData = SPREEKBUIS_TEST_DATA;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
    return text;
}

// Diagnostics of a file or a directory of files (loaded together in name order), with the
// data directory removed from paths so the golden files do not depend on the checkout.
std::string diagnostics_of(const fs::path& input, RuleLoadResult& result) {
    std::vector<std::string> paths;
    if (fs::is_directory(input)) {
        for (const auto& entry : fs::directory_iterator(input)) {
            if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
        }
        std::sort(paths.begin(), paths.end());
    } else {
        paths.push_back(input.string());
    }
    result = load_rule_files(paths);
    return replace_all(result.diagnostics.format_all(), kData + "/", "");
}

}  // namespace

TEST_CASE("golden diagnostics for bad rule files", "[ruleset][golden]") {
    const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(kData + "/bad")) {
        if (entry.is_directory() || entry.path().extension() == ".yaml") {
            inputs.push_back(entry.path());
        }
    }
    std::sort(inputs.begin(), inputs.end());
    REQUIRE(inputs.size() >= 12);
    for (const auto& input : inputs) {
        SECTION(input.filename().string()) {
            RuleLoadResult result;
            const auto actual = diagnostics_of(input, result);
            CHECK_FALSE(result.rules);
            CHECK(result.diagnostics.has_errors());
            auto golden = input;
            golden.replace_extension(".diag");
            if (fs::is_directory(input)) golden = fs::path(input.string() + ".diag");
            if (update) {
                std::ofstream(golden, std::ios::binary) << actual;
            }
            INFO("golden: " << golden.string() << " (UPDATE_GOLDEN=1 rewrites it)");
            CHECK(actual == read_all(golden));
        }
    }
}

TEST_CASE("errors point inside the query string", "[ruleset]") {
    // Plain scalar: column of the scalar + offset.
    auto result = load_rule_text("t.yaml", "rules:\n  - id: a\n    query: lost OR missing)\n");
    REQUIRE_FALSE(result.rules);
    REQUIRE(result.diagnostics.items().size() == 1);
    auto d = result.diagnostics.items()[0];
    CHECK(d.pos.file == "t.yaml");
    CHECK(d.pos.line == 3);
    CHECK(d.pos.column == 27);
    CHECK(d.line_text == "    query: lost OR missing)");
    // Single-quoted: one more for the quote.
    result = load_rule_text("t.yaml", "rules:\n  - id: a\n    query: 'lost OR missing)'\n");
    d = result.diagnostics.items()[0];
    CHECK(d.pos.column == 28);
    // Double-quoted.
    result = load_rule_text("t.yaml", "rules:\n  - id: a\n    query: \"bag lnag:nl\"\n");
    d = result.diagnostics.items()[0];
    CHECK(d.pos.column == 17);
    CHECK(d.message == "unknown field 'lnag'");
    // Literal block: the line and column inside the block.
    result = load_rule_text("t.yaml",
                            "rules:\n  - id: a\n    query: |\n      bag\n        AND lnag:nl\n");
    d = result.diagnostics.items()[0];
    CHECK(d.pos.line == 5);
    CHECK(d.pos.column == 13);
    CHECK(d.line_text == "        AND lnag:nl");
    // Flow-sequence list item.
    result = load_rule_text("t.yaml",
                            "lists:\n  l: [bag, 'ref*und']\nrules:\n  - id: a\n    query: $l\n");
    d = result.diagnostics.items()[0];
    CHECK(d.pos.line == 2);
    CHECK(d.pos.column == 16);
    // Every error in every rule is reported.
    result = load_rule_text("t.yaml",
                            "rules:\n  - id: a\n    query: '(x'\n  - id: b\n    query: 'y)'\n"
                            "  - id: c\n    query: ok\n    priority: hi\n");
    CHECK(result.diagnostics.error_count() == 3);
    CHECK_FALSE(result.rules);
}

TEST_CASE("duplicate rule ids point at both definitions", "[ruleset]") {
    auto result =
        load_rule_text("t.yaml", "rules:\n  - id: x\n    query: a\n  - id: x\n    query: b\n");
    REQUIRE(result.diagnostics.items().size() == 1);
    const auto& d = result.diagnostics.items()[0];
    CHECK(d.pos.line == 4);
    CHECK(d.pos.column == 9);
    CHECK(d.hint.find("t.yaml:2:9") != std::string::npos);
}

TEST_CASE("a file that cannot be opened is an error and nothing loads", "[ruleset]") {
    auto result = load_rule_files({kData + "/packs/base.yaml", kData + "/does-not-exist.yaml"});
    CHECK_FALSE(result.rules);
    CHECK(result.diagnostics.format_all().find("cannot open file") != std::string::npos);
}

TEST_CASE("an empty rule file loads as an empty set", "[ruleset]") {
    auto result = load_rule_text("empty.yaml", "");
    REQUIRE(result.rules);
    CHECK(result.rules->rule_count() == 0);
    Post post;
    post.text = "anything";
    CHECK_FALSE(result.rules->evaluate(post).matched);
}

TEST_CASE("run_tests reports each embedded test with its position", "[ruleset]") {
    auto result = load_rule_files({kData + "/packs/with_tests.yaml"});
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    const auto outcomes = result.rules->run_tests();
    REQUIRE(outcomes.size() == 7);
    CHECK(outcomes[0].passed);
    CHECK(outcomes[0].name == "refund: I want a refund");
    CHECK(outcomes[0].pos.line == 7);
    CHECK(outcomes[0].pos.column == 9);
    CHECK(outcomes[0].pos.file.ends_with("with_tests.yaml"));

    CHECK_FALSE(outcomes[1].passed);
    CHECK(outcomes[1].name == "refund: wrong priority on purpose");
    CHECK(outcomes[1].detail.starts_with("expected priority urgent, got normal (refund: refund*"));

    CHECK_FALSE(outcomes[2].passed);
    CHECK(outcomes[2].detail.starts_with("expected rule 'refund' not to match, but it did"));
    CHECK(outcomes[3].passed);
    CHECK(outcomes[4].passed);
    CHECK(outcomes[5].passed);
    CHECK_FALSE(outcomes[6].passed);
    // A missed match says what the rule lacked.
    CHECK(outcomes[6].detail.starts_with(
        "expected rule 'vip' to match, but it did not: followers:>=10000 does not hold "
        "(followers 50); verified:true does not hold (verified unknown) ("));
}

TEST_CASE("the example pack's own tests pass", "[ruleset]") {
    auto result = load_rule_files({kData + "/packs/base.yaml", kData + "/packs/extra.yaml"});
    REQUIRE(result.rules);
    const auto outcomes = result.rules->run_tests();
    REQUIRE(outcomes.size() == 2);
    for (const auto& outcome : outcomes) {
        INFO(outcome.name << ": " << outcome.detail);
        CHECK(outcome.passed);
    }
}

TEST_CASE("disabled rules are checked, then left out with their tests", "[ruleset]") {
    const auto dir = fs::temp_directory_path() / ("spreekbuis-disable-" + std::to_string(::rand()));
    fs::create_directories(dir);
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    };
    const auto pack =
        write("pack.yaml",
              "rules:\n"
              "  - id: refund\n    query: refund\n"
              "  - id: late\n    query: late\n"
              "    tests:\n      - text: 'late again'\n        expect: {match: true}\n"
              "  - id: off\n    query: broken\n    enabled: false\n"
              "    tests:\n      - text: 'broken'\n        expect: {match: true}\n");
    const auto local = write("local.yaml", "disable_rules: [late]\n");
    auto result = load_rule_files({pack, local});
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    CHECK(result.rules->rule_ids() == std::vector<std::string>{"refund"});
    Post post;
    post.text = "refund, late and broken";
    CHECK(result.rules->evaluate(post).rules == std::vector<std::string>{"refund"});
    // The tests of both disabled rules are not run: they are reported as skipped.
    const auto outcomes = result.rules->run_tests();
    REQUIRE(outcomes.size() == 2);
    for (const auto& outcome : outcomes) {
        CHECK(outcome.skipped);
        CHECK(outcome.passed);  // a skipped test is no failure
    }
    CHECK(outcomes[0].rule_id == "late");
    CHECK(outcomes[0].name == "late: late again");
    CHECK(outcomes[0].pos.line == 7);
    CHECK(outcomes[1].rule_id == "off");

    // Without the second file only `off` is left out.
    result = load_rule_files({pack});
    REQUIRE(result.rules);
    CHECK(result.rules->rule_ids() == std::vector<std::string>{"refund", "late"});

    // A disabled rule is still checked: its typo stops the load.
    const auto typo = write("typo.yaml",
                            "rules:\n  - id: off\n    query: 'bag lnag:nl'\n"
                            "    enabled: false\n");
    result = load_rule_files({typo});
    CHECK_FALSE(result.rules);
    CHECK(result.diagnostics.format_all().find("unknown field 'lnag'") != std::string::npos);

    // An unknown id in disable_rules points at itself, with the closest id.
    const auto unknown = write("unknown.yaml", "disable_rules: [refund, lat]\n");
    result = load_rule_files({pack, unknown});
    CHECK_FALSE(result.rules);
    REQUIRE(result.diagnostics.items().size() == 1);
    const auto& d = result.diagnostics.items()[0];
    CHECK(d.message == "disable_rules names an unknown rule 'lat'");
    CHECK(d.pos.line == 1);
    CHECK(d.pos.column == 25);
    CHECK(d.hint == "did you mean 'late'?");

    // `enabled` takes true or false only; disable_rules must be a list.
    const auto bad = write("bad.yaml",
                           "disable_rules: late\nrules:\n  - id: x\n    query: x\n"
                           "    enabled: nope\n");
    result = load_rule_files({pack, bad});
    CHECK_FALSE(result.rules);
    CHECK(result.diagnostics.error_count() == 2);
    fs::remove_all(dir);
}

namespace {

std::vector<std::string> warnings_of(const RuleLoadResult& result) {
    std::vector<std::string> out;
    for (const auto& d : result.diagnostics.items()) {
        if (d.severity != Severity::warning) continue;
        out.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " +
                      d.message);
    }
    return out;
}

// warnings_of, only the "can never match" ones.
std::vector<std::string> never_match_warnings(const RuleLoadResult& result) {
    auto all = warnings_of(result);
    std::erase_if(all, [](const std::string& w) {
        return w.find(" can never match: ") == std::string::npos;
    });
    return all;
}

}  // namespace

TEST_CASE("rule checks warn about unused lists and macros and rules any common word matches",
          "[ruleset][lint]") {
    const std::string text =
        "lists:\n"                                      // 1
        "  brands: [acme, '@acme']\n"                   // 2
        "  unused_words: [foo, bar]\n"                  // 3
        "  fillers: [refund, the]\n"                    // 4
        "macros:\n"                                     // 5
        "  never: 'x AND y'\n"                          // 6
        "  common: '(niet OR \"no way\")'\n"            // 7
        "  narrow: 'de NEAR/2 trein'\n"                 // 8
        "rules:\n"                                      // 9
        "  - id: broad\n"                               // 10
        "    query: 'refund OR the OR $fillers'\n"      // 11
        "  - id: through-macro\n"                       // 12
        "    query: '$common OR $brands'\n"             // 13
        "  - id: and-is-fine\n"                         // 14
        "    query: 'the AND refund AND NOT not'\n"     // 15
        "  - id: phrase-and-prefix-are-fine\n"          // 16
        "    query: '\"the app\" OR th* OR $narrow'\n"  // 17
        "  - id: again\n"                               // 18
        "    query: '$fillers'\n"                       // 19
        "    when: 'the'\n";                            // 20
    auto result = load_rule_text("lint.yaml", text);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);  // warnings never stop a load
    CHECK_FALSE(result.diagnostics.has_errors());
    CHECK(result.rules->rule_count() == 5);
    // In file order; the list item is reported once although two rules reach it, and a
    // condition (`when`) only narrows a query, so its common word is no warning.
    CHECK(warnings_of(result) ==
          std::vector<std::string>{
              "3:3 list '$unused_words' is not used by any rule",
              "4:21 'the' is one of the most common words (en): on its own it makes rule "
              "'broad' match most posts",
              "6:3 macro '$never' is not used by any rule",
              "7:13 'niet' is one of the most common words (nl): on its own it makes rule "
              "'through-macro' match most posts",
              "11:23 'the' is one of the most common words (en): on its own it makes rule "
              "'broad' match most posts",
          });
    CHECK(result.diagnostics.format_all().find("lint.yaml:11:23: warning: ") != std::string::npos);

    // A list or macro used only by a switched-off rule is used: the rule is still checked.
    result = load_rule_text("off.yaml",
                            "lists:\n  l: [a]\nrules:\n  - id: x\n    query: $l\n"
                            "    enabled: false\n");
    REQUIRE(result.rules);
    CHECK(result.diagnostics.empty());

    // With errors, unused names are not reported (the error may be why they look unused).
    result =
        load_rule_text("err.yaml", "lists:\n  l: [a]\nrules:\n  - id: x\n    query: '$l AND ('\n");
    CHECK_FALSE(result.rules);
    CHECK(result.diagnostics.warning_count() == 0);
}

TEST_CASE("rule checks warn about rules that can never match", "[ruleset][lint]") {
    const std::string text =
        "lists:\n"                                                                      // 1
        "  brands: [acme, '{Next}']\n"                                                  // 2
        "macros:\n"                                                                     // 3
        "  refunds: 'refund* OR \"money back\"'\n"                                      // 4
        "rules:\n"                                                                      // 5
        "  - id: same-term\n"                                                           // 6
        "    query: 'refund AND NOT refund'\n"                                          // 7
        "  - id: wider-prefix\n"                                                        // 8
        "    query: 'late (refunded OR refunding) NOT refund*'\n"                       // 9
        "  - id: through-macro\n"                                                       // 10
        "    query: 'refunds AND NOT $refunds'\n"                                       // 11
        "  - id: list-twice\n"                                                          // 12
        "    query: '$brands AND late AND NOT $brands'\n"                               // 13
        "  - id: case-then-plain\n"                                                     // 14
        "    query: '{Next} AND NOT next'\n"                                            // 15
        "  - id: two-languages\n"                                                       // 16
        "    query: 'trein'\n"                                                          // 17
        "    when: 'lang:nl AND lang:(en OR de)'\n"                                     // 18
        "  - id: follower-ranges\n"                                                     // 19
        "    query: 'klm AND followers:<100 AND followers:>=100'\n"                     // 20
        "  - id: unscored\n"                                                            // 21
        "    query: 'zug AND lang:de AND complaint:true'\n"                             // 22
        "  - id: ok-plain-then-case\n"                                                  // 23
        "    query: 'next AND NOT {Next}'\n"                                            // 24
        "  - id: ok-narrower-exclusion\n"                                               // 25
        "    query: 'refund* AND NOT refunded'\n"                                       // 26
        "  - id: ok-hashtag-exclusion\n"                                                // 27
        "    query: 'refund AND NOT #refund'\n"                                         // 28
        "  - id: ok-touching-ranges\n"                                                  // 29
        "    query: 'klm AND followers:<=100 AND followers:>=100'\n"                    // 30
        "  - id: ok-overlapping-languages\n"                                            // 31
        "    query: 'trein AND lang:(nl OR en) AND lang:(en OR de)'\n"                  // 32
        "  - id: ok-unscored-neutral\n"                                                 // 33
        "    query: 'zug AND lang:de AND polarity:neutral AND sentiment:-0.1..0.1'\n";  // 34
    auto result = load_rule_text("never.yaml", text);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);  // warnings never stop a load
    // Each points at the second of the clashing parts: the NOT, the later field test, the
    // score test (here in when: for two-languages).
    CHECK(warnings_of(result) ==
          std::vector<std::string>{
              "7:24 rule 'same-term' can never match: it requires refund and excludes refund",
              "9:42 rule 'wider-prefix' can never match: it requires (refunded OR refunding) "
              "and excludes refund*",
              "11:25 rule 'through-macro' can never match: it requires refunds and excludes "
              "$refunds",
              "13:34 rule 'list-twice' can never match: it requires $brands and excludes "
              "$brands",
              "15:24 rule 'case-then-plain' can never match: it requires {Next} and excludes "
              "next",
              "18:24 rule 'two-languages' can never match: lang:nl and lang:(en OR de) cannot "
              "both hold",
              "20:40 rule 'follower-ranges' can never match: followers:<100 and "
              "followers:>=100 cannot both hold",
              "22:33 rule 'unscored' can never match: complaint:true needs a scored language "
              "(en, nl), and lang:de has none",
          });
    // What the warnings claim holds at evaluation: posts that come closest match nothing,
    // and the rules the check leaves alone can match.
    const auto matched = [&](const std::string& post_text, const std::string& lang,
                             std::optional<std::uint64_t> followers) {
        Post post;
        post.id = "p";
        post.text = post_text;
        post.lang = lang;
        post.author.followers = followers;
        return result.rules->evaluate(post).rules;
    };
    using Ids = std::vector<std::string>;
    for (const auto& id : {"same-term", "wider-prefix", "through-macro", "list-twice",
                           "case-then-plain", "two-languages", "follower-ranges", "unscored"}) {
        INFO(id);
        for (const auto& [post_text, lang] : std::vector<std::pair<std::string, std::string>>{
                 {"refund refunded late refunds acme Next next trein klm", "en"},
                 {"trein klm vertraagd", "nl"},
                 {"Der Zug ist schon wieder zu spät, eine Katastrophe!", "de"}}) {
            for (std::uint64_t followers : {50, 100, 5000}) {
                const auto ids = matched(post_text, lang, followers);
                CHECK(std::find(ids.begin(), ids.end(), std::string(id)) == ids.end());
            }
        }
    }
    CHECK(matched("next time a refund", "en", 100) ==
          Ids{"ok-plain-then-case", "ok-narrower-exclusion", "ok-hashtag-exclusion"});
    CHECK(matched("refund please, klm", "en", 100) ==
          Ids{"ok-narrower-exclusion", "ok-hashtag-exclusion", "ok-touching-ranges"});
    CHECK(matched("#refund please, klm", "en", 100) ==
          Ids{"ok-narrower-exclusion", "ok-touching-ranges"});
    CHECK(matched("trein te laat", "en", 100) == Ids{"ok-overlapping-languages"});
    CHECK(matched("zug", "de", 100) == Ids{"ok-unscored-neutral"});
}

TEST_CASE("a rule that can never match is pointed at the part that clashes", "[ruleset][lint]") {
    const std::string text =
        "macros:\n"                                                        // 1
        "  no-refund: 'NOT refund'\n"                                      // 2
        "  self-clash: 'refund AND NOT refund'\n"                          // 3
        "  dutch: 'lang:nl'\n"                                             // 4
        "lists:\n"                                                         // 5
        "  refunds: [refund, 'money back']\n"                              // 6
        "rules:\n"                                                         // 7
        "  - id: not-later\n"                                              // 8
        "    query: 'refund AND late AND NOT late'\n"                      // 9
        "  - id: not-first\n"                                              // 10
        "    query: 'NOT $refunds AND late AND refund'\n"                  // 11
        "  - id: not-in-when\n"                                            // 12
        "    query: 'refund AND late'\n"                                   // 13
        "    when: 'lang:en AND NOT refund'\n"                             // 14
        "  - id: field-in-when\n"                                          // 15
        "    query: 'trein AND lang:nl'\n"                                 // 16
        "    when: 'followers:>10 AND lang:en'\n"                          // 17
        "  - id: score-first\n"                                            // 18
        "    query: 'zug AND complaint:true AND lang:de'\n"                // 19
        "  - id: score-in-query-lang-in-when\n"                            // 20
        "    query: 'zug AND polarity:negative'\n"                         // 21
        "    when: 'lang:fr'\n"                                            // 22
        "  - id: not-through-macro\n"                                      // 23
        "    query: 'late AND refund AND $no-refund'\n"                    // 24
        "  - id: inside-macro\n"                                           // 25
        "    query: 'delay AND $self-clash'\n"                             // 26
        "  - id: inside-macro-again\n"                                     // 27
        "    query: 'klm AND late AND $self-clash'\n"                      // 28
        "  - id: field-through-macro\n"                                    // 29
        "    query: 'trein AND lang:en AND $dutch'\n"                      // 30
        "  - id: list-item-then-not\n"                                     // 31
        "    query: '$refunds AND NOT (refund OR \"money back\")'\n"       // 32
        "  - id: block\n"                                                  // 33
        "    query: |\n"                                                   // 34
        "      refund\n"                                                   // 35
        "        AND late\n"                                               // 36
        "        AND NOT refund\n"                                         // 37
        "  - id: narrower-field\n"                                         // 38
        "    query: 'klm AND followers:>5000 AND NOT followers:>1000'\n";  // 39
    auto result = load_rule_text("clash.yaml", text);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    CHECK(never_match_warnings(result) ==
          std::vector<std::string>{
              "9:33 rule 'not-later' can never match: it requires late and excludes late",
              "11:13 rule 'not-first' can never match: it requires refund and excludes "
              "$refunds",
              "14:24 rule 'not-in-when' can never match: it requires refund and excludes refund",
              "17:30 rule 'field-in-when' can never match: lang:nl and lang:en cannot both hold",
              "19:21 rule 'score-first' can never match: complaint:true needs a scored language "
              "(en, nl), and lang:de has none",
              "21:21 rule 'score-in-query-lang-in-when' can never match: polarity:negative "
              "needs a scored language (en, nl), and lang:fr has none",
              "24:33 rule 'not-through-macro' can never match: it requires refund and excludes "
              "refund",
              "26:23 rule 'inside-macro' can never match: it requires refund and excludes "
              "refund",
              "28:30 rule 'inside-macro-again' can never match: it requires refund and excludes "
              "refund",
              "30:35 rule 'field-through-macro' can never match: lang:en and lang:nl cannot "
              "both hold",
              "32:26 rule 'list-item-then-not' can never match: it requires $refunds and "
              "excludes (refund OR money back)",
              "37:13 rule 'block' can never match: it requires refund and excludes refund",
              "39:41 rule 'narrower-field' can never match: it requires followers:>5000 and "
              "excludes followers:>1000",
          });
    // The caret line is the line of the part, in the file.
    for (const auto& d : result.diagnostics.items()) {
        if (d.message.starts_with("rule 'block' can never match")) {
            CHECK(d.line_text == "        AND NOT refund");
        }
        if (d.message.starts_with("rule 'not-in-when'")) {
            CHECK(d.line_text == "    when: 'lang:en AND NOT refund'");
        }
    }
    CHECK(result.diagnostics.format_all().find("clash.yaml:14:24: warning: rule 'not-in-when'") !=
          std::string::npos);
}
