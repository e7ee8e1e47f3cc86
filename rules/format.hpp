#pragma once
// Cheap number formatting for explanations: the same text as printf's "%.2f" / "%+.2f".
#include <charconv>
#include <cmath>
#include <string>

namespace spreekbuis::rules {

inline void append_fixed2(std::string& out, double value, bool plus_sign = false) {
    char buffer[48];
    char* at = buffer;
    if (plus_sign && !std::signbit(value)) *at++ = '+';
    const auto result =
        std::to_chars(at, buffer + sizeof buffer, value, std::chars_format::fixed, 2);
    out.append(buffer, result.ptr);
}

}  // namespace spreekbuis::rules
