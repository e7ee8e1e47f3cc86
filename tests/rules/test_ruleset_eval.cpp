#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "rules/ruleset.hpp"
#include "rules/ruleset_options.hpp"

using namespace spreekbuis::rules;

namespace {

std::string yaml_single_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

std::shared_ptr<const RuleSet> load_ok(const std::string& yaml,
                                       const RuleSetOptions& options = {}) {
    auto result = load_rule_text("test.yaml", yaml, options);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    REQUIRE_FALSE(result.diagnostics.has_errors());
    return result.rules;
}

Post post_of(const std::string& text, const std::string& lang = "") {
    Post post;
    post.id = "p1";
    post.text = text;
    post.lang = lang;
    return post;
}

// Does a one-rule set with `query` match `text`?
bool matches(const std::string& query, const std::string& text, const std::string& lang = "") {
    auto rules = load_ok("rules:\n  - id: r\n    query: " + yaml_single_quoted(query) + "\n");
    return rules->evaluate(post_of(text, lang)).matched;
}

bool matches_post(const std::string& query, const Post& post) {
    auto rules = load_ok("rules:\n  - id: r\n    query: " + yaml_single_quoted(query) + "\n");
    return rules->evaluate(post).matched;
}

// Checks that `indexed` gives every text the verdict `reference` (reference_paths: every rule
// evaluated) gives it; returns how many rules matched in all.
std::size_t expect_same_as_reference(const RuleSet& indexed, const RuleSet& reference,
                                     const std::vector<std::string>& texts) {
    std::size_t matched = 0;
    for (const auto& text : texts) {
        INFO(text);
        const auto a = indexed.evaluate(post_of(text));
        const auto b = reference.evaluate(post_of(text));
        CHECK(a.rules == b.rules);
        CHECK(a.why == b.why);
        matched += a.rules.size();
    }
    return matched;
}

}  // namespace

TEST_CASE("terms match whole words, case-insensitively", "[ruleset]") {
    CHECK(matches("refund", "I want a refund now"));
    CHECK(matches("refund", "REFUND!"));
    CHECK(matches("refund", "refund"));
    CHECK_FALSE(matches("refund", "I was refunded"));
    CHECK_FALSE(matches("refund", "prerefund"));
    CHECK_FALSE(matches("refund", "nothing here"));
    CHECK(matches("Refund", "a refund, please"));
}

TEST_CASE("AND, OR, NOT, juxtaposition and parentheses", "[ruleset]") {
    CHECK(matches("late train", "the train is late again"));
    CHECK_FALSE(matches("late train", "the train is on time"));
    CHECK(matches("late AND train", "late train"));
    CHECK(matches("late OR delayed", "we are delayed"));
    CHECK_FALSE(matches("late OR delayed", "all fine"));
    CHECK(matches("train NOT late", "the train was fine"));
    CHECK_FALSE(matches("train NOT late", "the train was late"));
    CHECK(matches("(train OR bus) (late OR delayed)", "bus delayed"));
    CHECK_FALSE(matches("(train OR bus) (late OR delayed)", "bus on time, train ok"));
    CHECK(matches("NOT (spam OR promo) refund", "refund please"));
    CHECK_FALSE(matches("NOT (spam OR promo) refund", "refund promo code"));
}

TEST_CASE("suffix wildcard", "[ruleset]") {
    CHECK(matches("refund*", "I was refunded"));
    CHECK(matches("refund*", "refunds"));
    CHECK(matches("refund*", "refund"));
    CHECK_FALSE(matches("refund*", "prerefunds"));
    CHECK(matches("\"hand lug*\"", "my hand luggage is gone"));
    CHECK(matches("\"lost* suit*\"", "lost suitcase"));
    CHECK_FALSE(matches("\"lost* suit*\"", "lost the suitcase"));
    CHECK(matches("koffer*", "#kofferbak"));
}

TEST_CASE("wildcards of many lengths, sharing their first letters, and very long ones",
          "[ruleset]") {
    // The index tries a token's prefixes only at the lengths that keys with its first two
    // bytes have; 15 bytes and more share one mark, and each of those lengths is tried.
    // (No letter three times in a row: that would be squeezed as an elongation.)
    const auto repeat = [](const std::string& piece, std::size_t times) {
        std::string out;
        for (std::size_t i = 0; i < times; ++i) out += piece;
        return out;
    };
    const std::string long_stem = repeat("ab", 35);
    const std::string longer_stem = repeat("cd", 32) + "st";
    auto rules = load_ok(
        "rules:\n"
        "  - id: short\n    query: 're*'\n"
        "  - id: mid\n    query: 'refun*'\n"
        "  - id: phrase\n    query: '\"delay* flig*\"'\n"
        "  - id: long\n    query: '" +
        long_stem +
        "*'\n"
        "  - id: longer\n    query: '" +
        longer_stem + "*'\n");
    const auto ids = [&](const std::string& text) { return rules->evaluate(post_of(text)).rules; };
    using Ids = std::vector<std::string>;
    CHECK(ids("refunded") == Ids{"short", "mid"});
    CHECK(ids("ref") == Ids{"short"});
    CHECK(ids("r") == Ids{});
    CHECK(ids("delayed flight") == Ids{"phrase"});
    CHECK(ids("delayed") == Ids{});
    CHECK(ids(long_stem) == Ids{"long"});
    CHECK(ids(long_stem + "abx") == Ids{"long"});
    CHECK(ids(long_stem.substr(0, 69)) == Ids{});
    CHECK(ids(longer_stem + "uff") == Ids{"longer"});
    CHECK(ids(repeat("cd", 32) + "su") == Ids{});
    CHECK(ids(repeat("cd", 33)) == Ids{});

    // Around the shared mark: 14, 15, 16 and 20 bytes, all with the same first two bytes.
    const std::string s14 = "qwertyuiopasdf";
    const std::string s15 = s14 + "g";
    const std::string s16 = s15 + "h";
    const std::string s20 = s16 + "jklz";
    auto around = load_ok("rules:\n  - id: s14\n    query: '" + s14 +
                          "*'\n  - id: s15\n    query: '" + s15 + "*'\n  - id: s16\n    query: '" +
                          s16 + "*'\n  - id: s20\n    query: '" + s20 + "*'\n");
    const auto around_ids = [&](const std::string& text) {
        return around->evaluate(post_of(text)).rules;
    };
    CHECK(around_ids(s14) == Ids{"s14"});
    CHECK(around_ids(s15 + "x") == Ids{"s14", "s15"});
    CHECK(around_ids(s16) == Ids{"s14", "s15", "s16"});
    CHECK(around_ids(s20 + "abc") == Ids{"s14", "s15", "s16", "s20"});
    CHECK(around_ids(s14 + "zh") == Ids{"s14"});
    CHECK(around_ids(s16 + "jkl") == Ids{"s14", "s15", "s16"});
    CHECK(around_ids(s14.substr(0, 13)) == Ids{});
}

TEST_CASE("phrases match consecutive words", "[ruleset]") {
    CHECK(matches("\"hand luggage\"", "my hand luggage is gone"));
    CHECK(matches("\"hand luggage\"", "Hand   Luggage"));
    CHECK_FALSE(matches("\"hand luggage\"", "hand me the luggage"));
    CHECK_FALSE(matches("\"hand luggage\"", "luggage hand"));
    CHECK(matches("\"never arrived\" OR kwijt", "mijn tas is kwijt"));
}

TEST_CASE("hashtags and mentions are terms", "[ruleset]") {
    CHECK(matches("#klm", "flying #KLM today"));
    CHECK_FALSE(matches("#klm", "flying klm today"));
    CHECK(matches("klm", "flying #klm today"));
    CHECK(matches("@klm", "hey @KLM where is my bag"));
    CHECK_FALSE(matches("@klm", "hey klm where is my bag"));
    CHECK_FALSE(matches("klm", "hey @klm where is my bag"));
    CHECK(matches("#klm*", "#klmfail"));
}

TEST_CASE("accents are folded in posts and in queries", "[ruleset]") {
    CHECK(matches("cafe", "Het CAFÉ is dicht"));
    CHECK(matches("café", "het cafe is dicht"));
    CHECK(matches("geïrriteerd", "ik ben zo geirriteerd"));
    CHECK(matches("geirriteerd", "ik ben zo GEÏRRITEERD"));
    CHECK(matches("\"één keer\"", "nog een keer"));
    CHECK(matches("een", "dat is één"));
}

TEST_CASE("NEAR/n is unordered and counts token distance", "[ruleset]") {
    // suitcase(0) was(1) totally(2) lost(3): distance 3.
    CHECK(matches("suitcase NEAR/3 lost", "suitcase was totally lost"));
    CHECK_FALSE(matches("suitcase NEAR/2 lost", "suitcase was totally lost"));
    CHECK(matches("suitcase NEAR/1 lost", "suitcase lost"));
    CHECK(matches("suitcase NEAR/3 lost", "they lost my suitcase"));
    CHECK_FALSE(matches("suitcase NEAR/3 lost", "suitcase a b c d lost"));
    CHECK_FALSE(matches("suitcase NEAR/3 lost", "suitcase"));
    // Punctuation does not count as a token.
    CHECK(matches("suitcase NEAR/1 lost", "suitcase... lost!"));
    // A later pair can satisfy the distance when an earlier one does not.
    CHECK(matches("bag NEAR/2 lost", "bag x y z w lost bag"));
}

TEST_CASE("NEAR/nf is ordered", "[ruleset]") {
    CHECK(matches("suitcase NEAR/3f lost", "suitcase got lost"));
    CHECK_FALSE(matches("suitcase NEAR/3f lost", "they lost my suitcase"));
    CHECK(matches("lost NEAR/3f suitcase", "they lost my suitcase"));
}

TEST_CASE("NEAR with phrases, groups, wildcards and nesting", "[ruleset]") {
    CHECK(matches("(bag OR suitcase*) NEAR/2 \"never arrived\"", "my suitcases never arrived"));
    CHECK(matches("(bag OR suitcase*) NEAR/2 \"never arrived\"", "never arrived, my bag"));
    CHECK_FALSE(matches("(bag OR suitcase*) NEAR/2 \"never arrived\"",
                        "my bag is here but the pizza never arrived"));
    // Phrase span: "never arrived" covers two tokens; distance counts from its edge.
    CHECK(matches("\"never arrived\" NEAR/1f bag", "never arrived bag"));
    CHECK(matches("(a NEAR/1 b) NEAR/2 c", "a b x c"));
    CHECK_FALSE(matches("(a NEAR/1 b) NEAR/2 c", "a b x y z c"));
    CHECK(matches("(delay* AND train) NEAR/2 angry", "delayed train angry"));
    CHECK(matches("#klm NEAR/2 lost", "#klm lost my bag"));
}

TEST_CASE("raw RE2 regexes match the folded text", "[ruleset]") {
    CHECK(matches("re:/order #?\\d{6}/", "where is ORDER #123456"));
    CHECK_FALSE(matches("re:/order #?\\d{6}/", "where is order 12345"));
    CHECK(matches("re:/cafe/", "CAFÉ"));
    CHECK(matches("re:/https?:\\/\\/klm\\.com/ OR nothing", "see https://klm.com/x"));
    CHECK(matches("re:/\\d{6}/ NEAR/2 order", "order nr 123456"));
    CHECK_FALSE(matches("re:/\\d{6}/ NEAR/1 order", "order a b 123456"));
}

TEST_CASE("post fields", "[ruleset]") {
    Post post = post_of("my bag is lost", "nl");
    post.source = "Mastodon";
    post.author.handle = "@Jansen";
    post.author.followers = 12000;
    post.author.verified = true;
    CHECK(matches_post("bag author:jansen", post));
    CHECK(matches_post("bag author:@JANSEN", post));
    CHECK_FALSE(matches_post("bag author:pietersen", post));
    CHECK(matches_post("bag lang:nl", post));
    CHECK(matches_post("bag lang:(en OR nl)", post));
    CHECK_FALSE(matches_post("bag lang:en", post));
    CHECK(matches_post("bag source:mastodon", post));
    CHECK_FALSE(matches_post("bag source:x", post));
    CHECK(matches_post("bag followers:>=1000", post));
    CHECK(matches_post("bag followers:1000..50000", post));
    CHECK_FALSE(matches_post("bag followers:<1000", post));
    CHECK_FALSE(matches_post("bag followers:>12000", post));
    CHECK(matches_post("bag followers:12000", post));
    CHECK(matches_post("bag followers:(<10 OR >10000)", post));
    CHECK(matches_post("bag verified:true", post));
    CHECK_FALSE(matches_post("bag verified:false", post));
    CHECK_FALSE(matches_post("bag is:reply", post));
    CHECK(matches_post("bag NOT is:reply", post));
    post.in_reply_to = "p0";
    CHECK(matches_post("bag is:reply", post));
    Post anonymous = post_of("my bag is lost");
    CHECK_FALSE(matches_post("bag followers:<1000", anonymous));
    CHECK(matches_post("bag verified:false", anonymous));
}

TEST_CASE("score fields use the scoring functions' results", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: neg
    query: 'sentiment:<=-0.05'
  - id: nonneg
    query: 'sentiment:>-0.05'
  - id: pol
    query: 'polarity:(negative OR neutral OR positive)'
  - id: complaint-yes
    query: 'complaint:true'
  - id: complaint-no
    query: 'complaint:false'
)");
    const auto verdict = rules->evaluate(post_of("the weather report for tuesday", "en"));
    const bool negative = verdict.sentiment <= -0.05;
    CHECK((std::find(verdict.rules.begin(), verdict.rules.end(), "neg") != verdict.rules.end()) ==
          negative);
    CHECK((std::find(verdict.rules.begin(), verdict.rules.end(), "nonneg") !=
           verdict.rules.end()) == !negative);
    CHECK(std::find(verdict.rules.begin(), verdict.rules.end(), "pol") != verdict.rules.end());
    const auto yes = std::find(verdict.rules.begin(), verdict.rules.end(), "complaint-yes") !=
                     verdict.rules.end();
    const auto no = std::find(verdict.rules.begin(), verdict.rules.end(), "complaint-no") !=
                    verdict.rules.end();
    CHECK(yes == verdict.complaint);
    CHECK(no == !verdict.complaint);
}

TEST_CASE("lists, macros and extend_lists across files", "[ruleset]") {
    const std::string dir = SPREEKBUIS_TEST_DATA "/packs/";
    auto result = load_rule_files({dir + "base.yaml", dir + "extra.yaml"});
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    const auto& rules = *result.rules;
    CHECK(rules.rule_count() == 3);

    auto verdict = rules.evaluate(post_of("My suitcase is lost again, third time this year", "en"));
    CHECK(verdict.matched);
    REQUIRE(verdict.rules.size() == 1);
    CHECK(verdict.rules[0] == "baggage-lost");
    CHECK(verdict.topic == "baggage");
    CHECK(verdict.priority == Priority::high);

    // rugzak comes from extend_lists in the second file.
    verdict = rules.evaluate(post_of("mijn rugzak is kwijt", "nl"));
    CHECK(verdict.rules == std::vector<std::string>{"baggage-lost"});
    // "never arrived" is a phrase inside the macro.
    CHECK(rules.evaluate(post_of("the bag never arrived", "en")).matched);
    CHECK_FALSE(rules.evaluate(post_of("Just packed my suitcase for Bali!", "en")).matched);
    // The second file's rule uses the first file's list.
    verdict = rules.evaluate(post_of("@klm my hand luggage was lost, refund please", "en"));
    CHECK(verdict.rules == std::vector<std::string>{"baggage-lost", "refund", "brand-baggage"});
    CHECK(verdict.topic == "baggage");
    CHECK(verdict.priority == Priority::urgent);
    CHECK(verdict.tags == std::vector<std::string>{"luggage", "money", "brand"});
}

TEST_CASE("verdict: load order, first topic, max priority, union of tags, why", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: first
    query: 'refund'
    priority: low
    tags: [a, b]
  - id: second
    query: 'money'
    topic: payments
    priority: urgent
    tags: [b, c]
  - id: third
    query: 'suitcase NEAR/3 lost'
    topic: baggage
    priority: normal
)");
    auto verdict = rules->evaluate(post_of("my suitcase got lost, money back, refund!", "en"));
    CHECK(verdict.matched);
    CHECK(verdict.rules == std::vector<std::string>{"first", "second", "third"});
    CHECK(verdict.topic == "payments");
    CHECK(verdict.priority == Priority::urgent);
    CHECK(verdict.tags == std::vector<std::string>{"a", "b", "c"});
    CHECK(
        verdict.why.starts_with("first: refund; second: money; third: \"suitcase\" NEAR "
                                "\"lost\"; "));
    CHECK(verdict.why.find("sentiment ") != std::string::npos);

    verdict = rules->evaluate(post_of("nothing to see", "en"));
    CHECK_FALSE(verdict.matched);
    CHECK(verdict.rules.empty());
    CHECK_FALSE(verdict.topic);
    CHECK_FALSE(verdict.priority);
    INFO(verdict.why);
    CHECK(verdict.why.starts_with("no rule matched; "));
    CHECK(verdict.lang == "en");

    verdict = rules->evaluate(post_of("the app works again, thanks", "en"));
    INFO(verdict.why);
    CHECK_FALSE(verdict.complaint);
    CHECK(verdict.why.find("negative as a complaint") == std::string::npos);

    // A complaint in mildly positive words: the label is negative, and why says where from.
    verdict = rules->evaluate(post_of("@SkyAir yeah the app is down again, can you help", "en"));
    INFO(verdict.why);
    CHECK(verdict.complaint);
    CHECK(verdict.polarity == Polarity::negative);
    CHECK(verdict.sentiment > -0.05);
    CHECK(verdict.why.ends_with(", negative as a complaint"));
}

TEST_CASE("why names the seen terms of each matched rule, whatever the query's shape",
          "[ruleset]") {
    // Shapes explained from a precomputed list of names (terms, ORs, ANDs, NOTs) and shapes
    // that walk the nodes (an AND inside an OR, NEAR, regexes, fields), side by side.
    const std::string yaml = R"(
lists:
  bags: [suitcase, "hand luggage", bag*]
rules:
  - id: or-list
    query: '$bags OR refund OR "hand luggage"'
  - id: and-not
    query: 'lost AND ($bags OR money) AND NOT found'
  - id: and-in-or
    query: '(lost AND delayed) OR refund OR (suitcase AND damaged)'
  - id: near-in-and
    query: 'refund AND (suitcase NEAR/2 lost)'
  - id: regex-or
    query: 're:/bag+s/ OR money'
  - id: field-and
    query: 'refund AND lang:en'
)";
    RuleSetOptions reference_options;
    reference_options.reference_paths = true;
    auto rules = load_ok(yaml);
    auto reference = load_ok(yaml, reference_options);
    for (const auto* text : {"my suitcase got lost, baggs too, refund my money, hand luggage too",
                             "lost and delayed, found it though", "refund", "bag lost, found"}) {
        CHECK(rules->evaluate(post_of(text, "en")).why ==
              reference->evaluate(post_of(text, "en")).why);
    }
    auto verdict = rules->evaluate(
        post_of("my suitcase got lost, baggs too, refund my money, hand luggage too", "en"));
    INFO(verdict.why);
    CHECK(verdict.rules == std::vector<std::string>{"or-list", "and-not", "and-in-or",
                                                    "near-in-and", "regex-or", "field-and"});
    CHECK(
        verdict.why.starts_with("or-list: suitcase, hand luggage, bag*, refund; "
                                "and-not: lost, suitcase, hand luggage, bag*, money; "
                                "and-in-or: refund; "
                                "near-in-and: refund, \"suitcase\" NEAR \"lost\"; "
                                "regex-or: re:/bag+s/, money; "
                                "field-and: refund, lang:en; "));

    verdict = rules->evaluate(post_of("lost and delayed, found it though", "en"));
    INFO(verdict.why);
    CHECK(verdict.rules == std::vector<std::string>{"and-in-or"});
    CHECK(verdict.why.starts_with("and-in-or: lost, delayed; "));
}

TEST_CASE("when is ANDed with the query; field-only rules run for every post", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: dutch-refund
    query: 'refund OR terugbetaling'
    when: 'lang:nl'
  - id: big-accounts
    query: 'followers:>=100000'
  - id: not-spam
    query: 'NOT spam'
)");
    Post post = post_of("terugbetaling graag", "nl");
    auto verdict = rules->evaluate(post);
    CHECK(verdict.rules == std::vector<std::string>{"dutch-refund", "not-spam"});
    post.lang = "en";
    post.text = "refund please";
    CHECK(rules->evaluate(post).rules == std::vector<std::string>{"not-spam"});
    post.author.followers = 250000;
    post.text = "spam spam";
    CHECK(rules->evaluate(post).rules == std::vector<std::string>{"big-accounts"});
    const auto stats = stats_of(*rules);
    REQUIRE(stats);
    CHECK(stats->always_rules == 2);
}

TEST_CASE("the token index finds the same terms as checking every term one by one", "[ruleset]") {
    // Words, #word, words that share a first word with phrases, prefixes of every length
    // (also inside phrases and as #prefix), mentions, hashtags and accented words.
    const std::vector<std::string> queries = {"word",
                                              "#tag",
                                              "@klm",
                                              "klm",
                                              "lost",
                                              "\"lost bag\"",
                                              "\"lost bag again\"",
                                              "\"lost bag*\"",
                                              "lo*",
                                              "los*",
                                              "lost*",
                                              "\"lo* ba*\"",
                                              "\"bag lost\"",
                                              "#kl*",
                                              "kl* NEAR/2 lost",
                                              "caf\u00e9",
                                              "\"caf\u00e9 au\"",
                                              "refund OR terug*",
                                              "\"word word\"",
                                              "wor* AND NOT bag",
                                              "aa*",
                                              "\"#klm lost\"",
                                              "\"@klm lost*\""};
    std::string yaml = "rules:\n";
    for (std::size_t i = 0; i < queries.size(); ++i) {
        yaml += "  - id: q" + std::to_string(i) + "\n    query: " + yaml_single_quoted(queries[i]) +
                "\n";
    }
    for (int i = 0; i < 300; ++i) {
        const auto n = std::to_string(i);
        yaml += "  - id: g" + n + "\n    query: 'w" + n + (i % 4 == 0 ? "*" : "") + " OR \"p" + n +
                " x" + std::to_string(i % 7) + (i % 5 == 0 ? "*" : "") + "\"'\n";
    }
    // Many phrases under one first word, with whole and prefix second words: the index keys
    // them once more by the second word, the reference walks them all.
    for (int i = 0; i < 60; ++i) {
        const auto n = std::to_string(i);
        yaml += "  - id: c" + n + "\n    query: '\"common y" + std::to_string(i % 13) +
                (i % 9 == 0 ? "*" : "") + (i % 2 == 0 ? " z" + std::to_string(i % 3) : "") +
                "\"'\n";
    }
    RuleSetOptions reference_options;
    reference_options.reference_paths = true;
    auto indexed = load_ok(yaml);
    auto reference = load_ok(yaml, reference_options);
    const std::vector<std::string> texts = {"common y3 z0",
                                            "common y3 z1 common y12 z0 common",
                                            "#common y1 z1, common y0",
                                            "common y11x common y9z z2 common",
                                            "common common y4 z1",
                                            "word",
                                            "#word",
                                            "#tag",
                                            "tag",
                                            "@klm lost my bag",
                                            "#klm lost bag again!",
                                            "klm",
                                            "lost bag",
                                            "lost bags",
                                            "lost, bag",
                                            "lo",
                                            "l",
                                            "los",
                                            "lostbag again",
                                            "#lost #bag",
                                            "bag lost lost bag again",
                                            "#klmfail",
                                            "#kl",
                                            "#k",
                                            "kl lost",
                                            "caf\u00e9 au lait",
                                            "CAFE au",
                                            "refund",
                                            "terugbetaling",
                                            "word word word",
                                            "aaa",
                                            "a",
                                            "#",
                                            "# #",
                                            "##klm",
                                            "wordy bag",
                                            "#klm lost",
                                            "@klm lostt",
                                            "",
                                            "w12 p13 x6 w120 p5 x5s w4",
                                            "#w8 p10 x3 #w44x",
                                            "p0 x0 w1 w299 #p1 x1",
                                            "w16abc p15 x1 p20 x6zz"};
    const std::size_t matched = expect_same_as_reference(*indexed, *reference, texts);
    CHECK(matched > 60);
    CHECK(indexed->evaluate(post_of("#w8 and p10 x3")).rules ==
          std::vector<std::string>{"g8", "g10"});
    CHECK(indexed->evaluate(post_of("common y3 z0")).rules ==
          std::vector<std::string>{"c3", "c29", "c42", "c55"});
    const auto stats = stats_of(*indexed);
    REQUIRE(stats);
    CHECK(stats->term_keys > 600);
    CHECK(stats->set_patterns == 0);
    CHECK(stats->regex_sets == 0);
}

TEST_CASE("rules with NOT are decided by their terms as evaluating them decides", "[ruleset]") {
    // A NOT of terms or of an OR of terms vetoes the rule's proof when one of them is seen,
    // whichever comes first in the post; anything else under NOT keeps the evaluation.
    const std::vector<std::string> queries = {
        "(lost OR late) NOT bag",
        "lost AND NOT (bag OR suitcase)",
        "lost NOT lost",
        "(lost OR late) NOT lost",
        "lost AND late AND NOT bag AND NOT suitcase",
        "NOT bag AND NOT late",
        "lost NOT $excluded",
        "lost NOT re:/suit[a-z]+/",
        "lost NEAR/2 bag NOT late",
        "lost NOT \"late again\"",
        "lost NOT (late AND bag)",
        "lost NOT (late OR #bag*)",
        "a1 AND a2 AND a3 AND a4 AND a5 AND a6 AND a7 NOT bag",
        "a1 AND a2 AND a3 AND a4 AND a5 AND a6 AND a7 AND a8 "
        "NOT bag"};
    std::string yaml = "lists:\n  excluded: [bag, \"hand luggage\", suitcase*]\nrules:\n";
    for (std::size_t i = 0; i < queries.size(); ++i) {
        yaml += "  - id: n" + std::to_string(i) + "\n    query: " + yaml_single_quoted(queries[i]) +
                "\n";
    }
    RuleSetOptions reference_options;
    reference_options.reference_paths = true;
    auto indexed = load_ok(yaml);
    auto reference = load_ok(yaml, reference_options);
    const std::vector<std::string> words = {"lost",      "late",  "bag",
                                            "suitcases", "again", "hand",
                                            "luggage",   "#bags", "a1 a2 a3 a4 a5 a6 a7",
                                            "a8"};
    // Every pair and triple of the words in both orders: vetoes before and after the proof.
    std::vector<std::string> texts = {"", "lost", "lost late bag", "bag lost late"};
    for (const auto& a : words) {
        for (const auto& b : words) {
            texts.push_back(a + " " + b);
            for (const auto& c : words) texts.push_back(a + " " + b + " " + c);
        }
    }
    const std::size_t matched = expect_same_as_reference(*indexed, *reference, texts);
    CHECK(matched > 500);
    CHECK(indexed->evaluate(post_of("late again, lost")).rules ==
          std::vector<std::string>{"n0", "n1", "n4", "n6", "n7", "n10"});
    // The excluded word after the proof and before it.
    CHECK(indexed->evaluate(post_of("lost my bag, late")).rules ==
          std::vector<std::string>{"n7", "n9"});
    CHECK(indexed->evaluate(post_of("bag lost late")).rules ==
          std::vector<std::string>{"n7", "n9"});
    CHECK(indexed->evaluate(post_of("lost late")).rules ==
          std::vector<std::string>{"n0", "n1", "n4", "n6", "n7", "n9", "n10"});
}

TEST_CASE("RE2::Set sharding of regexes gives the same results as one set", "[ruleset]") {
    std::string yaml = "rules:\n";
    const int kRules = 130;
    for (int i = 0; i < kRules; ++i) {
        yaml += "  - id: r" + std::to_string(i) + "\n    query: 're:/x" + std::to_string(i) +
                "y\\d+/" + (i % 3 == 0 ? " OR word" + std::to_string(i) : std::string()) +
                (i % 7 == 0 ? " NEAR/2 other" : std::string()) + "'\n";
    }
    RuleSetOptions small;
    small.shard_size = 50;
    auto sharded = load_ok(yaml, small);
    auto single = load_ok(yaml, RuleSetOptions{});
    const auto sharded_stats = stats_of(*sharded);
    const auto default_stats = stats_of(*single);
    REQUIRE(sharded_stats);
    REQUIRE(default_stats);
    CHECK(default_stats->set_patterns == kRules);
    CHECK(default_stats->regex_sets == 1);
    CHECK(sharded_stats->regex_sets == 3);
    CHECK(sharded_stats->term_keys == default_stats->term_keys);
    for (int i = 0; i < kRules; i += 7) {
        const auto id = std::to_string(i);
        for (const auto& text :
             {"x" + id + "y12 other", "word" + id + " x", "x" + id + "y", "a x" + id + "y9 b"}) {
            const auto a = sharded->evaluate(post_of(text));
            const auto b = single->evaluate(post_of(text));
            INFO(text);
            CHECK(a.rules == b.rules);
        }
        const auto hit = sharded->evaluate(post_of("x" + id + "y12 other"));
        CHECK(std::find(hit.rules.begin(), hit.rules.end(), "r" + id) != hit.rules.end());
    }
    // The last shard is covered too.
    const auto last = std::to_string(kRules - 1);
    CHECK(sharded->evaluate(post_of("x" + last + "y7")).rules ==
          std::vector<std::string>{"r" + last});
    CHECK(sharded_stats->set_errors == 0);
}

TEST_CASE("a regex set that runs out of memory is counted and falls back to regex-by-regex",
          "[ruleset]") {
    std::string yaml = "rules:\n";
    for (int i = 0; i < 400; ++i) {
        yaml += "  - id: r" + std::to_string(i) + "\n    query: 're:/w" + std::to_string(i) +
                "a[bc]+/ NEAR/3 x" + std::to_string(i % 17) + "'\n";
    }
    yaml += "  - id: rx\n    query: 'w3* NEAR/1 x3'\n";
    RuleSetOptions failing;
    failing.shard_size = 150;
    failing.simulate_set_failure = true;
    auto result = load_rule_text("oom.yaml", yaml, failing);
    INFO(result.diagnostics.format_all());
    REQUIRE(result.rules);
    const auto& rules = *result.rules;
    std::string text;
    for (int i = 0; i < 400; i += 3)
        text += "w" + std::to_string(i) + "abc x" + std::to_string(i % 17) + " ";
    const auto verdict = rules.evaluate(post_of(text));
    const auto reference = load_ok(yaml)->evaluate(post_of(text));
    CHECK(verdict.rules == reference.rules);
    CHECK(verdict.why == reference.why);
    CHECK(verdict.rules.size() > 100);
    const auto stats = stats_of(rules);
    REQUIRE(stats);
    CHECK(stats->regex_sets == 3);
    CHECK(stats->set_errors == stats->regex_sets);
    CHECK(std::find(verdict.rules.begin(), verdict.rules.end(), "rx") != verdict.rules.end());
    (void)rules.evaluate(post_of("nothing here"));
    CHECK(stats_of(rules)->set_errors == 2 * stats->regex_sets);
}

TEST_CASE("broken UTF-8 in posts and rules does not crash", "[ruleset]") {
    auto rules = load_ok("rules:\n  - id: r\n    query: 'caf\xC3 OR bag'\n");
    (void)rules->evaluate(post_of("bag \xFF\xFE caf\xC3"));
    CHECK(rules->evaluate(post_of("bag \xFF\xFE")).matched);
    auto broken = load_rule_text("broken.yaml", "rules:\n  - id: \xFF\n    query: '\xC3('\n");
    CHECK_FALSE(broken.rules);
}

TEST_CASE("a seen term proves only rules that are that term or an OR of it", "[ruleset]") {
    // (Or an AND of such operands once every operand was seen: see the next test.)
    auto rules = load_ok(R"(
rules:
  - id: or-and
    query: 'alpha OR (beta AND gamma)'
  - id: or-when
    query: 'alpha OR beta'
    when: 'lang:nl'
  - id: term
    query: 'beta'
  - id: or-not
    query: 'delta OR (beta NOT gamma)'
  - id: near
    query: 'beta NEAR/1 gamma'
)");
    CHECK(rules->evaluate(post_of("beta", "en")).rules ==
          std::vector<std::string>{"term", "or-not"});
    CHECK(rules->evaluate(post_of("beta x x gamma", "en")).rules ==
          std::vector<std::string>{"or-and", "term"});
    CHECK(rules->evaluate(post_of("alpha", "nl")).rules ==
          std::vector<std::string>{"or-and", "or-when"});
    CHECK(rules->evaluate(post_of("alpha", "en")).rules == std::vector<std::string>{"or-and"});
    const auto verdict = rules->evaluate(post_of("delta gamma beta", "en"));
    CHECK(verdict.rules == std::vector<std::string>{"or-and", "term", "or-not", "near"});
    INFO(verdict.why);
    CHECK(verdict.why.starts_with(
        "or-and: beta, gamma; term: beta; or-not: delta; near: \"beta\" NEAR \"gamma\""));
}

TEST_CASE("a rule wakes only when every operand of its AND has a seen term", "[ruleset]") {
    // Each operand of a top-level AND or NEAR is a group; the rule is evaluated (or, for ANDs
    // of terms and ORs of terms, proven) only once every group has a seen term. Checked against
    // explicit expectations and against the reference, which evaluates every rule.
    const std::string yaml = R"(
rules:
  - id: and
    query: 'alpha AND beta'
  - id: nine
    query: 'alpha AND beta AND gamma AND delta AND eps AND zeta AND eta AND theta AND iota'
  - id: ors
    query: '(alpha OR beta) AND (gamma OR "delta eps")'
  - id: twice
    query: 'alpha AND (alpha OR omega)'
  - id: not
    query: 'alpha AND NOT beta'
  - id: when
    query: 'alpha AND beta'
    when: 'lang:nl'
  - id: near
    query: 'alpha AND (beta NEAR/1 gamma)'
  - id: regex
    query: 're:/gam+a/ AND alpha'
  - id: nested
    query: '(alpha AND (beta AND gamma)) OR omega'
  - id: mixed
    query: 'alpha AND (beta OR (gamma AND delta))'
)";
    RuleSetOptions reference_options;
    reference_options.reference_paths = true;
    const auto rules = load_ok(yaml);
    const auto reference = load_ok(yaml, reference_options);
    using Ids = std::vector<std::string>;
    const std::vector<std::tuple<std::string, std::string, Ids>> cases = {
        {"alpha", "en", {"twice", "not"}},
        {"beta", "en", {}},
        {"alpha beta", "en", {"and", "twice", "mixed"}},
        {"alpha beta", "nl", {"and", "twice", "when", "mixed"}},
        {"beta delta eps", "en", {"ors"}},
        {"beta delta", "en", {}},
        {"alpha beta gamma delta eps zeta eta theta",
         "en",
         {"and", "ors", "twice", "near", "regex", "nested", "mixed"}},
        {"alpha beta gamma delta eps zeta eta theta iota",
         "en",
         {"and", "nine", "ors", "twice", "near", "regex", "nested", "mixed"}},
        {"alpha beta x x gamma", "en", {"and", "ors", "twice", "regex", "nested", "mixed"}},
        // gamma wakes mixed's second group without proving it: evaluated, and false
        {"alpha gamma", "en", {"ors", "twice", "not", "regex"}},
        {"alpha gamma delta", "en", {"ors", "twice", "not", "regex", "mixed"}},
        {"alpha gammmma", "en", {"ors", "twice", "not", "regex"}},
        {"omega", "en", {"nested"}},
    };
    for (const auto& [text, lang, expected] : cases) {
        INFO(text << " (" << lang << ")");
        const auto verdict = rules->evaluate(post_of(text, lang));
        CHECK(verdict.rules == expected);
        const auto slow = reference->evaluate(post_of(text, lang));
        CHECK(verdict.rules == slow.rules);
        CHECK(verdict.why == slow.why);
    }
}

TEST_CASE("many candidate rules come out in load order", "[ruleset][order]") {
    // 200 rules, woken in an order unlike their load order: r<i> is woken by word w<199-i>
    // (listed first in the post) and must match only for even i; enough candidates for the
    // bitmap ordering, and a second smaller pack on the same thread's scratch between posts.
    std::string yaml = "rules:\n";
    std::string text;
    for (int i = 0; i < 200; ++i) {
        const std::string word = "w" + std::to_string(199 - i);
        yaml += "  - id: r" + std::to_string(i) + "\n    query: '" + word +
                (i % 2 == 0 ? " OR nothere" : " AND nothere") + "'\n";
    }
    for (int i = 0; i < 200; ++i) text += "w" + std::to_string(i) + " ";
    const auto big = load_ok(yaml);
    const auto small = load_ok("rules:\n  - id: a\n    query: w5\n  - id: b\n    query: w3\n");
    std::vector<std::string> expected;
    for (int i = 0; i < 200; i += 2) expected.push_back("r" + std::to_string(i));
    for (int round = 0; round < 3; ++round) {
        CHECK(big->evaluate(post_of(text)).rules == expected);
        CHECK(small->evaluate(post_of("w3 w5")).rules == std::vector<std::string>{"a", "b"});
        CHECK(big->evaluate(post_of("w199 w0")).rules == std::vector<std::string>{"r0"});
    }
}

TEST_CASE("every rule of a large pack can match one post, in load order", "[ruleset][order]") {
    // 4,200 rules, more than one word of the matched-word bitmap's top level (4,096 rules):
    // even ones match on sight of their word, odd ones need "both" too (woken, then
    // candidates). The words come in reverse order. Every rule matching one post fills the
    // match and candidate lists to the last slot.
    constexpr int kRules = 4200;
    std::string yaml = "rules:\n";
    for (int i = 0; i < kRules; ++i) {
        const std::string word = "w" + std::to_string(i);
        yaml += "  - id: r" + std::to_string(i) + "\n    query: '" + word +
                (i % 2 == 0 ? "'\n" : " AND both'\n");
    }
    const auto rules = load_ok(yaml);
    const auto words_of = [](const std::vector<int>& ids) {
        std::string text = "both";
        for (auto it = ids.rbegin(); it != ids.rend(); ++it) text += " w" + std::to_string(*it);
        return text;
    };
    const auto ids_of = [](const std::vector<int>& ids) {
        std::vector<std::string> out;
        for (int id : ids) out.push_back("r" + std::to_string(id));
        return out;
    };
    std::vector<int> all(kRules);
    for (int i = 0; i < kRules; ++i) all[static_cast<std::size_t>(i)] = i;
    const std::vector<int> edges = {0, 1, 63, 64, 65, 4095, 4096, 4097, 4199};
    for (int round = 0; round < 2; ++round) {
        CHECK(rules->evaluate(post_of(words_of(all))).rules == ids_of(all));
        CHECK(rules->evaluate(post_of(words_of(edges))).rules == ids_of(edges));
        CHECK(rules->evaluate(post_of(words_of({4097, 4096}))).rules == ids_of({4096, 4097}));
        CHECK(rules->evaluate(post_of(words_of({4199}))).rules == ids_of({4199}));
        CHECK(rules->evaluate(post_of("w4199")).rules.empty());  // odd: needs "both"
    }
}

TEST_CASE("posts in other languages than English and Dutch pass through unscored", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: bag
    query: 'koffer OR valise OR bag'
  - id: complaints
    query: 'complaint:true'
)");
    // Declared French with words the English lexicon knows ("horrible"): not scored.
    auto verdict = rules->evaluate(post_of("Valise perdue, service horrible, horrible!", "fr"));
    INFO(verdict.why);
    CHECK(verdict.lang == "fr");
    CHECK(verdict.rules == std::vector<std::string>{"bag"});
    CHECK(verdict.sentiment == 0.0);
    CHECK(verdict.polarity == Polarity::neutral);
    CHECK_FALSE(verdict.complaint);
    CHECK(verdict.complaint_score == 0.0);
    CHECK(verdict.why == "bag: valise; lang fr not scored (sentiment and complaint: en and nl)");

    // Detected German: the same.
    verdict = rules->evaluate(
        post_of("Mein Koffer ist nicht angekommen und ich bin sehr enttäuscht, horrible"));
    INFO(verdict.why);
    CHECK(verdict.lang == "de");
    CHECK(verdict.sentiment == 0.0);
    CHECK_FALSE(verdict.complaint);

    // English, Dutch and too-short-to-tell ("und", scored as English) are scored.
    for (const auto& [text, lang] : std::vector<std::pair<std::string, std::string>>{
             {"my bag is lost, horrible service", "en"},
             {"mijn koffer is kwijt, vreselijke service", "nl"},
             {"bag lost. horrible!", ""}}) {
        verdict = rules->evaluate(post_of(text, lang));
        INFO(text << " -> " << verdict.why);
        CHECK(verdict.complaint);
        CHECK(verdict.polarity == Polarity::negative);
        CHECK(verdict.rules == std::vector<std::string>{"bag", "complaints"});
    }
}

TEST_CASE("why names a NEAR match by its words without the punctuation between them", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: late-bag
    query: '"never arrived" NEAR/3 (bag OR suitcase*)'
)");
    const auto verdict =
        rules->evaluate(post_of("It NEVER... arrived!! My Suitcases, again", "en"));
    CHECK(verdict.rules == std::vector<std::string>{"late-bag"});
    CHECK(verdict.why.starts_with("late-bag: \"never arrived\" NEAR \"suitcases\"; "));
}

TEST_CASE("why names each rule's terms as that rule writes them", "[ruleset]") {
    auto rules = load_ok(R"(
rules:
  - id: shop
    query: '"Marks & Spencer" OR Refund'
  - id: other
    query: '"marks spencer" OR refund'
)");
    const auto verdict =
        rules->evaluate(post_of("Refund from marks and spencer? No: Marks & Spencer", "en"));
    CHECK(verdict.rules == std::vector<std::string>{"shop", "other"});
    CHECK(verdict.why.starts_with(
        "shop: \"Marks & Spencer\", Refund; other: \"marks spencer\", refund; "));
}

TEST_CASE("rules with names or ids longer than a rule card holds still explain themselves",
          "[ruleset]") {
    // A rule's card keeps its names within 64 KiB; past that the rule walks its nodes instead.
    std::string words;
    std::vector<std::string> long_words;
    for (int k = 0; k < 40; ++k) {
        long_words.push_back("w" + std::to_string(k) + std::string(2000, 'x'));
        words += (k == 0 ? "" : " OR ") + long_words.back();
    }
    const std::string long_id = "id-" + std::string(70000, 'i');
    const std::string yaml = "rules:\n  - id: long-names\n    query: '" + words +
                             "'\n  - id: " + long_id + "\n    query: 'refund OR money'\n" +
                             "  - id: after\n    query: 'refund OR " + long_words[9] + "'\n";
    RuleSetOptions reference_options;
    reference_options.reference_paths = true;
    auto rules = load_ok(yaml);
    auto reference = load_ok(yaml, reference_options);
    const auto post = post_of("my " + long_words[5] + " and " + long_words[9] + " refund", "en");
    const auto verdict = rules->evaluate(post);
    CHECK(verdict.rules == std::vector<std::string>{"long-names", long_id, "after"});
    CHECK(verdict.why.starts_with("long-names: " + long_words[5] + ", " + long_words[9] + "; " +
                                  long_id + ": refund; after: refund, " + long_words[9] + "; "));
    CHECK(verdict.why == reference->evaluate(post).why);
}

TEST_CASE("\"a b\"~N matches as a NEAR/N b, in any order", "[ruleset]") {
    CHECK(matches("\"suitcase lost\"~3", "suitcase was totally lost"));
    CHECK_FALSE(matches("\"suitcase lost\"~2", "suitcase was totally lost"));
    CHECK(matches("\"suitcase lost\"~2", "they lost my suitcase"));
    CHECK(matches("\"koffer kwijt\"~4", "Mijn KOFFER is nog steeds kwijt!"));
    CHECK_FALSE(
        matches("\"koffer kwijt\"~4", "koffer is gisteren aangekomen maar mijn tas is nog kwijt"));
    CHECK(matches("\"bag never arrived\"~3", "my bag has never arrived"));
    // The ~N is no word of the post: "5" is not required.
    CHECK(matches("\"lost bag\"~5", "lost my bag"));
}

TEST_CASE("a list item with a proximity is an error at the '~'", "[ruleset]") {
    auto result = load_rule_text("test.yaml",
                                 "lists:\n  bags: ['\"lost bag\"~5', suitcase]\n"
                                 "rules:\n  - id: r\n    query: '$bags'\n");
    CHECK_FALSE(result.rules);
    const auto text = result.diagnostics.format_all();
    INFO(text);
    CHECK_THAT(text, Catch::Contains("test.yaml:2:21: error: a list item cannot hold a proximity"));
}
