#include <catch2/catch.hpp>

#include "daemon/decision_record.hpp"

using namespace spreekbuis;

TEST_CASE("decision record has every field of the contract, in order", "[record]") {
    rules::Post post;
    post.id = "p1";
    rules::Verdict verdict;
    verdict.matched = true;
    verdict.complaint = true;
    verdict.rules = {"baggage-lost", "brand"};
    verdict.topic = "baggage";
    verdict.priority = rules::Priority::high;
    verdict.sentiment = -0.61234;
    verdict.polarity = rules::Polarity::negative;
    verdict.lang = "nl";
    verdict.why = "baggage-lost: \"koffer\" NEAR \"kwijt\"";
    daemon::Assignment assignment{"baggage", "anna", "skill baggage, speaks nl", std::nullopt};
    CHECK(daemon::decision_record_json(post, verdict, assignment) ==
          R"({"post_id":"p1","matched":true,"complaint":true,"rules":["baggage-lost","brand"],)"
          R"("topic":"baggage","priority":"high","sentiment":-0.6123,"polarity":"negative",)"
          R"("lang":"nl","team":"baggage","assignee":"anna",)"
          R"("why":"baggage-lost: \"koffer\" NEAR \"kwijt\"; skill baggage, speaks nl"})");
}

TEST_CASE("decision record of an unmatched post uses nulls", "[record]") {
    rules::Post post;
    post.id = "p2";
    rules::Verdict verdict;
    verdict.sentiment = 3.0;  // out of range input is clamped to the contract's -1..1
    CHECK(daemon::decision_record_json(post, verdict, {}) ==
          R"({"post_id":"p2","matched":false,"complaint":false,"rules":[],"topic":null,)"
          R"("priority":null,"sentiment":1.0,"polarity":"neutral","lang":"und","team":null,)"
          R"("assignee":null,"why":""})");
}
