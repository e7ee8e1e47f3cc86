#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/sources/mastodon.hpp"
#include "connectors/sources/sse.hpp"
#include "rules/yaml_source.hpp"
#include "tests/connectors/sources/plugin_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;
using Kind = MastodonEvent::Kind;

namespace {

std::vector<SseEvent> parse_all(std::string_view bytes, SseParser& parser) {
    std::vector<SseEvent> events;
    parser.feed(bytes, events);
    return events;
}

std::vector<SseEvent> parse_all(std::string_view bytes) {
    SseParser parser;
    return parse_all(bytes, parser);
}

// A status of the same shape as Mastodon's, with invented values.
std::string status_json(const std::string& id, const std::string& content,
                        const std::string& extra = "", const std::string& reblog = "null") {
    return R"({"id":")" + id +
           R"(","created_at":"2026-03-01T10:00:00.000Z","in_reply_to_id":null,)"
           R"("in_reply_to_account_id":null,"sensitive":false,"spoiler_text":"",)"
           R"("visibility":"public","language":"nl","uri":"https://social.example/users/piet/statuses/)" +
           id + R"(","url":"https://social.example/@piet/)" + id +
           R"(","replies_count":1,"reblogs_count":2,"favourites_count":0,"content":")" + content +
           R"(","reblog":)" + reblog +
           R"(,"account":{"id":"7","username":"piet","acct":"piet",)"
           R"("display_name":"Piet Paaltjens","followers_count":12},"media_attachments":[],)"
           R"("mentions":[],"tags":[],"emojis":[],"card":null,"poll":null)" +
           extra + "}";
}

std::string update_event(const std::string& json) {
    return "event: update\ndata: " + json + "\n\n";
}

}  // namespace

TEST_CASE("sse: events, comments, fields and line ends", "[mastodon][sse]") {
    SseParser parser;
    auto events = parse_all(
        ":)\nevent: update\ndata: {\"a\":1}\n\n:thump\r\nevent: delete\r\ndata: 42\r\n\r\n"
        "event:x\rdata:no space\rdata:  two spaces\r\r",
        parser);
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == "update");
    CHECK(events[0].data == "{\"a\":1}");
    CHECK(events[1].event == "delete");
    CHECK(events[1].data == "42");
    CHECK(events[2].event == "x");
    CHECK(events[2].data == "no space\n two spaces");
    CHECK(parser.comments() == 2);
    CHECK(parser.oversized() == 0);
    CHECK(parser.buffered_bytes() == 0);
}

TEST_CASE("sse: field names without colon, unknown fields, id and empty events",
          "[mastodon][sse]") {
    auto events = parse_all(
        "id: 7\nretry: 10\nfoo: bar\ndata\n\n"        // `data` alone: one empty line of data
        "event: only-a-name\n\n"                      // no data: not dispatched
        "data: a\ndata: b\nevent: e1\nevent: e2\n\n"  // the last event name counts
        "data: x\n\n");
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == "message");
    CHECK(events[0].data.empty());
    CHECK(events[1].event == "e2");
    CHECK(events[1].data == "a\nb");
    CHECK(events[2].event == "message");
    CHECK(events[2].data == "x");
}

TEST_CASE("sse: any split of the bytes gives the same events", "[mastodon][sse]") {
    const std::string stream =
        ":)\r\nevent: update\r\ndata: {\"k\":\"v\"}\r\n\r\n:thump\nevent: delete\ndata: 9\n\n"
        "event: e\rdata: cr\r\r";
    const auto whole = parse_all(stream);
    REQUIRE(whole.size() == 3);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        SseParser parser;
        std::vector<SseEvent> events;
        parser.feed(std::string_view(stream).substr(0, cut), events);
        parser.feed(std::string_view(stream).substr(cut), events);
        REQUIRE(events.size() == whole.size());
        for (std::size_t i = 0; i < events.size(); ++i) {
            CHECK(events[i].event == whole[i].event);
            CHECK(events[i].data == whole[i].data);
        }
        CHECK(parser.comments() == 2);
    }
    SseParser bytewise;
    std::vector<SseEvent> events;
    for (const char c : stream) bytewise.feed(std::string_view(&c, 1), events);
    CHECK(events.size() == 3);
    CHECK(bytewise.comments() == 2);
    // A CR at the end of one chunk and the LF at the start of the next are one line end.
    SseParser crlf;
    events.clear();
    crlf.feed("data: a\r", events);
    crlf.feed("", events);
    crlf.feed("\n", events);
    crlf.feed("\r\n", events);
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "a");
}

TEST_CASE("sse: an event over the limit is dropped whole and counted once", "[mastodon][sse]") {
    SseParser parser(64, 32);
    std::vector<SseEvent> events;
    // Event bytes over the limit: three data lines of 30 bytes each.
    const std::string line30(30, 'x');
    parser.feed("data: " + line30.substr(0, 24) + "\ndata: " + line30.substr(0, 24) +
                    "\ndata: " + line30.substr(0, 24) + "\ndata: more\n\n",
                events);
    CHECK(events.empty());
    CHECK(parser.oversized() == 1);
    // One line over the line limit, fed in pieces: never buffered beyond the limit.
    parser.feed("event: big\ndata: ", events);
    for (int i = 0; i < 100; ++i) {
        parser.feed(std::string(50, 'y'), events);
        CHECK(parser.buffered_bytes() <= 64 + 32);
    }
    parser.feed("\ndata: still the same event\n\nevent: ok\ndata: fine\n\n", events);
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "ok");
    CHECK(events[0].data == "fine");
    CHECK(parser.oversized() == 2);
    // A long comment is skipped without losing the event after it.
    parser.feed(":" + std::string(100, 'c') + "\nevent: after\ndata: kept\n\n", events);
    REQUIRE(events.size() == 2);
    CHECK(events[1].event == "after");
    CHECK(parser.oversized() == 2);
    CHECK(parser.comments() == 1);
}

TEST_CASE("mastodon: an update becomes a post with every field", "[mastodon]") {
    const auto result = decode_mastodon_event(
        "update",
        status_json("111222333444555666", "<p>Koffer kwijt &amp; niemand belt</p>",
                    R"(,"extra":{"nested":[1,2]})"),
        "social.example");
    REQUIRE(result.kind == Kind::post);
    REQUIRE(result.post);
    const auto& post = *result.post;
    CHECK(result.cursor == "111222333444555666");
    CHECK(result.reason.empty());
    CHECK(post.id == "https://social.example/users/piet/statuses/111222333444555666");
    CHECK(post.url == "https://social.example/@piet/111222333444555666");
    CHECK(post.source == "mastodon");
    CHECK(post.text == "<p>Koffer kwijt &amp; niemand belt</p>");
    CHECK(post.lang == "nl");
    CHECK(post.created_at == "2026-03-01T10:00:00.000Z");
    CHECK(post.created_at_ms == 1772359200000);
    CHECK(post.author.handle == "piet@social.example");
    CHECK(post.author.name == "Piet Paaltjens");
    CHECK(post.author.followers == 12);
    CHECK(post.in_reply_to.empty());
    CHECK(post.reposts == 2);
    CHECK(post.replies == 1);
}

TEST_CASE("mastodon: spoiler, nulls, remote handles and replies", "[mastodon]") {
    const std::string json =
        R"({"id":"9","uri":"https://far.example/objects/abc","url":null,"language":null,)"
        R"("content":"<p>body</p>","spoiler_text":"CW: vertraging","in_reply_to_id":"8",)"
        R"("created_at":"2026-03-01T11:00:00+01:00","reblog":null,)"
        R"("account":{"acct":"kim@far.example","display_name":"","followers_count":null}})";
    const auto result = decode_mastodon_event("update", json, "social.example");
    REQUIRE(result.kind == Kind::post);
    const auto& post = *result.post;
    CHECK(post.text == "CW: vertraging\n<p>body</p>");
    CHECK(post.url == "https://far.example/objects/abc");
    CHECK(post.lang.empty());
    CHECK(post.in_reply_to == "8");
    CHECK(post.author.handle == "kim@far.example");
    CHECK_FALSE(post.author.followers);
    CHECK(post.created_at_ms == 1772359200000);
    CHECK_FALSE(post.reposts);
}

TEST_CASE("mastodon: what is skipped, and why", "[mastodon]") {
    struct Case {
        std::string event;
        std::string data;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {"delete", "108914398911648589", "delete"},
        {"status.update", status_json("5", "edited"), "edit"},
        {"notification", "{}", "event 'notification' is no status"},
        {"filters_changed", "undefined", "event 'filters_changed'"},
        {"announcement", "{}", "event 'announcement'"},
        {"update", status_json("5", "x", "", R"({"id":"4"})"), "boost"},
        {"update", R"({"id":"5","uri":"u","reblog":null})", "status without text"},
        {"update", R"({"id":"5","uri":"u","content":"","spoiler_text":""})", "status without text"},
        {"update", R"({"id":"5","uri":"u","content":null})", "status without text"},
    };
    for (const auto& c : cases) {
        INFO(c.event << " " << c.data);
        const auto result = decode_mastodon_event(c.event, c.data, "social.example");
        CHECK(result.kind == Kind::skip);
        CHECK(result.reason.find(c.reason) != std::string::npos);
        CHECK_FALSE(result.post);
    }
}

TEST_CASE("mastodon: malformed events are bad, with a reason", "[mastodon]") {
    struct Case {
        std::string data;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {R"({"id":"1","uri":"u","content":"x")", "malformed JSON"},
        {"", "malformed JSON"},
        {"undefined", "malformed JSON"},
        {"[1,2]", "must be a JSON object"},
        {R"({"uri":"u","content":"x"})", "status without 'id'"},
        {R"({"id":"","uri":"u","content":"x"})", "status without 'id'"},
        {R"({"id":1,"uri":"u","content":"x"})", "'id' is not a string"},
        {R"({"id":"1","content":"x"})", "status without 'uri'"},
        {R"({"id":"1","uri":null,"content":"x"})", "status without 'uri'"},
        {R"({"id":"1","uri":["u"],"content":"x"})", "'uri' is not a string"},
        {R"({"id":"1","uri":"u","content":{"html":"x"}})", "'content' is not a string"},
    };
    for (const auto& c : cases) {
        INFO(c.data);
        const auto result = decode_mastodon_event("update", c.data, "social.example");
        CHECK(result.kind == Kind::bad);
        CHECK(result.reason.find(c.reason) != std::string::npos);
        CHECK_FALSE(result.post);
    }
}

TEST_CASE("mastodon: optional fields of the wrong type are ignored with a warning", "[mastodon]") {
    const auto result = decode_mastodon_event(
        "update",
        R"({"id":"3","uri":"u","content":"x","language":5,"replies_count":"many",)"
        R"("created_at":"yesterday","account":"piet"})",
        "social.example");
    REQUIRE(result.kind == Kind::post);
    CHECK(result.post->lang.empty());
    CHECK_FALSE(result.post->replies);
    CHECK_FALSE(result.post->created_at_ms);
    CHECK(result.post->created_at == "yesterday");
    CHECK(result.post->author.handle.empty());
    CHECK(result.reason.find("'language'") != std::string::npos);
    CHECK(result.reason.find("'replies_count'") != std::string::npos);
    CHECK(result.reason.find("'created_at'") != std::string::npos);
    CHECK(result.reason.find("'account'") != std::string::npos);
}

TEST_CASE("mastodon: broken UTF-8 is repaired to U+FFFD", "[mastodon]") {
    const auto result = decode_mastodon_event(
        "update", "{\"id\":\"3\",\"uri\":\"u\",\"content\":\"caf\xC3 klacht \xFF\"}", "");
    REQUIRE(result.kind == Kind::post);
    CHECK(result.post->text == "caf\xEF\xBF\xBD klacht \xEF\xBF\xBD");
    CHECK(result.reason.find("U+FFFD") != std::string::npos);
}

TEST_CASE("mastodon: status ids compare by length, then bytes", "[mastodon]") {
    CHECK(compare_status_ids("9", "10") < 0);
    CHECK(compare_status_ids("109348699525106378", "108914327388663283") > 0);
    CHECK(compare_status_ids("99999999999999999", "100000000000000000") < 0);
    CHECK(compare_status_ids("123", "123") == 0);
    CHECK(compare_status_ids("", "1") < 0);
    // Beyond a double's 53 bits: these two differ only in the last digit.
    CHECK(compare_status_ids("9007199254740993", "9007199254740992") > 0);
}

TEST_CASE("mastodon: a REST timeline page decodes per status", "[mastodon]") {
    const auto page = decode_mastodon_timeline("[" + status_json("12", "b") + "," +
                                                   status_json("11", "a", "", R"({"id":"2"})") +
                                                   R"(,{"id":"10"}])",
                                               "social.example");
    REQUIRE(page.error.empty());
    REQUIRE(page.statuses.size() == 3);
    CHECK(page.statuses[0].kind == Kind::post);
    CHECK(page.statuses[0].cursor == "12");
    CHECK(page.statuses[1].kind == Kind::skip);
    CHECK(page.statuses[1].cursor == "11");
    CHECK(page.statuses[2].kind == Kind::bad);
    CHECK(decode_mastodon_timeline("[]", "").statuses.empty());
    CHECK(decode_mastodon_timeline(R"({"error":"nope"})", "").error ==
          "a timeline must be a JSON array");
    CHECK(decode_mastodon_timeline("[", "").error.find("malformed JSON") == 0);
}

TEST_CASE("mastodon: stream and timeline paths", "[mastodon]") {
    MastodonSettings settings;
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/public");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/public");
    settings.stream = "public:local";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/public/local");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/public?local=true");
    settings.stream = "public:remote";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/public/remote");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/public?remote=true");
    settings.stream = "hashtag";
    settings.tag = "café klm";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/hashtag?tag=caf%C3%A9%20klm");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/tag/caf%C3%A9%20klm");
    settings.stream = "hashtag:local";
    settings.tag = "ns";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/hashtag/local?tag=ns");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/tag/ns?local=true");
    settings.stream = "list";
    settings.list = "42";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/list?list=42");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/list/42");
    settings.stream = "user";
    CHECK(mastodon_stream_path(settings) == "/api/v1/streaming/user");
    CHECK(mastodon_timeline_path(settings) == "/api/v1/timelines/home");
}

namespace {

using ParsedSettings = test::ParsedSettings<MastodonSettings>;

ParsedSettings read_settings(const std::string& yaml) {
    return test::read_plugin_settings<MastodonSettings>(yaml, "social", "mastodon",
                                                        read_mastodon_settings);
}

}  // namespace

TEST_CASE("mastodon settings: a good configuration", "[mastodon][settings]") {
    auto p = read_settings(
        "name: social\ntype: mastodon\nurl: https://social.example/\nstream: hashtag\n"
        "tag: '#klm'\ntoken: abc\ngap_fill: false\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.empty());
    CHECK(p.settings->name == "social");
    CHECK(p.settings->url == "https://social.example");
    CHECK(p.settings->stream == "hashtag");
    CHECK(p.settings->tag == "klm");
    CHECK(p.settings->token == "abc");
    CHECK_FALSE(p.settings->gap_fill);

    p = read_settings("name: social\ntype: mastodon\nurl: https://m.example:8443\ntoken: t\n");
    REQUIRE(p.settings);
    CHECK(p.settings->stream == "public");
    CHECK(p.settings->gap_fill);
    CHECK(p.settings->read_timeout == std::chrono::seconds(45));

    p = read_settings(
        "name: social\ntype: mastodon\nurl: http://127.0.0.1:3000\nstream: list\nlist: '12'\n"
        "token: t\n");
    REQUIRE(p.settings);
    CHECK(p.settings->list == "12");
    CHECK(p.diagnostics.empty());
}

TEST_CASE("mastodon settings: errors point at file:line:col", "[mastodon][settings]") {
    auto p = read_settings("name: social\ntype: mastodon\nurl: https://s.example\ntokn: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:4:1: error: unknown key 'tokn'") != std::string::npos);
    CHECK(p.text().find("did you mean 'token'") != std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: https://s.example\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:1:1: error: mastodon source 'social' needs a token") !=
          std::string::npos);

    p = read_settings("name: social\ntype: mastodon\ntoken: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("needs a url") != std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: wss://s.example\ntoken: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:6: error: bad url: URL must start with http") !=
          std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: https://s.example/?x=1\ntoken: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("without a query") != std::string::npos);

    p = read_settings(
        "name: social\ntype: mastodon\nurl: https://s.example\ntoken: t\nstream: hashtg\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:5:9: error: unknown stream 'hashtg'") !=
          std::string::npos);
    CHECK(p.text().find("did you mean 'hashtag'?") != std::string::npos);

    p = read_settings(
        "name: social\ntype: mastodon\nurl: https://s.example\ntoken: t\nstream: hashtag\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("with stream hashtag needs a tag") != std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: https://s.example\ntoken: t\ntag: klm\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:5:6: error: tag is only used by the hashtag streams") !=
          std::string::npos);

    p = read_settings(
        "name: social\ntype: mastodon\nurl: https://s.example\ntoken: t\nstream: list\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("needs a list id") != std::string::npos);

    p = read_settings(
        "name: social\ntype: mastodon\nurl: https://s.example\ntoken: ''\ngap_fill: maybe\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:4:8: error: token must not be empty") !=
          std::string::npos);
    CHECK(p.text().find("spreekbuis.yaml:5:11:") != std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: https://s.example\ntoken: \"abc\\r\"\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:4:8: error: token holds a space or a control") !=
          std::string::npos);

    p = read_settings("name: social\ntype: mastodon\nurl: http://s.example\ntoken: t\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.warning_count() == 1);
    CHECK(p.text().find("unencrypted") != std::string::npos);
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// A stand-in Mastodon on loopback: the streaming endpoint answers with chunked SSE (the first
// connection ends after its events, the second stays open), the timeline endpoint with the
// queued pages. Records every request's target and Authorization header.
struct FakeMastodon {
    std::vector<std::vector<std::string>> stream_chunks;  // per stream connection
    std::deque<std::string> pages;
    std::vector<std::string> requests;
    int streams = 0;
};

asio::awaitable<void> write_all(tcp::socket& socket, const std::string& bytes) {
    co_await asio::async_write(socket, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> serve_one(tcp::socket socket, FakeMastodon& fake) {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [ec, n] =
        co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return;
    const std::string target(request.target());
    fake.requests.push_back(target + " | " + std::string(request[bhttp::field::authorization]) +
                            " | " + std::string(request[bhttp::field::accept]));
    if (target.starts_with("/api/v1/timelines/")) {
        bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
        response.set(bhttp::field::content_type, "application/json; charset=utf-8");
        response.body() = fake.pages.empty() ? "[]" : fake.pages.front();
        if (!fake.pages.empty()) fake.pages.pop_front();
        response.keep_alive(false);
        response.prepare_payload();
        co_await bhttp::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    const auto index = static_cast<std::size_t>(fake.streams++);
    co_await write_all(socket,
                       "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                       "Cache-Control: no-store\r\nTransfer-Encoding: chunked\r\n\r\n");
    if (index >= fake.stream_chunks.size()) co_return;
    for (const auto& chunk : fake.stream_chunks[index]) {
        std::ostringstream size;
        size << std::hex << chunk.size();
        co_await write_all(socket, size.str() + "\r\n" + chunk + "\r\n");
    }
    if (index + 1 < fake.stream_chunks.size()) {
        co_await write_all(socket, "0\r\n\r\n");
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    asio::steady_timer hold(socket.get_executor());  // the last stream stays open
    hold.expires_after(std::chrono::minutes(1));
    co_await hold.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, FakeMastodon& fake) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        asio::co_spawn(acceptor.get_executor(), serve_one(std::move(socket), fake), asio::detached);
    }
}

struct Emitted {
    std::string id;
    std::string text;
    std::string cursor;
};

}  // namespace

TEST_CASE("mastodon source: streams, reconnects, fills the gap and deduplicates",
          "[mastodon][loopback]") {
    const std::string a = status_json("100", "eerste");
    const std::string b = status_json("101", "tweede");
    const std::string b2 = status_json("102", "gemist");
    const std::string c = status_json("103", "ook gemist");
    const std::string d = status_json("104", "nieuw");
    const std::string b_event = update_event(b);

    FakeMastodon fake;
    fake.stream_chunks.push_back({
        ":)\n",
        update_event(a) + "event: upd",
        "ate\ndata: " + b.substr(0, 40),
        b.substr(40) + "\n\r",  // CRLF split over two chunks
        "\nevent: delete\ndata: 100\n\n",
        "event: update\ndata: {\"id\":\"105\",\n\n",
        "event: status.update\ndata: " + a + "\n\n",
        update_event(status_json("106", "boost", "", R"({"id":"1"})")) + ":thump\n",
    });
    fake.stream_chunks.push_back({":)\n", update_event(c), update_event(d)});
    fake.pages = {"[" + c + "," + b2 + "]"};  // newest first, as Mastodon returns them

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    asio::co_spawn(io, accept_loop(acceptor, fake), asio::detached);

    MastodonSettings settings;
    settings.name = "social";
    settings.url = "http://127.0.0.1:" + std::to_string(port);
    settings.token = "secret-token";
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(5);
    auto source = make_mastodon_source(settings, nullptr);
    CHECK(source->name() == "social");

    std::vector<Emitted> emitted;
    SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({post.id, post.text, cursor});
        return emitted.size() < 5;
    };
    bool finished = false;
    asio::co_spawn(io, source->run("", output), [&](std::exception_ptr) {
        finished = true;
        io.stop();
    });
    io.run_for(std::chrono::seconds(20));
    REQUIRE(finished);

    const std::string uri = "https://social.example/users/piet/statuses/";
    REQUIRE(emitted.size() == 5);
    CHECK(emitted[0].id == uri + "100");
    CHECK(emitted[0].text == "eerste");
    CHECK(emitted[0].cursor == "100");
    CHECK(emitted[1].id == uri + "101");
    CHECK(emitted[1].cursor == "101");
    CHECK(emitted[2].id == uri + "102");  // gap fill, in ascending order
    CHECK(emitted[2].cursor == "102");
    CHECK(emitted[3].id == uri + "103");
    CHECK(emitted[3].cursor == "103");
    CHECK(emitted[4].id == uri + "104");  // the stream's 103 was a duplicate
    CHECK(emitted[4].cursor == "104");

    REQUIRE(fake.requests.size() == 4);
    const std::string auth = " | Bearer secret-token";
    CHECK(fake.requests[0] == "/api/v1/streaming/public" + auth + " | text/event-stream");
    CHECK(fake.requests[1] == "/api/v1/streaming/public" + auth + " | text/event-stream");
    CHECK(fake.requests[2] ==
          "/api/v1/timelines/public?min_id=101&limit=40" + auth + " | application/json");
    CHECK(fake.requests[3] ==
          "/api/v1/timelines/public?min_id=103&limit=40" + auth + " | application/json");

    const auto& counters = source->counters();
    CHECK(counters.connects == 2);
    CHECK(counters.disconnects == 1);
    CHECK(counters.posts == 5);
    CHECK(counters.bad_events == 1);  // the cut-off JSON
    CHECK(counters.skipped == 4);     // delete, edit, boost, the duplicate 103
    CHECK(counters.events == 10);     // 6 on the first stream, 2 from REST, 2 on the second
}

TEST_CASE("mastodon source: resumes from the stored cursor and retries a refused token",
          "[mastodon][loopback]") {
    FakeMastodon fake;
    fake.stream_chunks.push_back(
        {update_event(status_json("50", "al gezien")), update_event(status_json("51", "nieuw"))});
    fake.pages = {"[" + status_json("49", "ouder") + "]"};  // a server that ignores min_id

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    bool refused = false;
    // The first connection is refused with 401; then the normal fake takes over.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            beast::flat_buffer buffer;
            bhttp::request<bhttp::string_body> request;
            co_await bhttp::async_read(socket, buffer, request,
                                       asio::as_tuple(asio::use_awaitable));
            const std::string body = R"({"error":"The access token is invalid"})";
            co_await write_all(socket,
                               "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
            refused = true;
            co_await accept_loop(acceptor, fake);
        },
        asio::detached);

    MastodonSettings settings;
    settings.name = "social";
    settings.url = "http://127.0.0.1:" + std::to_string(port);
    settings.token = "t";
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    auto source = make_mastodon_source(settings, nullptr);
    std::vector<Emitted> emitted;
    SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({post.id, post.text, cursor});
        return false;
    };
    asio::co_spawn(io, source->run("50", output), [&](std::exception_ptr) { io.stop(); });
    io.run_for(std::chrono::seconds(20));

    CHECK(refused);
    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].text == "nieuw");
    CHECK(emitted[0].cursor == "51");
    REQUIRE(fake.requests.size() >= 2);
    CHECK(fake.requests[1].starts_with("/api/v1/timelines/public?min_id=50&limit=40"));
    const auto& counters = source->counters();
    CHECK(counters.connects == 1);
    CHECK(counters.disconnects == 1);
    CHECK(counters.skipped == 2);  // 49 from REST (older than the cursor) and the stream's 50
}

TEST_CASE("mastodon: the wait a rate-limited answer asks for", "[mastodon]") {
    using std::chrono::milliseconds;
    const std::int64_t now = 1772359200000;  // 2026-03-01T10:00:00Z
    CHECK(mastodon_server_wait("30", "", now) == milliseconds(30000));
    CHECK(mastodon_server_wait("0", "", now) == milliseconds(0));
    CHECK(mastodon_server_wait("999999", "", now) == milliseconds(3600000));
    CHECK(mastodon_server_wait("", "2026-03-01T10:05:00.000Z", now) == milliseconds(300000));
    CHECK(mastodon_server_wait("soon", "2026-03-01T10:00:02Z", now) == milliseconds(2000));
    CHECK(mastodon_server_wait("", "2026-03-01T09:00:00Z", now) == milliseconds(0));
    CHECK(mastodon_server_wait("", "2026-03-03T10:00:00Z", now) == milliseconds(3600000));
    CHECK_FALSE(mastodon_server_wait("-5", "tomorrow", now));
    CHECK_FALSE(mastodon_server_wait("Wed, 21 Oct 2015 07:28:00 GMT", "", now));
}

namespace {

// Connection 0 answers 200 with JSON instead of an event stream, connection 1 sends a comment
// and then nothing, connection 2 sends one status.
asio::awaitable<void> serve_scripted(tcp::socket socket, std::size_t index,
                                     std::vector<std::string>& targets) {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [ec, n] =
        co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return;
    targets.emplace_back(request.target());
    if (index == 0) {
        co_await write_all(socket,
                           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           "Content-Length: 2\r\n\r\n{}");
        co_return;
    }
    const std::string body =
        index == 1 ? ":)\n" : ":)\n" + update_event(status_json("300", "na de stilte"));
    co_await write_all(socket,
                       "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n");
    std::ostringstream size;
    size << std::hex << body.size();
    co_await write_all(socket, size.str() + "\r\n" + body + "\r\n");
    asio::steady_timer hold(socket.get_executor());
    hold.expires_after(std::chrono::minutes(1));
    co_await hold.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

TEST_CASE("mastodon source: a wrong content type and a silent stream are failures",
          "[mastodon][loopback]") {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    std::vector<std::string> targets;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            for (std::size_t index = 0;; ++index) {
                auto [ec, socket] =
                    co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
                if (ec) co_return;
                asio::co_spawn(io, serve_scripted(std::move(socket), index, targets),
                               asio::detached);
            }
        },
        asio::detached);

    MastodonSettings settings;
    settings.name = "social";
    settings.url = "http://127.0.0.1:" + std::to_string(port);
    settings.token = "t";
    settings.stream = "hashtag:local";
    settings.tag = "klm";
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(2);
    settings.read_timeout = std::chrono::milliseconds(100);
    auto source = make_mastodon_source(settings, nullptr);
    std::vector<Emitted> emitted;
    SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({post.id, post.text, cursor});
        return false;
    };
    asio::co_spawn(io, source->run("", output), [&](std::exception_ptr) { io.stop(); });
    io.run_for(std::chrono::seconds(20));

    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].text == "na de stilte");
    CHECK(emitted[0].cursor == "300");
    REQUIRE(targets.size() == 3);
    CHECK(targets[0] == "/api/v1/streaming/hashtag/local?tag=klm");
    const auto& counters = source->counters();
    CHECK(counters.connects == 2);     // the JSON answer does not count as a stream
    CHECK(counters.disconnects == 2);  // the JSON answer and the silent stream
    CHECK(counters.posts == 1);
}
