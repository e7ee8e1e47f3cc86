#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "daemon/prometheus.hpp"
#include "daemon/rule_hits.hpp"

using namespace spreekbuis;

namespace {

rules::Verdict verdict_of(std::vector<std::string> ids) {
    rules::Verdict verdict;
    verdict.matched = !ids.empty();
    verdict.rules = std::move(ids);
    return verdict;
}

}  // namespace

TEST_CASE("rule hits count each rule's matches and list silent rules in load order",
          "[rule_hits]") {
    daemon::RuleHits hits;
    hits.set_rules({"baggage", "refund", "never"});
    hits.count({verdict_of({"baggage", "refund"}), verdict_of({"refund"}), verdict_of({})});
    hits.count({verdict_of({"refund"})});
    const auto snapshot = hits.snapshot();
    REQUIRE(snapshot.size() == 3);
    CHECK(snapshot[0].rule == "baggage");
    CHECK(snapshot[0].matches == 1);
    CHECK(snapshot[1].rule == "refund");
    CHECK(snapshot[1].matches == 3);
    CHECK(snapshot[2].rule == "never");
    CHECK(snapshot[2].matches == 0);

    const auto table = daemon::format_rule_hits(snapshot, 4);
    INFO(table);
    CHECK(table.find("      1  25.0%  baggage\n") != std::string::npos);
    CHECK(table.find("      3  75.0%  refund\n") != std::string::npos);
    CHECK(table.find("      0   0.0%  never\n") != std::string::npos);
    CHECK(table.find("1 of 3 rules never matched") != std::string::npos);
}

TEST_CASE("rule hits survive a reload; removed rules keep their count", "[rule_hits]") {
    daemon::RuleHits hits;
    hits.set_rules({"a", "b", "c"});
    hits.count({verdict_of({"a", "b"}), verdict_of({"b"})});
    hits.set_rules({"d", "b"});  // a and c removed, d added, b kept and moved
    // A batch decided by the old rules just before the reload still counts.
    hits.count({verdict_of({"a"}), verdict_of({"b", "d"})});
    const auto snapshot = hits.snapshot();
    REQUIRE(snapshot.size() == 3);  // c never matched and is gone: not listed
    CHECK(snapshot[0].rule == "d");
    CHECK(snapshot[0].matches == 1);
    CHECK(snapshot[0].loaded);
    CHECK(snapshot[1].rule == "b");
    CHECK(snapshot[1].matches == 3);
    CHECK(snapshot[2].rule == "a");
    CHECK(snapshot[2].matches == 2);
    CHECK_FALSE(snapshot[2].loaded);
    const auto table = daemon::format_rule_hits(snapshot, 4);
    CHECK(table.find("a  (no longer loaded)") != std::string::npos);
    CHECK(table.find("0 of 2 rules never matched") != std::string::npos);
}

TEST_CASE("rule hits in the Prometheus text format", "[rule_hits]") {
    daemon::RuleHits hits;
    hits.set_rules({"refund", "odd\"id\\x"});
    hits.count({verdict_of({"refund"}), verdict_of({"refund"})});
    const auto text = hits.prometheus();
    INFO(text);
    CHECK(text.find("# TYPE spreekbuis_rule_matches_total counter\n") != std::string::npos);
    CHECK(text.find("spreekbuis_rule_matches_total{rule=\"refund\"} 2\n") != std::string::npos);
    CHECK(text.find("spreekbuis_rule_matches_total{rule=\"odd\\\"id\\\\x\"} 0\n") !=
          std::string::npos);
    CHECK(daemon::prometheus_label("a\nb") == "a\\nb");
}
