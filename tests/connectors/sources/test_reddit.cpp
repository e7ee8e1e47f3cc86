#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/post_decoder.hpp"
#include "connectors/sources/reddit.hpp"
#include "rules/yaml_source.hpp"
#include "tests/connectors/sources/plugin_settings.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;

namespace {

// A submission of the same shape as Reddit's `t3` data, with invented values.
std::string submission(const std::string& id36, const std::string& title,
                       const std::string& selftext = "", const std::string& author = "fietsfan_88",
                       const std::string& extra = "") {
    return R"({"kind":"t3","data":{"subreddit":"brand","selftext":")" + selftext +
           R"(","author_fullname":"t2_9zz1","title":")" + title + R"(","name":"t3_)" + id36 +
           R"(","score":3,"id":")" + id36 + R"(","author":")" + author +
           R"(","num_comments":4,"permalink":"/r/brand/comments/)" + id36 +
           R"(/some_title/","created_utc":1767225600.0)" + extra + "}}";
}

// A comment of the same shape as Reddit's `t1` data, with invented values.
std::string comment(const std::string& id36, const std::string& body,
                    const std::string& author = "koffieleut", const std::string& extra = "") {
    return R"({"kind":"t1","data":{"subreddit_id":"t5_3abc","subreddit":"brandhelp","id":")" +
           id36 + R"(","author":")" + author +
           R"(","created_utc":1767225661.5,"parent_id":"t1_q0a","score":1,"body":")" + body +
           R"(","permalink":"/r/brandhelp/comments/q0x/a_thread/)" + id36 + R"(/","name":"t1_)" +
           id36 + R"(","link_id":"t3_q0x")" + extra + "}}";
}

std::string listing(const std::vector<std::string>& children) {
    std::string out = R"({"kind":"Listing","data":{"after":null,"dist":)" +
                      std::to_string(children.size()) + R"(,"children":[)";
    for (std::size_t i = 0; i < children.size(); ++i) out += (i ? "," : "") + children[i];
    return out + R"(],"before":null}})";
}

}  // namespace

TEST_CASE("reddit: a submission becomes a post with every field", "[reddit]") {
    const auto decoded =
        decode_reddit_listing(listing({submission("1kx2", "Trein kapot", "Weer vertraging")}));
    REQUIRE(decoded.error.empty());
    REQUIRE(decoded.posts.size() == 1);
    REQUIRE(decoded.fullnames == std::vector<std::string>{"t3_1kx2"});
    const auto& post = decoded.posts[0];
    CHECK(post.id == "t3_1kx2");
    CHECK(post.source == "reddit");
    CHECK(post.text == "Trein kapot\nWeer vertraging");
    CHECK(post.url == "https://www.reddit.com/r/brand/comments/1kx2/some_title/");
    CHECK(post.author.handle == "fietsfan_88");
    CHECK(post.author.name.empty());
    CHECK(post.created_at == "2026-01-01T00:00:00Z");
    CHECK(post.created_at_ms == std::int64_t{1767225600000});
    CHECK(post.conversation == "t3_1kx2");
    CHECK(post.in_reply_to.empty());
    CHECK(post.replies == std::int64_t{4});
    CHECK(post.lang.empty());
    CHECK(decoded.newest == "t3_1kx2");
    CHECK(decoded.skipped == 0);
    CHECK(decoded.dropped.empty());

    const auto link_only = decode_reddit_listing(listing({submission("1kx3", "Alleen titel")}));
    REQUIRE(link_only.posts.size() == 1);
    CHECK(link_only.posts[0].text == "Alleen titel");
}

TEST_CASE("reddit: a comment becomes a post with every field", "[reddit]") {
    const auto decoded = decode_reddit_listing(
        listing({comment("q1b", "Bel de klantenservice"), comment("q1a", "Eerste")}));
    REQUIRE(decoded.error.empty());
    REQUIRE(decoded.posts.size() == 2);
    REQUIRE(decoded.fullnames == std::vector<std::string>{"t1_q1b", "t1_q1a"});
    const auto& post = decoded.posts[0];
    CHECK(post.id == "t1_q1b");
    CHECK(post.text == "Bel de klantenservice");
    CHECK(post.in_reply_to == "t1_q0a");
    CHECK(post.conversation == "t3_q0x");
    CHECK(post.author.handle == "koffieleut");
    CHECK(post.url == "https://www.reddit.com/r/brandhelp/comments/q0x/a_thread/q1b/");
    CHECK(post.created_at == "2026-01-01T00:01:01.500Z");
    CHECK(post.created_at_ms == std::int64_t{1767225661500});
    CHECK(post.created_at_ms == connectors::parse_rfc3339_ms(post.created_at));
    CHECK_FALSE(post.replies);
    CHECK(decoded.newest == "t1_q1b");
}

TEST_CASE("reddit: deleted, removed and other kinds are skipped, with a reason", "[reddit]") {
    const auto decoded = decode_reddit_listing(listing({
        R"({"kind":"t5","data":{"name":"t5_3abc","display_name":"brand"}})",
        comment("q2e", "tekst", "[deleted]"),
        comment("q2d", "[removed]"),
        comment("q2c", "[deleted]"),
        submission("1kx9", "Titel", "[removed]"),
        comment("q2b", ""),
        comment("q2a", "blijft"),
    }));
    REQUIRE(decoded.error.empty());
    REQUIRE(decoded.posts.size() == 1);
    CHECK(decoded.posts[0].id == "t1_q2a");
    CHECK(decoded.skipped == 6);
    REQUIRE(decoded.dropped.size() == 6);
    CHECK(decoded.dropped[0].fullname == "t5_3abc");
    CHECK(decoded.dropped[0].reason == "kind 't5' is no submission or comment");
    CHECK(decoded.dropped[1].reason == "deleted author");
    CHECK(decoded.dropped[2].reason == "removed comment");
    CHECK(decoded.dropped[3].reason == "removed comment");
    CHECK(decoded.dropped[4].reason == "removed submission");
    CHECK(decoded.dropped[4].fullname == "t3_1kx9");
    CHECK(decoded.dropped[5].reason == "no text");
    for (const auto& dropped : decoded.dropped) CHECK_FALSE(dropped.bad);
    CHECK(decoded.newest == "t5_3abc");
}

TEST_CASE("reddit: malformed listings and children", "[reddit]") {
    CHECK(decode_reddit_listing("{\"kind\":\"Listing\",").error.starts_with("malformed JSON"));
    CHECK(decode_reddit_listing("").error.starts_with("malformed JSON"));
    CHECK(decode_reddit_listing(std::string_view()).error.starts_with("malformed JSON"));
    CHECK(decode_reddit_token(std::string_view()).error.starts_with("malformed JSON"));
    CHECK(decode_reddit_listing("[]").error == "a listing must be a JSON object");
    CHECK(decode_reddit_listing(R"({"kind":"t3","data":{}})").error == "kind 't3' is no Listing");
    CHECK(decode_reddit_listing(R"({"data":{"children":[]}})").error == "no kind 'Listing'");
    CHECK(decode_reddit_listing(R"({"kind":"Listing","data":{"children":{}}})").error ==
          "a Listing without data.children");
    const auto empty = decode_reddit_listing(listing({}));
    CHECK(empty.error.empty());
    CHECK(empty.posts.empty());
    CHECK(empty.newest.empty());

    const auto decoded = decode_reddit_listing(listing({
        "42",
        R"({"data":{"name":"t1_q3a"}})",
        R"({"kind":"t1"})",
        R"({"kind":"t1","data":{"name":"T1_Q3A","author":"x","body":"y"}})",
        R"({"kind":"t1","data":{"name":"t3_q3a","author":"x","body":"y"}})",
        R"({"kind":"t1","data":{"name":"t1_q3b","body":"y"}})",
        R"({"kind":"t1","data":{"name":"t1_q3c","author":7,"body":"y"}})",
        R"({"kind":"t1","data":{"name":"t1_q3d","author":"x"}})",
        R"({"kind":"t3","data":{"name":"t3_q3e","author":"x","selftext":"y"}})",
        R"({"kind":"t3","data":{"name":"t3_q3f","author":"x","title":"t","selftext":5}})",
        R"({"kind":"t1","data":{"id":"q3g","author":"x","body":"zonder name","created_utc":"nu"}})",
        R"({"kind":"t1","data":{"name":"t1_q3h","author":"x","body":"z","created_utc":-5,)"
        R"("permalink":"geen pad","parent_id":"kapot"}})",
    }));
    REQUIRE(decoded.error.empty());
    REQUIRE(decoded.posts.size() == 2);
    CHECK(decoded.posts[0].id == "t1_q3g");  // the fullname is built from kind and id
    CHECK(decoded.posts[0].created_at.empty());
    CHECK_FALSE(decoded.posts[0].created_at_ms);
    CHECK(decoded.posts[1].id == "t1_q3h");
    CHECK(decoded.posts[1].created_at.empty());
    CHECK(decoded.posts[1].url.empty());
    CHECK(decoded.posts[1].in_reply_to.empty());
    CHECK(decoded.skipped == 0);
    REQUIRE(decoded.dropped.size() == 10);
    for (const auto& dropped : decoded.dropped) CHECK(dropped.bad);
    CHECK(decoded.dropped[0].reason == "a listing child must be a JSON object");
    CHECK(decoded.dropped[1].reason == "listing child without 'kind'");
    CHECK(decoded.dropped[2].reason == "listing child without a 'data' object");
    CHECK(decoded.dropped[3].fullname.empty());
    CHECK(decoded.dropped[3].reason.find("without a valid fullname ('T1_Q3A')") !=
          std::string::npos);
    CHECK(decoded.dropped[4].fullname.empty());  // a t3 name on a t1 child
    CHECK(decoded.dropped[5].reason == "no 'author'");
    CHECK(decoded.dropped[5].fullname == "t1_q3b");
    CHECK(decoded.dropped[6].reason == "'author' is not a string");
    CHECK(decoded.dropped[7].reason == "comment without a string 'body'");
    CHECK(decoded.dropped[8].reason == "submission without a string 'title'");
    CHECK(decoded.dropped[9].reason == "'selftext' is not a string");
    CHECK(decoded.newest == "t1_q3b");
}

TEST_CASE("reddit: broken UTF-8 is repaired to U+FFFD", "[reddit]") {
    const auto decoded = decode_reddit_listing(listing({comment("q4a", "caf\xC3 kapot\xFF")}));
    REQUIRE(decoded.error.empty());
    REQUIRE(decoded.posts.size() == 1);
    CHECK(decoded.repaired);
    CHECK(decoded.posts[0].text == "caf\xEF\xBF\xBD kapot\xEF\xBF\xBD");
    CHECK_FALSE(decode_reddit_listing(listing({comment("q4a", "café")})).repaired);
}

TEST_CASE("reddit: created_utc as RFC 3339", "[reddit]") {
    CHECK(reddit_time_rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(reddit_time_rfc3339(951782400) == "2000-02-29T00:00:00Z");
    CHECK(reddit_time_rfc3339(1767225599.999) == "2025-12-31T23:59:59.999Z");
    CHECK(reddit_time_rfc3339(253402300799.0) == "9999-12-31T23:59:59Z");
    CHECK(reddit_time_rfc3339(253402300800.0).empty());
    CHECK(reddit_time_rfc3339(-1).empty());
    CHECK(reddit_time_rfc3339(std::numeric_limits<double>::quiet_NaN()).empty());
    CHECK(reddit_time_rfc3339(std::numeric_limits<double>::infinity()).empty());
    for (const double seconds : {1.0, 1234567890.125, 4102444800.0}) {
        CHECK(connectors::parse_rfc3339_ms(reddit_time_rfc3339(seconds)) ==
              static_cast<std::int64_t>(seconds * 1000));
    }
}

TEST_CASE("reddit: fullnames, their order and what is newer", "[reddit]") {
    CHECK(is_reddit_fullname("t3_1kx2"));
    CHECK(is_reddit_fullname("t1_0"));
    CHECK_FALSE(is_reddit_fullname("t3_"));
    CHECK_FALSE(is_reddit_fullname("t3_1KX2"));
    CHECK_FALSE(is_reddit_fullname("x3_1kx2"));
    CHECK_FALSE(is_reddit_fullname("t3-1kx2"));
    CHECK_FALSE(is_reddit_fullname("t3_12345678901234"));
    CHECK(compare_reddit_fullnames("t3_1kx2", "t3_1kx1") > 0);
    CHECK(compare_reddit_fullnames("t3_zz", "t3_100") < 0);  // base 36: by length first
    CHECK(compare_reddit_fullnames("t3_a0", "t3_9z") > 0);
    CHECK(compare_reddit_fullnames("t1_q1", "t1_q1") == 0);

    const std::vector<std::string> page = {"t3_1abc", "t3_1abb", "t3_1aba", "t3_1ab9"};
    CHECK(reddit_newer_count(page, "t3_1aba") == 2);
    CHECK(reddit_newer_count(page, "t3_1abc") == 0);
    CHECK(reddit_newer_count(page, "") == 4);
    CHECK(reddit_newer_count(page, "t3_1ab0") == 4);  // all newer: some may be missed
    CHECK(reddit_newer_count({"t3_1abc", "t3_1abb", "t3_1ab9"}, "t3_1aba") == 2);  // deleted
    CHECK(reddit_newer_count({"t3_1abc", "t3_1ab0", "t3_1abd"}, "t3_1ab5") == 1);
    CHECK(reddit_newer_count({}, "t3_1ab5") == 0);
}

TEST_CASE("reddit: the cursor string round-trips, anything else is refused", "[reddit]") {
    RedditCursor cursor{"t3_1kx2", "t1_q1b"};
    CHECK(format_reddit_cursor(cursor) == "new=t3_1kx2;comments=t1_q1b");
    auto parsed = parse_reddit_cursor(format_reddit_cursor(cursor));
    REQUIRE(parsed);
    CHECK(parsed->submissions == "t3_1kx2");
    CHECK(parsed->comments == "t1_q1b");
    parsed = parse_reddit_cursor("new=;comments=t1_q1b");
    REQUIRE(parsed);
    CHECK(parsed->submissions.empty());
    CHECK(format_reddit_cursor(*parsed) == "new=;comments=t1_q1b");
    CHECK(parse_reddit_cursor("new=;comments="));
    for (const char* bad : {"", "t3_1kx2", "new=t1_q1b;comments=", "new=t3_1kx2;comments=t3_1",
                            "comments=t1_q1b;new=t3_1kx2", "new=t3_1KX2;comments=",
                            "new=t3_1kx2;comments=t1_q1b;x=1", "new=t3_1kx2 ;comments="}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_reddit_cursor(bad));
    }
}

TEST_CASE("reddit: the token answer", "[reddit]") {
    auto token = decode_reddit_token(
        R"({"access_token":"eyJ-abc.def","token_type":"bearer","expires_in":86400,"scope":"*"})");
    CHECK(token.error.empty());
    CHECK(token.access_token == "eyJ-abc.def");
    CHECK(token.expires_in == 86400);
    token = decode_reddit_token(R"({"access_token":"abc"})");
    CHECK(token.error.empty());
    CHECK(token.expires_in == 3600);
    token = decode_reddit_token(R"({"access_token":"abc","expires_in":1e12})");
    CHECK(token.expires_in == 86400);
    CHECK(decode_reddit_token(R"({"error":"invalid_grant"})").error ==
          "no access_token; error 'invalid_grant'");
    CHECK(decode_reddit_token(R"({"message":"Unauthorized","error":401})").error ==
          "no access_token; error 401");
    CHECK(decode_reddit_token(R"({"access_token":""})").error == "no access_token in the answer");
    CHECK(decode_reddit_token(R"({"access_token":"a b"})").error.find("header") !=
          std::string::npos);
    CHECK(decode_reddit_token("nope").error.starts_with("malformed JSON"));
    CHECK(decode_reddit_token("[1]").error == "the token answer must be a JSON object");
}

TEST_CASE("reddit: the wait the rate limit headers ask for", "[reddit]") {
    using std::chrono::milliseconds;
    const milliseconds s(1000);
    CHECK(reddit_server_wait(429, "7", "0", "40", s) == milliseconds(7000));
    CHECK(reddit_server_wait(429, "", "0", "40", s) == milliseconds(40000));
    CHECK(reddit_server_wait(429, "soon", "", "", s) == std::nullopt);
    CHECK(reddit_server_wait(200, "", "1.0", "12", s) == milliseconds(12000));
    CHECK(reddit_server_wait(200, "", "0.5", "0.25", s) == milliseconds(250));
    CHECK(reddit_server_wait(200, "", "99.0", "12", s) == std::nullopt);
    CHECK(reddit_server_wait(200, "", "", "12", s) == std::nullopt);
    CHECK(reddit_server_wait(200, "", "1", "-3", s) == std::nullopt);
    CHECK(reddit_server_wait(200, "", "1", "1e9", s) == milliseconds(3600000));
    CHECK(reddit_server_wait(429, "9", "", "", milliseconds(1)) == milliseconds(9));
}

namespace {

using ParsedSettings = test::ParsedSettings<RedditSettings>;

ParsedSettings read_settings(const std::string& yaml) {
    return test::read_plugin_settings<RedditSettings>(yaml, "rd", "reddit", read_reddit_settings);
}

const std::string kHead = "name: rd\ntype: reddit\n";
const std::string kAuth =
    "client_id: abc\nclient_secret: xyz\nuser_agent: 'linux:nl.example.test:1.0 (by /u/tester)'\n";

bool has(const ParsedSettings& p, const std::string& text) {
    return p.text().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("reddit settings: a good configuration", "[reddit][settings]") {
    auto p = read_settings(kHead + "subreddits: [brand, r/Brand_Help]\n" + kAuth +
                           "comments: false\ninterval: 60\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.empty());
    CHECK(p.settings->name == "rd");
    CHECK(p.settings->subreddits == std::vector<std::string>{"brand", "Brand_Help"});
    CHECK_FALSE(p.settings->comments);
    CHECK(p.settings->submissions);
    CHECK(p.settings->client_id == "abc");
    CHECK(p.settings->client_secret == "xyz");
    CHECK(p.settings->user_agent == "linux:nl.example.test:1.0 (by /u/tester)");
    CHECK(p.settings->interval == std::chrono::seconds(60));
    CHECK(p.settings->api_url == "https://oauth.reddit.com");
    CHECK(p.settings->token_url == "https://www.reddit.com/api/v1/access_token");

    p = read_settings(kHead + "subreddits:\n  - ab\n" + kAuth);
    REQUIRE(p.settings);
    CHECK(p.settings->interval == std::chrono::seconds(30));
    CHECK(p.settings->comments);
}

TEST_CASE("reddit settings: errors point at file:line:col", "[reddit][settings]") {
    auto p = read_settings(kHead + "subreddits: [brand]\n" + kAuth + "intervall: 30\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:7:1: error: unknown key 'intervall'"));
    CHECK(has(p, "did you mean 'interval'"));

    p = read_settings(kHead + kAuth);
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:1:1: error: reddit source 'rd' needs subreddits"));

    p = read_settings(kHead + "subreddits: brand\n" + kAuth);
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:3:13: error: subreddits must be a non-empty list"));

    p = read_settings(kHead + "subreddits: [brand, x, 'a b', brand_help, BRAND]\n" + kAuth);
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:3:21: error: bad subreddit name 'x'"));
    CHECK(has(p, "spreekbuis.yaml:3:24: error: bad subreddit name 'a b'"));
    CHECK(has(p, "spreekbuis.yaml:3:43: error: subreddit 'BRAND' is listed twice"));

    std::string many = "subreddits: [";
    for (int i = 0; i < 101; ++i) many += (i ? ", s" : "s") + std::to_string(i + 10);
    p = read_settings(kHead + many + "]\n" + kAuth);
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:3:13: error: at most 100 subreddits"));

    p = read_settings(kHead + "subreddits: [brand]\n" + kAuth +
                      "comments: false\nsubmissions: false\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:7:11: error: comments and submissions are both false"));

    p = read_settings(kHead + "subreddits: [brand]\nclient_id: abc\nuser_agent: 'a (by /u/b)'\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:1:1: error: reddit source 'rd' needs client_secret"));

    p = read_settings(kHead +
                      "subreddits: [brand]\nclient_id: ''\nclient_secret: x\n"
                      "user_agent: 'a (by /u/b)'\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:4:12: error: client_id must not be empty"));

    p = read_settings(kHead + "subreddits: [brand]\nclient_id: a\nclient_secret: x\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "needs a user_agent"));

    p = read_settings(kHead + "subreddits: [brand]\n" + kAuth + "interval: 5\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:7:11: error: interval must be 10 to 3600 seconds"));

    p = read_settings(kHead + "subreddits: [brand]\n" + kAuth + "comments: misschien\n");
    CHECK_FALSE(p.settings);
    CHECK(has(p, "spreekbuis.yaml:7:11:"));

    p = read_settings(kHead +
                      "subreddits: [brand]\nclient_id: a\nclient_secret: x\n"
                      "user_agent: spreekbuis\n");
    REQUIRE(p.settings);
    CHECK(p.diagnostics.warning_count() == 1);
    CHECK(has(p, "spreekbuis.yaml:6:13: warning: user_agent does not name a Reddit user"));
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Canned {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// A stand-in Reddit on loopback: the token endpoint and the two listings answer from their
// queues (the last answer repeats once a queue is down to one). Records every request.
struct FakeReddit {
    std::map<std::string, std::deque<Canned>> answers;  // by path without query
    std::vector<std::string> requests;  // "METHOD target | authorization | user-agent | body"
};

asio::awaitable<void> serve_one(tcp::socket socket, FakeReddit& fake) {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, read] =
        co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    (void)read;
    if (read_ec) co_return;
    const std::string target(request.target());
    fake.requests.push_back(std::string(request.method_string()) + " " + target + " | " +
                            std::string(request[bhttp::field::authorization]) + " | " +
                            std::string(request[bhttp::field::user_agent]) + " | " +
                            request.body());
    const std::string path = target.substr(0, target.find('?'));
    Canned canned{404, "{}", {}};
    if (auto it = fake.answers.find(path); it != fake.answers.end() && !it->second.empty()) {
        canned = it->second.front();
        if (it->second.size() > 1) it->second.pop_front();
    }
    bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(canned.status), 11};
    response.set(bhttp::field::content_type, "application/json; charset=UTF-8");
    for (const auto& [name, value] : canned.headers) response.set(name, value);
    response.body() = canned.body;
    response.prepare_payload();
    response.keep_alive(false);
    co_await bhttp::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, FakeReddit& fake) {
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

Canned token_answer(const std::string& token) {
    return {200,
            R"({"access_token":")" + token +
                R"(","token_type":"bearer","expires_in":3600,"scope":"*"})",
            {}};
}

struct Run {
    std::vector<Emitted> emitted;
    std::vector<std::chrono::milliseconds> waits;
    std::unique_ptr<LiveSource> source;
    bool finished = false;
};

void run_source(FakeReddit& fake, RedditSettings settings, const std::string& resume,
                std::size_t posts, Run& run) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::string base = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
    asio::co_spawn(io, accept_loop(acceptor, fake), asio::detached);
    settings.api_url = base;
    settings.token_url = base + "/api/v1/access_token";
    settings.poll_interval = std::chrono::milliseconds(1);
    settings.reconnect_initial = std::chrono::milliseconds(1);
    settings.reconnect_cap = std::chrono::milliseconds(5);
    settings.server_second = std::chrono::milliseconds(1);
    settings.on_wait = [&run](std::chrono::milliseconds wait) { run.waits.push_back(wait); };
    run.source = make_reddit_source(std::move(settings), nullptr);
    SourceOutput output;
    output.emit = [&run, posts](rules::Post post, std::string cursor) {
        run.emitted.push_back({post.id, post.text, cursor});
        return run.emitted.size() < posts;
    };
    asio::co_spawn(io, run.source->run(resume, output), [&](std::exception_ptr) {
        run.finished = true;
        io.stop();
    });
    io.run_for(std::chrono::seconds(20));
}

RedditSettings test_settings() {
    RedditSettings settings;
    settings.name = "rd";
    settings.subreddits = {"brand", "brandhelp"};
    settings.client_id = "app-id";
    settings.client_secret = "app-secret";
    settings.user_agent = "test:nl.example.spreekbuis:0.1 (by /u/tester)";
    return settings;
}

}  // namespace

TEST_CASE("reddit source: the first poll sets the position, the next hands on what is new",
          "[reddit][loopback]") {
    FakeReddit fake;
    fake.answers["/api/v1/access_token"] = {token_answer("tok-1")};
    fake.answers["/r/brand+brandhelp/new"] = {
        {200,
         listing({R"({"kind":"t5","data":{"name":"t5_3abc"}})", submission("1kx5", "oud 5"),
                  submission("1kx4", "oud 4")}),
         {{"X-Ratelimit-Remaining", "1.0"}, {"X-Ratelimit-Reset", "9"}}},
        {200,
         listing({submission("1kx7", "nieuw 7"), submission("1kx6", "nieuw 6", "tekst"),
                  submission("1kx5", "oud 5"), submission("1kx4", "oud 4")}),
         {{"X-Ratelimit-Remaining", "97.0"}, {"X-Ratelimit-Reset", "300"}}},
    };
    fake.answers["/r/brand+brandhelp/comments"] = {
        {200, listing({comment("q19", "oud")}), {}},
        {200,
         listing({comment("q1c", "nieuw c"), comment("q1b", "weg", "[deleted]"),
                  comment("q1a", "nieuw a"), comment("q19", "oud"), comment("q18", "ouder")}),
         {}},
    };
    Run run;
    run_source(fake, test_settings(), "garbage", 4, run);
    REQUIRE(run.finished);

    REQUIRE(run.emitted.size() == 4);
    CHECK(run.emitted[0].id == "t3_1kx6");
    CHECK(run.emitted[0].text == "nieuw 6\ntekst");
    CHECK(run.emitted[0].cursor == "new=t3_1kx6;comments=t1_q19");
    CHECK(run.emitted[1].id == "t3_1kx7");
    CHECK(run.emitted[1].cursor == "new=t3_1kx7;comments=t1_q19");
    CHECK(run.emitted[2].id == "t1_q1a");
    CHECK(run.emitted[2].cursor == "new=t3_1kx7;comments=t1_q1a");
    CHECK(run.emitted[3].id == "t1_q1c");
    CHECK(run.emitted[3].cursor == "new=t3_1kx7;comments=t1_q1c");

    REQUIRE(fake.requests.size() == 5);
    const std::string agent = " | test:nl.example.spreekbuis:0.1 (by /u/tester)";
    CHECK(fake.requests[0] == "POST /api/v1/access_token | Basic YXBwLWlkOmFwcC1zZWNyZXQ=" + agent +
                                  " | grant_type=client_credentials");
    CHECK(fake.requests[1] ==
          "GET /r/brand+brandhelp/new?limit=100&raw_json=1 | bearer tok-1" + agent + " | ");
    CHECK(fake.requests[2] ==
          "GET /r/brand+brandhelp/comments?limit=100&raw_json=1 | bearer tok-1" + agent + " | ");
    CHECK(fake.requests[3].starts_with("GET /r/brand+brandhelp/new?"));
    CHECK(fake.requests[4].starts_with("GET /r/brand+brandhelp/comments?"));

    // Remaining 1 of the rate limit: the comments wait for the reset (9 server seconds).
    REQUIRE(run.waits.size() == 2);
    CHECK(run.waits[0] == std::chrono::milliseconds(9));
    CHECK(run.waits[1] == std::chrono::milliseconds(1));  // the poll interval

    const auto& counters = run.source->counters();
    CHECK(counters.connects == 4);
    CHECK(counters.posts == 4);
    CHECK(counters.skipped == 1);  // the deleted q1b
    CHECK(counters.events == 5);
    CHECK(counters.bad_events == 0);
    CHECK(counters.disconnects == 0);
}

TEST_CASE("reddit source: resumes, refreshes a refused token, honours 429 and backs off",
          "[reddit][loopback]") {
    FakeReddit fake;
    fake.answers["/api/v1/access_token"] = {token_answer("tok-1"), token_answer("tok-2")};
    const std::string old_page = listing({submission("1kx5", "oud 5")});
    fake.answers["/r/brand+brandhelp/new"] = {
        {200, old_page, {}},
        {401, R"({"message": "Unauthorized", "error": 401})", {}},
        {429, "{}", {{"Retry-After", "7"}}},
        {503, "<html>down</html>", {}},
        {403, R"({"reason": "private", "message": "Forbidden", "error": 403})", {}},
        {200, "{\"kind\":\"Listing\",\"data\":", {}},
        {200, listing({submission("1kx6", "nieuw 6"), submission("1kx5", "oud 5")}), {}},
    };
    auto settings = test_settings();
    settings.comments = false;
    Run run;
    run_source(fake, settings, "new=t3_1kx5;comments=", 1, run);
    REQUIRE(run.finished);

    REQUIRE(run.emitted.size() == 1);
    CHECK(run.emitted[0].id == "t3_1kx6");
    CHECK(run.emitted[0].cursor == "new=t3_1kx6;comments=");

    std::vector<std::string> tokens;
    for (const auto& request : fake.requests) {
        if (request.starts_with("POST")) {
            tokens.push_back(request);
        } else {
            CHECK(request.starts_with("GET /r/brand+brandhelp/new?limit=100&raw_json=1 | bearer "));
        }
    }
    CHECK(tokens.size() == 2);  // one refresh after the 401
    REQUIRE(fake.requests.size() == 9);
    CHECK(fake.requests[1].find("bearer tok-1") != std::string::npos);
    CHECK(fake.requests[2].find("bearer tok-1") != std::string::npos);  // 401
    CHECK(fake.requests[3].starts_with("POST /api/v1/access_token"));
    CHECK(fake.requests[4].find("bearer tok-2") != std::string::npos);  // 429
    CHECK(fake.requests[8].find("bearer tok-2") != std::string::npos);

    // interval, Retry-After 7, backoff after 503 (at most the 1 ms ceiling), the cap after 403,
    // backoff after the malformed listing.
    REQUIRE(run.waits.size() == 5);
    CHECK(run.waits[0] == std::chrono::milliseconds(1));
    CHECK(run.waits[1] == std::chrono::milliseconds(7));
    CHECK(run.waits[2] <= std::chrono::milliseconds(1));
    CHECK(run.waits[3] == std::chrono::milliseconds(5));
    CHECK(run.waits[4] <= std::chrono::milliseconds(4));

    const auto& counters = run.source->counters();
    CHECK(counters.disconnects == 3);  // 503, 403, malformed
    CHECK(counters.bad_events == 1);
    CHECK(counters.posts == 1);
}

TEST_CASE("reddit source: a refused client secret backs off to the cap", "[reddit][loopback]") {
    FakeReddit fake;
    fake.answers["/api/v1/access_token"] = {
        {401, R"({"message": "Unauthorized", "error": 401})", {}}, token_answer("tok-9")};
    fake.answers["/r/brand+brandhelp/new"] = {
        {200, listing({}), {}},
        {200, listing({submission("1kx6", "nieuw")}), {}},
    };
    auto settings = test_settings();
    settings.comments = false;
    Run run;
    run_source(fake, settings, "", 1, run);
    REQUIRE(run.finished);
    REQUIRE(run.emitted.size() == 1);  // an empty first listing: everything after it is new
    CHECK(run.emitted[0].cursor == "new=t3_1kx6;comments=");
    REQUIRE_FALSE(run.waits.empty());
    CHECK(run.waits[0] == std::chrono::milliseconds(5));
    CHECK(run.source->counters().disconnects == 1);
}
