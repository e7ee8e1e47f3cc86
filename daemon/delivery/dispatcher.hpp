#pragma once
// Drains the outbox: one loop per sink on its own strand, one request in flight per sink,
// paced by token buckets, responses classified into sent / retry (with backoff and
// Retry-After) / dead letter / sink disabled, with counters for /metrics. The Dispatcher owns
// its Outbox connection (guarded by a mutex); start/stop/wake may be called from any thread.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/http/http_client.hpp"
#include "connectors/sinks/sink.hpp"
#include "daemon/delivery/backoff.hpp"
#include "daemon/delivery/outbox.hpp"
#include "daemon/delivery/rate_limit.hpp"

namespace spreekbuis::daemon::delivery {

struct SinkDelivery {
    connectors::sinks::SinkSettings settings;
    SinkRateLimits limits;  // default_rate_limits(settings.service) unless configured
    BackoffPolicy backoff;
    connectors::http::ClientOptions http;
};

struct DispatcherOptions {
    std::size_t batch = 16;                // due entries fetched per outbox query
    std::int64_t idle_poll_ms = 2000;      // re-check the outbox when nothing was due
    std::function<std::int64_t()> now_ms;  // Unix ms; system clock when empty
    UnitRandom random;                     // backoff jitter; random when empty
};

// Monotonic per-sink counters (Prometheus counters) plus the disabled flag.
struct SinkCounters {
    std::atomic<std::uint64_t> sent{0};     // delivered (2xx and accepted)
    std::atomic<std::uint64_t> retried{0};  // attempts that failed and were rescheduled
    std::atomic<std::uint64_t> failed{0};   // attempts that failed for any reason
    std::atomic<std::uint64_t> dead{0};     // alerts moved to the dead letters
    std::atomic<bool> disabled{false};      // sink stopped (credential or webhook gone)
};

class Dispatcher {
  public:
    Dispatcher(boost::asio::io_context& io, std::unique_ptr<Outbox> outbox,
               std::shared_ptr<boost::asio::ssl::context> tls, std::vector<SinkDelivery> sinks,
               DispatcherOptions options = {});
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    // Asks every loop to finish; an in-flight request completes or times out first. Destroy
    // the Dispatcher only when running_loops() is 0 or the io_context has stopped running.
    void stop();
    int running_loops() const { return running_->load(); }
    // New alerts for `sink` were committed to the outbox (any thread).
    void wake(const std::string& sink);
    void wake_all();

    const SinkCounters* counters(const std::string& sink) const;
    std::string disabled_reason(const std::string& sink) const;
    // Prometheus text for the delivery counters and outbox depth.
    std::string metrics() const;
    // Runs `f` with the outbox under the dispatcher's lock (tests, admin).
    void with_outbox(const std::function<void(Outbox&)>& f);

  private:
    struct SinkLoop;

    std::int64_t now() const;

    boost::asio::io_context& io_;
    std::unique_ptr<Outbox> outbox_;
    mutable std::mutex outbox_mutex_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    DispatcherOptions options_;
    std::map<std::string, std::shared_ptr<SinkLoop>> loops_;
    std::shared_ptr<std::atomic<bool>> stopped_;
    std::shared_ptr<std::atomic<int>> running_;
};

}  // namespace spreekbuis::daemon::delivery
