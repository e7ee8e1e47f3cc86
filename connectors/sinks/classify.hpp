#pragma once
// What a sink's HTTP response means for the outbox: delivered, retry later (maybe after a
// server-given delay), give up on this alert, or stop using the sink. Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/sinks/sink.hpp"

namespace spreekbuis::connectors::sinks {

enum class Outcome {
    ok,         // delivered
    retry,      // transient: try again (after retry_after_ms when the server said so)
    permanent,  // this alert cannot be delivered as is: dead-letter it
    disable,    // the sink or credential is gone: dead-letter and pause the sink
};
std::string_view to_string(Outcome outcome);

struct Classification {
    Outcome outcome = Outcome::ok;
    std::optional<std::int64_t> retry_after_ms;  // server-requested delay before the next try
    std::string reason;                          // short, for last_error and logs
    // Set on success when the server's rate-limit headers say the bucket is empty: wait this
    // long before the next request to the same sink (Discord X-RateLimit-*).
    std::optional<std::int64_t> pause_ms;
    // Set on success when the service returned an id for the message (Slack API `ts`, Matrix
    // `event_id`, Telegram `result.message_id`, Discord `id` with ?wait=true): later alerts of
    // the same thread reply to it. Never part of the verdict: a missing or odd id is no error.
    std::string remote_ref;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// `now_ms` (Unix ms) resolves Retry-After given as an HTTP date and X-RateLimit-Reset.
Classification classify_response(Service service, int status, const Headers& headers,
                                 std::string_view body, std::int64_t now_ms);
// The message id in a 2xx body, validated per service; "" when the body has none, is larger
// than kMaxRefBodyBytes, is not JSON, or the id does not look like the service's ids.
inline constexpr std::size_t kMaxRefBodyBytes = 256 * 1024;
inline constexpr std::size_t kMaxRefBytes = 255;
std::string extract_remote_ref(Service service, std::string_view body);
// No HTTP response at all (DNS, connect, TLS, timeout, reset): always retried.
Classification classify_transport_error(std::string_view what);

// Case-insensitive header lookup.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);
// Retry-After: delay-seconds (decimals accepted) or an IMF-fixdate; clamped to [0, 1 day].
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms);

}  // namespace spreekbuis::connectors::sinks
