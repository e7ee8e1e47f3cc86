#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "connectors/sources/jetstream.hpp"
#include "rules/yaml_source.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace spreekbuis;
using connectors::sources::decode_jetstream_event;
using connectors::sources::jetstream_target;
using connectors::sources::JetstreamEvent;
using connectors::sources::JetstreamSettings;
using Kind = JetstreamEvent::Kind;

namespace {

constexpr const char* kDid = "did:plc:testauthor7xq2m";

std::string post_record(const std::string& text, const std::string& extra = "") {
    return R"({"$type":"app.bsky.feed.post","createdAt":"2026-03-02T09:15:30.250Z",)" +
           std::string(R"("langs":["nl","en"],)") + extra + R"("text":")" + text + R"("})";
}

std::string commit_frame(std::int64_t time_us, const std::string& operation,
                         const std::string& collection, const std::string& rkey,
                         const std::string& record, const std::string& did = kDid) {
    std::string frame = R"({"did":")" + did + R"(","time_us":)" + std::to_string(time_us) +
                        R"(,"kind":"commit","commit":{"rev":"3lzzrevtest22","operation":")" +
                        operation + R"(","collection":")" + collection + R"(","rkey":")" + rkey +
                        '"';
    if (!record.empty()) frame += R"(,"record":)" + record + R"(,"cid":"bafyreitestcid")";
    return frame + "}}";
}

std::string post_frame(std::int64_t time_us, const std::string& rkey, const std::string& text) {
    return commit_frame(time_us, "create", "app.bsky.feed.post", rkey, post_record(text));
}

}  // namespace

// ---- decoder ----

TEST_CASE("jetstream: a created post becomes a Post with every field", "[jetstream]") {
    const std::string reply =
        R"("reply":{"parent":{"cid":"bafyparent",)"
        R"("uri":"at://did:plc:otherparent1/app.bsky.feed.post/3kparent22"},)"
        R"("root":{"cid":"bafyroot",)"
        R"("uri":"at://did:plc:otherroot111/app.bsky.feed.post/3kroot2222"}},)";
    const auto event = decode_jetstream_event(
        commit_frame(1780000001000000, "create", "app.bsky.feed.post", "3kpost7abc22",
                     post_record("Mijn koffer is zoek na de vlucht", reply)));
    REQUIRE(event.kind == Kind::post);
    REQUIRE(event.post);
    const auto& post = *event.post;
    CHECK(post.id == "at://did:plc:testauthor7xq2m/app.bsky.feed.post/3kpost7abc22");
    CHECK(post.source == "bluesky");
    CHECK(post.text == "Mijn koffer is zoek na de vlucht");
    CHECK(post.lang == "nl");
    CHECK(post.created_at == "2026-03-02T09:15:30.250Z");
    REQUIRE(post.created_at_ms);
    CHECK(*post.created_at_ms == 1772442930250);
    CHECK(post.author.handle == kDid);
    CHECK(post.author.name.empty());
    CHECK(post.url == "https://bsky.app/profile/did:plc:testauthor7xq2m/post/3kpost7abc22");
    CHECK(post.in_reply_to == "at://did:plc:otherparent1/app.bsky.feed.post/3kparent22");
    CHECK(post.conversation == "at://did:plc:otherroot111/app.bsky.feed.post/3kroot2222");
    CHECK(event.cursor == "1780000001000000");
    CHECK(event.reason.empty());
}

TEST_CASE("jetstream: optional fields may be absent or malformed", "[jetstream]") {
    SECTION("no langs, no createdAt, no reply") {
        const auto event =
            decode_jetstream_event(commit_frame(1780000001000001, "create", "app.bsky.feed.post",
                                                "3kabc", R"({"text":"alleen tekst"})"));
        REQUIRE(event.kind == Kind::post);
        CHECK(event.post->lang.empty());
        CHECK(event.post->created_at.empty());
        CHECK(!event.post->created_at_ms);
        CHECK(event.post->in_reply_to.empty());
        CHECK(event.reason.empty());
    }
    SECTION("a malformed createdAt keeps the post without the time") {
        const auto event = decode_jetstream_event(
            commit_frame(1780000001000002, "create", "app.bsky.feed.post", "3kabc",
                         R"({"createdAt":"gisteren","text":"hallo"})"));
        REQUIRE(event.kind == Kind::post);
        CHECK(event.post->created_at.empty());
        CHECK(!event.post->created_at_ms);
        CHECK(event.reason == "ignored 'record.createdAt' (not an RFC 3339 timestamp)");
    }
    SECTION("wrong types of optional fields are ignored and named") {
        const auto event = decode_jetstream_event(
            commit_frame(1780000001000003, "create", "app.bsky.feed.post", "3kabc",
                         R"({"langs":"nl","createdAt":5,"reply":{"parent":7},"text":"hallo"})"));
        REQUIRE(event.kind == Kind::post);
        CHECK(event.post->lang.empty());
        CHECK(event.post->in_reply_to.empty());
        CHECK(event.reason ==
              "ignored 'record.langs' (not a list); ignored 'record.createdAt' (not a string); "
              "ignored 'record.reply' (malformed)");
    }
    SECTION("an empty langs list and a null reply") {
        const auto event = decode_jetstream_event(
            commit_frame(1780000001000004, "create", "app.bsky.feed.post", "3kabc",
                         R"({"langs":[],"reply":null,"text":"hallo"})"));
        REQUIRE(event.kind == Kind::post);
        CHECK(event.post->lang.empty());
        CHECK(event.reason.empty());
    }
}

TEST_CASE("jetstream: the 2026 server's extra cursor field is tolerated", "[jetstream]") {
    const std::string frame =
        R"({"did":"did:plc:testauthor7xq2m","time_us":1780000002000000,"cursor":12345,)"
        R"("kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post",)"
        R"("rkey":"3kcur","record":{"text":"met cursor"}}})";
    const auto event = decode_jetstream_event(frame);
    REQUIRE(event.kind == Kind::post);
    CHECK(event.cursor == "1780000002000000");
    CHECK(event.post->text == "met cursor");
}

TEST_CASE("jetstream: broken UTF-8 in the text is repaired to U+FFFD", "[jetstream]") {
    const auto event =
        decode_jetstream_event(post_frame(1780000003000000, "3kutf", "kapot \xC3\x28 tekst"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->text == "kapot \xEF\xBF\xBD( tekst");
    CHECK(event.reason == "invalid UTF-8 replaced by U+FFFD");
}

TEST_CASE("jetstream: skipped events carry their cursor and a reason", "[jetstream]") {
    struct Case {
        std::string frame;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {commit_frame(1780000004000001, "delete", "app.bsky.feed.post", "3kdel", ""), "delete"},
        {commit_frame(1780000004000002, "create", "app.bsky.feed.like", "3klike",
                      R"({"subject":{}})"),
         "collection 'app.bsky.feed.like'"},
        {commit_frame(1780000004000003, "update", "app.bsky.feed.post", "3kupd",
                      post_record("bewerkt")),
         "update of a post (only creates become posts)"},
        {commit_frame(1780000004000004, "create", "app.bsky.feed.post", "3kempty", post_record("")),
         "empty text"},
        {commit_frame(1780000004000005, "resync", "app.bsky.feed.post", "3kabc", post_record("x")),
         "unknown operation 'resync'"},
        {R"({"did":"did:plc:testauthor7xq2m","time_us":1780000004000006,"kind":"identity",)"
         R"("identity":{"did":"did:plc:testauthor7xq2m","seq":1,"time":"2026-03-02T09:00:00Z"}})",
         "identity event"},
        {R"({"did":"did:plc:testauthor7xq2m","time_us":1780000004000007,"kind":"account",)"
         R"("account":{"active":true,"did":"did:plc:testauthor7xq2m","seq":2}})",
         "account event"},
        {R"({"did":"did:plc:testauthor7xq2m","time_us":1780000004000008,"kind":"sync"})",
         "unknown kind 'sync'"},
    };
    for (const auto& c : cases) {
        INFO(c.frame);
        const auto event = decode_jetstream_event(c.frame);
        CHECK(event.kind == Kind::skip);
        CHECK(!event.post);
        CHECK(event.reason == c.reason);
        CHECK(event.cursor.size() == 16);
        CHECK(event.cursor.starts_with("178000000400000"));
    }
}

TEST_CASE("jetstream: malformed events are bad with a reason", "[jetstream]") {
    struct Case {
        std::string frame;
        std::string reason;
        std::string cursor;
    };
    const std::string t = "1780000005000000";
    const std::vector<Case> cases = {
        {"{not json", "invalid JSON (", ""},
        {"[1,2]", "an event must be a JSON object", ""},
        {R"({"did":"did:plc:a1","kind":"commit"})", "missing field 'time_us'", ""},
        {R"({"did":"did:plc:a1","time_us":"1780000005000000","kind":"commit"})",
         "field 'time_us' is not a positive integer", ""},
        {R"({"did":"did:plc:a1","time_us":0,"kind":"commit"})",
         "field 'time_us' is not a positive integer", ""},
        {R"({"did":"did:plc:a1","time_us":-5,"kind":"commit"})",
         "field 'time_us' is not a positive integer", ""},
        {R"({"did":"did:plc:a1","time_us":1.5e15,"kind":"commit"})",
         "field 'time_us' is not a positive integer", ""},
        {R"({"did":"did:plc:a1","time_us":18446744073709551615,"kind":"commit"})",
         "field 'time_us' is not a positive integer", ""},
        {R"({"did":"did:plc:a1","time_us":99999999999999999999,"kind":"commit"})", "invalid JSON (",
         ""},
        {R"({"time_us":1780000005000000,"kind":"commit"})", "missing field 'did'", t},
        {R"({"did":42,"time_us":1780000005000000,"kind":"commit"})", "field 'did' is not a string",
         t},
        {R"({"did":"plc:nope","time_us":1780000005000000,"kind":"commit"})",
         "field 'did' is not a DID: 'plc:nope'", t},
        {R"({"did":"did:plc:a/b","time_us":1780000005000000,"kind":"commit"})",
         "field 'did' is not a DID: 'did:plc:a/b'", t},
        {R"({"did":"did:plc:a\nb","time_us":1780000005000000,"kind":"commit"})",
         "field 'did' is not a DID: 'did:plc:a?b'", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000})", "missing field 'kind'", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":["commit"]})",
         "field 'kind' is not a string", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":"commit"})",
         "missing field 'commit'", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":"commit","commit":"x"})",
         "field 'commit' is not an object", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":"commit","commit":{)"
         R"("collection":"app.bsky.feed.post","rkey":"3k"}})",
         "missing field 'commit.operation'", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":"commit","commit":{)"
         R"("operation":"create","collection":7,"rkey":"3k"}})",
         "field 'commit.collection' is not a string", t},
        {R"({"did":"did:plc:a1","time_us":1780000005000000,"kind":"commit","commit":{)"
         R"("operation":"create","collection":"app.bsky.feed.post"}})",
         "missing field 'commit.rkey'", t},
        {commit_frame(1780000005000000, "create", "app.bsky.feed.post", "a/b", post_record("x")),
         "field 'commit.rkey' is not a record key: 'a/b'", t},
        {commit_frame(1780000005000000, "create", "app.bsky.feed.post", "3k", ""),
         "missing field 'commit.record'", t},
        {commit_frame(1780000005000000, "create", "app.bsky.feed.post", "3k", "[]"),
         "field 'commit.record' is not an object", t},
        {commit_frame(1780000005000000, "create", "app.bsky.feed.post", "3k",
                      R"({"langs":["en"]})"),
         "missing field 'commit.record.text'", t},
        {commit_frame(1780000005000000, "create", "app.bsky.feed.post", "3k", R"({"text":null})"),
         "field 'commit.record.text' is not a string", t},
    };
    for (const auto& c : cases) {
        INFO(c.frame);
        const auto event = decode_jetstream_event(c.frame);
        CHECK(event.kind == Kind::bad);
        CHECK(!event.post);
        CHECK(event.reason.starts_with(c.reason));
        CHECK(event.cursor == c.cursor);
    }
}

// ---- target ----

TEST_CASE("jetstream: the subscribe target", "[jetstream]") {
    JetstreamSettings settings;
    CHECK(jetstream_target(settings, "/subscribe", "") ==
          "/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1048576");

    settings.collections = {"app.bsky.feed.post", "app.bsky.graph.*"};
    settings.dids = {"did:plc:abc123", "did:web:example.nl"};
    settings.max_message_bytes = 65536;
    CHECK(jetstream_target(settings, "/subscribe", "1780000010000000") ==
          "/subscribe?wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.graph.%2A"
          "&wantedDids=did%3Aplc%3Aabc123&wantedDids=did%3Aweb%3Aexample.nl"
          "&maxMessageSizeBytes=65536&cursor=1780000005000000");

    settings = JetstreamSettings{};
    settings.rewind_seconds = 0;
    CHECK(jetstream_target(settings, "/subscribe?x=1", "1780000010000000") ==
          "/subscribe?x=1&wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1048576"
          "&cursor=1780000010000000");
    CHECK(jetstream_target(settings, "/s?", "").starts_with("/s?wantedCollections="));
    CHECK(jetstream_target(settings, "", "").starts_with("/?wantedCollections="));

    SECTION("no cursor for a resume that is no Unix-microsecond time") {
        for (const char* resume : {"", "abc", "-1780000010000000", "12345", "1780000010000000x",
                                   "99999999999999999999", " 1780000010000000"}) {
            INFO(resume);
            CHECK(jetstream_target(settings, "/subscribe", resume).find("cursor") ==
                  std::string::npos);
        }
    }
}

// ---- settings ----

namespace {

struct Loaded {
    std::optional<JetstreamSettings> settings;
    rules::Diagnostics diagnostics;
    std::string first_error() const {
        return diagnostics.items().empty() ? ""
                                           : rules::format_diagnostic(diagnostics.items().front());
    }
};

Loaded load(const std::string& yaml) {
    Loaded loaded;
    auto document = rules::load_yaml_text("sources.yaml", yaml, loaded.diagnostics);
    REQUIRE(document);
    config::PluginConfig plugin;
    plugin.name = "bsky";
    plugin.type = "jetstream";
    plugin.node = document->root;
    plugin.document = std::make_shared<const rules::YamlDocument>(std::move(*document));
    plugin.node = plugin.document->root;
    loaded.settings =
        connectors::sources::read_jetstream_settings(plugin, "/tmp", loaded.diagnostics);
    return loaded;
}

}  // namespace

TEST_CASE("jetstream settings: defaults", "[jetstream]") {
    const auto loaded = load("name: bsky\ntype: jetstream\n");
    INFO(loaded.diagnostics.format_all());
    REQUIRE(loaded.settings);
    CHECK(loaded.settings->name == "bsky");
    CHECK(loaded.settings->url == "wss://jetstream2.us-east.bsky.network/subscribe");
    CHECK(loaded.settings->collections == std::vector<std::string>{"app.bsky.feed.post"});
    CHECK(loaded.settings->dids.empty());
    CHECK(loaded.settings->rewind_seconds == 5);
    CHECK(loaded.settings->max_message_bytes == 1048576);
}

TEST_CASE("jetstream settings: every key", "[jetstream]") {
    setenv("SPREEKBUIS_TEST_JETSTREAM_HOST", "jetstream1.us-west.bsky.network", 1);
    const auto loaded = load(
        "name: bsky\n"
        "type: jetstream\n"
        "url: wss://${env:SPREEKBUIS_TEST_JETSTREAM_HOST}/subscribe\n"
        "collections: [app.bsky.feed.post, app.bsky.graph.*]\n"
        "dids:\n  - did:plc:abc123\n  - did:web:example.nl\n"
        "rewind_seconds: 30\n"
        "max_message_bytes: 65536\n");
    INFO(loaded.diagnostics.format_all());
    REQUIRE(loaded.settings);
    CHECK(loaded.settings->url == "wss://jetstream1.us-west.bsky.network/subscribe");
    CHECK(loaded.settings->collections ==
          std::vector<std::string>{"app.bsky.feed.post", "app.bsky.graph.*"});
    CHECK(loaded.settings->dids ==
          std::vector<std::string>{"did:plc:abc123", "did:web:example.nl"});
    CHECK(loaded.settings->rewind_seconds == 30);
    CHECK(loaded.settings->max_message_bytes == 65536);
    CHECK(load("name: bsky\ntype: jetstream\ncollections: app.bsky.*\n").settings);
}

TEST_CASE("jetstream settings: errors point at the value", "[jetstream]") {
    struct Case {
        std::string yaml;
        std::string expected;  // a piece of the first formatted diagnostic
    };
    const std::vector<Case> cases = {
        {"name: bsky\ntype: jetstream\nrewind_secs: 5\n", "sources.yaml:3:1: error: unknown key"},
        {"name: bsky\ntype: jetstream\nurl: https://example.org/subscribe\n",
         "sources.yaml:3:6: error: url must start with ws:// or wss://"},
        {"name: bsky\ntype: jetstream\nurl: wss:///subscribe\n",
         "sources.yaml:3:6: error: bad url: URL has no host"},
        {"name: bsky\ntype: jetstream\ncollections: [app.bsky.feed.post, app..post]\n",
         "sources.yaml:3:35: error: collection 'app..post' is not valid"},
        {"name: bsky\ntype: jetstream\ncollections: [app.bsky.feed.post, bsky.*]\n",
         "sources.yaml:3:35: error: collection 'bsky.*' is not valid: a prefix needs"},
        {"name: bsky\ntype: jetstream\ncollections: [app.bsky.feed.like]\n",
         "sources.yaml:3:14: error: no collection covers app.bsky.feed.post"},
        {"name: bsky\ntype: jetstream\ncollections: []\n",
         "sources.yaml:3:14: error: collections needs at least one entry"},
        {"name: bsky\ntype: jetstream\ncollections: {a: b}\n",
         "sources.yaml:3:14: error: expected a list of strings"},
        {"name: bsky\ntype: jetstream\ndids: [did:plc:ok1, plc:notadid]\n",
         "sources.yaml:3:21: error: 'plc:notadid' is not a DID"},
        {"name: bsky\ntype: jetstream\nrewind_seconds: 3601\n",
         "sources.yaml:3:17: error: rewind_seconds must be between 0 and 3600, found 3601"},
        {"name: bsky\ntype: jetstream\nrewind_seconds: soon\n",
         "sources.yaml:3:17: error: expected a whole number"},
        {"name: bsky\ntype: jetstream\nmax_message_bytes: 100\n",
         "sources.yaml:3:20: error: max_message_bytes must be between 1024 and 16777216"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        const auto loaded = load(c.yaml);
        CHECK(!loaded.settings);
        INFO(loaded.diagnostics.format_all());
        CHECK(loaded.first_error().find(c.expected) != std::string::npos);
    }
    const auto typo = load("name: bsky\ntype: jetstream\nrewind_secs: 5\n");
    CHECK(typo.first_error().find("rewind_seconds") != std::string::npos);

    std::string many = "name: bsky\ntype: jetstream\ncollections:\n";
    for (int i = 0; i < 101; ++i) many += "  - app.bsky.feed.post\n";
    CHECK(load(many).first_error().find("at most 100 collections, found 101") != std::string::npos);
}

// ---- I/O against a fake Jetstream on loopback ----

namespace {

// A WebSocket peer on 127.0.0.1:0 that plays one script per connection and records the
// request target of each handshake. Runs on the test's io_context.
class FakeJetstream {
  public:
    struct Frame {
        std::string data;
        bool binary = false;
    };
    struct Connection {
        std::vector<Frame> frames;
        bool hold_open = false;  // after the frames, wait for the client instead of closing
        bool silent = false;     // after the frames, neither read (no pongs) nor close
        unsigned refuse = 0;     // answer the handshake with this HTTP status instead
    };

    FakeJetstream(asio::io_context& io, std::vector<Connection> script)
        : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), script_(std::move(script)) {
        asio::co_spawn(io, serve(), asio::detached);
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    const std::vector<std::string>& targets() const { return targets_; }

  private:
    asio::awaitable<void> serve() {
        for (const auto& connection : script_) {
            auto [accept_ec, socket] =
                co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (accept_ec) co_return;
            auto stream = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(socket));
            auto& ws = *stream;
            beast::flat_buffer buffer;
            beast::http::request<beast::http::string_body> request;
            auto [read_ec, read_bytes] = co_await beast::http::async_read(
                ws.next_layer(), buffer, request, asio::as_tuple(asio::use_awaitable));
            if (read_ec) co_return;
            targets_.emplace_back(request.target());
            if (connection.refuse != 0) {
                beast::http::response<beast::http::string_body> refusal(
                    static_cast<beast::http::status>(connection.refuse), 11);
                refusal.body() = "invalid wantedCollections";
                refusal.prepare_payload();
                co_await beast::http::async_write(ws.next_layer(), refusal,
                                                  asio::as_tuple(asio::use_awaitable));
                continue;
            }
            auto [handshake_ec] =
                co_await ws.async_accept(request, asio::as_tuple(asio::use_awaitable));
            if (handshake_ec) co_return;
            for (const auto& frame : connection.frames) {
                ws.binary(frame.binary);
                auto [write_ec, written] = co_await ws.async_write(
                    asio::buffer(frame.data), asio::as_tuple(asio::use_awaitable));
                if (write_ec) break;
            }
            if (connection.silent) {
                parked_.push_back(std::move(stream));
                continue;
            }
            if (!connection.hold_open) {
                co_await ws.async_close(websocket::close_code::normal,
                                        asio::as_tuple(asio::use_awaitable));
            }
            // Until the client closes or goes away.
            beast::flat_buffer rest;
            while (true) {
                auto [ec, bytes] =
                    co_await ws.async_read(rest, asio::as_tuple(asio::use_awaitable));
                if (ec) break;
                rest.clear();
            }
        }
    }

    asio::ip::tcp::acceptor acceptor_;
    std::vector<Connection> script_;
    std::vector<std::string> targets_;
    std::vector<std::unique_ptr<websocket::stream<beast::tcp_stream>>> parked_;
};

struct Emitted {
    rules::Post post;
    std::string cursor;
};

}  // namespace

TEST_CASE("jetstream: reads, skips, reconnects with a rewound cursor, drops the repeat",
          "[jetstream][io]") {
    const std::int64_t t1 = 1780000101000000;
    const std::int64_t t4 = 1780000104000000;
    const std::int64_t t5 = 1780000105000000;
    const auto post_a = post_frame(t1, "3kpostaaaa22", "De trein is weer te laat");
    const auto post_b = post_frame(t4, "3kpostbbbb22", "Waar blijft mijn pakket?");
    const auto post_c = post_frame(t5, "3kpostcccc22", "Helpdesk neemt niet op");
    asio::io_context io;
    FakeJetstream server(
        io,
        {
            // Connection 1: posts and non-posts, then a message over the limit.
            {{{post_a},
              {commit_frame(1780000102000000, "delete", "app.bsky.feed.post", "3kold", "")},
              {R"({"did":"did:plc:testauthor7xq2m","time_us":1780000103000000,"kind":"identity",)"
               R"("identity":{"did":"did:plc:testauthor7xq2m","seq":9}})"},
              {R"({"did":"did:plc:testauthor7xq2m","time_us":)"},
              {std::string("\x28\xb5\x2f\xfd binary", 11), true},
              {post_b},
              {std::string(4096, 'x')}},
             false},
            // Connection 2: the rewind repeats post B, then a new post.
            {{{post_b}, {post_c}}, true},
        });

    JetstreamSettings settings;
    settings.name = "bsky-test";
    settings.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/subscribe";
    settings.max_message_bytes = 2048;
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    auto source = connectors::sources::make_jetstream_source(settings, nullptr);
    CHECK(source->name() == "bsky-test");

    std::vector<Emitted> emitted;
    connectors::sources::SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({std::move(post), std::move(cursor)});
        return emitted.size() < 3;
    };
    bool finished = false;
    asio::co_spawn(io, source->run("1780000100000000", output),
                   [&](std::exception_ptr) { finished = true; });
    io.run_for(std::chrono::seconds(20));

    CHECK(finished);
    REQUIRE(emitted.size() == 3);
    CHECK(emitted[0].post.id == "at://did:plc:testauthor7xq2m/app.bsky.feed.post/3kpostaaaa22");
    CHECK(emitted[0].post.text == "De trein is weer te laat");
    CHECK(emitted[0].cursor == std::to_string(t1));
    CHECK(emitted[1].post.id == "at://did:plc:testauthor7xq2m/app.bsky.feed.post/3kpostbbbb22");
    CHECK(emitted[1].cursor == std::to_string(t4));
    CHECK(emitted[2].post.id == "at://did:plc:testauthor7xq2m/app.bsky.feed.post/3kpostcccc22");
    CHECK(emitted[2].post.text == "Helpdesk neemt niet op");
    CHECK(emitted[2].cursor == std::to_string(t5));

    REQUIRE(server.targets().size() == 2);
    CHECK(server.targets()[0] ==
          "/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=2048"
          "&cursor=1780000095000000");
    CHECK(server.targets()[1] ==
          "/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=2048&cursor=" +
              std::to_string(t4 - 5000000));

    const auto& counters = source->counters();
    CHECK(counters.connects == 2);
    CHECK(counters.disconnects == 1);
    CHECK(counters.events == 8);  // 6 whole frames, then 2 on the second connection
    CHECK(counters.posts == 3);
    CHECK(counters.skipped == 3);     // the delete, the identity event, the repeat of B
    CHECK(counters.bad_events == 3);  // the cut JSON, the binary frame, the oversize message
}

TEST_CASE("jetstream: a silent connection times out and is reopened", "[jetstream][io]") {
    asio::io_context io;
    const auto frame = post_frame(1780000201000000, "3ksilent22", "Storing bij de bank");
    FakeJetstream server(io, {{{}, false, true}, {{{frame}}, true, false}});
    JetstreamSettings settings;
    settings.name = "silent";
    settings.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/subscribe";
    settings.read_timeout = std::chrono::milliseconds(40);
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    auto source = connectors::sources::make_jetstream_source(settings, nullptr);
    std::vector<Emitted> emitted;
    connectors::sources::SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({std::move(post), std::move(cursor)});
        return false;
    };
    bool finished = false;
    asio::co_spawn(io, source->run("1780000200000000", output),
                   [&](std::exception_ptr) { finished = true; });
    io.run_for(std::chrono::seconds(20));

    CHECK(finished);
    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].post.text == "Storing bij de bank");
    CHECK(source->counters().connects == 2);
    CHECK(source->counters().disconnects == 1);
    REQUIRE(server.targets().size() == 2);
    // Nothing arrived on the silent connection, so the second one resumes from the same point.
    CHECK(server.targets()[0].ends_with("&cursor=1780000195000000"));
    CHECK(server.targets()[1].ends_with("&cursor=1780000195000000"));
}

TEST_CASE("jetstream: a declined handshake is retried", "[jetstream][io]") {
    asio::io_context io;
    const auto frame = post_frame(1780000301000000, "3kretry22", "Geen bereik sinds gisteren");
    FakeJetstream server(io, {{{}, false, false, 400}, {{{frame}}, true, false, 0}});
    JetstreamSettings settings;
    settings.name = "declined";
    settings.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/subscribe";
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    auto source = connectors::sources::make_jetstream_source(settings, nullptr);
    std::vector<Emitted> emitted;
    connectors::sources::SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({std::move(post), std::move(cursor)});
        return false;
    };
    bool finished = false;
    asio::co_spawn(io, source->run("", output), [&](std::exception_ptr) { finished = true; });
    io.run_for(std::chrono::seconds(20));

    CHECK(finished);
    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].cursor == "1780000301000000");
    CHECK(source->counters().connects == 1);
    CHECK(source->counters().disconnects == 1);
    CHECK(server.targets().size() == 2);
}

TEST_CASE("jetstream: a refused connection is retried with backoff", "[jetstream][io]") {
    asio::io_context io;
    // A port with nobody listening: bind, note the port, close.
    unsigned short port = 0;
    {
        asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }
    JetstreamSettings settings;
    settings.name = "refused";
    settings.url = "ws://127.0.0.1:" + std::to_string(port) + "/subscribe";
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    auto source = connectors::sources::make_jetstream_source(settings, nullptr);
    connectors::sources::SourceOutput output;
    output.emit = [](rules::Post, std::string) { return true; };
    asio::co_spawn(io, source->run("", output), asio::detached);
    while (source->counters().disconnects < 3 && !io.stopped()) {
        io.run_one_for(std::chrono::seconds(5));
    }
    io.stop();
    CHECK(source->counters().disconnects >= 3);
    CHECK(source->counters().connects == 0);
}
