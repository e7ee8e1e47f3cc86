#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "connectors/sources/reconnect.hpp"
#include "connectors/sources/reconnect_loop.hpp"

using spreekbuis::connectors::sources::ReconnectBackoff;
using spreekbuis::connectors::sources::run_with_reconnect;
using spreekbuis::connectors::sources::SessionEnd;
using spreekbuis::connectors::sources::SourceCounters;
using std::chrono::milliseconds;

TEST_CASE("reconnect backoff: the ceiling doubles to the cap and the wait stays under it",
          "[sources]") {
    ReconnectBackoff backoff(milliseconds(1000), milliseconds(8000));
    const std::uint64_t largest = ~std::uint64_t{0};
    // A random value of ceiling (mod ceiling + 1) gives the ceiling itself: the upper bound.
    CHECK(backoff.next(1000) == milliseconds(1000));
    CHECK(backoff.ceiling() == milliseconds(2000));
    CHECK(backoff.next(2000) == milliseconds(2000));
    CHECK(backoff.next(4000) == milliseconds(4000));
    CHECK(backoff.next(8000) == milliseconds(8000));
    CHECK(backoff.ceiling() == milliseconds(8000));  // capped
    CHECK(backoff.next(largest) <= milliseconds(8000));
    CHECK(backoff.next(8001) == milliseconds(100));  // wraps to 0, raised to the floor
}

TEST_CASE("reconnect backoff: full jitter never waits less than a tenth of the start",
          "[sources]") {
    ReconnectBackoff backoff(milliseconds(500), milliseconds(60000));
    CHECK(backoff.next(0) == milliseconds(50));
    CHECK(backoff.next(3) == milliseconds(50));
    CHECK(backoff.next(777) == milliseconds(777));  // within the ceiling of 1000
}

TEST_CASE("reconnect backoff: a working connection starts the ladder again", "[sources]") {
    ReconnectBackoff backoff(milliseconds(1000), milliseconds(60000));
    for (int i = 0; i < 10; ++i) backoff.next(0);
    CHECK(backoff.ceiling() == milliseconds(60000));
    backoff.reset();
    CHECK(backoff.ceiling() == milliseconds(1000));
    CHECK(backoff.next(5000) == milliseconds(5000 % 1001));
}

TEST_CASE("reconnect loop: a session's at_least lengthens the wait, a stop ends the loop",
          "[sources]") {
    namespace asio = boost::asio;
    asio::io_context io;
    SourceCounters counters;
    std::vector<std::chrono::steady_clock::time_point> starts;
    int sessions = 0;
    asio::co_spawn(io,
                   run_with_reconnect(
                       "test", counters,
                       ReconnectBackoff(std::chrono::milliseconds(1), std::chrono::milliseconds(2)),
                       [&]() -> asio::awaitable<SessionEnd> {
                           starts.push_back(std::chrono::steady_clock::now());
                           SessionEnd end;
                           end.error = "refused";
                           if (++sessions == 1) end.at_least = std::chrono::milliseconds(300);
                           if (sessions == 3) end.stop = true;
                           co_return end;
                       }),
                   asio::detached);
    io.run_for(std::chrono::seconds(10));
    REQUIRE(sessions == 3);
    CHECK(counters.disconnects == 2);
    // The server's 300 ms, not the backoff's 2 ms at most, before the second session; the
    // third follows within the backoff.
    CHECK(starts[1] - starts[0] >= std::chrono::milliseconds(300));
    CHECK(starts[2] - starts[1] < std::chrono::milliseconds(300));
}
