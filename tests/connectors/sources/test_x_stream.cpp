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
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/sources/x_stream.hpp"
#include "rules/yaml_source.hpp"
#include "tests/connectors/sources/plugin_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;
using Kind = XStreamEvent::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// A stream line of the same shape as X's, with invented ids, handles and texts.
std::string post_line(const std::string& id, const std::string& text,
                      const std::string& data_extra = "", const std::string& users = "") {
    return R"({"data":{"author_id":"5550001","conversation_id":")" + id +
           R"(","created_at":"2026-02-03T08:09:10.000Z","edit_history_tweet_ids":[")" + id +
           R"("],"id":")" + id +
           R"(","lang":"nl","public_metrics":{"retweet_count":3,"reply_count":4,)"
           R"("like_count":9,"quote_count":0},"text":")" +
           text + "\"" + data_extra + R"(},"includes":{"users":[)" +
           (users.empty() ? R"({"id":"5550001","name":"Kees de Klant","username":"kees_k",)"
                            R"("public_metrics":{"followers_count":812,"following_count":3},)"
                            R"("verified":true})"
                          : users) +
           R"(]},"matching_rules":[{"id":"77","tag":"klachten"}]})";
}

XStreamEvent decode(const std::string& line) { return decode_x_stream_line(line); }

}  // namespace

TEST_CASE("x: a stream line becomes a post with every field", "[x]") {
    auto event = decode(post_line("1800000000000000001", "Mijn koffer is weg &amp; niemand helpt"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.reason.empty());
    REQUIRE(event.post);
    const auto& post = *event.post;
    CHECK(post.id == "x:1800000000000000001");
    CHECK(post.source == "x");
    CHECK(post.text == "Mijn koffer is weg &amp; niemand helpt");  // entities left to the core
    CHECK(post.lang == "nl");
    CHECK(post.created_at == "2026-02-03T08:09:10.000Z");
    REQUIRE(post.created_at_ms);
    CHECK(*post.created_at_ms == 1770106150000);
    CHECK(post.author.handle == "kees_k");
    CHECK(post.author.name == "Kees de Klant");
    CHECK(post.author.followers == 812);
    CHECK(post.author.verified == true);
    CHECK(post.url == "https://x.com/kees_k/status/1800000000000000001");
    CHECK(post.conversation == "x:1800000000000000001");
    CHECK(post.in_reply_to.empty());
    CHECK(post.reposts == 3);
    CHECK(post.replies == 4);
}

TEST_CASE("x: replies, und, other authors, missing users and fields in any order", "[x]") {
    auto event = decode(post_line(
        "42", "@kees_k dat is vervelend",
        R"(,"referenced_tweets":[{"type":"quoted","id":"7"},{"type":"replied_to","id":"41"}])"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->in_reply_to == "x:41");
    CHECK(event.post->conversation == "x:42");

    event =
        decode(R"({"matching_rules":[],"data":{"text":"zonder auteur","id":"43","lang":"und"}})");
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->lang.empty());
    CHECK(event.post->author.handle.empty());
    CHECK_FALSE(event.post->author.followers);
    CHECK_FALSE(event.post->reposts);
    CHECK(event.post->url == "https://x.com/i/web/status/43");
    CHECK(event.post->created_at.empty());
    CHECK_FALSE(event.post->created_at_ms);

    // The author is the user whose id matches, not the first one.
    event = decode(post_line("44", "t", "",
                             R"({"id":"1","username":"ander"},{"id":"5550001","username":"juist",)"
                             R"("name":"J"})"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->author.handle == "juist");
    CHECK_FALSE(event.post->author.verified);
    CHECK(event.post->url == "https://x.com/juist/status/44");

    // author_id not among includes.users: a post without author, with a warning.
    event = decode(post_line("45", "t", "", R"({"id":"9","username":"iemand"})"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->author.handle.empty());
    CHECK(event.reason.find("not in includes.users") != std::string::npos);

    // A username that cannot be part of a URL is kept as handle, the URL is the generic one.
    event = decode(post_line("46", "t", "", R"({"id":"5550001","username":"a/b"})"));
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->author.handle == "a/b");
    CHECK(event.post->url == "https://x.com/i/web/status/46");

    // Partial errors next to data: still a post, the errors are a warning.
    event = decode(R"({"data":{"id":"47","text":"hoi"},"errors":[{"title":"Not Found Error",)"
                   R"("detail":"Could not find user"}]})");
    REQUIRE(event.kind == Kind::post);
    CHECK(event.reason.find("partial errors: Not Found Error: Could not find user") !=
          std::string::npos);
}

TEST_CASE("x: optional fields of the wrong type are ignored with a warning", "[x]") {
    auto event = decode(
        R"({"data":{"id":"50","text":"t","lang":5,"created_at":"gisteren","conversation_id":"x",)"
        R"("public_metrics":{"retweet_count":"veel","reply_count":1.5},"author_id":"8"},)"
        R"("includes":{"users":[{"id":"8","username":"u","public_metrics":[],"verified":"ja"}]}})");
    REQUIRE(event.kind == Kind::post);
    const auto& post = *event.post;
    CHECK(post.lang.empty());
    CHECK(post.created_at == "gisteren");
    CHECK_FALSE(post.created_at_ms);
    CHECK(post.conversation.empty());
    CHECK_FALSE(post.reposts);
    CHECK_FALSE(post.replies);
    CHECK(post.author.handle == "u");
    CHECK_FALSE(post.author.verified);
    for (const char* warning :
         {"ignored 'lang'", "'created_at' is not an RFC 3339", "ignored 'conversation_id'",
          "ignored 'retweet_count'", "ignored 'reply_count'", "ignored 'public_metrics'",
          "ignored 'verified'"}) {
        CHECK(event.reason.find(warning) != std::string::npos);
    }
}

TEST_CASE("x: heartbeats, retweets and unknown messages are skipped", "[x]") {
    for (const char* heartbeat : {"", "\r", "  \r\n", "\t"}) {
        auto event = decode(heartbeat);
        CHECK(event.kind == Kind::skip);
        CHECK(event.reason == "heartbeat");
        CHECK_FALSE(event.post);
    }
    auto event = decode(post_line("60", "RT @kees_k: koffer weg",
                                  R"(,"referenced_tweets":[{"type":"retweeted","id":"59"}])"));
    CHECK(event.kind == Kind::skip);
    CHECK(event.reason == "retweet of 59");
    event = decode(R"({"data":{"id":"61","text":""}})");
    CHECK(event.kind == Kind::skip);
    CHECK(event.reason == "post 61 without text");
    event = decode(R"({"meta":{"sent":"2026-01-01T00:00:00Z"}})");
    CHECK(event.kind == Kind::skip);
    CHECK(event.reason == "a message without 'data' or 'errors'");
}

TEST_CASE("x: error objects from X carry their title and detail", "[x]") {
    auto event = decode(
        R"({"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperational)"
        R"(Disconnect","detail":"Disconnected for maintenance.","type":"https://api.x.com/2/)"
        R"(problems/operational-disconnect"}]})");
    CHECK(event.kind == Kind::error);
    CHECK(event.reason == "operational-disconnect: Disconnected for maintenance.");
    CHECK_FALSE(is_x_connection_limit(event));

    event = decode(R"({"title":"ConnectionException","detail":"Too many streams open.",)"
                   R"("connection_issue":"TooManyConnections","type":"https://api.x.com/2/x"})");
    CHECK(event.kind == Kind::error);
    CHECK(event.reason == "ConnectionException (TooManyConnections): Too many streams open.");
    CHECK(is_x_connection_limit(event));

    event = decode(R"({"errors":[{"message":"one"},{"title":"two\u0007"},3]})");
    CHECK(event.kind == Kind::error);
    CHECK(event.reason == "one; two?");  // control characters cannot forge log lines
    event = decode(R"({"errors":[]})");
    CHECK(event.kind == Kind::error);
    CHECK(event.reason == "an error object without title or detail");
}

TEST_CASE("x: malformed lines are bad, with a reason", "[x]") {
    struct Case {
        std::string line;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {R"({"data":{"id":"1","text":"cut)", "malformed JSON"},
        {"[1,2]", "a stream line must be a JSON object"},
        {R"({"data":"x"})", "'data' is not an object"},
        {R"({"data":{"text":"geen id"}})", "post without 'data.id'"},
        {R"({"data":{"id":70,"text":"t"}})", "'data.id' is not a string"},
        {R"({"data":{"id":"12a","text":"t"}})", "'data.id' '12a' is not a numeric post id"},
        {R"({"data":{"id":"","text":"t"}})", "is not a numeric post id"},
        {R"({"data":{"id":"71"}})", "post 71 without 'data.text'"},
        {R"({"data":{"id":"72","text":null}})", "post 72 without 'data.text'"},
        {R"({"data":{"id":"73","text":["t"]}})", "'data.text' is not a string"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        auto event = decode(c.line);
        CHECK(event.kind == Kind::bad);
        CHECK_FALSE(event.post);
        CHECK(event.reason.find(c.reason) != std::string::npos);
    }
}

TEST_CASE("x: broken UTF-8 is repaired to U+FFFD", "[x]") {
    auto event = decode("{\"data\":{\"id\":\"80\",\"text\":\"caf\xC3 \xFF ok\"}}");
    REQUIRE(event.kind == Kind::post);
    CHECK(event.post->text == "caf\xEF\xBF\xBD \xEF\xBF\xBD ok");
    CHECK(event.reason.find("invalid UTF-8 replaced by U+FFFD") != std::string::npos);
}

TEST_CASE("x: lines split on \\r\\n or \\n, whatever the chunks", "[x]") {
    const std::string bytes = "{\"a\":1}\r\n\r\n{\"b\":2}\n\r\nlast\r\n";
    const std::vector<std::string> expected = {"{\"a\":1}", "", "{\"b\":2}", "", "last"};
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        XLineSplitter splitter;
        std::vector<std::string> lines;
        splitter.feed(std::string_view(bytes).substr(0, cut), lines);
        splitter.feed(std::string_view(bytes).substr(cut), lines);
        CHECK(lines == expected);
        CHECK(splitter.buffered_bytes() == 0);
    }
    XLineSplitter splitter;
    std::vector<std::string> lines;
    splitter.feed("unfinished", lines);
    CHECK(lines.empty());
    CHECK(splitter.buffered_bytes() == 10);
}

TEST_CASE("x: a line over the limit is dropped whole and counted once", "[x]") {
    XLineSplitter splitter(8);
    std::vector<std::string> lines;
    splitter.feed("12345678\r\n", lines);  // the \r counts: 9 bytes
    CHECK(lines.empty());
    CHECK(splitter.oversized() == 1);
    splitter.feed("1234567\n", lines);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "1234567");
    lines.clear();
    for (int i = 0; i < 10; ++i) {
        splitter.feed("abcde", lines);
        CHECK(splitter.buffered_bytes() <= 8);
    }
    splitter.feed("xyz\nok\n", lines);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "ok");
    CHECK(splitter.oversized() == 2);
}

TEST_CASE("x: the reconnect waits X documents", "[x][backoff]") {
    XStreamBackoff backoff;
    // TCP/IP errors: linear, +250 ms per attempt, at most 16 s.
    CHECK(backoff.next(XDisconnect::network) == milliseconds(250));
    CHECK(backoff.next(XDisconnect::network) == milliseconds(500));
    CHECK(backoff.next(XDisconnect::network) == milliseconds(750));
    for (int i = 0; i < 100; ++i) backoff.next(XDisconnect::network);
    CHECK(backoff.next(XDisconnect::network) == seconds(16));
    // HTTP errors: exponential from 5 s, at most 320 s.
    std::vector<long> http;
    for (int i = 0; i < 9; ++i) http.push_back(backoff.next(XDisconnect::http).count() / 1000);
    CHECK(http == std::vector<long>{5, 10, 20, 40, 80, 160, 320, 320, 320});
    // 429: exponential from 60 s; a later x-rate-limit-reset wins.
    CHECK(backoff.next(XDisconnect::rate_limited) == seconds(60));
    CHECK(backoff.next(XDisconnect::rate_limited, seconds(30)) == seconds(120));
    CHECK(backoff.next(XDisconnect::rate_limited, seconds(700)) == seconds(700));
    CHECK(backoff.next(XDisconnect::rate_limited) == seconds(480));
    CHECK(backoff.next(XDisconnect::rate_limited) == seconds(960));
    CHECK(backoff.next(XDisconnect::rate_limited) == seconds(960));
    // 401/403: the HTTP maximum, every time.
    CHECK(backoff.next(XDisconnect::unauthorized) == seconds(320));
    CHECK(backoff.next(XDisconnect::unauthorized) == seconds(320));
    // A connection that delivered data: reconnect at once, and every sequence starts again.
    CHECK(backoff.next(XDisconnect::dropped) == milliseconds(0));
    CHECK(backoff.next(XDisconnect::network) == milliseconds(250));
    CHECK(backoff.next(XDisconnect::http) == seconds(5));
    CHECK(backoff.next(XDisconnect::rate_limited) == seconds(60));
    CHECK(backoff.next(XDisconnect::dropped) == milliseconds(0));
    CHECK(backoff.next(XDisconnect::dropped) == milliseconds(0));

    XBackoffSteps tiny;
    tiny.network_step = milliseconds(1);
    tiny.network_max = milliseconds(3);
    XStreamBackoff small(tiny);
    for (int i = 0; i < 5; ++i) small.next(XDisconnect::network);
    CHECK(small.next(XDisconnect::network) == milliseconds(3));
}

TEST_CASE("x: the wait x-rate-limit-reset asks for", "[x][backoff]") {
    const std::int64_t now = 1'770'000'000'000;
    CHECK(x_rate_limit_wait("1770000090", now) == seconds(90));
    CHECK(x_rate_limit_wait(" 1770000001 ", now + 500) == milliseconds(500));
    CHECK(x_rate_limit_wait("1769999000", now) == milliseconds(0));
    CHECK(x_rate_limit_wait("1870000000", now) == std::chrono::hours(1));
    CHECK_FALSE(x_rate_limit_wait("", now));
    CHECK_FALSE(x_rate_limit_wait("soon", now));
    CHECK_FALSE(x_rate_limit_wait("-5", now));
    CHECK_FALSE(x_rate_limit_wait("17e8", now));
    CHECK_FALSE(x_rate_limit_wait("99999999999999999999999", now));
}

TEST_CASE("x: the request asks for the fields the decoder reads", "[x]") {
    const std::string query =
        "tweet.fields=created_at,lang,conversation_id,referenced_tweets,public_metrics"
        "&expansions=author_id&user.fields=username,name,public_metrics,verified";
    CHECK(x_stream_target("/2/tweets/search/stream") == "/2/tweets/search/stream?" + query);
    CHECK(x_stream_target("/s?backfill_minutes=2") == "/s?backfill_minutes=2&" + query);
    CHECK(x_stream_target("/s?") == "/s?" + query);
    CHECK(x_stream_target("") == "/?" + query);
}

namespace {

using ParsedSettings = test::ParsedSettings<XStreamSettings>;

ParsedSettings read_settings(const std::string& yaml) {
    return test::read_plugin_settings<XStreamSettings>(yaml, "twitter", "x",
                                                       read_x_stream_settings);
}

}  // namespace

TEST_CASE("x settings: a good configuration", "[x][settings]") {
    auto p = read_settings("name: twitter\ntype: x\nbearer_token: AAAA%3Dxyz\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.empty());
    CHECK(p.settings->name == "twitter");
    CHECK(p.settings->url == "https://api.x.com/2/tweets/search/stream");
    CHECK(p.settings->bearer_token == "AAAA%3Dxyz");
    CHECK(p.settings->read_timeout == seconds(30));
    CHECK(p.settings->max_line_bytes == 1 << 20);

    p = read_settings(
        "name: twitter\ntype: x\nurl: http://127.0.0.1:8080/stream\nbearer_token: t\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.empty());
    CHECK(p.settings->url == "http://127.0.0.1:8080/stream");
}

TEST_CASE("x settings: errors point at file:line:col", "[x][settings]") {
    auto p = read_settings("name: twitter\ntype: x\nbearer_tokn: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:1: error: unknown key 'bearer_tokn'") !=
          std::string::npos);
    CHECK(p.text().find("did you mean 'bearer_token'") != std::string::npos);

    p = read_settings("name: twitter\ntype: x\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:1:1: error: x source 'twitter' needs a bearer_token") !=
          std::string::npos);

    p = read_settings("name: twitter\ntype: x\nbearer_token: ''\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:15: error: bearer_token must not be empty") !=
          std::string::npos);

    p = read_settings("name: twitter\ntype: x\nbearer_token: Bearer abc\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:15: error: bearer_token holds a space") !=
          std::string::npos);

    p = read_settings("name: twitter\ntype: x\nurl: wss://api.x.com/s\nbearer_token: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:6: error: bad url:") != std::string::npos);

    p = read_settings("name: twitter\ntype: x\nurl: http://api.x.com/s\nbearer_token: t\n");
    CHECK_FALSE(p.settings);
    CHECK(p.text().find("spreekbuis.yaml:3:6: error: plain http would send the bearer token") !=
          std::string::npos);
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// One scripted answer of the stand-in X: either a whole non-200 response, or a 200 chunked
// stream of the given chunks that ends (terminating chunk and close) or stays open.
struct Answer {
    std::string refusal;  // raw HTTP response; empty: a 200 stream
    std::vector<std::string> chunks;
    bool stay_open = false;
};

// A stand-in X filtered stream on loopback: answers the n-th connection with answers[n] and
// records each request's target and Authorization header.
struct FakeX {
    std::vector<Answer> answers;
    std::vector<std::string> requests;
    std::vector<std::string> methods;  // of each request, in order
    std::vector<std::string> bodies;
};

asio::awaitable<void> write_all(tcp::socket& socket, const std::string& bytes) {
    co_await asio::async_write(socket, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> serve_one(tcp::socket socket, FakeX& fake) {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [ec, n] =
        co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return;
    const auto index = fake.requests.size();
    fake.requests.push_back(std::string(request.target()) + " | " +
                            std::string(request[bhttp::field::authorization]));
    fake.methods.emplace_back(request.method_string());
    fake.bodies.push_back(request.body());
    if (index >= fake.answers.size()) co_return;
    const Answer& answer = fake.answers[index];
    boost::system::error_code ignored;
    if (!answer.refusal.empty()) {
        co_await write_all(socket, answer.refusal);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    co_await write_all(socket,
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n");
    for (const auto& chunk : answer.chunks) {
        std::ostringstream size;
        size << std::hex << chunk.size();
        co_await write_all(socket, size.str() + "\r\n" + chunk + "\r\n");
    }
    if (!answer.stay_open) {
        co_await write_all(socket, "0\r\n\r\n");
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    asio::steady_timer hold(socket.get_executor());
    hold.expires_after(std::chrono::minutes(1));
    co_await hold.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, FakeX& fake) {
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

XStreamSettings loopback_settings(unsigned short port) {
    XStreamSettings settings;
    settings.name = "twitter";
    settings.url = "http://127.0.0.1:" + std::to_string(port) + "/2/tweets/search/stream";
    settings.bearer_token = "app-token";
    settings.backoff.network_step = milliseconds(1);
    settings.backoff.network_max = milliseconds(2);
    settings.backoff.http_initial = milliseconds(1);
    settings.backoff.http_max = milliseconds(4);
    settings.backoff.rate_limit_initial = milliseconds(2);
    settings.backoff.rate_limit_max = milliseconds(8);
    return settings;
}

// Runs the source against the fake until `emit` has collected `wanted` posts.
std::vector<Emitted> run_source(LiveSource& source, FakeX& fake, unsigned short port,
                                tcp::acceptor& acceptor, asio::io_context& io, std::size_t wanted) {
    (void)port;
    asio::co_spawn(io, accept_loop(acceptor, fake), asio::detached);
    std::vector<Emitted> emitted;
    SourceOutput output;
    output.emit = [&](rules::Post post, std::string cursor) {
        emitted.push_back({post.id, post.text, cursor});
        return emitted.size() < wanted;
    };
    bool finished = false;
    asio::co_spawn(io, source.run("", output), [&](std::exception_ptr) {
        finished = true;
        io.stop();
    });
    io.run_for(seconds(20));
    REQUIRE(finished);
    return emitted;
}

}  // namespace

TEST_CASE(
    "x source: streams lines across chunks, skips duplicates, reconnects after an "
    "operational disconnect",
    "[x][loopback]") {
    const std::string a = post_line("900", "eerste klacht");
    const std::string b = post_line("901", "tweede klacht");
    const std::string c = post_line("902", "na de herverbinding");
    const std::string disconnect =
        R"({"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperational)"
        R"(Disconnect","detail":"Maintenance.","type":"https://api.x.com/2/problems/x"}]})";

    FakeX fake;
    fake.answers.push_back({"",
                            {
                                "\r\n", a + "\r\n" + b.substr(0, 30), b.substr(30, 50),
                                b.substr(80) + "\r",  // CRLF split over two chunks
                                "\n\r\n" + a + "\r\n", "{\"data\":{\"id\":\"903\"}}\r\n",
                                post_line("904", "RT",
                                          R"(,"referenced_tweets":[{"type":)"
                                          R"("retweeted","id":"900"}])") +
                                    "\r\n\r\n",
                                disconnect + "\r\n",
                                c + "\r\n",  // after the error: never read
                            },
                            false});
    fake.answers.push_back({"", {"\r\n", b + "\r\n", c + "\r\n"}, true});

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    auto source = make_x_stream_source(loopback_settings(port), nullptr);
    CHECK(source->name() == "twitter");
    const auto emitted = run_source(*source, fake, port, acceptor, io, 3);

    REQUIRE(emitted.size() == 3);
    CHECK(emitted[0].id == "x:900");
    CHECK(emitted[0].text == "eerste klacht");
    CHECK(emitted[1].id == "x:901");
    CHECK(emitted[2].id == "x:902");
    for (const auto& post : emitted) CHECK(post.cursor.empty());

    REQUIRE(fake.requests.size() == 2);
    const std::string expected =
        "/2/tweets/search/stream?tweet.fields=created_at,lang,conversation_id,referenced_tweets,"
        "public_metrics&expansions=author_id&user.fields=username,name,public_metrics,verified"
        " | Bearer app-token";
    CHECK(fake.requests[0] == expected);
    CHECK(fake.requests[1] == expected);

    const auto& counters = source->counters();
    CHECK(counters.connects == 2);
    CHECK(counters.disconnects == 1);
    CHECK(counters.posts == 3);
    CHECK(counters.bad_events == 1);  // 903 without text
    CHECK(counters.skipped == 3);     // the duplicate 900, the retweet, the duplicate 901
    CHECK(counters.events == 8);      // 5 + the error on the first stream, 2 on the second
    CHECK(x_stream_heartbeats(*source) == 4);
}

TEST_CASE("x source: a 429 is waited out, then the stream is read", "[x][loopback]") {
    FakeX fake;
    const std::string body =
        R"({"title":"ConnectionException","detail":"Too many connections.",)"
        R"("connection_issue":"TooManyConnections","type":"https://api.x.com/2/problems/x"})";
    fake.answers.push_back(
        {"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
         "x-rate-limit-reset: 1\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body,
         {},
         false});
    fake.answers.push_back(
        {"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", {}, false});
    fake.answers.push_back({"", {"\r\n" + post_line("950", "eindelijk") + "\r\n"}, true});

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    auto source = make_x_stream_source(loopback_settings(port), nullptr);
    const auto emitted = run_source(*source, fake, port, acceptor, io, 1);

    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].id == "x:950");
    CHECK(emitted[0].text == "eindelijk");
    CHECK(fake.requests.size() == 3);
    const auto& counters = source->counters();
    CHECK(counters.connects == 1);
    CHECK(counters.disconnects == 2);
    CHECK(counters.posts == 1);
    CHECK(counters.events == 1);
    CHECK(x_stream_heartbeats(*source) == 1);
}

TEST_CASE("x source: a silent stream times out and is reopened; 401 is retried", "[x][loopback]") {
    FakeX fake;
    fake.answers.push_back({"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", {}, false});
    fake.answers.push_back({"", {"\r\n"}, true});  // a heartbeat, then silence
    fake.answers.push_back({"", {post_line("960", "weer daar") + "\r\n"}, true});

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    auto settings = loopback_settings(port);
    settings.read_timeout = milliseconds(200);
    auto source = make_x_stream_source(settings, nullptr);
    const auto emitted = run_source(*source, fake, port, acceptor, io, 1);

    REQUIRE(emitted.size() == 1);
    CHECK(emitted[0].id == "x:960");
    CHECK(fake.requests.size() == 3);
    CHECK(source->counters().connects == 2);
    CHECK(source->counters().disconnects == 2);
    CHECK(x_stream_heartbeats(*source) == 1);
}

namespace {

// A whole JSON answer of the stand-in X (the rules endpoint).
Answer json_answer(int status, const std::string& body) {
    return {"HTTP/1.1 " + std::to_string(status) +
                " X\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body,
            {},
            false};
}

// Runs an x source that keeps `rules` on the fake until it handed on `wanted` posts.
std::vector<Emitted> run_with_rules(FakeX& fake, std::vector<XRule> rules, XRulesMode mode,
                                    std::size_t wanted) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    auto settings = loopback_settings(port);
    settings.rules = std::move(rules);
    settings.rules_mode = mode;
    auto source = make_x_stream_source(settings, nullptr);
    return run_source(*source, fake, port, acceptor, io, wanted);
}

XRule configured(std::string value, std::string tag, int line) {
    XRule rule;
    rule.value = std::move(value);
    rule.tag = std::move(tag);
    rule.pos = {"spreekbuis.yaml", line, 7};
    return rule;
}

}  // namespace

TEST_CASE("x source: makes X hold the configured rules before it opens the stream",
          "[x][x-rules][loopback]") {
    FakeX fake;
    fake.answers.push_back(json_answer(
        200, R"({"data":[{"id":"1","value":"@zeevlucht","tag":"brand"},)"
             R"({"id":"2","value":"#zeevlucht","tag":"old"},{"id":"3","value":"@other"}],)"
             R"("meta":{"result_count":3}})"));
    fake.answers.push_back(
        json_answer(200, R"({"meta":{"summary":{"deleted":2,"not_deleted":0}}})"));
    fake.answers.push_back(json_answer(
        400, R"({"data":[{"value":"#zeevlucht","tag":"hashtag","id":"20"}],"meta":{"summary":)"
             R"({"created":1,"not_created":1}},"errors":[{"value":"koffer (","details":)"
             R"(["Unbalanced parentheses."],"title":"UnprocessableEntity"}]})"));
    fake.answers.push_back({"", {post_line("950", "na de regels") + "\r\n"}, true});

    const auto emitted =
        run_with_rules(fake,
                       {configured("@zeevlucht", "brand", 5),
                        configured("#zeevlucht", "hashtag", 6), configured("koffer (", "", 7)},
                       XRulesMode::sync, 1);

    REQUIRE(emitted.size() == 1);  // a refused rule does not keep the stream shut
    CHECK(emitted[0].id == "x:950");
    REQUIRE(fake.requests.size() == 4);
    CHECK(fake.methods[0] == "GET");
    CHECK(fake.requests[0] == "/2/tweets/search/stream/rules | Bearer app-token");
    CHECK(fake.methods[1] == "POST");
    CHECK(fake.bodies[1] == R"({"delete":{"ids":["2","3"]}})");
    CHECK(fake.methods[2] == "POST");
    CHECK(fake.bodies[2] ==
          R"({"add":[{"value":"#zeevlucht","tag":"hashtag"},{"value":"koffer ("}]})");
    CHECK(fake.methods[3] == "GET");
    CHECK_THAT(fake.requests[3], Catch::StartsWith("/2/tweets/search/stream?tweet.fields="));
}

TEST_CASE("x source: rules in place need one GET; add mode leaves other rules alone",
          "[x][x-rules][loopback]") {
    FakeX fake;
    fake.answers.push_back(json_answer(
        200, R"({"data":[{"id":"1","value":"@zeevlucht"},{"id":"3","value":"@other"}]})"));
    fake.answers.push_back({"", {post_line("951", "klacht") + "\r\n"}, true});
    const auto emitted =
        run_with_rules(fake, {configured("@zeevlucht", "", 5)}, XRulesMode::add, 1);
    REQUIRE(emitted.size() == 1);
    REQUIRE(fake.requests.size() == 2);
    CHECK(fake.methods == std::vector<std::string>{"GET", "GET"});
}

TEST_CASE("x source: rules X cannot be asked about now are tried again at the next connect",
          "[x][x-rules][loopback]") {
    FakeX fake;
    fake.answers.push_back(json_answer(503, R"({"title":"Service Unavailable"})"));
    // The stream opens anyway and ends; before the reconnect the rules are tried again.
    fake.answers.push_back({"", {"\r\n", post_line("952", "eerste") + "\r\n"}, false});
    fake.answers.push_back(json_answer(200, R"({"meta":{"result_count":0}})"));
    fake.answers.push_back(json_answer(201, R"({"data":[{"value":"@zeevlucht","id":"30"}],)"
                                            R"("meta":{"summary":{"created":1}}})"));
    fake.answers.push_back({"", {post_line("953", "tweede") + "\r\n"}, true});
    const auto emitted =
        run_with_rules(fake, {configured("@zeevlucht", "", 5)}, XRulesMode::add, 2);
    REQUIRE(emitted.size() == 2);
    REQUIRE(fake.methods.size() == 5);
    CHECK(fake.methods == std::vector<std::string>{"GET", "GET", "GET", "POST", "GET"});
    CHECK(fake.bodies[3] == R"({"add":[{"value":"@zeevlucht"}]})");
}
