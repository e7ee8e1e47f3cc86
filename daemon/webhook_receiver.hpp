#pragma once
// The webhook sources of a running daemon. Each request to /hooks/<name> is checked by the
// source's rules (connectors/sources/webhook.hpp), deduplicated against recent deliveries (the
// senders retry, Meta for up to 36 hours) and handed to the pipeline without blocking the
// HTTP server: when the pipeline is full the answer is 503 with Retry-After, so the sender
// delivers again later and nothing is lost. Called from the admin server's thread; the
// state is guarded by a mutex.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "connectors/sources/live_source.hpp"
#include "connectors/sources/webhook.hpp"
#include "daemon/http_api/admin_server.hpp"

namespace spreekbuis::daemon {

// The most recent ids seen, at most `capacity`; the oldest are forgotten first.
class RecentIds {
  public:
    explicit RecentIds(std::size_t capacity) : capacity_(capacity) {}
    bool contains(const std::string& id) const { return ids_.count(id) != 0; }
    void add(const std::string& id);

  private:
    std::size_t capacity_;
    std::deque<std::string> order_;
    std::unordered_set<std::string> ids_;
};

class WebhookReceivers {
  public:
    // Hands the posts of one delivery to the pipeline as one batch, never blocking; false when
    // it is full.
    using Submit = std::function<bool(std::vector<rules::Post> posts, const std::string& source)>;
    static constexpr std::size_t kRememberedIds = 10000;  // per source

    WebhookReceivers(std::vector<connectors::sources::WebhookSettings> sources, Submit submit,
                     std::function<std::int64_t()> now_ms);

    http_api::AdminReply handle(const http_api::HookRequest& request);
    // The largest body any source accepts (the HTTP server's limit for /hooks/).
    std::size_t max_body_bytes() const;
    std::vector<std::pair<std::string, const connectors::sources::SourceCounters*>> counters()
        const;

  private:
    struct Receiver {
        connectors::sources::WebhookSettings settings;
        connectors::sources::SourceCounters counters;
        RecentIds seen{kRememberedIds};
        std::int64_t last_warning_ms = 0;
    };
    std::map<std::string, std::unique_ptr<Receiver>> receivers_;
    Submit submit_;
    std::function<std::int64_t()> now_ms_;
    std::mutex mutex_;
};

}  // namespace spreekbuis::daemon
