// X stream rules kept from the configuration: the plan (what to add and delete), the JSON of
// the rules endpoint, and the `rules:` settings with their file:line:col errors.
#include <catch2/catch.hpp>

#include "connectors/sources/x_rules.hpp"
#include "connectors/sources/x_stream.hpp"
#include "tests/connectors/sources/plugin_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

XRule rule(std::string value, std::string tag = "", std::string id = "") {
    XRule r;
    r.value = std::move(value);
    r.tag = std::move(tag);
    r.id = std::move(id);
    return r;
}

std::vector<std::string> values(const std::vector<XRule>& rules) {
    std::vector<std::string> out;
    for (const auto& r : rules) out.push_back(r.value + "|" + r.tag);
    return out;
}

test::ParsedSettings<XStreamSettings> read_settings(const std::string& yaml) {
    return test::read_plugin_settings<XStreamSettings>(yaml, "twitter", "x",
                                                       read_x_stream_settings);
}

}  // namespace

TEST_CASE("x rules: add what is missing, replace a changed tag, leave or delete the rest",
          "[x][x-rules]") {
    const std::vector<XRule> on_x = {rule("@zeevlucht", "brand", "1"),
                                     rule("#zeevlucht", "old-tag", "2"),
                                     rule("@someone_else", "theirs", "3")};
    const std::vector<XRule> configured = {rule("@zeevlucht", "brand"),
                                           rule("#zeevlucht", "hashtag"),
                                           rule("zeevlucht koffer lang:nl")};

    const auto add = plan_x_rules(on_x, configured, XRulesMode::add);
    CHECK(add.kept == 1);
    CHECK(add.left_alone == 1);
    CHECK(add.delete_ids == std::vector<std::string>{"2"});  // tags cannot change in place
    CHECK(values(add.add) ==
          std::vector<std::string>{"#zeevlucht|hashtag", "zeevlucht koffer lang:nl|"});

    const auto sync = plan_x_rules(on_x, configured, XRulesMode::sync);
    CHECK(sync.kept == 1);
    CHECK(sync.left_alone == 0);
    CHECK(sync.delete_ids == std::vector<std::string>{"2", "3"});
    CHECK(sync.add.size() == 2);

    // Already in place: nothing to do. Sync with no rules configured: delete everything.
    const auto same = plan_x_rules({rule("@a", "", "9")}, {rule("@a")}, XRulesMode::sync);
    CHECK(same.kept == 1);
    CHECK(same.add.empty());
    CHECK(same.delete_ids.empty());
    const auto none = plan_x_rules(on_x, {}, XRulesMode::sync);
    CHECK(none.delete_ids.size() == 3);
    // A value X holds twice (set up by hand) keeps one copy.
    const auto twice =
        plan_x_rules({rule("@a", "", "1"), rule("@a", "", "2")}, {rule("@a")}, XRulesMode::add);
    CHECK(twice.kept == 1);
    CHECK(twice.delete_ids == std::vector<std::string>{"2"});
}

TEST_CASE("x rules: the JSON of the rules endpoint", "[x][x-rules]") {
    std::string error;
    const auto listed = decode_x_rules_list(
        R"({"data":[{"id":"1","value":"@zeevlucht","tag":"brand"},{"id":"2","value":"x"}],)"
        R"("meta":{"sent":"2026-11-24T10:00:00.000Z","result_count":2}})",
        error);
    REQUIRE(listed);
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].id == "1");
    CHECK((*listed)[0].tag == "brand");
    CHECK((*listed)[1].tag.empty());
    const auto empty = decode_x_rules_list(R"({"meta":{"result_count":0}})", error);
    REQUIRE(empty);
    CHECK(empty->empty());
    CHECK_FALSE(decode_x_rules_list("<html>", error));
    CHECK_THAT(error, Catch::Contains("not JSON"));
    CHECK_FALSE(decode_x_rules_list(R"({"data":{"id":"1"}})", error));
    CHECK_THAT(error, Catch::Contains("not an array"));
    CHECK_FALSE(decode_x_rules_list(R"({"data":[{"id":1,"value":"x"}]})", error));
    CHECK_FALSE(decode_x_rules_list(R"([1,2])", error));

    CHECK(encode_x_rules_add({rule("@zeevlucht \"koffer\"", "brand"), rule("#zv")}) ==
          R"({"add":[{"value":"@zeevlucht \"koffer\"","tag":"brand"},{"value":"#zv"}]})");
    CHECK(encode_x_rules_delete({"1", "2"}) == R"({"delete":{"ids":["1","2"]}})");

    const auto change = decode_x_rules_change(
        R"({"data":[{"value":"#zv","id":"77"}],"meta":{"summary":{"created":1,"not_created":1,)"
        R"("valid":1,"invalid":1}},"errors":[{"value":"koffer (","details":["Rules must )"
        R"(contain a non-stop word.","Unbalanced parentheses."],"title":"UnprocessableEntity",)"
        R"("type":"https://api.x.com/2/problems/invalid-rules"}]})",
        error);
    REQUIRE(change);
    REQUIRE(change->created.size() == 1);
    CHECK(change->created[0].id == "77");
    REQUIRE(change->refused.size() == 1);
    CHECK(change->refused[0].value == "koffer (");
    CHECK(change->refused[0].why ==
          "UnprocessableEntity: Rules must contain a non-stop word.: Unbalanced parentheses.");
    const auto deleted =
        decode_x_rules_change(R"({"meta":{"summary":{"deleted":2,"not_deleted":0}}})", error);
    REQUIRE(deleted);
    CHECK(deleted->deleted == 2);
    CHECK_FALSE(decode_x_rules_change("", error));

    CHECK(x_rules_target("/2/tweets/search/stream") == "/2/tweets/search/stream/rules");
    CHECK(x_rules_target("/2/tweets/search/stream/?backfill_minutes=2") ==
          "/2/tweets/search/stream/rules");
}

TEST_CASE("x settings: rules as strings or maps, and rules_mode", "[x][x-rules][settings]") {
    auto p = read_settings(
        "name: twitter\ntype: x\nbearer_token: t\nrules_mode: sync\nrules:\n"
        "  - '@zeevlucht -is:retweet'\n"
        "  - value: '#zeevlucht lang:nl'\n    tag: hashtag-nl\n");
    INFO(p.text());
    REQUIRE(p.settings);
    CHECK(p.diagnostics.empty());
    REQUIRE(p.settings->rules);
    REQUIRE(p.settings->rules->size() == 2);
    CHECK((*p.settings->rules)[0].value == "@zeevlucht -is:retweet");
    CHECK((*p.settings->rules)[0].tag.empty());
    CHECK((*p.settings->rules)[0].pos.line == 6);
    CHECK((*p.settings->rules)[1].tag == "hashtag-nl");
    CHECK(p.settings->rules_mode == XRulesMode::sync);

    p = read_settings("name: twitter\ntype: x\nbearer_token: t\n");
    REQUIRE(p.settings);
    CHECK_FALSE(p.settings->rules);  // left to X's side
    CHECK(p.settings->rules_mode == XRulesMode::add);

    // A rule past the pay-per-use length is a warning, not an error.
    p = read_settings("name: twitter\ntype: x\nbearer_token: t\nrules:\n  - '" +
                      std::string(1100, 'a') + "'\n");
    REQUIRE(p.settings);
    CHECK_THAT(p.text(), Catch::Contains("spreekbuis.yaml:5:5: warning: an x stream rule longer "
                                         "than 1024 bytes needs Enterprise access"));
}

TEST_CASE("x settings: rule mistakes point at file:line:col", "[x][x-rules][settings]") {
    const auto error_of = [](const std::string& tail) {
        auto p = read_settings("name: twitter\ntype: x\nbearer_token: t\n" + tail);
        CHECK_FALSE(p.settings);
        return p.text();
    };
    CHECK_THAT(error_of("rules: '@zeevlucht'\n"),
               Catch::Contains("spreekbuis.yaml:4:8: error: rules must be a list of rules"));
    CHECK_THAT(error_of("rules:\n  - value: '@a'\n    tga: b\n"),
               Catch::Contains("spreekbuis.yaml:6:5: error: unknown key 'tga'") &&
                   Catch::Contains("did you mean 'tag'"));
    CHECK_THAT(error_of("rules:\n  - tag: b\n"),
               Catch::Contains("spreekbuis.yaml:5:5: error: an x stream rule needs a value"));
    CHECK_THAT(error_of("rules:\n  - '  '\n"),
               Catch::Contains("spreekbuis.yaml:5:5: error: an x stream rule must not be empty"));
    CHECK_THAT(error_of("rules:\n  - '@a'\n  - '@b'\n  - '@a'\n"),
               Catch::Contains("spreekbuis.yaml:7:5: error: the same x stream rule twice (first "
                               "at line 5)"));
    CHECK_THAT(error_of("rules:\n  - \"@a\\tb\"\n"),
               Catch::Contains("spreekbuis.yaml:5:5: error: an x stream rule holds a control"));
    CHECK_THAT(error_of("rules:\n  - '" + std::string(2049, 'a') + "'\n"),
               Catch::Contains("spreekbuis.yaml:5:5: error: an x stream rule is 2049 bytes"));
    CHECK_THAT(error_of("rules: ['@a']\nrules_mode: mirror\n"),
               Catch::Contains("spreekbuis.yaml:5:13: error: rules_mode must be add or sync"));
    CHECK_THAT(error_of("rules_mode: sync\n"),
               Catch::Contains("spreekbuis.yaml:4:13: error: rules_mode without rules"));
}
