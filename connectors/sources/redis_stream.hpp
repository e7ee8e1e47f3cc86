#pragma once
// The Redis Streams source (`type: redis`): several daemons share one stream of posts through
// a consumer group, each post decided by one of them. An entry's `post` field holds one post
// (format v1 JSON). An entry is acknowledged (XACK) only after its decision was committed to
// the daemon's state database; after a restart the consumer's pending entries are read again,
// and those at or before the stored cursor are acknowledged without being decided twice.
// Entries that a stopped consumer left pending longer than `claim_idle_seconds` are moved to
// the end of the stream (atomically, by a Lua script), so any consumer of the group takes them;
// after `max_reclaims` moves they go to the dead-letter stream instead, as do entries whose post
// cannot be decoded. Pure half: settings and the per-entry choice; I/O half: the source made
// by make_redis_stream_source, run on its own thread and io_context.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "connectors/redis/server.hpp"
#include "connectors/redis/streams.hpp"
#include "connectors/sources/live_source.hpp"
#include "rules/diagnostic.hpp"

namespace spreekbuis::connectors::sources {

// The server's keys (host, port, TLS, login) are redis::ServerSettings's.
struct RedisStreamSettings : redis::ServerSettings {
    std::string name;
    std::string stream;
    std::string group = "spreekbuis";
    std::string consumer;  // "" = this machine's host name
    std::string field = "post";
    bool from_start = false;  // a new group starts at the stream's first entry, not its end
    std::int64_t count = 100;
    std::chrono::milliseconds block{2000};
    std::chrono::milliseconds claim_idle{std::chrono::minutes(5)};  // 0 = never reclaim
    std::int64_t max_reclaims = 3;
    std::string dead_letter;  // "" = "<stream>:dead"
    // Not in YAML (tests and tuning):
    std::chrono::milliseconds claim_every{0};  // 0 = a quarter of claim_idle, at least 1 s
    std::chrono::milliseconds reconnect_initial{1000};
    std::chrono::milliseconds reconnect_cap{60000};
    // (ServerSettings::reply_timeout applies beyond `block` for a blocking read.)
    std::size_t max_entry_bytes = 1 << 20;
};

std::optional<RedisStreamSettings> read_redis_stream_settings(const config::PluginConfig& plugin,
                                                              const std::string& base_dir,
                                                              rules::Diagnostics& diagnostics);

std::unique_ptr<LiveSource> make_redis_stream_source(RedisStreamSettings settings);

// What to do with one entry read from the consumer's own pending list after a (re)connect.
// `emitted` is the last entry this process handed on (or the stored cursor at start), `oldest`
// the oldest of those not yet acknowledged (nullopt: none).
enum class PendingChoice { emit, acknowledge, wait };
PendingChoice choose_for_pending(const redis::StreamId& entry,
                                 const std::optional<redis::StreamId>& emitted,
                                 const std::optional<redis::StreamId>& oldest);

}  // namespace spreekbuis::connectors::sources
