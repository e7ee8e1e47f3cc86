// The X stream rule syntax check: what X would refuse is an error at its byte, likely mistakes
// are warnings, and rules X accepts (the documentation's own examples) pass clean.
#include <catch2/catch.hpp>

#include "connectors/sources/x_rule_syntax.hpp"
#include "connectors/sources/x_stream.hpp"
#include "tests/connectors/sources/plugin_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

std::string describe(const std::vector<XRuleProblem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        out += std::to_string(p.offset) + (p.error ? " error: " : " warning: ") + p.message + "\n";
    }
    return out;
}

// The one problem of `rule`, as "offset error|warning: message".
std::string only_problem(const std::string& rule) {
    const auto problems = check_x_rule_syntax(rule);
    INFO(rule << "\n" << describe(problems));
    REQUIRE(problems.size() == 1);
    return describe(problems);
}

}  // namespace

TEST_CASE("x rule syntax: rules X accepts pass clean", "[x][x-rules]") {
    for (const char* rule :
         {"#xapiv2", "\"X data\" has:mentions (has:media OR has:links)", "@zeevlucht -is:retweet",
          "(snow day) OR (#NoSchool has:images)", "skiing -snow -day -noschool",
          "\"social media\"~5 OR \"API\"~3", "pepsi OR cola OR \"coca cola\"",
          "from:XDevelopers OR from:API", "url:\"https://developer.x.com\" -is:nullcast",
          "$twtr OR @XDevelopers -$fb", "koffer kwijt lang:nl sample:10",
          "point_radius:[4.9 52.37 10km] vertraging", "(kittens OR puppies) has:media",
          "#zeevlucht lang:nl", "https://zeevlucht.nl",
          "\"lost bag\" (@zeevlucht OR @zeevlucht_help) -is:retweet -is:reply"}) {
        const auto problems = check_x_rule_syntax(rule);
        INFO(rule << "\n" << describe(problems));
        CHECK(problems.empty());
    }
}

TEST_CASE("x rule syntax: what X refuses is an error at its byte", "[x][x-rules]") {
    CHECK(only_problem("(@a OR @b") == "0 error: a '(' that is never closed\n");
    CHECK(only_problem("@a OR @b)") == "8 error: a ')' without its '('\n");
    CHECK(only_problem("@a () lost") == "3 error: an empty group\n");
    CHECK(only_problem("@a \"lost bag") == "3 error: a quote that is never closed\n");
    CHECK(only_problem("@a OR") == "3 error: OR needs a term on each side\n");
    CHECK(only_problem("OR @a") == "0 error: OR needs a term on each side\n");
    CHECK(only_problem("@a OR OR @b") == "3 error: OR needs a term on each side\n");
    CHECK(only_problem("(@a OR) @b") == "4 error: OR needs a term on each side\n");
    CHECK(only_problem("\"lost bag\"~7 @a") == "10 error: a proximity needs ~1 to ~6\n");
    CHECK(only_problem("@a is:nullcast") == "3 error: is:nullcast is only allowed negated\n");
    CHECK(only_problem("@a -sample:10") == "3 error: sample: cannot be negated\n");
    CHECK(only_problem("@a sample:0") == "10 error: sample: takes a percentage from 1 to 100\n");
    CHECK(only_problem("url:\"https://x.com @a") == "4 error: a quote that is never closed\n");
    // Only conjunction-required operators, or only negated terms: X has nothing to start from.
    for (const char* rule : {"has:media", "has:links OR is:retweet", "lang:nl -is:retweet",
                             "-@zeevlucht", "-\"lost bag\" has:images"}) {
        const auto problems = check_x_rule_syntax(rule);
        INFO(rule << "\n" << describe(problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].error);
        CHECK(problems[0].offset == 0);
        CHECK_THAT(problems[0].message, Catch::Contains("without a standalone term"));
    }
}

TEST_CASE("x rule syntax: likely mistakes are warnings with a did-you-mean", "[x][x-rules]") {
    // X's current pages say not to negate a group; older ones allowed it.
    CHECK(only_problem("skiing -(snow OR day)") ==
          "7 warning: X's documentation says not to negate a group\n");
    CHECK(only_problem("@a or @b") == "3 warning: 'or' is matched as a word\n");
    CHECK(only_problem("@a AND @b") == "3 warning: 'AND' is matched as a word\n");
    CHECK(only_problem("@a NOT @b") == "3 warning: 'NOT' is matched as a word\n");
    CHECK(only_problem("@a lang:dutch") ==
          "8 warning: lang: takes a language code, such as nl or en\n");
    auto problems = check_x_rule_syntax("@a is:retweets");
    REQUIRE(problems.size() == 1);
    CHECK_FALSE(problems[0].error);
    CHECK(problems[0].offset == 6);
    CHECK(problems[0].hint == "did you mean retweet?");
    problems = check_x_rule_syntax("@a -has:link");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].hint == "did you mean links?");
    problems = check_x_rule_syntax("form:zeevlucht");
    REQUIRE(problems.size() == 1);
    CHECK_FALSE(problems[0].error);
    CHECK(problems[0].message == "X has no operator 'form:'");
    CHECK(problems[0].hint == "did you mean from:?");
}

TEST_CASE("x rule syntax: hostile input ends, whatever the bytes", "[x][x-rules]") {
    for (const std::string& rule :
         {std::string("-"), std::string("-("), std::string("(((("), std::string("))))"),
          std::string("\""), std::string("a:\""), std::string("a:["), std::string("~"),
          std::string("\"\"~"), std::string("\"\"~99999999999"), std::string("\xff\xfe:\x01"),
          std::string(3000, '('), std::string("is:"), std::string(":x")}) {
        const auto problems = check_x_rule_syntax(rule);
        for (const auto& p : problems) CHECK(p.offset <= rule.size());
    }
}

TEST_CASE("x settings: a rule X would refuse is an error at its line and column",
          "[x][x-rules][settings]") {
    auto p = test::read_plugin_settings<XStreamSettings>(
        "name: twitter\ntype: x\nbearer_token: t\nrules:\n"
        "  - '@zeevlucht -is:retweet'\n"
        "  - value: '\"lost bag\" (koffer OR tas'\n    tag: bags\n",
        "twitter", "x", read_x_stream_settings);
    INFO(p.text());
    CHECK_FALSE(p.settings);
    // Line 6: `  - value: '"lost bag" (koffer OR tas'`, the value's first byte at column 13.
    CHECK_THAT(p.text(), Catch::Contains("spreekbuis.yaml:6:24: error: x stream rule: a '(' that "
                                         "is never closed"));

    p = test::read_plugin_settings<XStreamSettings>(
        "name: twitter\ntype: x\nbearer_token: t\nrules:\n  - '@zeevlucht or @zeevlucht_help'\n",
        "twitter", "x", read_x_stream_settings);
    INFO(p.text());
    REQUIRE(p.settings);  // a warning only: the rule is kept
    REQUIRE(p.settings->rules);
    CHECK(p.settings->rules->size() == 1);
    CHECK_THAT(p.text(), Catch::Contains("spreekbuis.yaml:5:17: warning: x stream rule: 'or' is "
                                         "matched as a word"));
}
