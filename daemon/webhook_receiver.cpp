#include "daemon/webhook_receiver.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace spreekbuis::daemon {

void RecentIds::add(const std::string& id) {
    if (!ids_.insert(id).second) return;
    order_.push_back(id);
    if (order_.size() > capacity_) {
        ids_.erase(order_.front());
        order_.pop_front();
    }
}

WebhookReceivers::WebhookReceivers(std::vector<connectors::sources::WebhookSettings> sources,
                                   Submit submit, std::function<std::int64_t()> now_ms)
    : submit_(std::move(submit)), now_ms_(std::move(now_ms)) {
    for (auto& settings : sources) {
        auto receiver = std::make_unique<Receiver>();
        const std::string name = settings.name;
        receiver->settings = std::move(settings);
        receivers_[name] = std::move(receiver);
    }
}

std::size_t WebhookReceivers::max_body_bytes() const {
    std::size_t limit = 0;
    for (const auto& [name, receiver] : receivers_) {
        limit = std::max(limit, receiver->settings.max_body_bytes);
    }
    return limit;
}

std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>>
WebhookReceivers::counters() const {
    std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>> out;
    for (const auto& [name, receiver] : receivers_) out.emplace_back(name, &receiver->counters);
    return out;
}

http_api::AdminReply WebhookReceivers::handle(const http_api::HookRequest& request) {
    const auto found = receivers_.find(request.name);
    if (found == receivers_.end()) {
        return {404, "text/plain; charset=utf-8", "no webhook source named that\n", {}};
    }
    Receiver& receiver = *found->second;
    connectors::sources::WebhookRequest input;
    input.method = request.method;
    input.query = request.query;
    input.headers = request.headers;
    input.body = request.body;
    input.now_ms = now_ms_();
    auto outcome = connectors::sources::handle_webhook(receiver.settings, input);
    auto& counters = receiver.counters;
    counters.events += outcome.events;
    counters.skipped += outcome.skipped;
    if (!outcome.error.empty()) {
        ++counters.bad_events;
        std::lock_guard lock(mutex_);
        // One line per source and minute at most: a misconfigured sender must not flood the log.
        if (input.now_ms - receiver.last_warning_ms >= 60000) {
            receiver.last_warning_ms = input.now_ms;
            spdlog::warn("webhook source '{}': refused a delivery ({}): {}", request.name,
                         outcome.status, outcome.error);
        }
        return {outcome.status, outcome.content_type, outcome.body, {}};
    }
    std::lock_guard lock(mutex_);
    if (!outcome.delivery_id.empty() && receiver.seen.contains("delivery:" + outcome.delivery_id)) {
        return {200, "text/plain; charset=utf-8", "duplicate delivery\n", {}};
    }
    std::vector<rules::Post> fresh;
    for (auto& post : outcome.posts) {
        if (!receiver.seen.contains(post.id)) fresh.push_back(std::move(post));
    }
    if (!fresh.empty()) {
        std::vector<std::string> ids;
        for (const auto& post : fresh) ids.push_back(post.id);
        const auto count = fresh.size();
        if (!submit_(std::move(fresh), request.name)) {
            ++counters.deferred;
            return {503,
                    "text/plain; charset=utf-8",
                    "busy, deliver again later\n",
                    {{"Retry-After", "5"}}};
        }
        counters.posts += count;
        for (const auto& id : ids) receiver.seen.add(id);
    }
    if (!outcome.delivery_id.empty()) receiver.seen.add("delivery:" + outcome.delivery_id);
    return {outcome.status, outcome.content_type, outcome.body, {}};
}

}  // namespace spreekbuis::daemon
