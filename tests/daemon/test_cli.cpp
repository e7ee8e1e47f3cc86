#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/cli.hpp"
#include "daemon/daemon.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/router_setup.hpp"
#include "daemon/setup.hpp"
#include "daemon/state_db.hpp"
#include "daemon_workspace.hpp"

using namespace spreekbuis;
using spreekbuis::testing::add_people;
using spreekbuis::testing::Captured;
using spreekbuis::testing::read_all;
using spreekbuis::testing::run;
using spreekbuis::testing::Workspace;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    for (char c : text) {
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line.push_back(c);
        }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("cli: usage errors exit 2, help and version exit 0", "[cli]") {
    CHECK(run({}).code == daemon::kExitUsage);
    CHECK(run({"frobnicate"}).code == daemon::kExitUsage);
    CHECK(run({"replay", "--config"}).code == daemon::kExitUsage);
    CHECK(run({"replay", "--config", "x.yaml"}).code == daemon::kExitUsage);  // no --input
    CHECK(run({"check", "--bogus"}).code == daemon::kExitUsage);
    auto help = run({"replay", "--help"});
    CHECK(help.code == daemon::kExitOk);
    CHECK(help.out.find("--summary") != std::string::npos);
    for (const char* command : {"run", "check", "test", "explain", "version"}) {
        CHECK(run({command, "--help"}).code == daemon::kExitOk);
    }
    auto version = run({"version"});
    CHECK(version.code == 0);
    CHECK(version.out.rfind("spreekbuis ", 0) == 0);
}

TEST_CASE("cli: replay prints one valid decision record per post, in order", "[cli]") {
    Workspace ws;
    ws.write("posts.jsonl",
             "{\"id\":\"a\",\"text\":\"My suitcase is gone\",\"lang\":\"en\"}\n"
             "this is not json\n"
             "\n"
             "{\"id\":\"b\",\"text\":\"Lovely flight\"}\n"
             "{\"text\":\"no id\"}\n"
             "{\"id\":\"c\",\"text\":\"Mijn KOFFER!\",\"lang\":\"nl\"}\n");
    auto result =
        run({"replay", "--config", ws.path("spreekbuis.yaml"), "--input", ws.path("posts.jsonl")});
    REQUIRE(result.code == daemon::kExitOk);
    const auto records = lines_of(result.out);
    REQUIRE(records.size() == 3);
    simdjson::dom::parser parser;
    const char* ids[] = {"a", "b", "c"};
    const bool matched[] = {true, false, true};
    for (std::size_t i = 0; i < records.size(); ++i) {
        simdjson::dom::element record;
        REQUIRE(parser.parse(records[i]).get(record) == simdjson::SUCCESS);
        CHECK(std::string_view(record["post_id"]) == ids[i]);
        CHECK(bool(record["matched"]) == matched[i]);
        for (const char* key : {"complaint", "rules", "topic", "priority", "sentiment", "polarity",
                                "lang", "team", "assignee", "why"}) {
            INFO(key);
            CHECK(record[key].error() == simdjson::SUCCESS);
        }
    }
    simdjson::dom::element first;
    REQUIRE(parser.parse(records[0]).get(first) == simdjson::SUCCESS);
    CHECK(std::string_view(first["topic"]) == "baggage");
    CHECK(std::string_view(first["priority"]) == "high");
    // Bad lines are reported with their line numbers and skipped.
    CHECK(result.err.find("posts.jsonl:2: error:") != std::string::npos);
    CHECK(result.err.find("posts.jsonl:5: error: missing required field 'id'") !=
          std::string::npos);
}

TEST_CASE("cli: replay --summary prints totals and throughput only on stderr", "[cli]") {
    Workspace ws;
    ws.write("posts.jsonl",
             "{\"id\":\"a\",\"text\":\"suitcase\"}\n{\"id\":\"b\",\"text\":\"hi\"}\n");
    auto result = run({"replay", "--config", ws.path("spreekbuis.yaml"), "--input",
                       ws.path("posts.jsonl"), "--summary"});
    CHECK(result.code == 0);
    CHECK(result.out.empty());
    CHECK(result.err.find("posts: 2") != std::string::npos);
    CHECK(result.err.find("matched: 1") != std::string::npos);
    CHECK(result.err.find("posts/s") != std::string::npos);
    CHECK(result.err.find("MB/s") != std::string::npos);
}

TEST_CASE("cli: replay --rule-hits prints each rule's matches on stderr", "[cli]") {
    Workspace ws;
    ws.write("posts.jsonl",
             "{\"id\":\"a\",\"text\":\"suitcase\"}\n{\"id\":\"b\",\"text\":\"hi\"}\n"
             "{\"id\":\"c\",\"text\":\"my suitcase again\"}\n");
    auto result = run({"replay", "--config", ws.path("spreekbuis.yaml"), "--input",
                       ws.path("posts.jsonl"), "--summary", "--rule-hits"});
    CHECK(result.code == 0);
    INFO(result.err);
    CHECK(result.err.find("posts: 3") != std::string::npos);
    CHECK(result.err.find("      2  66.7%  lost-bag\n") != std::string::npos);
    CHECK(result.err.find("0 of 1 rules never matched") != std::string::npos);

    auto misplaced = run({"check", "--config", ws.path("spreekbuis.yaml"), "--rule-hits"});
    CHECK(misplaced.code == daemon::kExitUsage);
    CHECK(misplaced.err.find("belongs to 'replay'") != std::string::npos);
}

TEST_CASE("cli: explain prints the verdict and what near-miss rules lacked", "[cli]") {
    Workspace ws;
    ws.write("rules/more.yaml",
             "rules:\n"
             "  - id: damaged-bag\n"
             "    query: '(suitcase OR koffer) NEAR/2 (broken OR kapot)'\n"
             "    when: 'lang:nl'\n"
             "    topic: damage\n"
             "  - id: wifi\n"
             "    query: wifi\n");
    const auto config = ws.path("spreekbuis.yaml");
    auto result = run({"explain", "--config", config, "--text", "my suitcase, sadly, is now broken",
                       "--lang", "en"});
    INFO(result.out << result.err);
    CHECK(result.code == daemon::kExitOk);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 7);  // the rule that saw none of its terms is no near miss
    CHECK(lines[0] == "matched:   lost-bag");
    CHECK(lines[1] == "topic:     baggage (from lost-bag)");
    CHECK(lines[2] == "priority:  high");
    CHECK(lines[3].starts_with("scores:    lang en (given), sentiment "));
    CHECK(lines[4].starts_with("why:       lost-bag: suitcase; "));
    CHECK(lines[5] == "near misses (rules that saw some of their terms):");
    CHECK(lines[6] ==
          "  damaged-bag: (suitcase OR koffer) and (broken OR kapot) are not within 2 words; "
          "lang:nl does not hold (lang en)");
    // Asked by name, a rule says why even when it saw none of its terms.
    auto one = run({"explain", "--config", config, "--text",
                    "mijn koffer is helemaal kapot en niemand helpt", "--rule", "wifi"});
    CHECK(one.code == daemon::kExitOk);
    CHECK(one.out.find("rule wifi: no match: no wifi\n") != std::string::npos);
    CHECK(one.out.find("lang nl (detected)") != std::string::npos);
    auto matched = run({"explain", "--config", config, "--text", "koffer kapot", "--lang", "nl",
                        "--rule", "damaged-bag"});
    CHECK(matched.out.find("rule damaged-bag: matched\n") != std::string::npos);
    // The first matched rule with a topic decides it; the others' topics are named.
    CHECK(matched.out.find("topic:     baggage (from lost-bag; not damaged-bag: damage)\n") !=
          std::string::npos);

    auto unknown = run({"explain", "--config", config, "--text", "x", "--rule", "nope"});
    CHECK(unknown.code == daemon::kExitBadInput);
    CHECK(unknown.err.find("no rule 'nope'") != std::string::npos);
    CHECK(run({"explain", "--config", config}).code == daemon::kExitUsage);  // no --text
    auto misplaced = run({"check", "--config", config, "--text", "x"});
    CHECK(misplaced.code == daemon::kExitUsage);
    CHECK(misplaced.err.find("belongs to 'explain'") != std::string::npos);
}

namespace {

// A people directory of two baggage specialists on duty around the clock, for explain.
std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("cli: explain takes the post's fields from options or a post line", "[cli]") {
    Workspace ws;
    ws.write("rules/vip.yaml",
             "rules:\n"
             "  - id: vip\n"
             "    query: 'suitcase AND followers:>=10000 AND verified:true AND author:bigname'\n"
             "  - id: reply\n"
             "    query: 'suitcase AND is:reply AND source:mastodon'\n");
    const auto config = ws.path("spreekbuis.yaml");
    auto plain = run({"explain", "--config", config, "--text", "my suitcase", "--rule", "vip"});
    CHECK(plain.code == daemon::kExitOk);
    CHECK(plain.out.find("rule vip: no match: ") != std::string::npos);
    auto fields = run({"explain", "--config", config, "--text", "my suitcase", "--author",
                       "@BigName", "--followers", "25000", "--verified", "true", "--source",
                       "mastodon", "--reply-to", "109"});
    INFO(fields.out << fields.err);
    CHECK(fields.code == daemon::kExitOk);
    CHECK(lines_of(fields.out).at(0) == "matched:   lost-bag, vip, reply");
    // No people directory: no routing part.
    CHECK(fields.out.find("route") == std::string::npos);

    const std::string line =
        R"({"id":"p1","source":"mastodon","text":"my suitcase","lang":"en",)"
        R"("in_reply_to":"100","author":{"handle":"bigname","followers":12000,"verified":true}})";
    auto posted = run({"explain", "--config", config, "--post", line});
    INFO(posted.out << posted.err);
    CHECK(posted.code == daemon::kExitOk);
    CHECK(lines_of(posted.out).at(0) == "matched:   lost-bag, vip, reply");
    CHECK(posted.out.find("lang en (given)") != std::string::npos);
    // An option overrides the post's own field.
    auto overridden = run({"explain", "--config", config, "--post", line, "--followers", "10"});
    CHECK(lines_of(overridden.out).at(0) == "matched:   lost-bag, reply");

    const auto bad = [&](std::vector<std::string> extra, const std::string& message) {
        std::vector<std::string> args = {"explain", "--config", config, "--text", "suitcase"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto result = run(args);
        INFO(message << "\n" << result.err);
        CHECK(result.code == daemon::kExitBadInput);
        CHECK(result.err.find(message) != std::string::npos);
        CHECK(result.out.empty());
    };
    bad({"--followers", "lots"}, "--followers: 'lots' is not a count");
    bad({"--followers", "-5"}, "--followers: '-5' is not a count");
    bad({"--verified", "yes"}, "--verified: 'yes' is neither true nor false");
    bad({"--at", "tomorrow"}, "--at: 'tomorrow' is not an RFC 3339 time");
    bad({"--post", "{\"id\":\"x\""}, "--post: ");
    bad({"--post", "{\"id\":\"x\"}"}, "--post: ");
    CHECK(run({"explain", "--config", config, "--author", "x"}).code == daemon::kExitUsage);
    auto misplaced = run({"replay", "--config", config, "--input", "-", "--followers", "3"});
    CHECK(misplaced.code == daemon::kExitUsage);
    CHECK(misplaced.err.find("belongs to 'explain'") != std::string::npos);
}

TEST_CASE("cli: explain says who would get the post, on a copy of the state", "[cli]") {
    Workspace ws;
    add_people(ws);
    const auto config = ws.path("spreekbuis.yaml");
    // Tuesday 2026-11-24 20:00 UTC: bram is off shift, anna on duty.
    auto fresh = run({"explain", "--config", config, "--text", "my suitcase is lost", "--author",
                      "alice", "--at", "2026-11-24T20:00:00Z"});
    INFO(fresh.out << fresh.err);
    REQUIRE(fresh.code == daemon::kExitOk);
    const auto lines = lines_of(fresh.out);
    REQUIRE(lines.size() >= 4);
    const auto at = std::find_if(lines.begin(), lines.end(),
                                 [](const std::string& l) { return l.starts_with("routing:"); });
    REQUIRE(at != lines.end());
    CHECK(*at ==
          "routing:   at 2026-11-24T20:00:00Z (--at), no state yet: nobody has open cases or "
          "customers");
    CHECK(*(at + 1) == "route:     team bags, assignee anna (Anna de Vries), priority high");
    CHECK((at + 2)->starts_with("because:   team bags by route #1 (topic=baggage); assignee anna"));
    CHECK((at + 2)->find("bram off shift") != std::string::npos);
    CHECK(*(at + 3) == "alerts:    new_case to Anna de Vries via console at U_ANNA");
    // Nothing was created on disk for a state that did not exist.
    CHECK_FALSE(std::filesystem::exists(ws.dir / "state"));

    // Wednesday 10:00: both on duty; a post that needs no answer is not routed.
    auto idle = run({"explain", "--config", config, "--text", "lovely weather", "--at",
                     "2026-11-25T10:00:00Z"});
    CHECK(idle.out.find("route:     none (") != std::string::npos);

    // Give alice an open case in the daemon's state, as `run` would: her next post joins it,
    // with the same assignee, and the state file is left exactly as it was.
    std::string assignee;
    {
        auto setup = daemon::load_setup(config, false);
        REQUIRE(setup.setup);
        std::string error;
        auto state = daemon::StateDatabase::open(setup.setup->config.state_dir, error);
        REQUIRE(state);
        rules::Diagnostics diagnostics;
        auto routing = daemon::make_router(setup.setup->config, daemon::RouterMode::live,
                                           diagnostics, state->handle());
        REQUIRE(routing.router);
        rules::Post post;
        post.id = "first";
        post.source = "explain";
        post.author.handle = "alice";
        post.text = "my suitcase is lost";
        const auto verdict = setup.setup->rules->evaluate(post);
        const auto decision = routing.router->route(post, verdict);
        REQUIRE(decision.assignee);
        assignee = *decision.assignee;
    }
    const auto state_file = ws.dir / "state" / "state.db";
    REQUIRE(std::filesystem::exists(state_file));
    const auto before = file_bytes(state_file);
    auto again = run({"explain", "--config", config, "--text", "my suitcase is still lost",
                      "--author", "alice"});
    INFO(again.out << again.err);
    REQUIRE(again.code == daemon::kExitOk);
    CHECK(again.out.find("(now), open cases and customer history of ") != std::string::npos);
    CHECK(again.out.find("assignee " + assignee) != std::string::npos);
    CHECK(again.out.find(", joins case ") != std::string::npos);
    CHECK(file_bytes(state_file) == before);
    CHECK_FALSE(std::filesystem::exists(ws.dir / "state" / "state.db-wal"));

    // A state file that is no database: a clear error, exit 1, and the file left alone.
    { std::ofstream(state_file, std::ios::binary | std::ios::trunc) << "not a database at all"; }
    auto broken = run({"explain", "--config", config, "--text", "my suitcase is lost"});
    CHECK(broken.code == daemon::kExitBadInput);
    CHECK(broken.err.find("cannot read ") != std::string::npos);
    CHECK(file_bytes(state_file) == "not a database at all");
}

TEST_CASE("cli: check --format json and test --format junit for CI", "[cli]") {
    Workspace ws;
    ws.write("rules/lists.yaml", "lists:\n  spare: [koffer]\n");
    const auto config = ws.path("spreekbuis.yaml");
    auto json = run({"check", "--config", config, "--format", "json"});
    INFO(json.out << json.err);
    CHECK(json.code == daemon::kExitOk);
    CHECK(json.err.empty());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(json.out).get(doc) == simdjson::SUCCESS);
    CHECK(doc["ok"].get_bool().value());
    CHECK(doc["rules"].get_int64().value() == 1);
    CHECK(doc["tests_passed"].get_int64().value() == 1);
    auto items = doc["diagnostics"].get_array().value();
    REQUIRE(items.size() == 1);
    CHECK(items.at(0)["severity"].get_string().value() == "warning");
    CHECK(std::string(items.at(0)["file"].get_string().value()).ends_with("lists.yaml"));
    CHECK(items.at(0)["line"].get_int64().value() == 2);
    CHECK(items.at(0)["column"].get_int64().value() == 3);
    // --strict turns the warning into a failure, still as JSON.
    auto strict = run({"check", "--config", config, "--format", "json", "--strict"});
    CHECK(strict.code == daemon::kExitBadInput);
    REQUIRE(parser.parse(strict.out).get(doc) == simdjson::SUCCESS);
    CHECK_FALSE(doc["ok"].get_bool().value());
    // An error: nothing loads, the error is in the document.
    ws.write("rules/demo.yaml", "rules:\n  - id: broken\n    query: '(suitcase'\n");
    auto broken = run({"check", "--config", config, "--format", "json"});
    CHECK(broken.code == daemon::kExitBadInput);
    REQUIRE(parser.parse(broken.out).get(doc) == simdjson::SUCCESS);
    CHECK(doc["errors"].get_int64().value() == 1);
    CHECK(doc["rules"].get_int64().value() == 0);

    ws.write("rules/demo.yaml",
             "rules:\n"
             "  - id: lost-bag\n"
             "    query: suitcase\n"
             "    tests:\n"
             "      - {text: 'my suitcase', expect: {match: true}}\n"
             "      - {text: 'my bag <3', expect: {match: true}}\n");
    auto junit = run({"test", "--config", config, "--format", "junit"});
    INFO(junit.out << junit.err);
    CHECK(junit.code == daemon::kExitBadInput);
    CHECK(junit.out.find("tests=\"2\" failures=\"1\" skipped=\"0\"") != std::string::npos);
    CHECK(junit.out.find("name=\"lost-bag: my bag &lt;3\"") != std::string::npos);
    CHECK(junit.out.find("<failure message=\"expected rule &apos;lost-bag&apos; to match") !=
          std::string::npos);

    CHECK(run({"check", "--config", config, "--format", "junit"}).code == daemon::kExitUsage);
    CHECK(run({"test", "--config", config, "--format", "json"}).code == daemon::kExitUsage);
    auto misplaced = run({"replay", "--config", config, "--input", "-", "--format", "json"});
    CHECK(misplaced.code == daemon::kExitUsage);
    CHECK(misplaced.err.find("--format belongs to 'check' and 'test'") != std::string::npos);
    CHECK(run({"test", "--config", config, "--format", "text"}).code == daemon::kExitBadInput);
}

TEST_CASE("cli: compare shows what a rule change changes on real posts", "[cli]") {
    Workspace baseline;
    Workspace changed;
    changed.write("rules/demo.yaml",
                  "rules:\n"
                  "  - id: lost-bag\n"
                  "    query: 'suitcase OR koffer OR luggage'\n"
                  "    topic: baggage\n"
                  "  - id: refund\n"
                  "    query: refund\n"
                  "    topic: refunds\n");
    baseline.write("posts.jsonl",
                   "{\"id\":\"1\",\"text\":\"where is my suitcase\"}\n"
                   "{\"id\":\"2\",\"text\":\"my luggage is gone\"}\n"
                   "not json\n"
                   "{\"id\":\"3\",\"text\":\"I want a refund\"}\n"
                   "\n"
                   "{\"id\":\"4\",\"text\":\"lovely day\"}\n");
    auto result = run({"compare", "--config", changed.path("spreekbuis.yaml"), "--baseline",
                       baseline.path("spreekbuis.yaml"), "--input", baseline.path("posts.jsonl")});
    INFO(result.out << result.err);
    CHECK(result.code == daemon::kExitOk);
    // The baseline's lost-bag sets priority high, the changed one none: post 1 changes too.
    CHECK(
        result.out.starts_with("posts: 4; decided differently: 3 (75.0%); priority "
                               "changed: 1\n"));
    CHECK(result.out.find("        1  none -> baggage\n") != std::string::npos);
    CHECK(result.out.find("        1  none -> refunds\n") != std::string::npos);
    CHECK(result.out.find("       +1      -0        1 -> 2       lost-bag\n") != std::string::npos);
    CHECK(result.out.find("       +1      -0        0 -> 1       refund (new rule)\n") !=
          std::string::npos);
    CHECK(result.out.find("first 3 changed posts:\n"
                          "  line 1 (1): priority high -> none\n"
                          "      where is my suitcase\n"
                          "  line 2 (2): topic none -> baggage; +lost-bag\n"
                          "      my luggage is gone\n"
                          "  line 4 (3): topic none -> refunds; +refund\n") != std::string::npos);
    CHECK(result.out.ends_with("1 bad lines skipped\n"));
    CHECK(result.err.find("posts.jsonl:3: error: ") != std::string::npos);

    auto limited = run({"compare", "--config", changed.path("spreekbuis.yaml"), "--baseline",
                        baseline.path("spreekbuis.yaml"), "--input", baseline.path("posts.jsonl"),
                        "--show", "1"});
    CHECK(limited.out.find("first 1 changed posts:\n  line 1 (1): priority high -> none\n"
                           "      where is my suitcase\n1 bad lines skipped\n") !=
          std::string::npos);
    CHECK(result.out.find("routing") == std::string::npos);  // no people directory: no routing
    // With people directories on both sides, the posts per team are compared too.
    add_people(baseline);
    add_people(changed);
    auto routed = run({"compare", "--config", changed.path("spreekbuis.yaml"), "--baseline",
                       baseline.path("spreekbuis.yaml"), "--input", baseline.path("posts.jsonl")});
    INFO(routed.out << routed.err);
    CHECK(routed.code == daemon::kExitOk);
    // Post 2 goes to the bags team now; post 3, a complaint, to the desk either way (no route
    // for the new topic 'refunds').
    CHECK(routed.out.find("routing (posts per team, baseline -> new; routed elsewhere: 1):\n"
                          "        1 -> 2       bags\n"
                          "        1 -> 1       desk\n") != std::string::npos);
    // Compared with itself, nothing changes.
    auto same = run({"compare", "--config", changed.path("spreekbuis.yaml"), "--baseline",
                     changed.path("spreekbuis.yaml"), "--input", baseline.path("posts.jsonl")});
    CHECK(same.out ==
          "posts: 4; decided differently: 0 (0.0%)\n"
          "routing (posts per team, baseline -> new; routed elsewhere: 0):\n"
          "        2 -> 2       bags\n"
          "        1 -> 1       desk\n"
          "1 bad lines skipped\n");

    const auto usage = [&](std::vector<std::string> args, const std::string& message) {
        args.insert(args.begin(), "compare");
        auto bad = run(args);
        INFO(message << "\n" << bad.err);
        CHECK(bad.code == daemon::kExitUsage);
        CHECK(bad.err.find(message) != std::string::npos);
    };
    const auto config = changed.path("spreekbuis.yaml");
    usage({"--config", config, "--input", "-"}, "missing --baseline FILE");
    usage({"--config", config, "--baseline", config}, "missing --input FILE|-");
    usage({"--config", config, "--baseline", config, "--input", "-", "--show", "lots"},
          "--show takes a count");
    usage({"--config", config, "--baseline", config, "--input", "-", "--strict"},
          "--strict belongs to 'check'");
    auto misplaced = run({"check", "--config", config, "--baseline", config});
    CHECK(misplaced.code == daemon::kExitUsage);
    CHECK(misplaced.err.find("--baseline belongs to 'compare'") != std::string::npos);
    auto broken = run(
        {"compare", "--config", config, "--baseline", changed.path("nope.yaml"), "--input", "-"});
    CHECK(broken.code == daemon::kExitBadInput);
}

TEST_CASE("cli: replay of a missing input file exits 1", "[cli]") {
    Workspace ws;
    auto result =
        run({"replay", "--config", ws.path("spreekbuis.yaml"), "--input", ws.path("nope.jsonl")});
    CHECK(result.code == daemon::kExitBadInput);
    CHECK(result.err.find("cannot open input") != std::string::npos);
}

TEST_CASE("cli: check reports config errors with file:line:col and exits 1", "[cli]") {
    Workspace ws;
    ws.write("spreekbuis.yaml", "log_level: warn\nworkerz: 2\nrules: [rules/*.yaml]\n");
    auto result = run({"check", "--config", ws.path("spreekbuis.yaml")});
    CHECK(result.code == daemon::kExitBadInput);
    CHECK(result.err.find("spreekbuis.yaml:2:1: error:") != std::string::npos);
    CHECK(result.err.find("workerz") != std::string::npos);
    CHECK(result.err.find("^") != std::string::npos);
}

TEST_CASE("cli: check and test pass on a good configuration, fail on a failing rule test",
          "[cli]") {
    Workspace ws;
    auto check = run({"check", "--config", ws.path("spreekbuis.yaml")});
    CHECK(check.code == daemon::kExitOk);
    auto test = run({"test", "--config", ws.path("spreekbuis.yaml")});
    CHECK(test.code == daemon::kExitOk);
    CHECK(test.out.find("1 passed, 0 failed") != std::string::npos);

    ws.write("rules/demo.yaml",
             "rules:\n"
             "  - id: lost-bag\n"
             "    query: 'suitcase'\n"
             "    tests:\n"
             "      - text: 'mijn koffer'\n"
             "        expect: {match: true}\n");
    auto failing = run({"test", "--config", ws.path("spreekbuis.yaml")});
    CHECK(failing.code == daemon::kExitBadInput);
    CHECK(failing.out.find("0 passed, 1 failed") != std::string::npos);
    CHECK(run({"check", "--config", ws.path("spreekbuis.yaml")}).code == daemon::kExitBadInput);
}

TEST_CASE("daemon: stop request drains every queued post and exits 0", "[daemon]") {
    Workspace ws;
    std::string feed;
    for (int i = 0; i < 500; ++i) {
        feed += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"" +
                (i % 2 ? "suitcase lost" : "nice day") + "\"}\n";
    }
    ws.write("feed.jsonl", feed);
    auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    REQUIRE(loaded.setup);
    std::FILE* console = std::tmpfile();
    daemon::Daemon service(std::move(*loaded.setup), console);
    int code = -1;
    std::thread runner([&] { code = service.run(); });
    // Wait (bounded) until the feed has been read, then stop: nothing read may be lost.
    for (int i = 0; i < 2000 && service.stats().sources_finished.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    service.request_stop();
    runner.join();
    CHECK(code == 0);
    CHECK(service.stats().posts_in.load() == 500);
    CHECK(service.stats().posts_decided.load() == 500);
    CHECK(service.stats().alerts.load() == 250);
    const auto text = read_all(console);
    CHECK(text.find("suitcase lost") != std::string::npos);
}

TEST_CASE("daemon: SIGTERM stops a running daemon gracefully", "[daemon]") {
    Workspace ws;
    ws.write("feed.jsonl", "{\"id\":\"1\",\"text\":\"suitcase\"}\n");
    auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    REQUIRE(loaded.setup);
    std::FILE* console = std::tmpfile();
    daemon::Daemon service(std::move(*loaded.setup), console);
    int code = -1;
    std::thread runner([&] { code = service.run(); });
    for (int i = 0; i < 2000 && service.stats().posts_decided.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(service.stats().posts_decided.load() == 1);
    std::raise(SIGTERM);  // caught by the daemon's signal_set, not the default handler
    runner.join();
    CHECK(code == 0);
    std::fclose(console);
}

TEST_CASE("daemon: a reload with broken rules keeps the old rules serving", "[daemon]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    REQUIRE(loaded.setup);
    std::FILE* console = std::tmpfile();
    daemon::Daemon service(std::move(*loaded.setup), console);
    ws.write("rules/demo.yaml", "rules:\n  - id: broken\n    query: '(suitcase'\n");
    CHECK_FALSE(service.reload_rules());
    CHECK(service.stats().reload_failures.load() == 1);
    ws.write("rules/demo.yaml", "rules:\n  - id: fine\n    query: 'koffer'\n");
    CHECK(service.reload_rules());
    CHECK(service.stats().reloads.load() == 1);
    std::fclose(console);
}

TEST_CASE("daemon: a reload checks the new rules' topics against the people's routes", "[daemon]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    add_people(ws);
    auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    REQUIRE(loaded.setup);
    CHECK(loaded.diagnostics.warning_count() == 0);
    std::FILE* console = std::tmpfile();
    daemon::Daemon service(std::move(*loaded.setup), console);
    // A typo in the topic: the route for baggage and anna's and bram's skill never apply.
    ws.write("rules/demo.yaml",
             "rules:\n  - id: lost-bag\n    query: suitcase\n    topic: bagage\n");
    CHECK(service.reload_rules());
    CHECK(service.stats().reload_warnings.load() == 3);
    ws.write("rules/demo.yaml",
             "rules:\n  - id: lost-bag\n    query: suitcase\n    topic: baggage\n");
    CHECK(service.reload_rules());
    CHECK(service.stats().reload_warnings.load() == 0);
    // A people file broken since start-up does not stop a rule reload.
    ws.write("people.yaml", "people: [\n");
    CHECK(service.reload_rules());
    CHECK(service.stats().reloads.load() == 3);
    std::fclose(console);
}

TEST_CASE("daemon: a people reload reaches the running router, a broken one is refused",
          "[daemon]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    add_people(ws);
    auto loaded = daemon::load_setup(ws.path("spreekbuis.yaml"), true);
    REQUIRE(loaded.setup);
    std::FILE* console = std::tmpfile();
    daemon::Daemon service(std::move(*loaded.setup), console);
    CHECK_FALSE(service.reload_people());  // not running: no router to give it to
    CHECK(service.stats().people_reload_failures.load() == 1);
    int code = -1;
    std::thread runner([&] { code = service.run(); });
    // anna goes on holiday: the file is read again and handed to the router.
    std::string people;
    {
        std::ifstream in(ws.dir / "people.yaml");
        people.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const auto at = people.find("    languages: [nl, en]\n");
    REQUIRE(at != std::string::npos);
    ws.write("people.yaml", people.substr(0, at) + "    away: true\n" + people.substr(at));
    bool reloaded = false;
    for (int i = 0; i < 400 && !reloaded; ++i) {
        reloaded = service.reload_people();
        if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(reloaded);
    for (int i = 0; i < 400 && service.stats().people_reloads.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(service.stats().people_reloads.load() == 1);
    // A typo: refused, the running directory stays.
    const auto failures = service.stats().people_reload_failures.load();
    ws.write("people.yaml", "people:\n  - id: anna\n    hours: {dialy: \"00:00-24:00\"}\n");
    CHECK_FALSE(service.reload_people());
    CHECK(service.stats().people_reload_failures.load() == failures + 1);
    service.request_stop();
    runner.join();
    CHECK(code == 0);
    CHECK(service.stats().people_reloads.load() == 1);
    std::fclose(console);
}

TEST_CASE("every shipped configuration passes check, rule tests included", "[cli][shipped]") {
    const std::filesystem::path root(SPREEKBUIS_SOURCE_DIR);
    std::vector<std::filesystem::path> configs = {root / "config/demo/spreekbuis.yaml"};
    for (const auto& entry : std::filesystem::directory_iterator(root / "config/examples")) {
        if (std::filesystem::exists(entry.path() / "spreekbuis.yaml")) {
            configs.push_back(entry.path() / "spreekbuis.yaml");
        }
    }
    REQUIRE(configs.size() >= 3);
    for (const auto& config : configs) {
        INFO(config.string());
        auto result = daemon::load_setup(config.string(), true);
        INFO(result.diagnostics.format_all());
        CHECK(result.setup.has_value());
        CHECK_FALSE(result.diagnostics.has_errors());
        CHECK(result.diagnostics.warning_count() == 0);  // shipped packs pass check --strict
    }
}

TEST_CASE("cli: check --strict fails on warnings; test names skipped and untested rules", "[cli]") {
    Workspace ws;
    ws.write("rules/demo.yaml",
             "lists:\n"
             "  spare: [koffer]\n"
             "rules:\n"
             "  - id: lost-bag\n"
             "    query: 'suitcase OR the'\n"
             "    tests:\n"
             "      - text: 'where is my suitcase'\n"
             "        expect: {match: true}\n"
             "  - id: untested\n"
             "    query: 'refund'\n"
             "  - id: switched-off\n"
             "    query: 'broken'\n"
             "    enabled: false\n"
             "    tests:\n"
             "      - text: 'broken'\n"
             "        expect: {match: true}\n");
    auto check = run({"check", "--config", ws.path("spreekbuis.yaml")});
    CHECK(check.code == daemon::kExitOk);
    CHECK(check.err.find("demo.yaml:2:3: warning: list '$spare' is not used by any rule") !=
          std::string::npos);
    CHECK(check.err.find("demo.yaml:5:25: warning: 'the' is one of the most common words") !=
          std::string::npos);
    CHECK(check.out.find("1 rule tests passed, 1 skipped, 2 warnings") != std::string::npos);

    auto strict = run({"check", "--strict", "--config", ws.path("spreekbuis.yaml")});
    CHECK(strict.code == daemon::kExitBadInput);
    CHECK(strict.err.find("2 warnings (--strict makes them errors)") != std::string::npos);
    CHECK(strict.out.empty());

    auto test = run({"test", "--config", ws.path("spreekbuis.yaml")});
    CHECK(test.code == daemon::kExitOk);
    const auto lines = lines_of(test.out);
    CHECK(lines == std::vector<std::string>{
                       "PASS lost-bag: where is my suitcase",
                       "SKIP switched-off: broken (rule switched off)",
                       "1 passed, 0 failed, 1 skipped (rules switched off)",
                       "1 of 2 rules has no test: untested",
                   });
    CHECK(run({"test", "--strict", "--config", ws.path("spreekbuis.yaml")}).code ==
          daemon::kExitUsage);

    // Without warnings, --strict passes.
    Workspace clean;
    CHECK(run({"check", "--strict", "--config", clean.path("spreekbuis.yaml")}).code ==
          daemon::kExitOk);
}

TEST_CASE("cli: notify-test sends through the console sink and rejects unknown sinks", "[cli]") {
    Workspace ws;
    auto ok = run({"notify-test", "--config", ws.path("spreekbuis.yaml"), "--sink", "console"});
    CHECK(ok.code == daemon::kExitOk);
    CHECK(ok.out.find("test") != std::string::npos);
    auto unknown = run({"notify-test", "--config", ws.path("spreekbuis.yaml"), "--sink", "nope"});
    CHECK(unknown.code == daemon::kExitBadInput);
    CHECK(unknown.err.find("no sink named 'nope'") != std::string::npos);
    CHECK(run({"notify-test", "--config", ws.path("spreekbuis.yaml")}).code == daemon::kExitUsage);
    CHECK(run({"check", "--config", ws.path("spreekbuis.yaml"), "--sink", "x"}).code ==
          daemon::kExitUsage);
}

TEST_CASE("cli: notify-test reports a webhook that refuses the connection", "[cli]") {
    Workspace ws;
    // Port 9 on loopback (discard) is closed here: the send must fail, not hang.
    ws.write("spreekbuis.yaml",
             "log_level: warn\nstate_dir: state\nrules: [rules/*.yaml]\n"
             "sinks:\n  - {name: hook, type: webhook, url: 'http://127.0.0.1:9/x',"
             " secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}\n");
    auto failed = run({"notify-test", "--config", ws.path("spreekbuis.yaml"), "--sink", "hook"});
    CHECK(failed.code == daemon::kExitRuntime);
    CHECK(failed.err.find("did not accept") != std::string::npos);
}

TEST_CASE("cli: check validates every source section before anything starts", "[cli]") {
    Workspace ws;
    ws.write("feed.jsonl", "");
    ws.write("spreekbuis.yaml",
             "rules: [rules/*.yaml]\n"
             "sources:\n"
             "  - {name: feed, type: replay, pth: feed.jsonl}\n"
             "  - {name: threads, type: reddit}\n"
             "sinks:\n"
             "  - {name: console, type: console}\n");
    auto checked = run({"check", "--config", ws.path("spreekbuis.yaml")});
    CHECK(checked.code == daemon::kExitBadInput);
    INFO(checked.err);
    // The replay source's typo, at the key, with a did-you-mean hint.
    CHECK(checked.err.find("spreekbuis.yaml:3:32: error: unknown key 'pth'") != std::string::npos);
    CHECK(checked.err.find("'path'") != std::string::npos);
    // A network source's own keys are checked by `check` too, before anything connects.
    CHECK(
        checked.err.find("spreekbuis.yaml:4:5: error: reddit source 'threads' needs subreddits") !=
        std::string::npos);
    CHECK(checked.err.find("'threads' needs client_id") != std::string::npos);
}
