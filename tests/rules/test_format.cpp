#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

#include "rules/format.hpp"

using spreekbuis::rules::append_fixed2;

namespace {

std::string printf_fixed2(double value, bool plus_sign) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, plus_sign ? "%+.2f" : "%.2f", value);
    return buffer;
}

std::string fixed2(double value, bool plus_sign) {
    std::string out = "x";  // appends, never replaces
    append_fixed2(out, value, plus_sign);
    return out.substr(1);
}

}  // namespace

TEST_CASE("append_fixed2 writes what printf's %.2f writes", "[format]") {
    const double edges[] = {0.0,    -0.0,   0.005,   0.015,  0.125,     0.375,      0.625,
                            0.875,  -0.125, 1.005,   2.675,  0.995,     -0.995,     9.995,
                            99.995, 0.0049, -0.0049, 0.4999, 0.5,       -0.5,       1.0,
                            -1.0,   0.1,    0.2,     0.3,    0.7,       123.456,    1e14,
                            1e15,   1e300,  -1e300,  5e-324, 0.9999999, -0.99999999};
    for (double value : edges) {
        for (bool plus : {false, true}) {
            INFO(value << " plus " << plus);
            CHECK(fixed2(value, plus) == printf_fixed2(value, plus));
        }
    }
    for (double value :
         {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::quiet_NaN()}) {
        CHECK(fixed2(value, false) == printf_fixed2(value, false));
    }
    // Scores in -1..1 and sums beyond, at random and on every hundredth and its midpoints.
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> score(-1.0, 1.0);
    std::uniform_real_distribution<double> wide(-1e6, 1e6);
    int differences = 0;
    for (int i = 0; i < 200000; ++i) {
        const double value = i % 2 == 0 ? score(random) : wide(random);
        if (fixed2(value, i % 3 == 0) != printf_fixed2(value, i % 3 == 0)) ++differences;
    }
    for (int cents = -20000; cents <= 20000; ++cents) {
        for (double offset : {0.0, 0.5, 0.49999999, 0.50000001}) {
            const double value = (cents + offset) / 100.0;
            if (fixed2(value, false) != printf_fixed2(value, false)) ++differences;
        }
    }
    CHECK(differences == 0);
}
