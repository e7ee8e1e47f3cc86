#include <catch2/catch.hpp>
#include <cstdint>

#include "connectors/sources/reconnect.hpp"

using spreekbuis::connectors::sources::ReconnectBackoff;
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
