#pragma once
// A live source: a connection to a social network that turns what arrives into posts and hands
// them on. Each live source runs its coroutine on its own thread and io_context (the daemon
// owns both), so when the pipeline is full and `emit` blocks, only that source's socket reads
// pause: TCP pushes back on the server instead of posts being dropped.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "rules/post.hpp"

namespace spreekbuis::connectors::sources {

// What one source has seen; written by the source's thread, read by any (metrics, tests).
struct SourceCounters {
    std::atomic<std::uint64_t> connects{0};  // connections established (stream open)
    std::atomic<std::uint64_t> disconnects{
        0};  // connections lost or refused, each followed by a backoff
    std::atomic<std::uint64_t> events{0};  // events or messages received (heartbeats excluded)
    std::atomic<std::uint64_t> posts{0};   // posts handed to `emit`
    std::atomic<std::uint64_t> skipped{
        0};  // well-formed events that are no post (deletes, other kinds)
    std::atomic<std::uint64_t> bad_events{0};  // malformed events, logged and skipped
    std::atomic<std::uint64_t> deferred{0};    // webhook deliveries answered 503 (pipeline full)
};

// Where a source's posts go. `emit` may block while the pipeline is full (backpressure) and
// returns false when the daemon stops; the source then returns. `cursor` is the source's resume
// point just after this post ("" = none). The daemon stores it in the same transaction as the
// post's decision, so after a restart the source is given the cursor of the last post whose
// decision was committed.
struct SourceOutput {
    std::function<bool(rules::Post post, std::string cursor)> emit;
    // The cursor of this source's last post whose decision is committed ("" = none yet). A
    // source that must confirm posts to its server after they are safe (Redis XACK) asks this;
    // unset means every post handed to `emit` counts as committed. Any thread may call it.
    std::function<std::string()> committed;
};

class LiveSource {
  public:
    virtual ~LiveSource() = default;
    // The configured name, used in logs, metrics and as the cursor's key.
    virtual const std::string& name() const = 0;
    // Connects, reads and reconnects with backoff until `emit` returns false or the io_context
    // it runs on is stopped. Never throws: every failure is logged and counted. `resume` is the
    // stored cursor ("" when there is none).
    virtual boost::asio::awaitable<void> run(std::string resume, SourceOutput output) = 0;
    SourceCounters& counters() { return counters_; }

  protected:
    SourceCounters counters_;
};

}  // namespace spreekbuis::connectors::sources
