#pragma once
// Cheap number formatting for explanations: the same text as printf's "%.2f" / "%+.2f".
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace spreekbuis::rules {

inline void append_fixed2_slow(std::string& out, double value, bool plus_sign) {
    char buffer[330];  // the longest double in fixed notation: 309 digits, sign, point, 2 places
    char* at = buffer;
    if (plus_sign && !std::signbit(value)) *at++ = '+';
    const auto result =
        std::to_chars(at, buffer + sizeof buffer, value, std::chars_format::fixed, 2);
    out.append(buffer, result.ptr);
}

// Every post's why carries two or three scores, so the common case avoids to_chars: the
// magnitude times 100 is off by at most one rounding step (~1e-14 below 1e15), so unless it lies
// within 1e-7 of a rounding midpoint, rounding it gives printf's correctly rounded digits.
inline void append_fixed2(std::string& out, double value, bool plus_sign = false) {
    const double scaled = std::fabs(value) * 100.0;
    if (!(scaled < 1e15)) return append_fixed2_slow(out, value, plus_sign);  // also NaN
    // Truncation is floor here (scaled is not negative), without a call to floor() on a
    // baseline x86-64 build.
    const auto whole = static_cast<std::uint64_t>(scaled);
    const double fraction = scaled - static_cast<double>(whole);
    if (std::fabs(fraction - 0.5) < 1e-7) return append_fixed2_slow(out, value, plus_sign);
    auto cents = whole + (fraction > 0.5 ? 1 : 0);
    char buffer[32];
    char* const end = buffer + sizeof buffer;
    char* at = end;
    *--at = static_cast<char>('0' + cents % 10);
    cents /= 10;
    *--at = static_cast<char>('0' + cents % 10);
    cents /= 10;
    *--at = '.';
    do {
        *--at = static_cast<char>('0' + cents % 10);
        cents /= 10;
    } while (cents != 0);
    if (std::signbit(value)) {
        *--at = '-';
    } else if (plus_sign) {
        *--at = '+';
    }
    out.append(at, end);
}

}  // namespace spreekbuis::rules
