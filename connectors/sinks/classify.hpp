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
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// `now_ms` (Unix ms) resolves Retry-After given as an HTTP date and X-RateLimit-Reset.
Classification classify_response(Service service, int status, const Headers& headers,
                                 std::string_view body, std::int64_t now_ms);
// No HTTP response at all (DNS, connect, TLS, timeout, reset): always retried.
Classification classify_transport_error(std::string_view what);

// Case-insensitive header lookup.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);
// Retry-After: delay-seconds (decimals accepted) or an IMF-fixdate; clamped to [0, 1 day].
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms);

}  // namespace spreekbuis::connectors::sinks
