#include "daemon/delivery/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace spreekbuis::daemon::delivery {

using connectors::sinks::Service;

TokenBucket::TokenBucket(RateLimit limit, std::int64_t now_ms)
    : limit_(limit), tokens_(limit.capacity), updated_ms_(now_ms) {}

double TokenBucket::tokens_at(std::int64_t now_ms) const {
    const double elapsed_s =
        static_cast<double>(std::max<std::int64_t>(now_ms - updated_ms_, 0)) / 1000.0;
    return std::min(limit_.capacity, tokens_ + elapsed_s * limit_.per_second);
}

std::int64_t TokenBucket::wait_ms(std::int64_t now_ms) const {
    const double tokens = tokens_at(now_ms);
    if (tokens >= 1.0) return 0;
    if (limit_.per_second <= 0) return 60000;
    return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / limit_.per_second * 1000.0));
}

bool TokenBucket::try_take(std::int64_t now_ms) {
    const double tokens = tokens_at(now_ms);
    if (tokens < 1.0) return false;
    tokens_ = tokens - 1.0;
    updated_ms_ = std::max(now_ms, updated_ms_);
    return true;
}

SinkRateLimits default_rate_limits(Service service) {
    switch (service) {
        case Service::slack_webhook:
        case Service::slack_api:
            return {RateLimit{5, 5}, RateLimit{2, 1}};  // 1/s per channel
        case Service::mattermost:
            return {RateLimit{10, 10}, std::nullopt};
        case Service::teams:
            return {RateLimit{4, 4}, std::nullopt};  // 4/s per webhook
        case Service::discord:
            return {RateLimit{5, 2.5}, std::nullopt};  // ~5 per 2 s
        case Service::telegram:
            return {RateLimit{30, 30}, RateLimit{1, 1}};  // 30/s, 1/s/chat
        case Service::matrix:
            return {RateLimit{5, 2}, RateLimit{3, 1}};
        case Service::webhook:
            return {RateLimit{10, 10}, std::nullopt};
    }
    return {RateLimit{1, 1}, std::nullopt};
}

TokenBucket& SinkRateLimiter::bucket(const std::string& destination, std::int64_t now_ms) {
    auto it = per_destination_.find(destination);
    if (it == per_destination_.end()) {
        it = per_destination_.emplace(destination, TokenBucket(*limits_.per_destination, now_ms))
                 .first;
    }
    return it->second;
}

std::int64_t SinkRateLimiter::wait_ms(const std::string& destination, std::int64_t now_ms) {
    std::int64_t wait = std::max<std::int64_t>(paused_until_ - now_ms, 0);
    if (limits_.global) {
        if (!global_) global_ = TokenBucket(*limits_.global, now_ms);
        wait = std::max(wait, global_->wait_ms(now_ms));
    }
    if (limits_.per_destination) wait = std::max(wait, bucket(destination, now_ms).wait_ms(now_ms));
    return wait;
}

bool SinkRateLimiter::try_take(const std::string& destination, std::int64_t now_ms) {
    if (wait_ms(destination, now_ms) > 0) return false;
    if (global_) global_->try_take(now_ms);
    if (limits_.per_destination) bucket(destination, now_ms).try_take(now_ms);
    return true;
}

void SinkRateLimiter::pause_until(std::int64_t until_ms) {
    paused_until_ = std::max(paused_until_, until_ms);
}

}  // namespace spreekbuis::daemon::delivery
