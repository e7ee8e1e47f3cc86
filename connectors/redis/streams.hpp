#pragma once
// Redis Streams as spreekbuis reads them: entry ids, and the replies of XREADGROUP and XPENDING
// turned into plain structs. Pure; any thread.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/redis/resp.hpp"

namespace spreekbuis::connectors::redis {

// "<milliseconds>-<sequence>", ordered as Redis orders entries.
struct StreamId {
    std::uint64_t ms = 0;
    std::uint64_t seq = 0;
    auto operator<=>(const StreamId&) const = default;
};
std::optional<StreamId> parse_stream_id(std::string_view text);
std::string format_stream_id(StreamId id);

struct StreamEntry {
    StreamId id;
    std::string id_text;
    bool deleted = false;  // still pending, but no longer in the stream (XDEL, MAXLEN)
    std::vector<std::pair<std::string, std::string>> fields;
    // The first value of `name`, nullptr when absent.
    const std::string* field(std::string_view name) const;
};

// An XREADGROUP reply for one stream: nil (BLOCK ran out) or
// [[stream, [[id, [field, value, ...]] or [id, nil], ...]]]. "" when it had that shape, else
// what was wrong (entries then holds what came before the fault).
std::string decode_stream_read(const Reply& reply, std::vector<StreamEntry>& entries);

// One row of `XPENDING key group IDLE ms - + count`.
struct PendingEntry {
    StreamId id;
    std::string id_text;
    std::string consumer;
    std::int64_t idle_ms = 0;
    std::int64_t deliveries = 0;
};
std::string decode_pending(const Reply& reply, std::vector<PendingEntry>& entries);

// The field a reclaimed copy carries: how often the entry was taken from a consumer that
// stopped answering. Above the limit the entry goes to the dead-letter stream.
inline constexpr std::string_view kReclaimsField = "spreekbuis-reclaims";

// The Lua script behind a reclaim (EVAL with KEYS stream, dead-letter stream; ARGV group,
// consumer, min idle ms, entry id, most reclaims). Atomically: claim the entry if it is still
// pending and idle, add a copy at the end of the stream (or to the dead-letter stream), and
// acknowledge the original. Answers "requeued", "dead" or "gone" (claimed by another consumer
// first, no longer idle, or deleted).
extern const char* const kReclaimScript;

}  // namespace spreekbuis::connectors::redis
