#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "connectors/sinks/sink_crypto.hpp"
#include "daemon/delivery/dispatcher.hpp"
#include "fake_http_server.hpp"

using namespace spreekbuis;
using namespace spreekbuis::daemon::delivery;
using connectors::Alert;
using connectors::sinks::Service;
using testing::FakeHttpServer;
using testing::FakeReply;
using testing::FakeRequest;
using testing::run_until;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

Alert make_alert(const std::string& id, const std::string& destination,
                 const std::string& sink = "hook") {
    Alert a;
    a.id = id;
    a.sink = sink;
    a.destination = destination;
    a.title = "alert " + id;
    a.post.text = "text " + id;
    a.created_at_ms = 1714572000000;
    return a;
}

SinkDelivery sink_for(Service service, const std::string& name, const std::string& url) {
    SinkDelivery d;
    d.settings.name = name;
    d.settings.service = service;
    d.settings.url = url;
    d.settings.secret = kSecret;
    d.limits = {RateLimit{1000, 1000}, RateLimit{1000, 1000}};
    d.backoff.initial_ms = 20;
    d.backoff.max_ms = 100;
    d.backoff.jitter = 0;
    d.http.connect_timeout = std::chrono::milliseconds(1000);
    d.http.request_timeout = std::chrono::milliseconds(300);
    return d;
}

struct Harness {
    boost::asio::io_context io;
    std::unique_ptr<Dispatcher> dispatcher;

    void make(std::vector<SinkDelivery> sinks, std::unique_ptr<Outbox> outbox = nullptr) {
        if (!outbox) {
            std::string error;
            outbox = Outbox::open(":memory:", error);
            REQUIRE(outbox);
        }
        DispatcherOptions options;
        options.idle_poll_ms = 50;
        dispatcher =
            std::make_unique<Dispatcher>(io, std::move(outbox), nullptr, std::move(sinks), options);
    }
    void enqueue(const Alert& alert) {
        dispatcher->with_outbox([&](Outbox& outbox) {
            REQUIRE(outbox.enqueue(alert, now_ms()) == EnqueueResult::inserted);
        });
        dispatcher->wake(alert.sink);
    }
    OutboxEntry entry(const std::string& id) {
        std::optional<OutboxEntry> e;
        dispatcher->with_outbox([&](Outbox& outbox) { e = outbox.get(id); });
        REQUIRE(e);
        return *e;
    }
    OutboxCounts counts(const std::string& sink = "hook") {
        OutboxCounts c;
        dispatcher->with_outbox([&](Outbox& outbox) { c = outbox.counts(sink); });
        return c;
    }
    ~Harness() {
        if (dispatcher) {
            dispatcher->stop();
            run_until(io, [&] { return dispatcher->running_loops() == 0; });
        }
    }
};

FakeReply ok_reply() { return {}; }

}  // namespace

TEST_CASE("dispatcher delivers signed webhooks and counts them", "[dispatcher]") {
    Harness h;
    FakeHttpServer server(h.io, [](const FakeRequest&) { return ok_reply(); });
    const auto path = std::filesystem::temp_directory_path() /
                      ("spreekbuis-dispatch-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    std::string error;
    auto router_side = Outbox::open(path.string(), error);  // the router's own connection
    REQUIRE(router_side);
    h.make({sink_for(Service::webhook, "hook", server.url("/in"))},
           Outbox::open(path.string(), error));
    h.dispatcher->start();
    for (const auto& [id, dest] :
         std::vector<std::pair<std::string, std::string>>{{"a1", "x"}, {"b1", "y"}, {"a2", "x"}}) {
        REQUIRE(router_side->enqueue(make_alert(id, dest), now_ms()) == EnqueueResult::inserted);
    }
    h.dispatcher->wake("hook");
    REQUIRE(run_until(h.io, [&] { return h.counts().sent == 3; }));
    REQUIRE(server.requests().size() == 3);
    std::set<std::string> ids;
    for (const auto& request : server.requests()) {
        CHECK(request.method == "POST");
        CHECK(request.target == "/in");
        const std::string id = request.header("webhook-id");
        ids.insert(id);
        CHECK(request.header("webhook-signature") ==
              *connectors::sinks::standard_webhook_signature(
                  kSecret, id, request.header("webhook-timestamp"), request.body));
    }
    CHECK(ids == std::set<std::string>{"a1", "a2", "b1"});
    const auto* counters = h.dispatcher->counters("hook");
    REQUIRE(counters);
    CHECK(counters->sent == 3);
    CHECK(counters->failed == 0);
    const std::string metrics = h.dispatcher->metrics();
    CHECK(metrics.find("spreekbuis_alerts_sent_total{sink=\"hook\"} 3\n") != std::string::npos);
    CHECK(metrics.find("spreekbuis_outbox_alerts{sink=\"hook\",state=\"pending\"} 0\n") !=
          std::string::npos);
    CHECK(router_side->get("a2")->state == OutboxState::sent);
    router_side.reset();
    h.dispatcher->stop();
    REQUIRE(run_until(h.io, [&] { return h.dispatcher->running_loops() == 0; }));
    h.dispatcher.reset();
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
}

TEST_CASE("dispatcher retries 500 and 429 honouring retry_after", "[dispatcher]") {
    Harness h;
    int calls = 0;
    FakeHttpServer server(h.io, [&](const FakeRequest&) {
        ++calls;
        if (calls == 1) return FakeReply{FakeReply::Action::respond, 500, {}, "boom"};
        if (calls == 2) {
            return FakeReply{FakeReply::Action::respond,
                             429,
                             {{"Retry-After", "1"}},
                             R"({"message":"You are being rate limited.","retry_after":0.05})"};
        }
        return FakeReply{FakeReply::Action::respond, 200, {}, "{}"};
    });
    h.make({sink_for(Service::discord, "hook", server.url("/api/webhooks/1/t"))});
    h.dispatcher->start();
    h.enqueue(make_alert("r1", ""));
    REQUIRE(run_until(h.io, [&] { return h.counts().sent == 1; }));
    CHECK(calls == 3);
    CHECK(server.requests()[0].target == "/api/webhooks/1/t?wait=true");
    const auto e = h.entry("r1");
    CHECK(e.attempts == 3);
    CHECK(e.state == OutboxState::sent);
    const auto* c = h.dispatcher->counters("hook");
    CHECK(c->retried == 2);
    CHECK(c->failed == 2);
    CHECK(c->sent == 1);
    CHECK(c->dead == 0);
}

TEST_CASE("dispatcher retries after a hung server times out and after a reset", "[dispatcher]") {
    Harness h;
    int calls = 0;
    FakeHttpServer server(h.io, [&](const FakeRequest&) {
        ++calls;
        if (calls == 1) return FakeReply{FakeReply::Action::hang, 0, {}, ""};
        if (calls == 2) return FakeReply{FakeReply::Action::reset, 0, {}, ""};
        return ok_reply();
    });
    h.make({sink_for(Service::webhook, "hook", server.url("/"))});
    h.dispatcher->start();
    h.enqueue(make_alert("t1", ""));
    REQUIRE(run_until(h.io, [&] { return h.counts().sent == 1; }));
    CHECK(calls == 3);
    CHECK(h.entry("t1").attempts == 3);
    CHECK(h.dispatcher->counters("hook")->retried == 2);
}

TEST_CASE("permanent failures become dead letters and the queue moves on", "[dispatcher]") {
    Harness h;
    FakeHttpServer server(h.io, [&](const FakeRequest& request) {
        if (request.header("webhook-id") == "p1") {
            return FakeReply{FakeReply::Action::respond, 400, {}, "bad payload"};
        }
        return ok_reply();
    });
    h.make({sink_for(Service::webhook, "hook", server.url("/"))});
    h.dispatcher->start();
    h.enqueue(make_alert("p1", "x"));
    h.enqueue(make_alert("p2", "x"));
    REQUIRE(run_until(h.io, [&] { return h.counts().sent == 1; }));
    const auto dead = h.entry("p1");
    CHECK(dead.state == OutboxState::dead);
    CHECK(dead.last_error == "HTTP 400: bad payload");
    CHECK(h.dispatcher->counters("hook")->dead == 1);
    CHECK(h.entry("p2").state == OutboxState::sent);
}

TEST_CASE("a gone Discord webhook disables the sink and keeps alerts pending", "[dispatcher]") {
    Harness h;
    FakeHttpServer server(h.io, [&](const FakeRequest&) {
        return FakeReply{FakeReply::Action::respond, 404, {}, R"({"message":"Unknown Webhook"})"};
    });
    h.make({sink_for(Service::discord, "hook", server.url("/api/webhooks/1/t"))});
    h.dispatcher->start();
    h.enqueue(make_alert("d1", ""));
    h.enqueue(make_alert("d2", "other"));
    REQUIRE(run_until(h.io, [&] { return h.dispatcher->counters("hook")->disabled.load(); }));
    REQUIRE(run_until(h.io, [&] { return h.dispatcher->running_loops() == 0; }));
    CHECK(server.requests().size() == 1);  // never used again
    CHECK(h.dispatcher->disabled_reason("hook") ==
          "discord: webhook not found (404), never reuse it");
    CHECK(h.counts().pending == 2);
    CHECK(h.dispatcher->metrics().find("spreekbuis_sink_disabled{sink=\"hook\"} 1") !=
          std::string::npos);
}

TEST_CASE("alerts survive an outage and arrive once, in order per destination",
          "[dispatcher][outage]") {
    Harness h;
    const unsigned short port = FakeHttpServer::closed_port(h.io);
    auto sink = sink_for(Service::slack_api, "slack", "http://127.0.0.1:" + std::to_string(port));
    sink.settings.token = "xoxb-test";
    sink.settings.default_destination = "C-default";
    h.make({sink});
    h.dispatcher->start();
    std::vector<std::string> order_a, order_b;
    for (int i = 0; i < 10; ++i) {
        const bool a = i % 3 != 0;
        const std::string id = "o" + std::to_string(i);
        h.enqueue(make_alert(id, a ? "C-A" : "C-B", "slack"));
        (a ? order_a : order_b).push_back(id);
    }
    // Down: every head of line fails at least twice (connection refused), nothing is lost.
    REQUIRE(run_until(h.io,
                      [&] { return h.entry("o0").attempts >= 2 && h.entry("o1").attempts >= 2; }));
    CHECK(h.counts("slack").pending == 10);
    CHECK(h.entry("o2").attempts == 0);  // waits behind o1 on C-A
    CHECK(h.entry("o1").last_error.rfind("transport: connect 127.0.0.1", 0) == 0);

    // Back up on the same port.
    std::vector<std::pair<std::string, std::string>> received;  // channel, text
    FakeHttpServer server(
        h.io,
        [&](const FakeRequest& request) {
            const auto channel_at = request.body.find("\"channel\":\"") + 11;
            const std::string channel =
                request.body.substr(channel_at, request.body.find('"', channel_at) - channel_at);
            const auto title_at = request.body.find("alert o") + 6;
            const std::string id = request.body.substr(
                title_at, request.body.find_first_of(" \":", title_at) - title_at);
            received.emplace_back(channel, id);
            CHECK(request.target == "/chat.postMessage");
            CHECK(request.header("authorization") == "Bearer xoxb-test");
            return FakeReply{FakeReply::Action::respond, 200, {}, R"({"ok":true,"ts":"1.2"})"};
        },
        port);
    REQUIRE(run_until(h.io, [&] { return h.counts("slack").sent == 10; }));
    CHECK(received.size() == 10);
    std::vector<std::string> got_a, got_b;
    std::set<std::string> unique;
    for (const auto& [channel, id] : received) {
        unique.insert(id);
        (channel == "C-A" ? got_a : got_b).push_back(id);
    }
    CHECK(unique.size() == 10);
    CHECK(got_a == order_a);
    CHECK(got_b == order_b);
    const auto* c = h.dispatcher->counters("slack");
    CHECK(c->sent == 10);
    CHECK(c->retried >= 4);
    CHECK(c->dead == 0);
}

TEST_CASE("a case's later alerts reply in the thread of its first message",
          "[dispatcher][thread]") {
    for (const Service service : {Service::slack_api, Service::matrix, Service::telegram}) {
        INFO(connectors::sinks::to_string(service));
        Harness h;
        int n = 0;
        FakeHttpServer server(h.io, [&](const FakeRequest&) {
            ++n;
            FakeReply reply;
            if (service == Service::slack_api) {
                reply.body = R"({"ok":true,"channel":"D1","ts":"1714572000.00000)" +
                             std::to_string(n) + "\"}";
            } else if (service == Service::matrix) {
                reply.body = R"({"event_id":"$event)" + std::to_string(n) + ":example.org\"}";
            } else {
                reply.body =
                    R"({"ok":true,"result":{"message_id":)" + std::to_string(100 + n) + "}}";
            }
            return reply;
        });
        auto sink = sink_for(service, "chat", server.url(""));
        sink.settings.token = "token";
        sink.settings.default_destination = "C0";
        h.make({sink});
        auto alert = [](std::string id, connectors::AlertKind kind, std::string case_id,
                        std::string destination) {
            Alert a = make_alert(id, destination, "chat");
            a.kind = kind;
            a.case_id = std::move(case_id);
            return a;
        };
        using connectors::AlertKind;
        // In decision order: the case opens, another case opens, the first case gets a new
        // post and a deadline warning, and an escalation goes to someone else.
        h.enqueue(alert("c1:new", AlertKind::new_case, "case-1", "100"));
        h.enqueue(alert("c2:new", AlertKind::new_case, "case-2", "100"));
        h.enqueue(alert("c1:upd", AlertKind::case_update, "case-1", "100"));
        h.enqueue(alert("c1:warn", AlertKind::sla_warning, "case-1", "100"));
        h.enqueue(alert("c1:esc", AlertKind::escalation, "case-1", "200"));
        h.dispatcher->start();
        REQUIRE(run_until(h.io, [&] { return h.counts("chat").sent == 5; }));
        REQUIRE(server.requests().size() == 5);
        std::map<std::string, const FakeRequest*> by_alert;
        std::map<std::string, std::string> refs;
        for (const auto* id : {"c1:new", "c2:new", "c1:upd", "c1:warn", "c1:esc"}) {
            refs[id] = h.entry(id).remote_ref;
            CHECK_FALSE(refs[id].empty());
        }
        for (const auto& request : server.requests()) {
            for (const auto* id : {"c1:new", "c2:new", "c1:upd", "c1:warn", "c1:esc"}) {
                if (request.body.find("alert " + std::string(id)) != std::string::npos) {
                    by_alert[id] = &request;
                }
            }
        }
        REQUIRE(by_alert.size() == 5);
        auto carries = [&](const std::string& id, const std::string& ref) {
            const std::string& body = by_alert[id]->body;
            if (service == Service::slack_api) {
                // The ref is "D1:<ts>": the reply goes to the conversation Slack reported.
                const auto colon = ref.find(':');
                return body.find("\"channel\":\"" + ref.substr(0, colon) + "\"") !=
                           std::string::npos &&
                       body.find("\"thread_ts\":\"" + ref.substr(colon + 1) + "\"") !=
                           std::string::npos;
            }
            if (service == Service::matrix) {
                return body.find("\"rel_type\":\"m.thread\",\"event_id\":\"" + ref + "\"") !=
                       std::string::npos;
            }
            return body.find("\"reply_parameters\":{\"message_id\":" + ref) != std::string::npos;
        };
        auto threaded = [&](const std::string& id) {
            const std::string& body = by_alert[id]->body;
            return body.find("thread_ts") != std::string::npos ||
                   body.find("m.relates_to") != std::string::npos ||
                   body.find("reply_parameters") != std::string::npos;
        };
        // The update and the warning reply under the case's first message.
        CHECK(carries("c1:upd", refs["c1:new"]));
        CHECK(carries("c1:warn", refs["c1:new"]));
        // Roots and other threads stand alone: the first alerts of both cases, and the
        // escalation that went to another destination.
        CHECK_FALSE(threaded("c1:new"));
        CHECK_FALSE(threaded("c2:new"));
        CHECK_FALSE(threaded("c1:esc"));
        if (service == Service::matrix) {
            // The reply fallback points at the thread's latest message (the update).
            CHECK(by_alert["c1:warn"]->body.find("\"m.in_reply_to\":{\"event_id\":\"" +
                                                 refs["c1:upd"] + "\"}") != std::string::npos);
        }
    }
}

TEST_CASE("a webhook sink never threads but keeps Discord's message id", "[dispatcher][thread]") {
    Harness h;
    int n = 0;
    FakeHttpServer server(h.io, [&](const FakeRequest& request) {
        FakeReply reply;
        reply.body = R"({"id":")" + std::to_string(900 + ++n) + "\"}";
        CHECK(request.target.find("wait=true") != std::string::npos);
        return reply;
    });
    h.make({sink_for(Service::discord, "hook", server.url("/api/webhooks/1/t"))});
    Alert first = make_alert("d:new", "");
    first.case_id = "case-1";
    Alert second = make_alert("d:upd", "");
    second.case_id = "case-1";
    second.kind = connectors::AlertKind::case_update;
    h.enqueue(first);
    h.enqueue(second);
    h.dispatcher->start();
    REQUIRE(run_until(h.io, [&] { return h.counts().sent == 2; }));
    CHECK(h.entry("d:new").remote_ref == "901");
    CHECK(h.entry("d:upd").remote_ref == "902");
    for (const auto& request : server.requests()) {
        CHECK(request.body.find("901") == std::string::npos);
        CHECK(request.body.find("message_reference") == std::string::npos);
    }
}
