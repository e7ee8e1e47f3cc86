// The Redis Streams source: its settings and pending-entry choice (pure), and the source
// against a real redis-server on a free loopback port.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "connectors/http/http_client.hpp"
#include "connectors/redis/connection.hpp"
#include "connectors/sources/redis_stream.hpp"
#include "plugin_settings.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/self_signed_cert.hpp"

using namespace spreekbuis;
using namespace spreekbuis::connectors::sources;
using connectors::redis::Reply;
using connectors::redis::StreamId;

namespace {

test::ParsedSettings<RedisStreamSettings> parse(const std::string& yaml) {
    return test::read_plugin_settings<RedisStreamSettings>(yaml, "shared", "redis",
                                                           read_redis_stream_settings);
}

template <typename Condition>
bool eventually(Condition condition) {
    for (int i = 0; i < 500 && !condition(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

std::string post_json(const std::string& id, const std::string& text) {
    return R"({"id": ")" + id + R"(", "source": "mastodon", "text": ")" + text + R"("})";
}

RedisStreamSettings settings_for(const test::RedisServer& server, const std::string& consumer) {
    RedisStreamSettings settings;
    settings.name = "shared";
    settings.port = std::to_string(server.port());
    settings.stream = "posts";
    settings.consumer = consumer;
    settings.dead_letter = "posts:dead";
    settings.from_start = true;
    settings.block = std::chrono::milliseconds(100);
    settings.claim_idle = std::chrono::milliseconds(0);
    settings.reconnect_initial = std::chrono::milliseconds(20);
    settings.reconnect_cap = std::chrono::milliseconds(100);
    return settings;
}

// A source on its own thread; what it emits is kept, and `commit` sets what counts as
// committed (as the daemon's group commit would).
class RunningSource {
  public:
    explicit RunningSource(RedisStreamSettings settings, std::string resume = {})
        : source_(make_redis_stream_source(std::move(settings))) {
        SourceOutput output;
        output.emit = [this](rules::Post post, std::string cursor) {
            std::lock_guard lock(mutex_);
            emitted_.emplace_back(post.id, cursor);
            return true;
        };
        output.committed = [this] {
            std::lock_guard lock(mutex_);
            return committed_;
        };
        boost::asio::co_spawn(io_, source_->run(std::move(resume), std::move(output)),
                              boost::asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~RunningSource() {
        io_.stop();
        thread_.join();
    }
    std::vector<std::pair<std::string, std::string>> emitted() {
        std::lock_guard lock(mutex_);
        return emitted_;
    }
    std::size_t count() { return emitted().size(); }
    void commit(const std::string& cursor) {
        std::lock_guard lock(mutex_);
        committed_ = cursor;
    }
    SourceCounters& counters() { return source_->counters(); }

  private:
    std::unique_ptr<LiveSource> source_;  // outlives io_, whose coroutine frame uses it
    boost::asio::io_context io_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> emitted_;
    std::string committed_;
};

std::string xadd(const test::RedisServer& server, const std::string& field,
                 const std::string& value) {
    const Reply reply = server.command({"XADD", "posts", "*", field, value});
    REQUIRE(reply.kind == Reply::Kind::bulk);
    return reply.text;
}

// How many entries of the group are pending (delivered, not acknowledged).
std::int64_t pending(const test::RedisServer& server) {
    const Reply reply = server.command({"XPENDING", "posts", "spreekbuis"});
    REQUIRE(reply.is_array());
    REQUIRE(!reply.elements.empty());
    return reply.elements[0].integer;
}

std::int64_t length(const test::RedisServer& server, const std::string& key) {
    return server.command({"XLEN", key}).integer;
}

}  // namespace

TEST_CASE("redis source settings: defaults, every key, and errors with positions", "[redis]") {
    auto parsed = parse("stream: spreekbuis:posts\n");
    REQUIRE(parsed.settings);
    CHECK(parsed.settings->host == "127.0.0.1");
    CHECK(parsed.settings->port == "6379");
    CHECK(parsed.settings->group == "spreekbuis");
    CHECK(!parsed.settings->consumer.empty());  // the host name
    CHECK(parsed.settings->dead_letter == "spreekbuis:posts:dead");
    CHECK(parsed.settings->field == "post");
    CHECK(!parsed.settings->from_start);

    parsed = parse(
        "stream: s\nhost: redis.internal\nport: 6380\nusername: bot\npassword: sesame\ndb: 2\n"
        "group: g\nconsumer: worker-1\nfield: body\nstart: all\ncount: 50\nblock_ms: 500\n"
        "claim_idle_seconds: 60\nmax_reclaims: 5\ndead_letter: s:failed\n");
    REQUIRE(parsed.settings);
    CHECK(parsed.settings->host == "redis.internal");
    CHECK(parsed.settings->port == "6380");
    CHECK(parsed.settings->username == "bot");
    CHECK(parsed.settings->password == "sesame");
    CHECK(parsed.settings->db == 2);
    CHECK(parsed.settings->consumer == "worker-1");
    CHECK(parsed.settings->field == "body");
    CHECK(parsed.settings->from_start);
    CHECK(parsed.settings->count == 50);
    CHECK(parsed.settings->block == std::chrono::milliseconds(500));
    CHECK(parsed.settings->claim_idle == std::chrono::seconds(60));
    CHECK(parsed.settings->max_reclaims == 5);
    CHECK(parsed.settings->dead_letter == "s:failed");

    parsed = parse("host: x\n");
    CHECK(!parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:1:1: error: redis source 'shared' "
                                              "needs a stream"));
    parsed = parse("stream: s\nstart: latest\n");
    CHECK(!parsed.settings);
    CHECK_THAT(parsed.text(),
               Catch::Contains("spreekbuis.yaml:2:8: error: start must be new or all"));
    parsed = parse("stream: s\nport: 70000\n");
    CHECK_THAT(parsed.text(),
               Catch::Contains("spreekbuis.yaml:2:7: error: port must be 1 to 65535"));
    parsed = parse("stream: s\nstrem: t\n");
    CHECK(!parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("strem"));
    parsed = parse("stream: s\ndead_letter: s\n");
    CHECK_THAT(parsed.text(), Catch::Contains("dead_letter must differ from stream"));
    parsed = parse("stream: s\npassword: \"\"\n");
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:2:11: error: password must not"));
    parsed = parse("stream: s\nblock_ms: 5\n");
    CHECK_THAT(parsed.text(), Catch::Contains("block_ms must be 100 to 60000"));
}

TEST_CASE("redis source: which pending entries are handed on again after a reconnect", "[redis]") {
    const StreamId a{100, 0};
    const StreamId b{100, 1};
    const StreamId c{200, 0};
    // Nothing handed on and no cursor: everything pending is new to this process.
    CHECK(choose_for_pending(a, std::nullopt, std::nullopt) == PendingChoice::emit);
    // After a restart with cursor b: a and b were committed, c was not.
    CHECK(choose_for_pending(a, b, std::nullopt) == PendingChoice::acknowledge);
    CHECK(choose_for_pending(b, b, std::nullopt) == PendingChoice::acknowledge);
    CHECK(choose_for_pending(c, b, std::nullopt) == PendingChoice::emit);
    // A reconnect while b and c wait for their commit: they are not handed on twice.
    CHECK(choose_for_pending(b, c, b) == PendingChoice::wait);
    CHECK(choose_for_pending(c, c, b) == PendingChoice::wait);
    CHECK(choose_for_pending(a, c, b) == PendingChoice::acknowledge);
}

TEST_CASE("redis source: posts in stream order, acknowledged only once committed",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    const auto id1 = xadd(server, "post", post_json("p1", "first"));
    const auto id2 = xadd(server, "post", post_json("p2", "second"));
    const auto id3 = xadd(server, "post", post_json("p3", "third"));
    RunningSource source(settings_for(server, "worker-a"));
    REQUIRE(eventually([&] { return source.count() == 3; }));
    const auto emitted = source.emitted();
    CHECK(emitted[0] == std::pair<std::string, std::string>("p1", id1));
    CHECK(emitted[1] == std::pair<std::string, std::string>("p2", id2));
    CHECK(emitted[2] == std::pair<std::string, std::string>("p3", id3));
    CHECK(pending(server) == 3);  // nothing committed yet
    source.commit(id2);
    REQUIRE(eventually([&] { return pending(server) == 1; }));
    source.commit(id3);
    REQUIRE(eventually([&] { return pending(server) == 0; }));
    // Entries added later arrive too.
    const auto id4 = xadd(server, "post", post_json("p4", "later"));
    REQUIRE(eventually([&] { return source.count() == 4; }));
    CHECK(source.emitted()[3].second == id4);
    CHECK(source.counters().posts == 4);
    CHECK(source.counters().connects == 1);
}

TEST_CASE("redis source: a restart acknowledges what was committed and decides the rest once",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    const auto id1 = xadd(server, "post", post_json("p1", "one"));
    const auto id2 = xadd(server, "post", post_json("p2", "two"));
    const auto id3 = xadd(server, "post", post_json("p3", "three"));
    {
        RunningSource first(settings_for(server, "worker-a"));
        REQUIRE(eventually([&] { return first.count() == 3; }));
    }  // stopped before any XACK: all three stay pending
    CHECK(pending(server) == 3);
    // The daemon had committed p1's decision: its cursor is id1.
    RunningSource second(settings_for(server, "worker-a"), id1);
    REQUIRE(eventually([&] { return second.count() == 2; }));
    CHECK(second.emitted()[0] == std::pair<std::string, std::string>("p2", id2));
    CHECK(second.emitted()[1] == std::pair<std::string, std::string>("p3", id3));
    REQUIRE(eventually([&] { return pending(server) == 2; }));  // id1 acknowledged at once
    second.commit(id3);
    REQUIRE(eventually([&] { return pending(server) == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(second.count() == 2);  // nothing handed on twice
}

TEST_CASE("redis source: entries that are no post go to the dead-letter stream with the reason",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    xadd(server, "post", "{not json");
    xadd(server, "body", post_json("p1", "wrong field"));
    xadd(server, "post", R"({"source": "x", "text": "no id"})");
    const auto good = xadd(server, "post", post_json("p2", "fine"));
    RunningSource source(settings_for(server, "worker-a"));
    REQUIRE(eventually([&] { return length(server, "posts:dead") == 3; }));
    REQUIRE(eventually([&] { return source.count() == 1; }));
    CHECK(source.emitted()[0].second == good);
    CHECK(source.counters().bad_events == 3);
    const Reply dead = server.command({"XRANGE", "posts:dead", "-", "+"});
    REQUIRE(dead.elements.size() == 3);
    const auto reason_of = [&](std::size_t i) {
        const auto& fields = dead.elements[i].elements[1].elements;
        for (std::size_t k = 0; k + 1 < fields.size(); k += 2) {
            if (fields[k].text == "spreekbuis-error") return fields[k + 1].text;
        }
        return std::string();
    };
    CHECK(!reason_of(0).empty());
    CHECK(reason_of(1) == "no field 'post'");
    CHECK_THAT(reason_of(2), Catch::Contains("id"));
    // Only the good entry waits for its commit; the bad ones were acknowledged.
    CHECK(pending(server) == 1);
}

TEST_CASE("redis source: entries a stopped consumer left pending are moved and decided",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    REQUIRE(server.command({"XGROUP", "CREATE", "posts", "spreekbuis", "0", "MKSTREAM"}).string() ==
            "OK");
    xadd(server, "post", post_json("p1", "taken by a consumer that died"));
    xadd(server, "post", post_json("p2", "also taken"));
    // A consumer reads both and stops without acknowledging them.
    const Reply taken = server.command({"XREADGROUP", "GROUP", "spreekbuis", "dead-worker", "COUNT",
                                        "2", "STREAMS", "posts", ">"});
    REQUIRE(taken.is_array());
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    auto settings = settings_for(server, "worker-b");
    settings.claim_idle = std::chrono::milliseconds(100);
    settings.claim_every = std::chrono::milliseconds(50);
    RunningSource source(settings);
    REQUIRE(eventually([&] { return source.count() == 2; }));
    CHECK(source.emitted()[0].first == "p1");
    CHECK(source.emitted()[1].first == "p2");
    // The copies carry the count of moves; the originals are no longer pending.
    const Reply entries = server.command({"XRANGE", "posts", "-", "+"});
    REQUIRE(entries.elements.size() == 4);
    const auto& copy = entries.elements[2].elements[1].elements;
    REQUIRE(copy.size() == 4);
    CHECK(copy[2].text == "spreekbuis-reclaims");
    CHECK(copy[3].text == "1");
    const Reply of_dead =
        server.command({"XPENDING", "posts", "spreekbuis", "-", "+", "10", "dead-worker"});
    CHECK(of_dead.elements.empty());
}

TEST_CASE("redis source: an entry moved too often goes to the dead-letter stream",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    REQUIRE(server.command({"XGROUP", "CREATE", "posts", "spreekbuis", "0", "MKSTREAM"}).string() ==
            "OK");
    server.command(
        {"XADD", "posts", "*", "post", post_json("p1", "poison"), "spreekbuis-reclaims", "3"});
    server.command({"XREADGROUP", "GROUP", "spreekbuis", "dead-worker", "COUNT", "1", "STREAMS",
                    "posts", ">"});
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    auto settings = settings_for(server, "worker-b");
    settings.claim_idle = std::chrono::milliseconds(100);
    settings.claim_every = std::chrono::milliseconds(50);
    settings.max_reclaims = 3;
    RunningSource source(settings);
    REQUIRE(eventually([&] { return length(server, "posts:dead") == 1; }));
    CHECK(pending(server) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(source.count() == 0);
}

TEST_CASE("redis source: a password is sent with AUTH, a wrong one keeps it disconnected",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server("correct horse battery");
    xadd(server, "post", post_json("p1", "behind a password"));
    {
        auto settings = settings_for(server, "worker-a");
        settings.password = "wrong";
        RunningSource source(settings);
        REQUIRE(eventually([&] { return source.counters().disconnects >= 2; }));
        CHECK(source.count() == 0);
        CHECK(source.counters().connects == 0);
    }
    auto settings = settings_for(server, "worker-a");
    settings.password = "correct horse battery";
    RunningSource source(settings);
    REQUIRE(eventually([&] { return source.count() == 1; }));
}

TEST_CASE("redis source: a stopped server is reconnected, with nothing lost or repeated",
          "[redis][integration]") {
    REQUIRE(test::redis_server_installed());
    test::RedisServer server;
    const auto id1 = xadd(server, "post", post_json("p1", "before"));
    RunningSource source(settings_for(server, "worker-a"));
    REQUIRE(eventually([&] { return source.count() == 1; }));
    // The server drops every client; the source reconnects and goes on.
    server.command({"CLIENT", "KILL", "TYPE", "normal"});
    const auto id2 = xadd(server, "post", post_json("p2", "after"));
    REQUIRE(eventually([&] { return source.count() == 2; }));
    CHECK(source.emitted()[1].second == id2);
    CHECK(source.counters().connects >= 2);
    source.commit(id2);
    REQUIRE(eventually([&] { return pending(server) == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(source.count() == 2);
    (void)id1;
}

TEST_CASE("redis source settings: tls, and a password sent unencrypted over the network",
          "[redis]") {
    auto parsed = parse("stream: s\nhost: redis.internal\ntls: true\npassword: sesame\n");
    INFO(parsed.text());
    REQUIRE(parsed.settings);
    CHECK(parsed.settings->tls);
    CHECK(parsed.diagnostics.empty());

    parsed = parse("stream: s\n");
    REQUIRE(parsed.settings);
    CHECK_FALSE(parsed.settings->tls);

    parsed = parse("stream: s\ntls: sometimes\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:2:6: error"));

    // AUTH over plain TCP to another machine: loaded, with a warning at the password.
    parsed = parse("stream: s\nhost: redis.internal\npassword: sesame\n");
    REQUIRE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:3:11: warning: the password goes to "
                                              "redis.internal unencrypted") &&
                                  Catch::Contains("set tls: true"));
    parsed = parse("stream: s\nhost: 127.0.0.1\npassword: sesame\n");  // loopback: no warning
    REQUIRE(parsed.settings);
    CHECK(parsed.diagnostics.empty());
}

TEST_CASE("redis over TLS: the server's certificate must be trusted and name the host",
          "[redis][integration][tls]") {
    REQUIRE(test::redis_server_installed());
    const auto [key_pem, cert_pem] = testing::make_self_signed();  // for IP 127.0.0.1
    test::RedisServer server("", test::RedisTls{cert_pem, key_pem, ""});
    REQUIRE(server.tls_port() != 0);

    const auto connect = [&](std::shared_ptr<boost::asio::ssl::context> tls,
                             const std::string& host) {
        boost::asio::io_context io;
        auto task = [&]() -> boost::asio::awaitable<std::pair<std::string, Reply>> {
            connectors::redis::Connection connection(co_await boost::asio::this_coro::executor, {},
                                                     tls);
            Reply reply;
            auto error = co_await connection.connect(host, std::to_string(server.tls_port()),
                                                     std::chrono::seconds(5));
            if (error.empty()) {
                const std::vector<std::string_view> ping{"PING"};
                error = co_await connection.call(ping, reply, std::chrono::seconds(5));
            }
            co_return std::pair{error, reply};
        };
        auto result = boost::asio::co_spawn(io, task(), boost::asio::use_future);
        io.run();
        return result.get();
    };
    std::string error;
    auto trusting = connectors::http::make_client_tls_context(error);
    REQUIRE(trusting);
    trusting->add_certificate_authority(boost::asio::buffer(cert_pem));
    auto [ok, pong] = connect(trusting, "127.0.0.1");
    CHECK(ok.empty());
    CHECK(pong.text == "PONG");

    // The daemon's context without the certificate as a CA: the handshake fails, nothing sent.
    auto plain = connectors::http::make_client_tls_context(error);
    REQUIRE(plain);
    auto [refused, nothing] = connect(plain, "127.0.0.1");
    CHECK_THAT(refused, Catch::Contains("TLS handshake with 127.0.0.1") &&
                            Catch::Contains("certificate verify failed"));
    // Trusted, but under a name the certificate does not carry.
    auto [wrong_name, none] = connect(trusting, "localhost");
    INFO(wrong_name);
    CHECK_THAT(wrong_name, Catch::Contains("TLS handshake with localhost"));
    // Plain TCP to the TLS port gets no Redis reply.
    auto [plain_to_tls, garbage] = connect(nullptr, "127.0.0.1");
    CHECK_FALSE(plain_to_tls.empty());
}

TEST_CASE("redis source over TLS: posts read through a CA from SSL_CERT_FILE",
          "[redis][integration][tls]") {
    REQUIRE(test::redis_server_installed());
    const auto [key_pem, cert_pem] = testing::make_self_signed();
    test::RedisServer server("", test::RedisTls{cert_pem, key_pem, ""});
    xadd(server, "post", post_json("p1", "over TLS"));

    auto settings = settings_for(server, "worker-a");
    settings.port = std::to_string(server.tls_port());
    settings.tls = true;
    {
        // Not trusted: it keeps trying and reads nothing.
        RunningSource source(settings);
        REQUIRE(eventually([&] { return source.counters().disconnects >= 2; }));
        CHECK(source.count() == 0);
        CHECK(source.counters().connects == 0);
    }
    // What an operator with a private CA does (the unit's Environment=SSL_CERT_FILE=...).
    const auto bundle = std::filesystem::temp_directory_path() /
                        ("spreekbuis-redis-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(bundle) << cert_pem;
    ::setenv("SSL_CERT_FILE", bundle.c_str(), 1);
    RunningSource source(settings);  // the source makes its TLS context here
    ::unsetenv("SSL_CERT_FILE");
    std::filesystem::remove(bundle);
    REQUIRE(eventually([&] { return source.count() == 1; }));
    CHECK(source.emitted()[0].first == "p1");
    CHECK(source.counters().connects == 1);
}

namespace {

// PEM files in a directory of their own, removed with it.
struct PemFiles {
    std::filesystem::path dir;
    PemFiles() {
        dir = std::filesystem::temp_directory_path() /
              ("spreekbuis-redis-pem-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
    }
    ~PemFiles() { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
};

}  // namespace

TEST_CASE("redis source settings: a client certificate, both files, only with tls, read at once",
          "[redis][tls]") {
    const PemFiles files;
    const auto [key_pem, cert_pem] = testing::make_self_signed();
    const auto [other_key_pem, other_cert_pem] = testing::make_self_signed();
    const std::string cert = files.write("client.pem", cert_pem);
    const std::string key = files.write("client.key", key_pem);
    const std::string other_key = files.write("other.key", other_key_pem);

    auto parsed = parse("stream: s\ntls: true\ntls_cert: " + cert + "\ntls_key: " + key + "\n");
    INFO(parsed.text());
    REQUIRE(parsed.settings);
    CHECK(parsed.settings->tls_cert == cert);
    CHECK(parsed.settings->tls_key == key);
    CHECK(parsed.diagnostics.empty());

    // Without tls: nothing would show the certificate.
    parsed = parse("stream: s\ntls_cert: " + cert + "\ntls_key: " + key + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:2:11: error: a client "
                                              "certificate needs tls: true"));
    // One without the other.
    parsed = parse("stream: s\ntls: true\ntls_cert: " + cert + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:3:11: error: tls_cert needs "
                                              "tls_key"));
    parsed = parse("stream: s\ntls: true\ntls_key: " + key + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:3:10: error: tls_key needs "
                                              "tls_cert"));
    // A missing file, a file that is no PEM, and a key of another certificate: at tls_cert.
    parsed = parse("stream: s\ntls: true\ntls_cert: " + cert + ".gone\ntls_key: " + key + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("spreekbuis.yaml:3:11: error: client certificate: "
                                              "cannot use " +
                                              cert + ".gone"));
    parsed = parse("stream: s\ntls: true\ntls_cert: " + key + "\ntls_key: " + key + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("cannot use " + key + " as a PEM certificate"));
    parsed = parse("stream: s\ntls: true\ntls_cert: " + cert + "\ntls_key: " + cert + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("cannot use " + cert + " as a PEM private key"));
    parsed = parse("stream: s\ntls: true\ntls_cert: " + cert + "\ntls_key: " + other_key + "\n");
    CHECK_FALSE(parsed.settings);
    CHECK_THAT(parsed.text(), Catch::Contains("the key in " + other_key +
                                              " does not belong to the certificate in " + cert));
}

TEST_CASE("redis source over TLS with client certificates: read only with the certificate",
          "[redis][integration][tls]") {
    REQUIRE(test::redis_server_installed());
    const PemFiles files;
    const auto [server_key_pem, server_cert_pem] = testing::make_self_signed();
    const auto [client_key_pem, client_cert_pem] = testing::make_self_signed();
    const auto [stranger_key_pem, stranger_cert_pem] = testing::make_self_signed();
    test::RedisServer server("", test::RedisTls{server_cert_pem, server_key_pem, client_cert_pem});
    xadd(server, "post", post_json("p1", "over mutual TLS"));

    auto settings = settings_for(server, "worker-a");
    settings.port = std::to_string(server.tls_port());
    settings.tls = true;
    // The server's certificate is trusted through SSL_CERT_FILE, as in the test above.
    const std::string bundle = files.write("server-ca.pem", server_cert_pem);
    const auto start = [&](RedisStreamSettings with) {
        ::setenv("SSL_CERT_FILE", bundle.c_str(), 1);
        auto source = std::make_unique<RunningSource>(std::move(with));
        ::unsetenv("SSL_CERT_FILE");
        return source;
    };
    {
        // No certificate: the server ends each session, nothing is read.
        auto source = start(settings);
        REQUIRE(eventually([&] { return source->counters().disconnects >= 2; }));
        CHECK(source->count() == 0);
    }
    {
        // A certificate the server's CA did not sign: the same.
        auto stranger = settings;
        stranger.tls_cert = files.write("stranger.pem", stranger_cert_pem);
        stranger.tls_key = files.write("stranger.key", stranger_key_pem);
        auto source = start(stranger);
        REQUIRE(eventually([&] { return source->counters().disconnects >= 2; }));
        CHECK(source->count() == 0);
    }
    settings.tls_cert = files.write("client.pem", client_cert_pem);
    settings.tls_key = files.write("client.key", client_key_pem);
    auto source = start(settings);
    REQUIRE(eventually([&] { return source->count() == 1; }));
    CHECK(source->emitted()[0].first == "p1");
    CHECK(source->counters().connects == 1);
}
