#pragma once
// Cheap number formatting for explanations: the same text as printf's "%.2f" / "%+.2f".
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace spreekbuis::rules {

// The longest double in fixed notation: 309 digits, sign, point, 2 places.
inline constexpr std::size_t kFixed2Room = 330;

inline std::size_t format_fixed2_slow(char* out, double value, bool plus_sign) {
    char* at = out;
    if (plus_sign && !std::signbit(value)) *at++ = '+';
    const auto result = std::to_chars(at, out + kFixed2Room, value, std::chars_format::fixed, 2);
    return static_cast<std::size_t>(result.ptr - out);
}

// Writes `value` as "%.2f" (or "%+.2f") to `out`, which has kFixed2Room bytes; returns the length.
// Every post's why carries two or three scores, so the common case avoids to_chars: the
// magnitude times 100 is off by at most one rounding step (~1e-14 below 1e15), so unless it lies
// within 1e-7 of a rounding midpoint, rounding it gives printf's correctly rounded digits.
inline std::size_t format_fixed2(char* out, double value, bool plus_sign = false) {
    const double scaled = std::fabs(value) * 100.0;
    if (!(scaled < 1e15)) return format_fixed2_slow(out, value, plus_sign);  // also NaN
    // Truncation is floor here (scaled is not negative), without a call to floor() on a
    // baseline x86-64 build.
    const auto whole = static_cast<std::uint64_t>(scaled);
    const double fraction = scaled - static_cast<double>(whole);
    if (std::fabs(fraction - 0.5) < 1e-7) return format_fixed2_slow(out, value, plus_sign);
    auto cents = whole + (fraction > 0.5 ? 1 : 0);
    if (cents < 1000) {  // scores: one digit before the point, written in place
        char* at = out;
        if (std::signbit(value)) {
            *at++ = '-';
        } else if (plus_sign) {
            *at++ = '+';
        }
        const auto units = static_cast<unsigned>(cents);
        at[0] = static_cast<char>('0' + units / 100);
        at[1] = '.';
        at[2] = static_cast<char>('0' + units / 10 % 10);
        at[3] = static_cast<char>('0' + units % 10);
        return static_cast<std::size_t>(at + 4 - out);
    }
    char digits[24];
    char* const end = digits + sizeof digits;
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
    const auto length = static_cast<std::size_t>(end - at);
    for (std::size_t i = 0; i < length; ++i) out[i] = at[i];
    return length;
}

inline void append_fixed2(std::string& out, double value, bool plus_sign = false) {
    char text[kFixed2Room];
    out.append(text, format_fixed2(text, value, plus_sign));
}

}  // namespace spreekbuis::rules
