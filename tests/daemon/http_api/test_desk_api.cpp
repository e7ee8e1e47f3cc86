// The desk lead's endpoints of the admin API: the case queue (query parsing, selection and
// order, the action bodies) and the people (who can take a case, presence set by hand), through
// AdminServer::handle against a real Router.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "../routing/routing_test_util.hpp"
#include "daemon/http_api/admin_server.hpp"
#include "daemon/http_api/case_api.hpp"
#include "daemon/http_api/desk_queries.hpp"
#include "daemon/routing/case_query.hpp"
#include "daemon/routing/router.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::http_api;
using connectors::sinks::CaseAction;
using daemon::routing::Case;
using daemon::routing::CaseQuery;
using daemon::routing::CaseStatus;
using daemon::routing::SlaState;

namespace {

constexpr const char* kToken = "admin-token-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kToken;
constexpr std::int64_t kMinute = 60 * 1000;

Case make_case(std::string id, std::int64_t number, CaseStatus status, std::string priority) {
    Case item;
    item.id = std::move(id);
    item.number = number;
    item.status = status;
    item.priority = std::move(priority);
    item.opened_at_ms = number * kMinute;
    item.updated_at_ms = item.opened_at_ms;
    return item;
}

std::vector<std::string> ids(const daemon::routing::CaseSelection& selection) {
    std::vector<std::string> out;
    for (const auto& item : selection.cases) out.push_back(item.id);
    return out;
}

}  // namespace

TEST_CASE("the case query: defaults, every filter, and mistakes named", "[http_api][cases]") {
    const auto defaults = parse_case_query("");
    REQUIRE(defaults.query);
    CHECK(defaults.query->statuses.empty());  // = the open ones
    CHECK(defaults.query->limit == 100);

    const auto full = parse_case_query(
        "status=new,acknowledged&assignee=anna&team=baggage&topic=lost%20bag&priority=high"
        "&sla=overdue,warning&limit=5");
    REQUIRE(full.query);
    CHECK(full.query->statuses ==
          std::set<CaseStatus>{CaseStatus::new_case, CaseStatus::acknowledged});
    CHECK(full.query->assignee == "anna");
    CHECK(full.query->team == "baggage");
    CHECK(full.query->topic == "lost bag");
    CHECK(full.query->at_least == rules::Priority::high);
    CHECK(full.query->sla == std::set<SlaState>{SlaState::overdue, SlaState::warning});
    CHECK(full.query->limit == 5);

    const auto all = parse_case_query("status=all&assignee=none");
    REQUIRE(all.query);
    CHECK(all.query->statuses.size() == 5);
    CHECK(all.query->unassigned);
    CHECK(all.query->assignee.empty());

    const auto error_of = [](std::string_view query) {
        const auto parsed = parse_case_query(query);
        CHECK_FALSE(parsed.query);
        return parsed.error;
    };
    CHECK_THAT(error_of("asignee=anna"), Catch::Contains("unknown parameter 'asignee'") &&
                                             Catch::Contains("did you mean 'assignee'"));
    CHECK_THAT(error_of("status=opne"), Catch::Contains("unknown status 'opne'"));
    CHECK_THAT(error_of("status=open,,new"), Catch::Contains("without empty items"));
    CHECK_THAT(error_of("sla=late"), Catch::Contains("unknown SLA state 'late'"));
    CHECK_THAT(error_of("priority=hihg"), Catch::Contains("low, normal, high or urgent"));
    CHECK_THAT(error_of("limit=0"), Catch::Contains("from 1 to 1000"));
    CHECK_THAT(error_of("limit=1001"), Catch::Contains("from 1 to 1000"));
    CHECK_THAT(error_of("limit=12x"), Catch::Contains("from 1 to 1000"));
    CHECK_THAT(error_of("team=a&team=b"), Catch::Contains("appears twice"));
    CHECK_THAT(error_of("team=%zz"), Catch::Contains("malformed"));
    CHECK_THAT(error_of("team=%00"), Catch::Contains("malformed"));
    CHECK_THAT(error_of("topic=a%0Ab"), Catch::Contains("control characters"));
    CHECK_THAT(error_of("assignee="), Catch::Contains("'assignee' needs a person id"));
    CHECK_THAT(error_of("topic=" + std::string(300, 'x')), Catch::Contains("longer than 256"));
}

TEST_CASE("SLA states follow the deadline and the first answer", "[routing][cases]") {
    Case item = make_case("c1", 1, CaseStatus::assigned, "high");
    CHECK(daemon::routing::sla_state(item, 0) == SlaState::none);
    item.deadline_ms = 100 * kMinute;
    item.warn_at_ms = 75 * kMinute;
    CHECK(daemon::routing::sla_state(item, 10 * kMinute) == SlaState::running);
    CHECK(daemon::routing::sla_state(item, 80 * kMinute) == SlaState::warning);
    CHECK(daemon::routing::sla_state(item, 100 * kMinute) == SlaState::overdue);
    item.status = CaseStatus::acknowledged;
    item.acknowledged_at_ms = 90 * kMinute;
    CHECK(daemon::routing::sla_state(item, 200 * kMinute) == SlaState::met);
    item.acknowledged_at_ms = 101 * kMinute;
    CHECK(daemon::routing::sla_state(item, 200 * kMinute) == SlaState::missed);
    // Resolved without an acknowledgement: the resolution was the first answer.
    item.status = CaseStatus::resolved;
    item.acknowledged_at_ms = 0;
    item.resolved_at_ms = 99 * kMinute;
    CHECK(daemon::routing::sla_state(item, 200 * kMinute) == SlaState::met);
    for (const auto state : {SlaState::none, SlaState::running, SlaState::warning,
                             SlaState::overdue, SlaState::met, SlaState::missed}) {
        CHECK(daemon::routing::parse_sla_state(daemon::routing::to_string(state)) == state);
    }
}

TEST_CASE("the queue: filters, most urgent first, total before the limit", "[routing][cases]") {
    std::map<std::string, Case> cases;
    const auto add = [&](Case item) { cases[item.id] = std::move(item); };
    const std::int64_t now = 1000 * kMinute;

    Case overdue = make_case("overdue", 5, CaseStatus::assigned, "normal");
    overdue.deadline_ms = now - kMinute;
    overdue.assignee = "anna";
    overdue.team = "baggage";
    overdue.topic = "baggage";
    add(overdue);
    Case soon = make_case("soon", 6, CaseStatus::new_case, "low");
    soon.deadline_ms = now + 5 * kMinute;
    soon.topic = "booking";
    add(soon);
    Case later = make_case("later", 2, CaseStatus::reopened, "urgent");
    later.deadline_ms = now + 60 * kMinute;
    later.assignee = "bram";
    later.team = "baggage";
    add(later);
    Case urgent_no_sla = make_case("urgent-no-sla", 9, CaseStatus::assigned, "urgent");
    urgent_no_sla.assignee = "anna";
    add(urgent_no_sla);
    Case normal_no_sla = make_case("normal-no-sla", 1, CaseStatus::assigned, "normal");
    add(normal_no_sla);
    Case acked = make_case("acked", 3, CaseStatus::acknowledged, "high");
    acked.deadline_ms = now - 100 * kMinute;  // answered: its deadline no longer ranks it
    acked.acknowledged_at_ms = now - 200 * kMinute;
    add(acked);
    Case old_resolved = make_case("old-resolved", 4, CaseStatus::resolved, "high");
    old_resolved.resolved_at_ms = now - 50 * kMinute;
    add(old_resolved);
    Case new_resolved = make_case("new-resolved", 7, CaseStatus::resolved, "low");
    new_resolved.resolved_at_ms = now - 5 * kMinute;
    add(new_resolved);

    CaseQuery open;
    const auto queue = daemon::routing::select_cases(cases, open, now);
    CHECK(ids(queue) == std::vector<std::string>{"overdue", "soon", "later", "urgent-no-sla",
                                                 "acked", "normal-no-sla"});
    CHECK(queue.total == 6);

    CaseQuery everything;
    everything.statuses = {CaseStatus::new_case, CaseStatus::assigned, CaseStatus::acknowledged,
                           CaseStatus::reopened, CaseStatus::resolved};
    everything.limit = 3;
    const auto first_three = daemon::routing::select_cases(cases, everything, now);
    CHECK(ids(first_three) == std::vector<std::string>{"overdue", "soon", "later"});
    CHECK(first_three.total == 8);
    everything.limit = 100;
    const auto all = daemon::routing::select_cases(cases, everything, now);
    REQUIRE(all.cases.size() == 8);
    CHECK(all.cases[6].id == "new-resolved");  // the most recently resolved first
    CHECK(all.cases[7].id == "old-resolved");

    CaseQuery anna;
    anna.assignee = "anna";
    CHECK(ids(daemon::routing::select_cases(cases, anna, now)) ==
          std::vector<std::string>{"overdue", "urgent-no-sla"});
    CaseQuery nobody;
    nobody.unassigned = true;
    CHECK(ids(daemon::routing::select_cases(cases, nobody, now)) ==
          std::vector<std::string>{"soon", "acked", "normal-no-sla"});
    CaseQuery team;
    team.team = "baggage";
    team.at_least = rules::Priority::high;
    CHECK(ids(daemon::routing::select_cases(cases, team, now)) ==
          std::vector<std::string>{"later"});
    CaseQuery late;
    late.sla = {SlaState::overdue};
    CHECK(ids(daemon::routing::select_cases(cases, late, now)) ==
          std::vector<std::string>{"overdue"});
    CaseQuery met;
    met.sla = {SlaState::met};
    CHECK(ids(daemon::routing::select_cases(cases, met, now)) == std::vector<std::string>{"acked"});
    CaseQuery topic;
    topic.topic = "booking";
    CHECK(ids(daemon::routing::select_cases(cases, topic, now)) ==
          std::vector<std::string>{"soon"});
}

TEST_CASE("case action bodies: optional for ack and resolve, 'to' required for reassign",
          "[http_api][cases]") {
    const auto empty = parse_case_action_body("", CaseAction::ack);
    REQUIRE(empty.body);
    CHECK(empty.body->by.empty());
    const auto named =
        parse_case_action_body(R"({"by": "lena", "note": "called back"})", CaseAction::resolve);
    REQUIRE(named.body);
    CHECK(named.body->by == "lena");
    CHECK(named.body->note == "called back");
    const auto reassign = parse_case_action_body(R"({"to": "bram"})", CaseAction::reassign);
    REQUIRE(reassign.body);
    CHECK(reassign.body->to == "bram");

    const auto error_of = [](std::string_view body, CaseAction action) {
        const auto parsed = parse_case_action_body(body, action);
        CHECK_FALSE(parsed.body);
        return parsed.error;
    };
    CHECK_THAT(error_of("", CaseAction::reassign), Catch::Contains("'to'"));
    CHECK_THAT(error_of(R"({"to": "  "})", CaseAction::reassign), Catch::Contains("'to'"));
    CHECK_THAT(error_of(R"({"to": "bram"})", CaseAction::ack),
               Catch::Contains("unknown field 'to' for ack"));
    CHECK_THAT(error_of(R"({"noet": "x"})", CaseAction::ack),
               Catch::Contains("did you mean 'note'"));
    CHECK_THAT(error_of(R"({"by": 7})", CaseAction::ack), Catch::Contains("must be a string"));
    CHECK_THAT(error_of(R"({"by": "a", "by": "b"})", CaseAction::ack),
               Catch::Contains("appears twice"));
    CHECK_THAT(error_of("[1]", CaseAction::ack), Catch::Contains("must be a JSON object"));
    CHECK_THAT(error_of("{\"by\": ", CaseAction::ack), Catch::Contains("not valid JSON"));
    CHECK_THAT(error_of("{\"by\": \"\xff\"}", CaseAction::ack), Catch::Contains("UTF-8"));
    CHECK_THAT(error_of("{\"note\": \"" + std::string(600, 'x') + "\"}", CaseAction::ack),
               Catch::Contains("longer than 500"));
}

namespace {

using namespace routing_test;

// The daemon's handlers without the hop to the emitter thread: a real Router on a manual clock.
struct RouterHandlers : CaseQueryHandler, CaseActionHandler {
    daemon::routing::Router& router;
    explicit RouterHandlers(daemon::routing::Router& r) : router(r) {}

    CaseQueryResult list_cases(const CaseQuery& query) override {
        return query_cases(router, query);
    }
    CaseQueryResult get_case(const std::string& case_id) override {
        return query_case(router, case_id);
    }
    CaseActionResult on_case_note(const std::string& case_id, const std::string& actor,
                                  const std::string& note) override {
        return add_case_note(router, case_id, actor, note);
    }
    CaseActionResult on_case_priority(const std::string& case_id, const std::string& actor,
                                      rules::Priority priority, const std::string& note) override {
        return set_case_priority(router, case_id, actor, priority, note);
    }
    CaseActionResult on_case_action(const CaseActionRequest& request) override {
        return apply_case_action(router, request, alerts);
    }
    std::vector<connectors::Alert> alerts;  // what the daemon would deliver
};

struct ApiFixture {
    TimeZoneDb zones{zoneinfo_dir()};
    ManualClock clock{utc(2025, 6, 11, 12, 0)};
    MemoryCaseStore store;
    std::unique_ptr<Router> router;
    boost::asio::io_context io;
    std::unique_ptr<AdminServer> server;
    std::shared_ptr<RouterHandlers> handlers;

    ApiFixture() {
        router = quiet_router(load_test_directory(zones), store, clock);
        AdminOptions options;
        options.listen = "127.0.0.1:0";
        options.admin_token = kToken;
        options.now_ms = [this] { return clock.now_ms(); };  // one clock, as in the daemon
        std::string error;
        server = AdminServer::create(io, std::move(options), error);
        REQUIRE(server);
        handlers = std::make_shared<RouterHandlers>(*router);
        server->set_case_query_handler(handlers);
        server->set_case_handler(handlers);
    }
    AdminReply call(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view authorization = kBearer) {
        return server->handle(method, target, body, "application/json", authorization);
    }
};

simdjson::dom::element parse(simdjson::dom::parser& parser, const AdminReply& reply) {
    INFO(reply.body);
    simdjson::dom::element root;
    REQUIRE(parser.parse(reply.body).get(root) == simdjson::SUCCESS);
    return root;
}

std::string text_of(simdjson::dom::element value) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) return "<not a string>";
    return std::string(text);
}

}  // namespace

TEST_CASE("GET /api/v1/cases lists the router's queue; a case shows its audit trail",
          "[http_api][cases]") {
    ApiFixture f;
    auto first = f.router->route(post("p1", "klant1", "mijn koffer is kwijt"),
                                 verdict("baggage", "nl", rules::Priority::high));
    REQUIRE_FALSE(first.case_id.empty());
    f.clock.advance(kMinute);
    auto second = f.router->route(post("p2", "klant2", "boeking mislukt"),
                                  verdict("booking", "nl", rules::Priority::low));
    REQUIRE_FALSE(second.case_id.empty());
    f.clock.advance(50 * kMinute);  // past the high case's hour (warning at 45 minutes)

    simdjson::dom::parser parser;
    const auto list = f.call("GET", "/api/v1/cases");
    REQUIRE(list.status == 200);
    CHECK(list.content_type == "application/json");
    const auto root = parse(parser, list);
    CHECK(root["total"].get_int64().value() == 2);
    CHECK(root["count"].get_int64().value() == 2);
    const auto cases = root["cases"].get_array();
    REQUIRE(cases.size() == 2);
    const auto top = cases.at(0).value();
    CHECK(text_of(top["id"]) == first.case_id);  // its deadline is the nearest
    CHECK(text_of(top["priority"]) == "high");
    CHECK(text_of(top["topic"]) == "baggage");
    CHECK(text_of(top["team"]) == "baggage");
    CHECK(text_of(top["assignee"]) == *first.assignee);
    CHECK(text_of(top["sla"]["state"]) == "warning");
    CHECK(top["sla"]["due_in_s"].get_int64().value() == 9 * 60);  // due an hour after opening
    CHECK(top["acknowledged_at"].is_null());
    CHECK(text_of(top["first_post"]["text"]) == "mijn koffer is kwijt");

    const auto booking = parse(parser, f.call("GET", "/api/v1/cases?topic=booking"));
    REQUIRE(booking["cases"].get_array().size() == 1);
    CHECK(text_of(booking["cases"].at(0)["id"]) == second.case_id);

    // Acknowledge over the API: the case moves, and the audit trail names who and why.
    const auto acked = f.call("POST", "/api/v1/cases/" + first.case_id + "/ack",
                              R"({"by": "lena", "note": "called the customer"})");
    REQUIRE(acked.status == 200);
    const auto one = parse(parser, acked);
    CHECK(text_of(one["case"]["status"]) == "acknowledged");
    CHECK(text_of(one["case"]["sla"]["state"]) == "met");
    const auto audit = one["audit"].get_array();
    REQUIRE(audit.size() >= 2);
    const auto last = audit.at(audit.size() - 1).value();
    CHECK(text_of(last["actor"]) == "api:lena");
    CHECK(text_of(last["to"]) == "acknowledged");
    CHECK(text_of(last["why"]) == "called the customer");

    // Acknowledging again is refused by the router (409), an unknown case is 404.
    CHECK(f.call("POST", "/api/v1/cases/" + first.case_id + "/ack").status == 409);
    CHECK(f.call("GET", "/api/v1/cases/no-such-case").status == 404);
    CHECK(f.call("POST", "/api/v1/cases/no-such-case/resolve").status == 404);

    // Reassign to a known person, then the queue filtered by that person.
    REQUIRE(f.call("POST", "/api/v1/cases/" + second.case_id + "/reassign",
                   R"({"to": "dana", "by": "lena"})")
                .status == 200);
    // The new holder is told: a new-case alert for the case, the daemon delivers it.
    REQUIRE_FALSE(f.handlers->alerts.empty());
    CHECK(f.handlers->alerts.back().case_id == second.case_id);
    CHECK(f.handlers->alerts.back().kind == connectors::AlertKind::new_case);
    const auto dana = parse(parser, f.call("GET", "/api/v1/cases?assignee=dana"));
    REQUIRE(dana["cases"].get_array().size() == 1);
    CHECK(text_of(dana["cases"].at(0)["assignee"]) == "dana");
    // Resolved cases leave the default (open) queue but stay under status=all.
    REQUIRE(f.call("POST", "/api/v1/cases/" + second.case_id + "/resolve").status == 200);
    CHECK(parse(parser, f.call("GET", "/api/v1/cases"))["total"].get_int64().value() == 1);
    CHECK(parse(parser, f.call("GET", "/api/v1/cases?status=all"))["total"].get_int64().value() ==
          2);
    const auto resolved = parse(parser, f.call("GET", "/api/v1/cases/" + second.case_id));
    CHECK(text_of(resolved["case"]["status"]) == "resolved");
    CHECK(text_of(resolved["audit"].at(resolved["audit"].get_array().size() - 1)["actor"]) ==
          "api:admin");
}

TEST_CASE("the case endpoints refuse what is wrong and say why", "[http_api][cases]") {
    ApiFixture f;
    auto routed = f.router->route(post("p1", "klant1", "koffer kwijt"), verdict("baggage"));
    REQUIRE_FALSE(routed.case_id.empty());
    const std::string one = "/api/v1/cases/" + routed.case_id;

    CHECK(f.call("GET", "/api/v1/cases", "", "").status == 401);
    CHECK(f.call("GET", "/api/v1/cases", "", "Bearer wrong-token-0123456789abcdef").status == 401);
    const auto bad_query = f.call("GET", "/api/v1/cases?limt=5");
    CHECK(bad_query.status == 400);
    CHECK_THAT(bad_query.body, Catch::Contains("did you mean 'limit'"));
    CHECK(f.call("POST", "/api/v1/cases").status == 405);
    CHECK(f.call("DELETE", one).status == 405);
    CHECK(f.call("GET", one + "/ack").status == 405);
    CHECK(f.call("POST", one + "/close").status == 404);
    const auto no_target = f.call("POST", one + "/reassign", "{}");
    CHECK(no_target.status == 400);
    CHECK_THAT(no_target.body, Catch::Contains("'to'"));
    const auto unknown_person = f.call("POST", one + "/reassign", R"({"to": "zed"})");
    CHECK(unknown_person.status >= 400);
    CHECK(f.call("POST", one + "/ack", "{oops").status == 400);
    // Nothing above changed the case.
    CHECK(f.router->find_case(routed.case_id)->status == CaseStatus::assigned);

    // Without a token configured the endpoints are off; without handlers, unavailable.
    boost::asio::io_context io;
    AdminOptions options;
    options.listen = "127.0.0.1:0";
    std::string error;
    auto closed = AdminServer::create(io, options, error);
    REQUIRE(closed);
    CHECK(closed->handle("GET", "/api/v1/cases", "", "", kBearer).status == 403);
    options.admin_token = kToken;
    auto bare = AdminServer::create(io, options, error);
    REQUIRE(bare);
    CHECK(bare->handle("GET", "/api/v1/cases", "", "", kBearer).status == 503);
}

TEST_CASE("GET /api/v1/people: who can take a case now, and why not", "[http_api][people]") {
    ApiFixture f;
    f.server->set_people_handler(
        [&f](const PeopleQuery& query) { return answer_people(*f.router, query); });
    // Four baggage cases in Dutch: Anna and Bram (capacity 2 each) take two each; Cleo is off.
    std::map<std::string, int> assigned;  // person -> cases
    for (int i = 0; i < 4; ++i) {
        auto d = f.router->route(
            post("b" + std::to_string(i), "klant" + std::to_string(i), "koffer kwijt"),
            verdict("baggage"));
        REQUIRE(d.assignee);
        ++assigned[*d.assignee];
    }
    REQUIRE(assigned == std::map<std::string, int>{{"anna", 2}, {"bram", 2}});

    simdjson::dom::parser parser;
    const auto everyone = parse(parser, f.call("GET", "/api/v1/people"));
    std::map<std::string, simdjson::dom::element> by_id;
    for (const auto person : everyone["people"].get_array()) by_id[text_of(person["id"])] = person;
    REQUIRE(by_id.size() == 5);
    // 08:00 on a Wednesday in New York: before Cleo's weekday hours.
    CHECK_FALSE(by_id["cleo"]["available"].get_bool().value());
    CHECK_THAT(text_of(by_id["cleo"]["unavailable"]), Catch::StartsWith("off shift"));
    CHECK_THAT(text_of(by_id["cleo"]["local_time"]), Catch::Contains("08:00"));
    CHECK(text_of(by_id["anna"]["name"]) == "Anna de Vries");
    CHECK(by_id["anna"]["skills"]["baggage"].get_int64().value() == 3);
    CHECK(text_of(by_id["anna"]["backup"]) == "bram");
    CHECK(text_of(by_id["lena"]["lead_of"].at(0)) == "baggage");
    CHECK(by_id["anna"]["open_cases"].get_int64().value() == 2);
    CHECK_FALSE(by_id["anna"]["available"].get_bool().value());
    CHECK(text_of(by_id["anna"]["unavailable"]) == "at capacity (2/2)");
    CHECK(text_of(by_id["bram"]["unavailable"]) == "at capacity (2/2)");
    CHECK(by_id["dana"]["available"].get_bool().value());
    CHECK(by_id["dana"]["unavailable"].is_null());
    std::map<std::string, simdjson::dom::element> teams;
    for (const auto team : everyone["teams"].get_array()) teams[text_of(team["id"])] = team;
    CHECK(teams["baggage"]["members"].get_int64().value() == 3);
    CHECK(teams["baggage"]["members_open_cases"].get_int64().value() == 4);
    CHECK(teams["baggage"]["available"].get_int64().value() == 0);
    CHECK(teams["desk"]["desk"].get_bool().value());

    const auto baggage = parse(parser, f.call("GET", "/api/v1/people?team=baggage"));
    CHECK(baggage["people"].get_array().size() == 4);  // three members and the lead
    CHECK(baggage["teams"].get_array().size() == 1);
    const auto available = parse(parser, f.call("GET", "/api/v1/people?available=true"));
    for (const auto person : available["people"].get_array()) {
        CHECK(person["available"].get_bool().value());
        CHECK(text_of(person["id"]) != "cleo");
        CHECK(text_of(person["id"]) != "anna");
    }

    CHECK(f.call("GET", "/api/v1/people?team=nope").status == 404);
    const auto misspelt = f.call("GET", "/api/v1/people?tema=baggage");
    CHECK(misspelt.status == 400);
    CHECK_THAT(misspelt.body, Catch::Contains("did you mean 'team'"));
    CHECK(f.call("GET", "/api/v1/people?available=yes").status == 400);
    CHECK(f.call("GET", "/api/v1/people?team=a&team=b").status == 400);
    CHECK(f.call("POST", "/api/v1/people").status == 405);
    CHECK(f.call("GET", "/api/v1/people", "", "").status == 401);
}

TEST_CASE("presence bodies: away required, one expiry at most, within 90 days",
          "[http_api][people]") {
    constexpr std::int64_t kNow = 1'000'000'000'000;
    const auto sick = parse_presence_request(
        R"({"away": true, "duration": "8h", "by": "lena", "note": "sick"})", kNow);
    REQUIRE(sick.presence);
    CHECK(sick.presence->away);
    CHECK(sick.presence->until_ms == kNow + 8 * 3600 * 1000);
    CHECK(sick.presence->by == "lena");
    CHECK(sick.presence->note == "sick");
    const auto back = parse_presence_request(R"({"away": false})", kNow);
    REQUIRE(back.presence);
    CHECK_FALSE(back.presence->away);
    CHECK(back.presence->until_ms == 0);
    const auto until = parse_presence_request(R"({"away": true, "until": 1000000360000})", kNow);
    REQUIRE(until.presence);
    CHECK(until.presence->until_ms == 1'000'000'360'000);

    const auto error_of = [&](std::string_view body) {
        const auto parsed = parse_presence_request(body, kNow);
        CHECK_FALSE(parsed.presence);
        return parsed.error;
    };
    CHECK_THAT(error_of(""), Catch::Contains("empty"));
    CHECK_THAT(error_of("{}"), Catch::Contains("'away' is required"));
    CHECK_THAT(error_of(R"({"away": "yes"})"), Catch::Contains("true or false"));
    CHECK_THAT(error_of(R"({"awya": true})"), Catch::Contains("did you mean 'away'"));
    CHECK_THAT(error_of(R"({"away": true, "duration": "8h", "until": 1000000360000})"),
               Catch::Contains("not both"));
    CHECK_THAT(error_of(R"({"away": true, "duration": "8 hours"})"),
               Catch::Contains("field 'duration'"));
    CHECK_THAT(error_of(R"({"away": true, "duration": "0s"})"), Catch::Contains("longer than 0"));
    CHECK_THAT(error_of(R"({"away": true, "until": 999999999999})"),
               Catch::Contains("in the future"));
    CHECK_THAT(error_of(R"({"away": true, "until": 1.5})"), Catch::Contains("integer"));
    CHECK_THAT(error_of(R"({"away": true, "duration": "91d"})"), Catch::Contains("90 days"));
    CHECK_THAT(error_of(R"({"away": true, "away": false})"), Catch::Contains("appears twice"));
    CHECK_THAT(error_of("[true]"), Catch::Contains("JSON object"));
    CHECK_THAT(error_of("{\"away\": tru"), Catch::Contains("not valid JSON"));
}

TEST_CASE("away by hand over the API: no new cases for them until it ends or is cleared",
          "[http_api][people]") {
    ApiFixture f;
    f.server->set_presence_handler(
        [&f](const std::string& person, const std::optional<daemon::routing::Presence>& set) {
            return change_presence(*f.router, person, set);
        });
    simdjson::dom::parser parser;
    // Anna (the most skilled) is sent home for two hours.
    const auto set = f.call("POST", "/api/v1/people/anna/presence",
                            R"({"away": true, "duration": "2h", "by": "lena", "note": "sick"})");
    REQUIRE(set.status == 200);
    const auto answer = parse(parser, set);
    CHECK_FALSE(answer["available"].get_bool().value());
    CHECK_THAT(text_of(answer["unavailable"]), Catch::StartsWith("away (set by lena until "));
    CHECK(text_of(answer["presence"]["note"]) == "sick");
    CHECK(answer["presence"]["until"].get_int64().value() == f.clock.now_ms() + 2 * 3600 * 1000);

    for (int i = 0; i < 3; ++i) {
        const auto d = f.router->route(
            post("a" + std::to_string(i), "klant" + std::to_string(i), "koffer kwijt"),
            verdict("baggage"));
        REQUIRE(d.assignee);
        CHECK(*d.assignee != "anna");
    }
    // Two hours later she counts again without anyone clearing it.
    f.clock.advance(2 * 3600 * 1000);
    CHECK_FALSE(f.router->presence("anna"));
    CHECK(f.router->person_status(*f.router->directory().person("anna")).unavailable.empty());

    // "Back although people.yaml says away" works the same way, and DELETE clears it.
    REQUIRE(f.call("POST", "/api/v1/people/cleo/presence", R"({"away": false})").status == 200);
    REQUIRE(f.router->presence("cleo"));
    CHECK_FALSE(f.router->presence("cleo")->away);
    REQUIRE(f.call("DELETE", "/api/v1/people/cleo/presence").status == 200);
    CHECK_FALSE(f.router->presence("cleo"));
    CHECK(f.call("DELETE", "/api/v1/people/cleo/presence").status == 404);

    CHECK(f.call("POST", "/api/v1/people/zed/presence", R"({"away": true})").status == 404);
    const auto bad = f.call("POST", "/api/v1/people/anna/presence", R"({"away": 1})");
    CHECK(bad.status == 400);
    CHECK_THAT(bad.body, Catch::Contains("true or false"));
    CHECK(f.call("GET", "/api/v1/people/anna/presence").status == 405);
    CHECK(f.call("POST", "/api/v1/people/anna/holiday", R"({"away": true})").status == 404);
    CHECK(f.call("POST", "/api/v1/people/anna/presence", R"({"away": true})", "").status == 401);
}

TEST_CASE(
    "GET /api/v1/cases?customer=: a customer's history, resolved cases too, and who "
    "helped them",
    "[http_api][cases]") {
    ApiFixture f;
    auto bag = f.router->route(post("p1", "klant1", "koffer kwijt"), verdict("baggage"));
    f.clock.advance(kMinute);
    auto booking = f.router->route(post("p2", "klant1", "boeking mislukt"), verdict("booking"));
    f.clock.advance(kMinute);
    auto other = f.router->route(post("p3", "klant2", "koffer kapot"), verdict("baggage"));
    REQUIRE(bag.case_id != booking.case_id);
    REQUIRE_FALSE(other.case_id.empty());
    REQUIRE(f.router->resolve(bag.case_id, "anna").ok);

    simdjson::dom::parser parser;
    const auto history = parse(parser, f.call("GET", "/api/v1/cases?customer=mastodon:klant1"));
    const auto cases = history["cases"].get_array().value();
    REQUIRE(cases.size() == 2);                            // the resolved one too
    CHECK(text_of(cases.at(0)["id"]) == booking.case_id);  // open before resolved
    CHECK(text_of(cases.at(1)["id"]) == bag.case_id);
    CHECK(text_of(cases.at(1)["status"]) == "resolved");
    CHECK(text_of(history["customer"]["id"]) == "mastodon:klant1");
    // The last person assigned to them: the booking case's holder.
    CHECK(text_of(history["customer"]["last_helper"]) == *booking.assignee);

    const auto open_only =
        parse(parser, f.call("GET", "/api/v1/cases?customer=mastodon:klant1&status=open"));
    REQUIRE(open_only["cases"].get_array().size() == 1);
    const auto nobody = parse(parser, f.call("GET", "/api/v1/cases?customer=x:unknown"));
    CHECK(nobody["cases"].get_array().size() == 0);
    CHECK(nobody["customer"]["last_helper"].is_null());
    const auto bad = f.call("GET", "/api/v1/cases?customer=klant1");
    CHECK(bad.status == 400);
    CHECK_THAT(bad.body, Catch::Contains("source:handle"));
    // The queue without a customer has no customer block.
    CHECK(parse(parser, f.call("GET", "/api/v1/cases"))["customer"].error() ==
          simdjson::NO_SUCH_FIELD);
}

TEST_CASE("POST /api/v1/cases/{id}/note: an internal note in the audit trail, status unchanged",
          "[http_api][cases]") {
    ApiFixture f;
    auto routed = f.router->route(post("p1", "klant1", "koffer kwijt"), verdict("baggage"));
    REQUIRE_FALSE(routed.case_id.empty());
    const std::string path = "/api/v1/cases/" + routed.case_id + "/note";
    const auto noted =
        f.call("POST", path, R"({"by": "lena", "note": "customer called, bag found in AMS"})");
    REQUIRE(noted.status == 200);
    simdjson::dom::parser parser;
    const auto one = parse(parser, noted);
    CHECK(text_of(one["case"]["status"]) == "assigned");
    const auto audit = one["audit"].get_array().value();
    const auto last = audit.at(audit.size() - 1).value();
    CHECK(text_of(last["actor"]) == "api:lena");
    CHECK(text_of(last["why"]) == "note: customer called, bag found in AMS");
    CHECK(text_of(last["from"]) == "assigned");
    CHECK(text_of(last["to"]) == "assigned");

    // Resolved cases take notes too; unknown cases and bad bodies do not.
    REQUIRE(f.router->resolve(routed.case_id, "anna").ok);
    CHECK(f.call("POST", path, R"({"note": "follow-up mail sent"})").status == 200);
    CHECK(f.call("POST", "/api/v1/cases/case-999999/note", R"({"note": "x"})").status == 404);
    const auto blank_note = f.call("POST", path, R"({"note": "   "})");
    CHECK(blank_note.status == 400);
    CHECK_THAT(blank_note.body, Catch::Contains("must not be blank"));
    CHECK_THAT(f.call("POST", path, R"({"nite": "x"})").body,
               Catch::Contains("did you mean 'note'"));
    CHECK(f.call("POST", path, "").status == 400);
    CHECK(f.call("GET", path).status == 405);
}

TEST_CASE("POST /api/v1/cases/{id}/priority: the SLA counts again from the opening",
          "[http_api][cases]") {
    ApiFixture f;
    const auto bag = f.router->route(post("p1", "klant1", "koffer kwijt"), verdict("baggage"));
    const auto other = f.router->route(post("p2", "klant2", "tas kapot"), verdict("baggage"));
    REQUIRE_FALSE(bag.case_id.empty());
    f.clock.advance(30 * kMinute);  // normal: due after 4 hours, so still running

    simdjson::dom::parser parser;
    // Urgent is due 15 minutes after the opening: overdue at once, and the ladder starts.
    const auto raised = f.call("POST", "/api/v1/cases/" + bag.case_id + "/priority",
                               R"({"priority": "urgent", "by": "lena", "note": "press asked"})");
    REQUIRE(raised.status == 200);
    const auto one = parse(parser, raised);
    CHECK(text_of(one["case"]["priority"]) == "urgent");
    CHECK(text_of(one["case"]["sla"]["state"]) == "overdue");
    CHECK(one["case"]["sla"]["due_in_s"].get_int64().value() == -15 * 60);
    const auto audit = one["audit"].get_array().value();
    CHECK(text_of(audit.at(audit.size() - 1)["why"]) == "priority normal -> urgent: press asked");
    CHECK(text_of(audit.at(audit.size() - 1)["actor"]) == "api:lena");
    bool escalated = false;
    for (const auto& alert : f.router->tick()) {
        escalated = escalated || (alert.case_id == bag.case_id &&
                                  alert.kind == connectors::AlertKind::escalation);
    }
    CHECK(escalated);

    // Lowered: due a day after the opening, the SLA runs again.
    REQUIRE(f.call("POST", "/api/v1/cases/" + other.case_id + "/priority", R"({"priority": "low"})")
                .status == 200);
    const auto lowered = f.router->find_case(other.case_id);
    REQUIRE(lowered);
    CHECK(lowered->deadline_ms == lowered->opened_at_ms + 24 * 3600 * 1000LL);
    CHECK(daemon::routing::sla_state(*lowered, f.clock.now_ms()) ==
          daemon::routing::SlaState::running);

    const std::string path = "/api/v1/cases/" + other.case_id + "/priority";
    CHECK(f.call("POST", path, R"({"priority": "low"})").status == 409);  // already low
    CHECK_THAT(f.call("POST", path, R"({"priority": "asap"})").body,
               Catch::Contains("low, normal, high or urgent"));
    CHECK_THAT(f.call("POST", path, R"({"by": "lena"})").body,
               Catch::Contains("'priority' is required"));
    CHECK_THAT(f.call("POST", path, R"({"priorty": "high"})").body,
               Catch::Contains("did you mean 'priority'"));
    CHECK(f.call("POST", "/api/v1/cases/case-999999/priority", R"({"priority": "high"})").status ==
          404);
    REQUIRE(f.router->resolve(other.case_id, "anna").ok);
    CHECK(f.call("POST", path, R"({"priority": "high"})").status == 409);  // resolved
}
