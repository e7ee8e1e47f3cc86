#pragma once
// The loop every streaming source runs: one session (connect, read until the connection ends),
// then a backoff wait, until the daemon stops. Used on the source's own thread.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <random>
#include <string>

#include "connectors/sources/live_source.hpp"
#include "connectors/sources/reconnect.hpp"

namespace spreekbuis::connectors::sources {

// How one session ended.
struct SessionEnd {
    bool stop = false;       // emit returned false: the daemon stops
    bool delivered = false;  // data arrived: the next backoff starts small
    std::string error;       // why the connection ended
    // The least wait before the next session (a server's Retry-After, a refused token).
    std::optional<std::chrono::milliseconds> at_least;
};

// Runs `session()` (an awaitable<SessionEnd>) again and again with backoff; counts each end
// in `counters.disconnects` and logs it as "<label>: <error>". Never throws.
template <typename Session>
boost::asio::awaitable<void> run_with_reconnect(std::string label, SourceCounters& counters,
                                                ReconnectBackoff backoff, Session session) {
    namespace asio = boost::asio;
    try {
        std::mt19937_64 random(std::random_device{}());
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (true) {
            SessionEnd end;
            try {
                end = co_await session();
            } catch (const std::exception& error) {
                end.error = std::string("unexpected error: ") + error.what();
            }
            if (end.stop) co_return;
            ++counters.disconnects;
            if (end.delivered) backoff.reset();
            auto wait = backoff.next(random());
            if (end.at_least) wait = std::max(wait, *end.at_least);
            spdlog::warn("{}: {}; reconnecting in {} ms", label, end.error, wait.count());
            timer.expires_after(wait);
            auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
        }
    } catch (const std::exception& error) {
        spdlog::error("{}: stopped by an unexpected error: {}", label, error.what());
    } catch (...) {
        spdlog::error("{}: stopped by an unexpected error", label);
    }
}

}  // namespace spreekbuis::connectors::sources
