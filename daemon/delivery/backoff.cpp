#include "daemon/delivery/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace spreekbuis::daemon::delivery {

UnitRandom default_unit_random() {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::int64_t next_delay_ms(const BackoffPolicy& policy, std::int64_t attempts,
                           std::optional<std::int64_t> retry_after_ms, const UnitRandom& random) {
    if (retry_after_ms)
        return std::clamp<std::int64_t>(*retry_after_ms, 0, policy.max_retry_after_ms);
    const double exponent = static_cast<double>(std::max<std::int64_t>(attempts - 1, 0));
    double base = static_cast<double>(policy.initial_ms) * std::pow(policy.multiplier, exponent);
    base = std::min(base, static_cast<double>(policy.max_ms));
    const double r = random ? std::clamp(random(), 0.0, 1.0) : 0.5;
    const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * r;
    const double delay = std::min(base * factor, static_cast<double>(policy.max_ms));
    return std::max<std::int64_t>(0, static_cast<std::int64_t>(delay));
}

bool should_give_up(const BackoffPolicy& policy, std::int64_t attempts, std::int64_t created_ms,
                    std::int64_t now_ms) {
    if (policy.max_attempts > 0 && attempts >= policy.max_attempts) return true;
    return policy.max_age_ms > 0 && now_ms - created_ms >= policy.max_age_ms;
}

}  // namespace spreekbuis::daemon::delivery
