// Ingest mode: a daemon whose sources' posts go on to a Redis stream instead of being decided,
// against a real redis-server on a free loopback port.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "connectors/post_decoder.hpp"
#include "daemon/ingest.hpp"
#include "daemon_workspace.hpp"
#include "tests/support/redis_server.hpp"

using namespace spreekbuis;
using connectors::redis::Reply;

namespace {

struct ParsedIngest {
    std::optional<daemon::IngestSettings> settings;
    std::string text;
};

ParsedIngest parse(const std::string& ingest_yaml) {
    const testing::Workspace ws;  // for its rule file
    rules::Diagnostics diagnostics;
    auto loaded = config::load_config_text(
        "spreekbuis.yaml", "rules: [rules/*.yaml]\ningest:\n" + ingest_yaml, ws.dir.string());
    ParsedIngest out;
    if (loaded.config) out.settings = daemon::read_ingest_settings(*loaded.config, diagnostics);
    out.text = loaded.diagnostics.format_all() + diagnostics.format_all();
    return out;
}

std::string feed_line(const std::string& id, const std::string& text) {
    return R"({"id":")" + id + R"(","source":"mastodon","text":")" + text +
           R"(","lang":"nl","author":{"handle":"@reiziger","followers":12}})" + "\n";
}

// The posts in the stream, in order, as the deciding daemons' redis source would read them.
std::vector<rules::Post> stream_posts(const test::RedisServer& server) {
    const Reply reply = server.command({"XRANGE", "posts", "-", "+"});
    REQUIRE(reply.is_array());
    std::vector<rules::Post> posts;
    connectors::PostDecoder decoder;
    for (const auto& entry : reply.elements) {
        REQUIRE(entry.elements.size() == 2);
        const auto& fields = entry.elements[1].elements;
        REQUIRE(fields.size() == 2);
        CHECK(fields[0].text == "post");
        auto decoded = decoder.decode(fields[1].text);
        REQUIRE(decoded.post);
        posts.push_back(std::move(*decoded.post));
    }
    return posts;
}

std::vector<std::string> ids_of(const std::vector<rules::Post>& posts) {
    std::vector<std::string> ids;
    for (const auto& post : posts) ids.push_back(post.id);
    return ids;
}

void configure(const testing::Workspace& ws, const test::RedisServer& server,
               const std::string& more = "") {
    ws.write("feed.jsonl", feed_line("p1", "waar is mijn koffer") +
                               feed_line("p2", "vlucht \\\"geannuleerd\\\"") +
                               feed_line("p3", "bedankt!"));
    std::ofstream(ws.dir / "spreekbuis.yaml", std::ios::app)
        << "ingest:\n  stream: posts\n  port: " << server.port() << "\n"
        << more;
}

}  // namespace

TEST_CASE("ingest settings: the stream, its field and trimming, errors at their keys", "[ingest]") {
    auto parsed = parse(
        "  stream: spreekbuis:posts\n  field: p\n  max_length: 100000\n"
        "  host: redis.internal\n  db: 2\n");
    INFO(parsed.text);
    REQUIRE(parsed.settings);
    CHECK(parsed.settings->stream == "spreekbuis:posts");
    CHECK(parsed.settings->field == "p");
    CHECK(parsed.settings->max_length == 100000);
    CHECK(parsed.settings->host == "redis.internal");
    CHECK(parsed.settings->db == 2);

    parsed = parse("  host: 127.0.0.1\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text, Catch::Contains("spreekbuis.yaml:3:3: error: ingest needs a stream"));
    parsed = parse("  stream: s\n  max_length: 5\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text, Catch::Contains("spreekbuis.yaml:4:15: error: max_length must be 0 "
                                            "or 1000 to 1000000000"));
    parsed = parse("  stream: s\n  max_lenght: 5000\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text, Catch::Contains("unknown key 'max_lenght' in ingest") &&
                                Catch::Contains("did you mean 'max_length'?"));
    parsed = parse("  stream: s\n  tls_cert: client.pem\n  tls_key: client.key\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text, Catch::Contains("a client certificate needs tls: true"));
}

TEST_CASE("ingest mode: every post goes to the stream once, in order, nothing decided",
          "[ingest][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    testing::Workspace ws;
    configure(ws, server);
    {
        testing::TestDaemon daemon(ws);
        daemon.start();
        REQUIRE(testing::eventually([&] { return daemon->stats().posts_forwarded == 3; }));
        CHECK(daemon.stop() == 0);
        CHECK(daemon->stats().posts_decided == 0);
        CHECK(daemon.output().empty());  // no verdicts, so no alerts
    }
    const auto posts = stream_posts(server);
    REQUIRE(ids_of(posts) == std::vector<std::string>{"p1", "p2", "p3"});
    CHECK(posts[0].text == "waar is mijn koffer");
    CHECK(posts[1].text == "vlucht \"geannuleerd\"");
    CHECK(posts[0].source == "mastodon");
    CHECK(posts[0].lang == "nl");
    CHECK(posts[0].author.handle == "@reiziger");
    CHECK(posts[0].author.followers == 12);

    // A restart goes on after the saved cursor: nothing is added twice.
    testing::TestDaemon again(ws);
    again.start();
    REQUIRE(testing::eventually([&] { return again->stats().sources_finished == 1; }));
    CHECK(again.stop() == 0);
    CHECK(again->stats().posts_forwarded == 0);
    CHECK(ids_of(stream_posts(server)) == std::vector<std::string>{"p1", "p2", "p3"});
}

TEST_CASE("ingest mode: a refused XADD is tried again, and a stop loses nothing",
          "[ingest][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    testing::Workspace ws;
    configure(ws, server);
    // The key holds a string: every XADD is refused (WRONGTYPE) until it is deleted.
    REQUIRE(server.command({"SET", "posts", "not a stream"}).text == "OK");
    {
        // Stopped while refused: no cursor is saved, nothing is in the stream.
        testing::TestDaemon daemon(ws);
        daemon.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CHECK(daemon.stop() == 0);
        CHECK(daemon->stats().posts_forwarded == 0);
    }
    {
        // Refused at first, then the key is free: the posts arrive, in order, once each.
        testing::TestDaemon daemon(ws);
        daemon.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CHECK(daemon->stats().posts_forwarded == 0);
        REQUIRE(server.command({"DEL", "posts"}).integer == 1);
        REQUIRE(testing::eventually([&] { return daemon->stats().posts_forwarded == 3; }));
        CHECK(daemon.stop() == 0);
    }
    CHECK(ids_of(stream_posts(server)) == std::vector<std::string>{"p1", "p2", "p3"});
}

TEST_CASE("ingest mode: trimming and another field, as the deciders read them",
          "[ingest][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    testing::Workspace ws;
    configure(ws, server, "  max_length: 1000\n  field: p\n");
    testing::TestDaemon daemon(ws);
    daemon.start();
    REQUIRE(testing::eventually([&] { return daemon->stats().posts_forwarded == 3; }));
    CHECK(daemon.stop() == 0);
    const Reply reply = server.command({"XRANGE", "posts", "-", "+"});
    REQUIRE(reply.is_array());
    REQUIRE(reply.elements.size() == 3);
    CHECK(reply.elements[2].elements[1].elements[0].text == "p");
}
