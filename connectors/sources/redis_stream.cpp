#include "connectors/sources/redis_stream.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>

#include "connectors/http/http_client.hpp"
#include "connectors/post_decoder.hpp"
#include "connectors/redis/connection.hpp"
#include "connectors/redis/server.hpp"
#include "connectors/sources/reconnect_loop.hpp"
#include "connectors/sources/source_support.hpp"
#include "rules/yaml_source.hpp"

namespace spreekbuis::connectors::sources {

namespace {

constexpr std::int64_t kMaxCount = 10000;
constexpr std::int64_t kMaxBlockMs = 60000;
constexpr std::int64_t kMaxClaimIdleSeconds = 7 * 24 * 3600;

std::string host_name() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "spreekbuis";
    return std::string(name.data());
}

}  // namespace

PendingChoice choose_for_pending(const redis::StreamId& entry,
                                 const std::optional<redis::StreamId>& emitted,
                                 const std::optional<redis::StreamId>& oldest) {
    if (!emitted || entry > *emitted) return PendingChoice::emit;
    // Handed on before: still waiting for its commit, or committed and not yet acknowledged
    // (the stop came between the commit and the XACK). Entries are handed on in id order, so
    // everything before the oldest one in flight was committed.
    if (oldest && entry >= *oldest) return PendingChoice::wait;
    return PendingChoice::acknowledge;
}

std::optional<RedisStreamSettings> read_redis_stream_settings(const config::PluginConfig& plugin,
                                                              const std::string& base_dir,
                                                              rules::Diagnostics& diagnostics) {
    const auto& document = *plugin.document;
    const auto& node = plugin.node;
    const std::string what = "redis source '" + plugin.name + "'";
    const auto keys = redis::with_server_keys(
        {"name", "type", "stream", "group", "consumer", "field", "start", "count", "block_ms",
         "claim_idle_seconds", "max_reclaims", "dead_letter"});
    if (!rules::check_keys(document, node, keys, what, diagnostics)) return std::nullopt;
    const std::size_t errors_before = diagnostics.error_count();
    RedisStreamSettings settings;
    settings.name = plugin.name;
    const auto read_name = [&](const char* key, std::string& out) {
        redis::read_name(document, node, key, base_dir, out, diagnostics);
    };
    if (!node["stream"]) {
        rules::error_at(document, node, what + " needs a stream", diagnostics,
                        "the key of the Redis stream the posts are added to, e.g. "
                        "stream: spreekbuis:posts");
    }
    read_name("stream", settings.stream);
    read_name("group", settings.group);
    read_name("consumer", settings.consumer);
    read_name("field", settings.field);
    read_name("dead_letter", settings.dead_letter);
    redis::read_server_settings(document, node, base_dir, settings, diagnostics);
    const auto read_range = [&](const char* key, std::int64_t low, std::int64_t high,
                                const char* hint) {
        return redis::read_in_range(document, node, key, low, high, hint, diagnostics);
    };
    if (auto count = read_range("count", 1, kMaxCount, "entries asked for per read; 100 is good")) {
        settings.count = *count;
    }
    if (auto block = read_range("block_ms", 100, kMaxBlockMs,
                                "how long one read waits for new entries; 2000 is good")) {
        settings.block = std::chrono::milliseconds(*block);
    }
    if (auto idle = read_range("claim_idle_seconds", 0, kMaxClaimIdleSeconds,
                               "0 turns reclaiming off; it must exceed the longest time a post "
                               "can wait in a daemon's queue")) {
        settings.claim_idle = std::chrono::seconds(*idle);
    }
    if (auto most = read_range("max_reclaims", 1, 100, "3 is good")) settings.max_reclaims = *most;
    if (node["start"]) {
        std::string start;
        if (config::read_expanded_key(document, node, "start", base_dir, diagnostics, start)) {
            if (start == "new") {
                settings.from_start = false;
            } else if (start == "all") {
                settings.from_start = true;
            } else {
                rules::error_at(document, node["start"], "start must be new or all", diagnostics,
                                "where a group that does not exist yet starts reading: new "
                                "entries only, or the whole stream");
            }
        }
    }
    if (diagnostics.error_count() != errors_before) return std::nullopt;
    if (settings.consumer.empty()) settings.consumer = host_name();
    if (settings.dead_letter.empty()) settings.dead_letter = settings.stream + ":dead";
    if (settings.dead_letter == settings.stream) {
        rules::error_at(document, node["dead_letter"], "dead_letter must differ from stream",
                        diagnostics);
        return std::nullopt;
    }
    return settings;
}

namespace {

namespace asio = boost::asio;
using redis::Reply;
using redis::StreamEntry;
using redis::StreamId;

class RedisStreamSource final : public LiveSource {
  public:
    explicit RedisStreamSource(RedisStreamSettings settings)
        : settings_(std::move(settings)), limiter_("redis") {
        tls_ = redis::make_tls_context(settings_, tls_error_);
    }

    const std::string& name() const override { return settings_.name; }

    asio::awaitable<void> run(std::string resume, SourceOutput output) override {
        if (settings_.tls && !tls_) {
            spdlog::error("redis '{}': cannot start: {}", settings_.name, tls_error_);
            co_return;
        }
        if (!resume.empty()) {
            if (auto id = redis::parse_stream_id(resume)) {
                emitted_ = *id;
            } else {
                spdlog::warn("redis '{}': stored cursor {} is no entry id; ignored", settings_.name,
                             shown(resume, 80));
            }
        }
        co_await run_with_reconnect(
            "redis '" + settings_.name + "'", counters_,
            ReconnectBackoff(settings_.reconnect_initial, settings_.reconnect_cap),
            [this, &output] { return session(output); });
    }

  private:
    // One command; "" when the reply came and was no error reply (unless `error_ok`).
    asio::awaitable<std::string> call(redis::Connection& connection,
                                      const std::vector<std::string_view>& args, Reply& reply,
                                      std::chrono::milliseconds extra = {}) {
        auto error = co_await connection.call(args, reply, settings_.reply_timeout + extra);
        if (!error.empty()) co_return std::string(args[0]) + ": " + error;
        if (reply.is_error()) co_return std::string(args[0]) + ": " + shown(reply.text, 200);
        co_return std::string();
    }

    asio::awaitable<SessionEnd> session(SourceOutput& output) {
        SessionEnd end;
        redis::ReplyLimits limits;
        redis::Connection connection(co_await asio::this_coro::executor, limits, tls_);
        end.error = co_await redis::open_session(connection, settings_);
        if (!end.error.empty()) co_return end;
        Reply reply;
        // MKSTREAM: the group can be made before the first post is added.
        const std::vector<std::string_view> create{"XGROUP",
                                                   "CREATE",
                                                   settings_.stream,
                                                   settings_.group,
                                                   settings_.from_start ? "0" : "$",
                                                   "MKSTREAM"};
        auto error = co_await connection.call(create, reply, settings_.reply_timeout);
        if (!error.empty()) {
            end.error = "XGROUP: " + error;
            co_return end;
        }
        if (reply.is_error() && !reply.text.starts_with("BUSYGROUP")) {
            end.error = "XGROUP: " + shown(reply.text, 200);
            co_return end;
        }
        ++counters_.connects;
        spdlog::info("redis '{}': connected to {}:{}{}, stream {} as {} of group {}",
                     settings_.name, settings_.host, settings_.port, tls_ ? " (TLS)" : "",
                     settings_.stream, settings_.consumer, settings_.group);

        // First what this consumer was given before and never acknowledged.
        const std::string count = std::to_string(settings_.count);
        std::string after = "0";
        while (true) {
            const std::vector<std::string_view> read{
                "XREADGROUP",       "GROUP",          settings_.group,
                settings_.consumer, "COUNT",          count,
                "STREAMS",          settings_.stream, after};
            end.error = co_await call(connection, read, reply);
            if (!end.error.empty()) co_return end;
            std::vector<StreamEntry> entries;
            if (auto bad = redis::decode_stream_read(reply, entries); !bad.empty()) {
                end.error = "XREADGROUP: " + bad;
                co_return end;
            }
            if (entries.empty()) break;
            std::vector<std::string> acknowledge;
            for (auto& entry : entries) {
                after = entry.id_text;
                ++counters_.events;
                const std::optional<StreamId> oldest =
                    in_flight_.empty() ? std::nullopt : std::optional(in_flight_.front().first);
                const auto choice = entry.deleted ? PendingChoice::acknowledge
                                                  : choose_for_pending(entry.id, emitted_, oldest);
                if (entry.deleted) ++counters_.skipped;
                if (choice == PendingChoice::acknowledge) {
                    acknowledge.push_back(entry.id_text);
                } else if (choice == PendingChoice::emit) {
                    auto handled = co_await hand_on(connection, entry, output);
                    if (handled.stop || !handled.error.empty()) co_return handled;
                }
            }
            end.error = co_await ack(connection, acknowledge);
            if (!end.error.empty()) co_return end;
        }

        auto next_claim = std::chrono::steady_clock::now();
        const auto claim_every = settings_.claim_every.count() > 0
                                     ? settings_.claim_every
                                     : std::max<std::chrono::milliseconds>(settings_.claim_idle / 4,
                                                                           std::chrono::seconds(1));
        const std::string block = std::to_string(settings_.block.count());
        while (true) {
            end.error = co_await acknowledge_committed(connection, output);
            if (!end.error.empty()) co_return end;
            if (settings_.claim_idle.count() > 0 &&
                std::chrono::steady_clock::now() >= next_claim) {
                end.error = co_await reclaim(connection);
                if (!end.error.empty()) co_return end;
                next_claim = std::chrono::steady_clock::now() + claim_every;
            }
            // Shorter blocks while posts wait for their commit, so they are acknowledged soon.
            const std::string wait =
                in_flight_.empty()
                    ? block
                    : std::to_string(std::min<std::int64_t>(settings_.block.count(), 200));
            const std::vector<std::string_view> read{
                "XREADGROUP", "GROUP", settings_.group, settings_.consumer, "COUNT", count,
                "BLOCK",      wait,    "STREAMS",       settings_.stream,   ">"};
            end.error = co_await call(connection, read, reply, settings_.block);
            if (!end.error.empty()) co_return end;
            std::vector<StreamEntry> entries;
            if (auto bad = redis::decode_stream_read(reply, entries); !bad.empty()) {
                end.error = "XREADGROUP: " + bad;
                co_return end;
            }
            if (!entries.empty()) end.delivered = true;
            for (auto& entry : entries) {
                ++counters_.events;
                auto handled = co_await hand_on(connection, entry, output);
                handled.delivered = true;
                if (handled.stop || !handled.error.empty()) co_return handled;
            }
        }
    }

    // An entry becomes a post (handed on, acknowledged once committed) or goes to the
    // dead-letter stream with the reason.
    asio::awaitable<SessionEnd> hand_on(redis::Connection& connection, const StreamEntry& entry,
                                        SourceOutput& output) {
        SessionEnd end;
        std::string problem;
        const std::string* text = entry.field(settings_.field);
        if (entry.deleted) {
            ++counters_.skipped;
            const std::vector<std::string> ids{entry.id_text};
            end.error = co_await ack(connection, ids);
            co_return end;
        }
        std::optional<rules::Post> post;
        if (text == nullptr) {
            problem = "no field '" + settings_.field + "'";
        } else if (text->size() > settings_.max_entry_bytes) {
            problem = "post of " + std::to_string(text->size()) + " bytes, over the limit of " +
                      std::to_string(settings_.max_entry_bytes);
        } else {
            auto decoded = decoder_.decode(*text);
            if (!decoded.post) {
                problem = decoded.error;
            } else {
                post = std::move(decoded.post);
            }
        }
        if (!post) {
            ++counters_.bad_events;
            limiter_.warn(settings_.name, "entry " + entry.id_text + " is no post (" +
                                              shown(problem, 200) + "); moved to " +
                                              settings_.dead_letter);
            end.error = co_await dead_letter(connection, entry, problem);
            co_return end;
        }
        if (!output.emit(std::move(*post), entry.id_text)) {
            end.stop = true;
            co_return end;
        }
        ++counters_.posts;
        emitted_ = entry.id;
        in_flight_.emplace_back(entry.id, entry.id_text);
        co_return end;
    }

    asio::awaitable<std::string> dead_letter(redis::Connection& connection,
                                             const StreamEntry& entry, const std::string& reason) {
        std::vector<std::string_view> args{"XADD", settings_.dead_letter, "*"};
        for (const auto& [key, value] : entry.fields) {
            args.push_back(key);
            args.push_back(value);
        }
        args.push_back("spreekbuis-error");
        args.push_back(reason);
        args.push_back("spreekbuis-original-id");
        args.push_back(entry.id_text);
        Reply reply;
        auto error = co_await call(connection, args, reply);
        if (!error.empty()) co_return error;
        const std::vector<std::string> ids{entry.id_text};
        co_return co_await ack(connection, ids);
    }

    asio::awaitable<std::string> ack(redis::Connection& connection,
                                     const std::vector<std::string>& ids) {
        constexpr std::size_t kPerCall = 1000;
        for (std::size_t begin = 0; begin < ids.size(); begin += kPerCall) {
            std::vector<std::string_view> args{"XACK", settings_.stream, settings_.group};
            for (std::size_t i = begin; i < std::min(ids.size(), begin + kPerCall); ++i) {
                args.push_back(ids[i]);
            }
            Reply reply;
            auto error = co_await call(connection, args, reply);
            if (!error.empty()) co_return error;
        }
        co_return std::string();
    }

    // Acknowledges what the daemon committed: everything handed on up to its last cursor.
    asio::awaitable<std::string> acknowledge_committed(redis::Connection& connection,
                                                       SourceOutput& output) {
        if (in_flight_.empty()) co_return std::string();
        std::optional<StreamId> committed;
        if (!output.committed) {
            committed = in_flight_.back().first;
        } else {
            const std::string cursor = output.committed();
            if (!cursor.empty()) committed = redis::parse_stream_id(cursor);
        }
        if (!committed) co_return std::string();
        std::vector<std::string> ids;
        while (!in_flight_.empty() && in_flight_.front().first <= *committed) {
            ids.push_back(std::move(in_flight_.front().second));
            in_flight_.pop_front();
        }
        co_return co_await ack(connection, ids);
    }

    // Entries other consumers left pending too long go back to the end of the stream.
    asio::awaitable<std::string> reclaim(redis::Connection& connection) {
        const std::string idle = std::to_string(settings_.claim_idle.count());
        const std::string count = std::to_string(settings_.count);
        Reply reply;
        const std::vector<std::string_view> list{
            "XPENDING", settings_.stream, settings_.group, "IDLE", idle, "-", "+", count};
        auto error = co_await call(connection, list, reply);
        if (!error.empty()) co_return error;
        std::vector<redis::PendingEntry> pending;
        if (auto bad = redis::decode_pending(reply, pending); !bad.empty()) co_return bad;
        const std::string most = std::to_string(settings_.max_reclaims);
        std::size_t requeued = 0;
        std::size_t dead = 0;
        for (const auto& entry : pending) {
            if (entry.consumer == settings_.consumer) continue;  // ours: still in our pipeline
            const std::vector<std::string_view> eval{"EVAL",
                                                     redis::kReclaimScript,
                                                     "2",
                                                     settings_.stream,
                                                     settings_.dead_letter,
                                                     settings_.group,
                                                     settings_.consumer,
                                                     idle,
                                                     entry.id_text,
                                                     most};
            error = co_await call(connection, eval, reply);
            if (!error.empty()) co_return error;
            if (reply.string() == "requeued") ++requeued;
            if (reply.string() == "dead") ++dead;
        }
        if (requeued + dead > 0) {
            spdlog::warn(
                "redis '{}': {} entries left pending by stopped consumers moved to the end of {}, "
                "{} moved to {} after {} moves",
                settings_.name, requeued, settings_.stream, dead, settings_.dead_letter,
                settings_.max_reclaims);
        }
        co_return std::string();
    }

    RedisStreamSettings settings_;
    std::shared_ptr<asio::ssl::context> tls_;  // with `tls: true`; shared by the sessions
    std::string tls_error_;
    PostDecoder decoder_;
    LogLimiter limiter_;
    std::optional<StreamId> emitted_;                         // the last entry handed on
    std::deque<std::pair<StreamId, std::string>> in_flight_;  // handed on, not acknowledged
};

}  // namespace

std::unique_ptr<LiveSource> make_redis_stream_source(RedisStreamSettings settings) {
    return std::make_unique<RedisStreamSource>(std::move(settings));
}

}  // namespace spreekbuis::connectors::sources
