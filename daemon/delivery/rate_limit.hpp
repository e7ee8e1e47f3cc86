#pragma once
// Token buckets that pace sends: one for the whole sink and one per destination (channel,
// chat, room), with time passed in explicitly (injectable clock). Owned by one sink's strand.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "connectors/sinks/sink.hpp"

namespace spreekbuis::daemon::delivery {

struct RateLimit {
    double capacity = 1.0;    // burst size
    double per_second = 1.0;  // refill rate
};

class TokenBucket {
  public:
    TokenBucket() = default;
    TokenBucket(RateLimit limit, std::int64_t now_ms);
    // Milliseconds until one token is available (0 = now).
    std::int64_t wait_ms(std::int64_t now_ms) const;
    // Takes one token if available; false otherwise (nothing changes).
    bool try_take(std::int64_t now_ms);

  private:
    double tokens_at(std::int64_t now_ms) const;

    RateLimit limit_;
    double tokens_ = 1.0;
    std::int64_t updated_ms_ = 0;
};

struct SinkRateLimits {
    std::optional<RateLimit> global;           // whole sink (bot token, IP)
    std::optional<RateLimit> per_destination;  // per channel / chat / room / webhook
};
// Documented limits per service (reference/protocols.md §2, §4.5).
SinkRateLimits default_rate_limits(connectors::sinks::Service service);

class SinkRateLimiter {
  public:
    explicit SinkRateLimiter(SinkRateLimits limits) : limits_(limits) {}
    // Milliseconds until a message to `destination` may go (0 = now).
    std::int64_t wait_ms(const std::string& destination, std::int64_t now_ms);
    // Takes a token from the global and the destination bucket; false (and takes nothing) when
    // either is empty or the sink is paused.
    bool try_take(const std::string& destination, std::int64_t now_ms);
    // The server asked to wait (Retry-After on a 429, an empty Discord bucket): nothing goes
    // to this sink before `until_ms`.
    void pause_until(std::int64_t until_ms);
    std::int64_t paused_until() const { return paused_until_; }

  private:
    TokenBucket& bucket(const std::string& destination, std::int64_t now_ms);

    SinkRateLimits limits_;
    std::optional<TokenBucket> global_;
    std::map<std::string, TokenBucket> per_destination_;
    std::int64_t paused_until_ = 0;
};

}  // namespace spreekbuis::daemon::delivery
