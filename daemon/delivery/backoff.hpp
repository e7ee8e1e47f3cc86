#pragma once
// Retry timing for the outbox: exponential backoff with jitter, capped, honouring a server's
// Retry-After, plus the give-up rule that turns an alert into a dead letter. Pure; any thread.
#include <cstdint>
#include <functional>
#include <optional>

namespace spreekbuis::daemon::delivery {

struct BackoffPolicy {
    std::int64_t initial_ms = 1000;
    double multiplier = 2.0;
    std::int64_t max_ms = 5 * 60 * 1000;
    double jitter = 0.5;            // delay is scaled by a factor in [1 - jitter, 1 + jitter)
    std::int64_t max_attempts = 0;  // 0: no limit on attempts
    std::int64_t max_age_ms = 3LL * 24 * 3600 * 1000;  // dead-letter after this long
    std::int64_t max_retry_after_ms = 24LL * 3600 * 1000;
};

// Uniform random number in [0, 1).
using UnitRandom = std::function<double()>;
UnitRandom default_unit_random();

// Delay before the next attempt after `attempts` failed attempts (1 for the first failure).
// A server-requested delay wins over the computed one (capped at max_retry_after_ms).
std::int64_t next_delay_ms(const BackoffPolicy& policy, std::int64_t attempts,
                           std::optional<std::int64_t> retry_after_ms, const UnitRandom& random);

// True when an alert created at `created_ms` that failed `attempts` times must be given up.
bool should_give_up(const BackoffPolicy& policy, std::int64_t attempts, std::int64_t created_ms,
                    std::int64_t now_ms);

}  // namespace spreekbuis::daemon::delivery
