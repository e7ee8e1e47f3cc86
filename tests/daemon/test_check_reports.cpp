#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>

#include "daemon/check_reports.hpp"

using namespace spreekbuis;

TEST_CASE("check report: every diagnostic as JSON with its position", "[cli][report]") {
    rules::Diagnostics diagnostics;
    diagnostics.error(rules::SourcePos{"rules/a.yaml", 3, 20}, "unknown field 'lnag'",
                      "did you mean 'lang:'?", "    query: 'refund lnag:nl'");
    diagnostics.warning(rules::SourcePos{"rules/\"odd\".yaml", 2, 3},
                        "list '$spare' is not used by any rule\n(second line)");
    daemon::CheckSummary summary;
    summary.rules = 7;
    summary.tests_passed = 5;
    summary.tests_skipped = 1;
    const auto text = daemon::check_report_json(diagnostics, summary);
    REQUIRE(text.ends_with("}\n"));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    CHECK(doc["ok"].get_bool().value() == false);
    CHECK(doc["errors"].get_int64().value() == 1);
    CHECK(doc["warnings"].get_int64().value() == 1);
    CHECK(doc["rules"].get_int64().value() == 7);
    CHECK(doc["tests_passed"].get_int64().value() == 5);
    CHECK(doc["tests_skipped"].get_int64().value() == 1);
    auto items = doc["diagnostics"].get_array().value();
    REQUIRE(items.size() == 2);
    auto first = items.at(0).value();
    CHECK(first["severity"].get_string().value() == "error");
    CHECK(first["file"].get_string().value() == "rules/a.yaml");
    CHECK(first["line"].get_int64().value() == 3);
    CHECK(first["column"].get_int64().value() == 20);
    CHECK(first["message"].get_string().value() == "unknown field 'lnag'");
    CHECK(first["hint"].get_string().value() == "did you mean 'lang:'?");
    CHECK(first["source_line"].get_string().value() == "    query: 'refund lnag:nl'");
    auto second = items.at(1).value();
    CHECK(second["severity"].get_string().value() == "warning");
    CHECK(second["file"].get_string().value() == "rules/\"odd\".yaml");
    CHECK(second["message"].get_string().value() ==
          "list '$spare' is not used by any rule\n(second line)");
}

TEST_CASE("junit report: suites by file, failures and skips, text XML can carry", "[cli][report]") {
    std::vector<rules::RuleTestOutcome> outcomes(4);
    outcomes[0] = {
        rules::SourcePos{"rules/a.yaml", 9, 11}, "bag", "bag: where is my bag", true, false, ""};
    outcomes[1] = {rules::SourcePos{"rules/a.yaml", 12, 11},
                   "bag",
                   "bag: <b>&\"quoted\" 'x'\x01\xff",
                   false,
                   false,
                   "expected rule 'bag' to match, but it did not: no bag"};
    outcomes[2] = {rules::SourcePos{"rules/b.yaml", 4, 11},
                   "off",
                   "off: koffer",
                   true,
                   true,
                   "rule off is switched off"};
    outcomes[3] = {rules::SourcePos{"rules/a.yaml", 15, 11}, "bag2", "bag2: tas", true, false, ""};
    const auto xml = daemon::junit_report(outcomes);
    INFO(xml);
    CHECK(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<testsuites name=\"spreekbuis rule tests\" tests=\"4\" "
                        "failures=\"1\" skipped=\"1\">\n"));
    // Files in order of first appearance, each with its own counts.
    const auto a = xml.find(
        "<testsuite name=\"rules/a.yaml\" tests=\"3\" failures=\"1\" "
        "skipped=\"0\">");
    const auto b = xml.find(
        "<testsuite name=\"rules/b.yaml\" tests=\"1\" failures=\"0\" "
        "skipped=\"1\">");
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    CHECK(a < b);
    CHECK(xml.find("<testcase classname=\"bag2\" name=\"bag2: tas\" file=\"rules/a.yaml\" "
                   "line=\"15\"/>") < b);
    CHECK(xml.find("name=\"bag: &lt;b&gt;&amp;&quot;quoted&quot; &apos;x&apos;\xEF\xBF\xBD"
                   "\xEF\xBF\xBD\"") != std::string::npos);
    CHECK(xml.find("<failure message=\"expected rule &apos;bag&apos; to match, but it did not: "
                   "no bag\">rules/a.yaml:12:11: expected") != std::string::npos);
    CHECK(xml.find("<skipped message=\"rule off is switched off\"/>") != std::string::npos);
    CHECK(xml.find('\x01') == std::string::npos);
    CHECK(xml.find("\xff") == std::string::npos);
    CHECK(xml.ends_with("  </testsuite>\n</testsuites>\n"));
}
