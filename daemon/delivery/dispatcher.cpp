#include "daemon/delivery/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "connectors/sinks/alert_json.hpp"
#include "connectors/sinks/classify.hpp"
#include "daemon/prometheus.hpp"

namespace spreekbuis::daemon::delivery {

namespace asio = boost::asio;
using connectors::sinks::Outcome;

struct Dispatcher::SinkLoop {
    SinkLoop(asio::io_context& io, SinkDelivery config, std::shared_ptr<asio::ssl::context> tls)
        : strand(asio::make_strand(io)),
          timer(strand),
          delivery(std::move(config)),
          limiter(delivery.limits),
          client(strand, std::move(tls), delivery.http) {}

    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer timer;  // sleeps between attempts; cancelled by wake() and stop()
    SinkDelivery delivery;
    SinkRateLimiter limiter;
    connectors::http::HttpClient client;
    SinkCounters counters;
    bool woken = false;  // strand-only
    mutable std::mutex reason_mutex;
    std::string disabled_reason;
};

Dispatcher::Dispatcher(asio::io_context& io, std::unique_ptr<Outbox> outbox,
                       std::shared_ptr<asio::ssl::context> tls, std::vector<SinkDelivery> sinks,
                       DispatcherOptions options)
    : io_(io),
      outbox_(std::move(outbox)),
      tls_(std::move(tls)),
      options_(std::move(options)),
      stopped_(std::make_shared<std::atomic<bool>>(false)),
      running_(std::make_shared<std::atomic<int>>(0)) {
    if (!options_.random) options_.random = default_unit_random();
    for (auto& sink : sinks) {
        const std::string name = sink.settings.name;
        loops_.emplace(name, std::make_shared<SinkLoop>(io_, std::move(sink), tls_));
    }
}

Dispatcher::~Dispatcher() { stopped_->store(true); }

std::int64_t Dispatcher::now() const {
    if (options_.now_ms) return options_.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void Dispatcher::with_outbox(const std::function<void(Outbox&)>& f) {
    std::lock_guard lock(outbox_mutex_);
    f(*outbox_);
}

namespace {

// Sleeps up to `ms` on the loop's timer; returns early when woken or stopped.
asio::awaitable<void> nap(asio::steady_timer& timer, std::int64_t ms) {
    timer.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(ms, 0)));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
}

}  // namespace

void Dispatcher::start() {
    for (auto& [name, loop_ptr] : loops_) {
        std::shared_ptr<SinkLoop> loop = loop_ptr;
        auto stopped = stopped_;
        auto running = running_;
        running->fetch_add(1);
        auto body = [this, loop, stopped, running]() -> asio::awaitable<void> {
            struct Done {
                std::shared_ptr<std::atomic<int>> running;
                ~Done() { running->fetch_sub(1); }
            } done_guard{running};
            const std::string& sink = loop->delivery.settings.name;
            while (!stopped->load()) {
                if (loop->counters.disabled.load()) break;
                std::vector<OutboxEntry> entries;
                std::optional<std::int64_t> next_due;
                {
                    std::lock_guard lock(outbox_mutex_);
                    entries = outbox_->due(sink, now(), options_.batch);
                    if (entries.empty()) next_due = outbox_->next_due_ms(sink);
                }
                if (entries.empty()) {
                    if (loop->woken) {
                        loop->woken = false;
                        continue;
                    }
                    std::int64_t wait = options_.idle_poll_ms;
                    if (next_due) wait = std::min(wait, *next_due - now());
                    co_await nap(loop->timer, wait);
                    continue;
                }
                loop->woken = false;
                for (const auto& entry : entries) {
                    if (stopped->load() || loop->counters.disabled.load()) break;
                    const std::string destination =
                        entry.destination.empty() ? loop->delivery.settings.default_destination
                                                  : entry.destination;
                    for (;;) {
                        const std::int64_t wait = loop->limiter.wait_ms(destination, now());
                        if (wait <= 0 || stopped->load()) break;
                        co_await nap(loop->timer, wait);
                    }
                    if (stopped->load()) break;
                    loop->limiter.try_take(destination, now());

                    std::string error;
                    const auto alert = connectors::sinks::alert_from_json(entry.payload, &error);
                    if (!alert) {
                        std::lock_guard lock(outbox_mutex_);
                        outbox_->mark_dead(entry.id, "corrupt outbox payload: " + error, now());
                        loop->counters.failed++;
                        loop->counters.dead++;
                        continue;
                    }
                    // A follow-up replies under the first message of its thread on this
                    // destination, where the service can (delivery is ordered per
                    // destination, so that message was sent or gave up before this one).
                    connectors::sinks::ThreadRef thread;
                    const auto key = connectors::thread_key(*alert);
                    if (connectors::is_follow_up(alert->kind) && !key.empty() &&
                        connectors::sinks::threads_replies(loop->delivery.settings.service)) {
                        std::lock_guard lock(outbox_mutex_);
                        if (auto found = outbox_->thread_ref(sink, entry.destination, key)) {
                            thread = std::move(*found);
                        }
                    }
                    const auto request = connectors::sinks::format_request(
                        *alert, loop->delivery.settings, now(), thread);
                    const auto result = co_await loop->client.request(request);
                    const std::int64_t done = now();
                    const auto verdict =
                        result.response
                            ? connectors::sinks::classify_response(
                                  loop->delivery.settings.service, result.response->status,
                                  result.response->headers, result.response->body, done)
                            : connectors::sinks::classify_transport_error(result.error);
                    std::lock_guard lock(outbox_mutex_);
                    switch (verdict.outcome) {
                        case Outcome::ok:
                            outbox_->mark_sent(entry.id, done, verdict.remote_ref,
                                               connectors::thread_key(*alert));
                            loop->counters.sent++;
                            if (verdict.pause_ms)
                                loop->limiter.pause_until(done + *verdict.pause_ms);
                            break;
                        case Outcome::retry: {
                            loop->counters.failed++;
                            const std::int64_t attempts = entry.attempts + 1;
                            if (should_give_up(loop->delivery.backoff, attempts, entry.created_ms,
                                               done)) {
                                outbox_->mark_dead(entry.id,
                                                   "gave up after " + std::to_string(attempts) +
                                                       " attempts: " + verdict.reason,
                                                   done);
                                loop->counters.dead++;
                                spdlog::warn("sink {}: alert {} dead: {}", sink, entry.id,
                                             verdict.reason);
                                break;
                            }
                            const std::int64_t delay =
                                next_delay_ms(loop->delivery.backoff, attempts,
                                              verdict.retry_after_ms, options_.random);
                            outbox_->mark_retry(entry.id, done + delay, verdict.reason, done);
                            if (verdict.retry_after_ms) loop->limiter.pause_until(done + delay);
                            loop->counters.retried++;
                            spdlog::info("sink {}: alert {} retry in {} ms: {}", sink, entry.id,
                                         delay, verdict.reason);
                            break;
                        }
                        case Outcome::permanent:
                            outbox_->mark_dead(entry.id, verdict.reason, done);
                            loop->counters.failed++;
                            loop->counters.dead++;
                            spdlog::warn("sink {}: alert {} dead: {}", sink, entry.id,
                                         verdict.reason);
                            break;
                        case Outcome::disable: {
                            // The alert is not at fault: it stays pending for when the sink
                            // is fixed and the daemon restarted.
                            outbox_->mark_retry(entry.id, done, verdict.reason, done);
                            loop->counters.failed++;
                            {
                                std::lock_guard reason_lock(loop->reason_mutex);
                                loop->disabled_reason = verdict.reason;
                            }
                            loop->counters.disabled = true;
                            spdlog::error("sink {} disabled: {}", sink, verdict.reason);
                            break;
                        }
                    }
                }
            }
        };
        asio::co_spawn(loop->strand, std::move(body), asio::detached);
    }
}

void Dispatcher::stop() {
    stopped_->store(true);
    for (auto& entry : loops_) {
        auto loop = entry.second;  // not a structured binding: clang 14 cannot capture one
        asio::post(loop->strand, [loop] { loop->timer.cancel(); });
    }
}

void Dispatcher::wake(const std::string& sink) {
    const auto it = loops_.find(sink);
    if (it == loops_.end()) return;
    auto loop = it->second;
    asio::post(loop->strand, [loop] {
        loop->woken = true;
        loop->timer.cancel();
    });
}

void Dispatcher::wake_all() {
    for (const auto& [name, loop] : loops_) wake(name);
}

const SinkCounters* Dispatcher::counters(const std::string& sink) const {
    const auto it = loops_.find(sink);
    return it == loops_.end() ? nullptr : &it->second->counters;
}

std::string Dispatcher::disabled_reason(const std::string& sink) const {
    const auto it = loops_.find(sink);
    if (it == loops_.end()) return "";
    std::lock_guard lock(it->second->reason_mutex);
    return it->second->disabled_reason;
}

std::string Dispatcher::metrics() const {
    struct Family {
        const char* name;
        const char* help;
        std::atomic<std::uint64_t> SinkCounters::*member;
    };
    static constexpr Family kFamilies[] = {
        {"spreekbuis_alerts_sent_total", "Alerts delivered, per sink.", &SinkCounters::sent},
        {"spreekbuis_alerts_retried_total", "Failed attempts that were rescheduled, per sink.",
         &SinkCounters::retried},
        {"spreekbuis_alerts_failed_total", "Failed delivery attempts of any kind, per sink.",
         &SinkCounters::failed},
        {"spreekbuis_alerts_dead_total", "Alerts moved to the dead letters, per sink.",
         &SinkCounters::dead},
    };
    std::string out;
    for (const auto& family : kFamilies) {
        out += std::string("# HELP ") + family.name + " " + family.help + "\n";
        out += std::string("# TYPE ") + family.name + " counter\n";
        for (const auto& [name, loop] : loops_) {
            out += std::string(family.name) + "{sink=\"" + prometheus_label(name) + "\"} " +
                   std::to_string((loop->counters.*family.member).load()) + "\n";
        }
    }
    out +=
        "# HELP spreekbuis_sink_disabled 1 when a sink stopped because its endpoint or "
        "credential is gone.\n# TYPE spreekbuis_sink_disabled gauge\n";
    for (const auto& [name, loop] : loops_) {
        out += "spreekbuis_sink_disabled{sink=\"" + prometheus_label(name) + "\"} " +
               (loop->counters.disabled.load() ? "1" : "0") + "\n";
    }
    out +=
        "# HELP spreekbuis_outbox_alerts Alerts in the outbox by sink and state.\n"
        "# TYPE spreekbuis_outbox_alerts gauge\n";
    std::lock_guard lock(outbox_mutex_);
    for (const auto& [name, loop] : loops_) {
        const auto counts = outbox_->counts(name);
        const std::string label = prometheus_label(name);
        out += "spreekbuis_outbox_alerts{sink=\"" + label + "\",state=\"pending\"} " +
               std::to_string(counts.pending) + "\n";
        out += "spreekbuis_outbox_alerts{sink=\"" + label + "\",state=\"held\"} " +
               std::to_string(counts.held) + "\n";
        out += "spreekbuis_outbox_alerts{sink=\"" + label + "\",state=\"dead\"} " +
               std::to_string(counts.dead) + "\n";
    }
    return out;
}

}  // namespace spreekbuis::daemon::delivery
