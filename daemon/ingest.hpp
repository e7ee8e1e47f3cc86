#pragma once
// Ingest mode (`ingest:` in the configuration): the daemon hands every post its sources read on
// to a Redis stream, one XADD each, instead of deciding it; the daemons that read the stream as
// one consumer group (a `redis` source) decide it. Sources' cursors are saved only after their
// posts are in the stream, so a stop or a crash loses nothing (a post may be added twice).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>

#include "config/config.hpp"
#include "connectors/redis/connection.hpp"
#include "connectors/redis/server.hpp"
#include "rules/diagnostic.hpp"
#include "rules/post.hpp"

namespace spreekbuis::daemon {

struct IngestSettings : connectors::redis::ServerSettings {
    std::string stream;
    std::string field = "post";   // the entry field that holds the post (post format v1)
    std::int64_t max_length = 0;  // XADD MAXLEN ~ this many entries; 0: the stream is not trimmed
    // Not in YAML (tests and tuning): the wait before another try, doubling up to the cap.
    std::chrono::milliseconds retry_initial{100};
    std::chrono::milliseconds retry_cap{5000};
};

// The `ingest:` section; nullopt when there is none or it has errors (in `diagnostics`).
std::optional<IngestSettings> read_ingest_settings(const config::Config& config,
                                                   rules::Diagnostics& diagnostics);

// Adds posts to the stream in order. Used by one thread (the pipeline's emitter); its I/O runs
// on an io_context of its own, inside forward().
class IngestForwarder {
  public:
    explicit IngestForwarder(IngestSettings settings);
    ~IngestForwarder();
    IngestForwarder(const IngestForwarder&) = delete;
    IngestForwarder& operator=(const IngestForwarder&) = delete;

    // "" when it can run; else why not (a TLS context that cannot be made).
    const std::string& start_error() const { return start_error_; }
    // Adds every post, connecting again and retrying (waits doubling up to retry_cap) until
    // each one is in the stream. After `stop` a post is tried once, and the first failure
    // ends it: false, and false from then on. The posts of a false call may be missing from the
    // stream (or some of them in it), so their cursors must not be saved.
    bool forward(std::span<const rules::Post* const> posts, const std::stop_token& stop);

    std::uint64_t added() const { return added_; }
    std::uint64_t failures() const { return failures_; }

  private:
    boost::asio::awaitable<std::string> add(const std::string& line);
    std::string run(boost::asio::awaitable<std::string> task);

    IngestSettings settings_;
    std::string start_error_;
    std::string max_length_;  // as text, for XADD
    std::shared_ptr<boost::asio::ssl::context> tls_;
    boost::asio::io_context io_;
    std::unique_ptr<connectors::redis::Connection> connection_;
    bool gave_up_ = false;  // a try failed after the stop: no more tries
    std::uint64_t added_ = 0;
    std::uint64_t failures_ = 0;
};

}  // namespace spreekbuis::daemon
