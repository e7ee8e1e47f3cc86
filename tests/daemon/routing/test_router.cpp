#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/routing/router.hpp"
#include "daemon/routing/sqlite_case_store.hpp"
#include "routing_test_util.hpp"

using namespace routing_test;
using spreekbuis::connectors::Alert;
using spreekbuis::connectors::AlertKind;
using spreekbuis::rules::Priority;

namespace {

// Wednesday 2025-06-11 12:00 UTC = 14:00 in Amsterdam, 08:00 in New York.
const std::int64_t kNoon = utc(2025, 6, 11, 12, 0);

struct Fixture {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{kNoon};
    MemoryCaseStore store;
    std::shared_ptr<Directory> dir;
    RoutingSettings settings;
    RouterOptions options;
    std::unique_ptr<Router> router;

    Fixture() {
        auto loaded = load_directory_text("people.yaml", kPeopleYaml, zones);
        INFO(loaded.diagnostics.format_all());
        REQUIRE(loaded.directory);
        dir = std::make_shared<Directory>(*loaded.directory);
        settings.spikes.enabled = false;
        settings.silence.enabled = false;
    }
    Person& person(const std::string& id) {
        for (auto& p : dir->people) {
            if (p.id == id) return p;
        }
        FAIL("no person " << id);
        throw 0;
    }
    Team& team(const std::string& id) {
        for (auto& t : dir->teams) {
            if (t.id == id) return t;
        }
        FAIL("no team " << id);
        throw 0;
    }
    Router& start(CaseStore* other = nullptr) {
        auto created = Router::create(dir, settings, other ? *other : store, clock, options);
        INFO(created.diagnostics.format_all());
        REQUIRE(created.router);
        router = std::move(created.router);
        return *router;
    }
};

const Alert* find_alert(const std::vector<Alert>& alerts, AlertKind kind) {
    for (const auto& a : alerts) {
        if (a.kind == kind) return &a;
    }
    return nullptr;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("posts that need no answer get no team but no error", "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    spreekbuis::rules::Verdict v;
    v.lang = "nl";
    auto d = router.route(post("p1", "x", "mooi weer vandaag"), v);
    CHECK_FALSE(d.team);
    CHECK_FALSE(d.assignee);
    CHECK(d.case_id.empty());
    CHECK(d.alerts.empty());
    CHECK(contains(d.why, "no answer needed"));
}

TEST_CASE("least loaded wins, ties go to the longest idle", "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    auto d1 =
        router.route(post("p1", "c1", "koffer kwijt na vlucht naar Rome"), verdict("baggage"));
    CHECK(d1.team == "baggage");
    CHECK(d1.assignee == "anna");  // both idle and empty: ties by id
    CHECK(d1.new_case);
    CHECK(contains(d1.why, "team baggage by route #1 (topic=baggage)"));
    CHECK(contains(d1.why, "anna (least loaded, 0/2 open, no case yet"));
    CHECK(contains(d1.why, "cleo does not speak nl"));
    REQUIRE(d1.alerts.size() == 1);
    CHECK(d1.alerts[0].kind == AlertKind::new_case);
    CHECK(d1.alerts[0].sink == "slack");
    CHECK(d1.alerts[0].destination == "U_ANNA");
    CHECK(d1.alerts[0].recipient_name == "Anna de Vries");
    CHECK(d1.alerts[0].id == d1.case_id + ":new_case:1");
    CHECK(d1.alerts[0].sla_deadline_ms == kNoon + 4 * kHourMs);
    f.clock.advance(kMinuteMs);
    auto d2 =
        router.route(post("p2", "c2", "mijn tas is nooit aangekomen helaas"), verdict("baggage"));
    CHECK(d2.assignee == "bram");
    f.clock.advance(kMinuteMs);
    auto d3 = router.route(post("p3", "c3", "bagage beschadigd bij aankomst Schiphol"),
                           verdict("baggage"));
    CHECK(d3.assignee == "anna");  // 1/2 each; anna idle longer
    CHECK(contains(d3.why, "idle 2m"));
    CHECK(router.open_load("anna") == 2);
    CHECK(router.open_load("bram") == 1);
}

TEST_CASE("language decides who may answer", "[routing][router]") {
    Fixture f;
    f.person("anna").away = true;
    auto& router = f.start();
    auto early = router.route(post("p0", "c0", "my suitcase never arrived in Amsterdam"),
                              verdict("baggage", "en"));
    CHECK(contains(early.why, "cleo off shift (Wed 2025-06-11 08:00 EDT)"));
    CHECK(early.assignee == "lena");
    f.clock.set(utc(2025, 6, 11, 14, 0));  // 10:00 in New York: cleo works
    auto d = router.route(post("p1", "c1", "where is my bag, it is not on the belt"),
                          verdict("baggage", "en"));
    CHECK(d.assignee == "cleo");
    CHECK(contains(d.why, "bram does not speak en"));
    CHECK(contains(d.why, "anna away"));
}

TEST_CASE("the owner of a conversation keeps it", "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    auto p1 = post("p1", "c1", "koffer kwijt, wie helpt mij?");
    p1.conversation = "conv-1";
    auto d1 = router.route(p1, verdict("baggage"));
    REQUIRE(d1.assignee == "anna");
    // Make bram the least loaded choice; the reply must still go to anna.
    f.clock.advance(5 * kMinuteMs);
    auto p2 = post("p2", "c1", "nog steeds niks gehoord");
    p2.in_reply_to = "p1";
    auto d2 = router.route(p2, verdict("baggage"));
    CHECK(d2.case_id == d1.case_id);
    CHECK_FALSE(d2.new_case);
    CHECK(d2.assignee == "anna");
    CHECK(contains(d2.why, "reply to p1"));
    CHECK(contains(d2.why, "owner anna (owns this conversation)"));
    REQUIRE(d2.alerts.size() == 1);
    CHECK(d2.alerts[0].kind == AlertKind::case_update);
    CHECK(d2.alerts[0].id == d1.case_id + ":case_update:2");
    // Same conversation id, another author.
    auto p3 = post("p3", "someone-else", "ik heb hetzelfde probleem");
    p3.conversation = "conv-1";
    auto d3 = router.route(p3, verdict("baggage"));
    CHECK(d3.case_id == d1.case_id);
    CHECK(router.open_load("anna") == 1);
    CHECK(router.find_case(d1.case_id)->post_count == 3);
}

TEST_CASE("an unavailable owner hands the conversation on", "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    auto p1 = post("p1", "c1", "koffer kwijt na de vlucht");
    auto d1 = router.route(p1, verdict("baggage"));
    REQUIRE(d1.assignee == "anna");
    f.dir->people[0].away = true;  // anna
    router.set_directory(f.dir);
    auto p2 = post("p2", "c1", "hallo??");
    p2.in_reply_to = "p1";
    auto d2 = router.route(p2, verdict("baggage"));
    CHECK(d2.case_id == d1.case_id);
    CHECK(d2.assignee == "bram");
    CHECK(contains(d2.why, "owner anna away"));
    CHECK(router.open_load("anna") == 0);
    CHECK(router.open_load("bram") == 1);
    auto trail = router.audit_trail(d1.case_id);
    REQUIRE(trail.size() >= 3);
    CHECK(trail.back().assignee == "bram");
}

TEST_CASE("the last helper of a customer is preferred within the affinity window",
          "[routing][router]") {
    Fixture f;
    f.settings.affinity_window_ms = 30 * kDayMs;
    auto& router = f.start();
    auto d1 = router.route(post("p1", "loyal", "koffer kwijt op Schiphol"), verdict("baggage"));
    REQUIRE(d1.assignee == "anna");
    REQUIRE(router.resolve(d1.case_id, "anna").ok);
    // Give anna more load than bram.
    router.reassign(
        router.route(post("p2", "x", "tas kwijt bij de transfer"), verdict("baggage")).case_id,
        "anna", "admin:test");
    f.clock.advance(3 * kDayMs);
    auto d3 = router.route(post("p3", "loyal", "weer een koffer kwijt, ongelooflijk"),
                           verdict("baggage"));
    CHECK(d3.new_case);
    CHECK(d3.assignee == "anna");
    CHECK(contains(d3.why, "helped this customer 3d ago"));
    REQUIRE(router.resolve(d3.case_id, "anna").ok);
    f.clock.advance(31 * kDayMs);
    auto d4 =
        router.route(post("p4", "loyal", "en nu is mijn golftas ook weg"), verdict("baggage"));
    CHECK(d4.assignee == "bram");  // affinity expired: least loaded
    CHECK_FALSE(contains(d4.why, "helped this customer"));
}

TEST_CASE("capacity, then backup, then team lead", "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    for (int i = 0; i < 4; ++i) {
        auto d =
            router.route(post("p" + std::to_string(i), "c" + std::to_string(i),
                              "bericht nummer " + std::to_string(i) + " over mijn koffer kwijt"),
                         verdict("baggage"));
        CHECK(d.assignee == (i % 2 == 0 ? "anna" : "bram"));
        f.clock.advance(kMinuteMs);
    }
    auto lead = router.route(post("p9", "c9", "waar blijft mijn koffer nou"), verdict("baggage"));
    CHECK(lead.assignee == "lena");
    CHECK(lead.team == "baggage");
    CHECK(contains(lead.why, "lena (team lead)"));
    CHECK(contains(lead.why, "anna at capacity (2/2)"));
    CHECK(contains(lead.why, "bram at capacity (2/2)"));
    REQUIRE(lead.alerts.size() == 1);
    CHECK(lead.alerts[0].destination == "U_LENA");
}

TEST_CASE("a backup outside the team takes over", "[routing][router]") {
    Fixture f;
    f.person("anna").away = true;
    f.person("anna").backup = "dana";
    f.person("bram").away = true;
    auto& router = f.start();
    auto d = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
    CHECK(d.assignee == "dana");
    CHECK(d.team == "baggage");
    CHECK(contains(d.why, "dana (backup of anna); nobody eligible in team baggage"));
}

TEST_CASE("channel, fallback team and desk when nobody can take it", "[routing][router]") {
    Fixture f;
    f.person("anna").away = true;
    f.person("bram").away = true;
    f.person("lena").away = true;
    SECTION("the team channel") {
        auto& router = f.start();
        auto d = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
        CHECK(d.team == "baggage");
        CHECK_FALSE(d.assignee);
        CHECK(contains(d.why, "team channel #baggage; nobody eligible in team baggage"));
        CHECK(contains(d.why, "lead lena away"));
        REQUIRE(d.alerts.size() == 1);
        CHECK(d.alerts[0].sink == "slack");
        CHECK(d.alerts[0].destination == "#baggage");
        CHECK(router.find_case(d.case_id)->status == CaseStatus::new_case);
    }
    SECTION("the desk team, then the desk channel, then the configured desk") {
        f.team("baggage").channel.reset();
        auto& router = f.start();
        auto d = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
        CHECK(d.team == "desk");
        CHECK(d.assignee == "dana");
        CHECK(contains(d.why, "fallback from baggage"));
        f.dir->people[4].away = true;  // dana
        router.set_directory(f.dir);
        auto d2 = router.route(post("p2", "c2", "tas weg"), verdict("baggage"));
        CHECK(d2.team == "desk");
        CHECK_FALSE(d2.assignee);
        CHECK(d2.alerts.at(0).destination == "#desk");
        f.dir->teams[1].channel.reset();
        f.dir->desk_team.clear();
        router.set_directory(f.dir);
        auto d3 = router.route(post("p3", "c3", "koffer stuk"), verdict("baggage"));
        CHECK_FALSE(d3.assignee);
        CHECK(d3.alerts.at(0).sink == "console");
        CHECK(d3.alerts.at(0).destination == "#webcare-desk");
        CHECK(contains(d3.why, "the desk #webcare-desk"));
    }
}

TEST_CASE("working hours across time zones and DST", "[routing][router]") {
    Fixture f;
    f.person("anna").away = true;
    f.person("bram").away = true;
    f.person("lena").away = true;
    auto& router = f.start();
    // Summer (EDT, UTC-4): cleo starts 13:00 UTC.
    f.clock.set(utc(2025, 6, 11, 12, 59));
    auto early = router.route(post("p1", "c1", "lost bag"), verdict("baggage", "en"));
    CHECK_FALSE(early.assignee);
    CHECK(contains(early.why, "cleo off shift (Wed 2025-06-11 08:59 EDT)"));
    f.clock.set(utc(2025, 6, 11, 13, 0));
    CHECK(router.route(post("p2", "c2", "lost bag"), verdict("baggage", "en")).assignee == "cleo");
    // Winter (EST, UTC-5): 13:30 UTC is 08:30 local, 14:00 UTC is 09:00.
    f.clock.set(utc(2025, 1, 15, 13, 30));
    CHECK_FALSE(router.route(post("p3", "c3", "lost bag"), verdict("baggage", "en")).assignee);
    f.clock.set(utc(2025, 1, 15, 14, 0));
    CHECK(router.route(post("p4", "c4", "lost bag"), verdict("baggage", "en")).assignee == "cleo");
    // Saturday: weekdays only.
    f.clock.set(utc(2025, 1, 18, 15, 0));
    auto weekend = router.route(post("p5", "c5", "lost bag"), verdict("baggage", "en"));
    CHECK_FALSE(weekend.assignee);
    CHECK(contains(weekend.why, "cleo off shift (Sat"));
}

TEST_CASE("same author and topic within the case window join the open case",
          "[routing][router][threading]") {
    Fixture f;
    auto& router = f.start();
    auto d1 = router.route(post("p1", "c1", "koffer kwijt op Schiphol"), verdict("baggage"));
    f.clock.advance(90 * kMinuteMs);
    auto d2 = router.route(post("p2", "c1", "nog steeds geen koffer"), verdict("baggage"));
    CHECK(d2.case_id == d1.case_id);
    CHECK(contains(d2.why, "same author on baggage within 2h"));
    // Another topic is another case.
    auto d3 = router.route(post("p3", "c1", "en mijn boeking klopt ook niet"), verdict("booking"));
    CHECK(d3.case_id != d1.case_id);
    CHECK(d3.team == "desk");
    // After the window a new case opens.
    f.clock.advance(2 * kHourMs + kMinuteMs);
    auto d4 = router.route(post("p4", "c1", "koffer??"), verdict("baggage"));
    CHECK(d4.new_case);
    CHECK(d4.case_id != d1.case_id);
}

TEST_CASE("retweets and near-identical posts are deduplicated", "[routing][router][dedup]") {
    Fixture f;
    auto& router = f.start();
    auto d1 = router.route(
        post("p1", "c1", "KLM lost my suitcase again on the flight from Rome https://t.co/abc"),
        verdict("baggage", "en"));
    auto rt =
        router.route(post("p2", "c2", "RT @c1: KLM lost my suitcase again on the flight from Rome"),
                     verdict("baggage", "en"));
    CHECK(rt.duplicate);
    CHECK(rt.case_id == d1.case_id);
    CHECK(rt.alerts.empty());
    CHECK(contains(rt.why, "duplicate: repost of p1"));
    auto near =
        router.route(post("p3", "c3", "@KLM lost my suitcase again on the flight from Rome!!"),
                     verdict("baggage", "en"));
    CHECK(near.duplicate);
    CHECK(near.alerts.empty());
    auto different =
        router.route(post("p4", "c4", "KLM lost my golf bag on the flight to Nice today"),
                     verdict("baggage", "en"));
    CHECK_FALSE(different.duplicate);
    CHECK(different.new_case);
    CHECK(router.stats().duplicates == 2);
    CHECK(router.open_load("anna") + router.open_load("bram") + router.open_load("cleo") == 2);
}

TEST_CASE("the SLA ladder: warning, backup, lead, channel, desk", "[routing][router][sla]") {
    Fixture f;
    auto& router = f.start();
    auto d = router.route(post("p1", "c1", "koffer kwijt, vlucht vertrekt zo"),
                          verdict("baggage", "nl", Priority::urgent));
    REQUIRE(d.assignee == "anna");
    CHECK(d.alerts.at(0).sla_deadline_ms == kNoon + 15 * kMinuteMs);
    f.clock.set(kNoon + 11 * kMinuteMs);
    CHECK(router.tick().empty());
    f.clock.set(kNoon + 11 * kMinuteMs + 15 * kSecondMs);
    auto warn = router.tick();
    REQUIRE(warn.size() == 1);
    CHECK(warn[0].kind == AlertKind::sla_warning);
    CHECK(warn[0].destination == "U_ANNA");
    CHECK(warn[0].id == d.case_id + ":sla_warning:1");
    CHECK(router.tick().empty());
    f.clock.set(kNoon + 15 * kMinuteMs);
    auto e1 = router.tick();
    REQUIRE(e1.size() == 1);
    CHECK(e1[0].kind == AlertKind::escalation);
    CHECK(e1[0].destination == "U_BRAM");
    CHECK(contains(e1[0].why, "escalation 1 to backup bram"));
    // Jumping ahead delivers every step that fell due, each once, in order.
    f.clock.set(kNoon + 2 * kHourMs);
    auto rest = router.tick();
    REQUIRE(rest.size() == 3);
    CHECK(rest[0].destination == "U_LENA");
    CHECK(rest[0].created_at_ms == kNoon + 30 * kMinuteMs);
    CHECK(rest[1].destination == "#baggage");
    CHECK(rest[2].destination == "#webcare-desk");
    CHECK(rest[2].id == d.case_id + ":escalation:4");
    CHECK(router.tick().empty());
    auto trail = router.audit_trail(d.case_id);
    int recorded = 0;
    for (const auto& e : trail)
        recorded += contains(e.why, "escalation") || contains(e.why, "SLA warning");
    CHECK(recorded == 5);
}

TEST_CASE("a priority raised between ticks brings the SLA warning forward",
          "[routing][router][sla]") {
    // The timers scan the open cases only when a step is due; a change to a case (here its
    // deadline, moved forward by a more urgent post) must move that time too.
    Fixture f;
    auto& router = f.start();
    auto d = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage", "nl"));
    REQUIRE(d.new_case);
    f.clock.set(kNoon + 11 * kMinuteMs);
    CHECK(router.tick().empty());  // the normal SLA's warning is hours away
    f.clock.set(kNoon + 11 * kMinuteMs + kSecondMs);
    auto joined = router.route(post("p2", "c1", "koffer nog steeds kwijt, vlucht gaat zo"),
                               verdict("baggage", "nl", Priority::urgent));
    REQUIRE(joined.case_id == d.case_id);
    REQUIRE(contains(joined.why, "case priority normal -> urgent"));
    f.clock.set(kNoon + 11 * kMinuteMs + 20 * kSecondMs);  // under a minute since the last scan
    auto warn = router.tick();
    REQUIRE(warn.size() == 1);
    CHECK(warn[0].kind == AlertKind::sla_warning);
    CHECK(warn[0].created_at_ms == kNoon + 11 * kMinuteMs + 15 * kSecondMs);
}

TEST_CASE("acknowledging stops the SLA ladder", "[routing][router][sla]") {
    Fixture f;
    auto& router = f.start();
    auto d =
        router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage", "nl", Priority::high));
    f.clock.advance(30 * kMinuteMs);
    REQUIRE(router.acknowledge(d.case_id, "anna").ok);
    const auto twice = router.acknowledge(d.case_id, "anna");
    CHECK_FALSE(twice.ok);
    CHECK(twice.error == "case " + d.case_id + " is already acknowledged");
    f.clock.advance(3 * kHourMs);
    CHECK(router.tick().empty());
    auto trail = router.audit_trail(d.case_id);
    CHECK(trail.back().to_status == "acknowledged");
    CHECK(trail.back().actor == "anna");
    CHECK(trail.back().why == "acknowledged");

    // Actions on unknown and resolved cases are refused with a reason and change nothing.
    CHECK(router.acknowledge("case-999999", "anna").error ==
          "unknown or archived case case-999999");
    CHECK(router.resolve("case-999999", "anna").error == "unknown or archived case case-999999");
    REQUIRE(router.resolve(d.case_id, "anna").ok);
    CHECK(router.audit_trail(d.case_id).back().why == "resolved");
    CHECK(router.resolve(d.case_id, "anna").error == "case " + d.case_id + " is already resolved");
    CHECK(router.acknowledge(d.case_id, "anna").error ==
          "case " + d.case_id + " is already resolved");
    CHECK(router.audit_trail(d.case_id).back().to_status == "resolved");
}

TEST_CASE("the SLA counts only the team's business hours", "[routing][router][sla]") {
    Fixture f;
    auto& team = f.team("baggage");
    team.business_zone = f.person("anna").zone;
    team.business_hours.configured = true;
    for (int d = 0; d < 5; ++d) team.business_hours.days[d].push_back({9 * 60, 17 * 60});
    auto& router = f.start();
    // Friday 2025-06-13 16:30 CEST; normal = 4h: 30 min on Friday, 3.5h on Monday.
    f.clock.set(utc(2025, 6, 13, 14, 30));
    auto d = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
    CHECK(d.alerts.at(0).sla_deadline_ms == utc(2025, 6, 16, 10, 30));  // Mon 12:30 CEST
}

TEST_CASE("influence raises priority, capped and explained", "[routing][router][influence]") {
    Fixture f;
    auto& router = f.start();
    auto famous = post("p1", "youp", "koffer kwijt");
    famous.author.followers = 300000;
    famous.author.verified = true;
    auto d = router.route(famous, verdict("baggage", "nl", Priority::low));
    CHECK(d.priority == Priority::high);  // +3 capped at +2
    CHECK(contains(
        d.why,
        "influence: 300k followers (+2), verified (+1), capped at +2 (priority low -> high)"));
    auto spreading = post("p2", "someone", "mijn tas is weg na de overstap");
    spreading.replies = 40;
    spreading.reposts = 30;
    auto d2 = router.route(spreading, verdict("baggage"));
    CHECK(d2.priority == Priority::high);
    CHECK(contains(d2.why, "spreading, 70 replies+reposts (+1)"));
    auto small = post("p3", "nobody", "tas kwijt bij de bagageband");
    small.author.followers = 120;
    auto d3 = router.route(small, verdict("baggage"));
    CHECK(d3.priority == Priority::normal);
    CHECK_FALSE(contains(d3.why, "influence"));
    auto top = post("p4", "star", "koffer weg weg weg");
    top.author.followers = 2000000;
    CHECK(router.route(top, verdict("baggage", "nl", Priority::urgent)).priority ==
          Priority::urgent);
}

TEST_CASE("a spike raises one crisis alert, groups the topic and says when it ends",
          "[routing][router][spikes]") {
    Fixture f;
    f.settings.spikes.enabled = true;
    f.settings.spikes.window_ms = 10 * kMinuteMs;
    f.settings.spikes.baseline_ms = kHourMs;
    f.settings.spikes.factor = 4;
    f.settings.spikes.min_count = 8;
    f.settings.spikes.warmup_ms = 0;
    f.settings.spikes.crisis = {"slack", "#crisis"};
    f.person("anna").capacity = 1000;
    f.person("bram").capacity = 1000;
    auto& router = f.start();
    int n = 0;
    auto send = [&](const std::string& topic) {
        ++n;
        return router.route(
            post("p" + std::to_string(n), "c" + std::to_string(n), "bericht " + std::to_string(n)),
            verdict(topic));
    };
    for (int i = 0; i < 7; ++i) {  // a quiet hour: one post per 10 minutes
        auto d = send("baggage");
        CHECK(find_alert(d.alerts, AlertKind::crisis_start) == nullptr);
        f.clock.advance(10 * kMinuteMs);
    }
    std::vector<Alert> starts;
    std::string grouped_case;
    for (int i = 0; i < 12; ++i) {
        auto d = send("baggage");
        for (const auto& a : d.alerts) {
            if (a.kind == AlertKind::crisis_start) starts.push_back(a);
        }
        if (i >= 8) {
            CHECK_FALSE(d.assignee);
            CHECK(d.team == "baggage");
            CHECK(contains(d.why, "topic:baggage is in a spike"));
            CHECK(find_alert(d.alerts, AlertKind::new_case) == nullptr);
            if (grouped_case.empty()) grouped_case = d.case_id;
            CHECK(d.case_id == grouped_case);
        }
        f.clock.advance(10 * kSecondMs);
    }
    REQUIRE(starts.size() == 1);
    CHECK(starts[0].sink == "slack");
    CHECK(starts[0].destination == "#crisis");
    CHECK(starts[0].count == 8);
    CHECK(starts[0].samples.size() == 3);
    CHECK(contains(starts[0].title, "8 posts on baggage in 10m"));
    // Another topic is not affected.
    auto booking = send("booking");
    INFO(booking.why);
    CHECK(booking.assignee == "dana");
    // Quiet again: a digest of the grouped posts and the end.
    f.clock.advance(15 * kMinuteMs);
    auto later = router.tick();
    const auto* digest = find_alert(later, AlertKind::digest);
    REQUIRE(digest);
    CHECK(digest->count == 4);
    const auto* end = find_alert(later, AlertKind::crisis_end);
    REQUIRE(end);
    CHECK(contains(end->title, "Spike over: baggage"));
    CHECK(end->count == 12);
    // One spike, one thread: the start, its digests and its end share a group key.
    CHECK(starts[0].group_key == "crisis:topic:baggage:" + std::to_string(starts[0].created_at_ms));
    CHECK(digest->group_key == starts[0].group_key);
    CHECK(end->group_key == starts[0].group_key);
    CHECK(spreekbuis::connectors::thread_key(*end) == starts[0].group_key);
    CHECK(router.find_case(grouped_case)->status == CaseStatus::resolved);
    auto normal = send("baggage");
    CHECK(normal.assignee);
    CHECK(router.stats().crises == 1);
}

TEST_CASE("a source that goes silent for longer than usual raises one alert",
          "[routing][router][silence]") {
    Fixture f;
    f.settings.silence.enabled = true;
    f.settings.silence.min_ms = 5 * kMinuteMs;
    f.settings.silence.factor = 10;
    f.settings.silence.min_posts = 20;
    auto& router = f.start();
    spreekbuis::rules::Verdict none;
    for (int i = 0; i < 30; ++i) {
        router.route(post("p" + std::to_string(i), "c", "x", "jetstream"), none);
        f.clock.advance(kMinuteMs);
    }
    const auto last = f.clock.now_ms() - kMinuteMs;
    f.clock.set(last + 10 * kMinuteMs);
    CHECK(router.tick().empty());
    f.clock.set(last + 10 * kMinuteMs + 1);
    auto alerts = router.tick();
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].kind == AlertKind::source_silent);
    CHECK(contains(alerts[0].title, "Source jetstream silent for 10m"));
    CHECK(alerts[0].destination == "#webcare-desk");
    CHECK(router.tick().empty());
}

TEST_CASE("replay simulates employees answering after the handling time",
          "[routing][router][replay]") {
    Fixture f;
    f.options.simulate_handling = true;
    f.settings.simulated_handling_ms = 20 * kMinuteMs;
    auto& router = f.start();
    auto d1 = router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage"));
    CHECK(router.open_load("anna") == 1);
    f.clock.advance(19 * kMinuteMs);
    router.tick();
    CHECK(router.open_load("anna") == 1);
    f.clock.advance(kMinuteMs);
    auto d2 = router.route(post("p2", "c2", "tas kwijt"), verdict("baggage"));
    CHECK(router.find_case(d1.case_id)->status == CaseStatus::resolved);
    CHECK(router.open_load("anna") == 0);
    CHECK(d2.assignee == "bram");  // anna handled one; bram idle longer (never)
    auto trail = router.audit_trail(d1.case_id);
    CHECK(trail.back().actor == "simulation");
    CHECK(trail.back().at_ms == kNoon + 20 * kMinuteMs);
    // An urgent case is warned and escalated before the simulated answer comes.
    auto d3 =
        router.route(post("p3", "c3", "koffer weg"), verdict("baggage", "nl", Priority::urgent));
    f.clock.advance(kHourMs);
    auto alerts = router.tick();
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].kind == AlertKind::sla_warning);
    CHECK(alerts[1].kind == AlertKind::escalation);
    CHECK(router.find_case(d3.case_id)->status == CaseStatus::resolved);
}

TEST_CASE("a resolved conversation reopens on a new reply", "[routing][router][lifecycle]") {
    Fixture f;
    auto& router = f.start();
    auto p1 = post("p1", "c1", "koffer kwijt");
    auto d1 = router.route(p1, verdict("baggage"));
    REQUIRE(router.resolve(d1.case_id, "anna", "koffer gevonden").ok);
    CHECK(router.open_load("anna") == 0);
    f.clock.advance(kDayMs);
    auto p2 = post("p2", "c1", "toch niet, de koffer is weer weg");
    p2.in_reply_to = "p1";
    auto d2 = router.route(p2, verdict("baggage"));
    CHECK(d2.case_id == d1.case_id);
    CHECK(d2.assignee == "anna");
    CHECK(d2.alerts.at(0).title == "Case reopened: " + d1.case_id);
    CHECK(router.find_case(d1.case_id)->status == CaseStatus::reopened);
    CHECK(router.open_load("anna") == 1);
    std::vector<std::string> statuses;
    for (const auto& e : router.audit_trail(d1.case_id)) statuses.push_back(e.to_status);
    CHECK(statuses == std::vector<std::string>{"new", "assigned", "resolved", "reopened"});
    CHECK_FALSE(router.reassign(d1.case_id, "anan", "admin").ok);
    CHECK(contains(router.reassign(d1.case_id, "anan", "admin").error, "did you mean 'anna'"));
    auto moved = router.reassign(d1.case_id, "bram", "admin:lena", "anna is off");
    REQUIRE(moved.ok);
    CHECK(moved.alerts.at(0).destination == "U_BRAM");
    CHECK(router.open_load("bram") == 1);
    CHECK(router.open_load("anna") == 0);
}

TEST_CASE("SQLite store: a restart in the middle of open cases loses nothing",
          "[routing][router][sqlite]") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("spreekbuis-routing-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto path = (dir / "cases.db").string();
    Fixture f;
    std::string case1, case2;
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        CHECK(store->schema_version() == SqliteCaseStore::kSchemaVersion);
        auto& router = f.start(store.get());
        auto p1 = post("p1", "c1", "koffer kwijt");
        case1 = router.route(p1, verdict("baggage", "nl", Priority::urgent)).case_id;
        f.clock.advance(kMinuteMs);
        case2 = router.route(post("p2", "c2", "tas kwijt"), verdict("baggage")).case_id;
        f.clock.advance(12 * kMinuteMs);
        REQUIRE(router.tick().size() == 1);  // the warning for case1, before the "crash"
        f.router.reset();
    }
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        auto& router = f.start(store.get());
        CHECK(router.stats().open_cases == 2);
        CHECK(router.open_load("anna") == 1);
        CHECK(router.open_load("bram") == 1);
        CHECK(router.find_case(case1)->warned);
        // The ladder continues where it was: no second warning, the escalation at 15m.
        f.clock.advance(2 * kMinuteMs);
        auto alerts = router.tick();
        REQUIRE(alerts.size() == 1);
        CHECK(alerts[0].kind == AlertKind::escalation);
        // Replies thread into the reloaded case; affinity and numbering survive.
        auto p3 = post("p3", "c1", "hallo?");
        p3.in_reply_to = "p1";
        auto d3 = router.route(p3, verdict("baggage"));
        CHECK(d3.case_id == case1);
        CHECK(d3.assignee == "anna");
        auto d4 = router.route(post("p4", "c4", "bagage beschadigd"), verdict("baggage"));
        CHECK(d4.case_id == "case-000003");
        REQUIRE(router.resolve(case2, "bram").ok);
        f.router.reset();
    }
    {
        std::string error;
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        auto trail = store->audit_trail(case1);
        REQUIRE(trail.size() >= 4);
        CHECK(trail[0].to_status == "new");
        CHECK(trail[1].to_status == "assigned");
        CHECK(contains(trail[2].why, "SLA warning"));
        CHECK(contains(trail[3].why, "escalation 1"));
        CHECK(store->find_case(case2)->status == CaseStatus::resolved);
        auto snapshot = store->load(0);
        REQUIRE(snapshot);
        CHECK(snapshot->affinity.at("mastodon:c1").first == "anna");
        CHECK(snapshot->next_case_number == 4);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("SQLite store refuses a newer schema and unusable paths", "[routing][sqlite]") {
    std::string error;
    CHECK_FALSE(SqliteCaseStore::open("/nonexistent-dir/x/cases.db", error));
    CHECK(contains(error, "cannot open case store"));
    const auto path = (std::filesystem::temp_directory_path() /
                       ("spreekbuis-schema-" + std::to_string(::getpid()) + ".db"))
                          .string();
    std::filesystem::remove(path);
    {
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
    }
    {
        // Reopening is idempotent.
        auto store = SqliteCaseStore::open(path, error);
        REQUIRE(store);
        CHECK(store->schema_version() == SqliteCaseStore::kSchemaVersion);
    }
    std::filesystem::remove(path);
}

TEST_CASE("the company's own replies open no case and count as the first response",
          "[routing][router][own]") {
    Fixture f;
    f.settings.own_accounts = {"zeevlucht_help"};
    auto& router = f.start();
    auto d =
        router.route(post("p1", "c1", "koffer kwijt"), verdict("baggage", "nl", Priority::high));
    REQUIRE_FALSE(d.case_id.empty());
    // A look-alike handle is a customer like any other.
    auto other = router.route(post("p2", "ZeevluchtHelp", "storing?"), verdict("disruption"));
    CHECK_FALSE(other.case_id.empty());
    // The brand's own post: no case, no alert.
    auto brand = router.route(post("p3", "Zeevlucht_Help", "Wij kijken mee!"), verdict(""));
    CHECK(brand.case_id.empty());
    CHECK(brand.alerts.empty());
    CHECK_FALSE(brand.team);
    // Its public reply in the case's thread stops the SLA ladder.
    auto reply = post("p4", "zeevlucht_help", "Sorry Anna, we zoeken het uit. DM ons je nummer.");
    reply.in_reply_to = "p1";
    auto answered = router.route(reply, verdict(""));
    CHECK(answered.case_id.empty());
    CHECK(contains(answered.why, "first response"));
    CHECK(router.find_case(d.case_id)->status == CaseStatus::acknowledged);
    f.clock.advance(3 * kHourMs);
    for (const auto& alert : router.tick()) CHECK(alert.case_id != d.case_id);
}

TEST_CASE("a reloaded directory without the owner of open cases hands them on",
          "[routing][router]") {
    Fixture f;
    auto& router = f.start();
    auto d1 = router.route(post("p1", "c1", "koffer kwijt na de vlucht"), verdict("baggage"));
    REQUIRE(d1.assignee == "anna");
    // anna leaves the company: gone from the people and from every team.
    auto next = std::make_shared<Directory>(*f.dir);
    next->people.erase(std::remove_if(next->people.begin(), next->people.end(),
                                      [](const Person& p) { return p.id == "anna"; }),
                       next->people.end());
    for (auto& team : next->teams) {
        std::erase(team.members, "anna");
        if (team.lead == "anna") team.lead.clear();
    }
    for (auto& person : next->people) {
        if (person.backup == "anna") person.backup.clear();
    }
    router.set_directory(next);
    auto p2 = post("p2", "c1", "nog steeds niks gehoord");
    p2.in_reply_to = "p1";
    auto d2 = router.route(p2, verdict("baggage"));
    CHECK(d2.case_id == d1.case_id);
    REQUIRE(d2.assignee);
    CHECK(*d2.assignee != "anna");
    // The SLA timers of the case run on without her (no crash, alerts to people who exist).
    f.clock.advance(24 * 3600 * 1000);
    for (const auto& alert : router.tick()) {
        CHECK(alert.recipient_name.find("Anna") == std::string::npos);
    }
    auto d3 = router.route(post("p3", "c9", "tas kwijt"), verdict("baggage"));
    REQUIRE(d3.assignee);
    CHECK(*d3.assignee != "anna");
}
