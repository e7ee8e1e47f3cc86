#include "daemon/routing/duration.hpp"

#include <limits>

namespace spreekbuis::daemon::routing {

std::optional<std::int64_t> parse_duration(std::string_view text, std::string* error) {
    auto fail = [&](std::string message) -> std::optional<std::int64_t> {
        if (error) *error = std::move(message);
        return std::nullopt;
    };
    if (text.empty()) return fail("empty duration; write e.g. 15m, 1h or 2d");
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] < '0' || text[i] > '9') {
            return fail("expected a number at '" + std::string(text.substr(i)) +
                        "'; write e.g. 15m, 1h30m or 2d");
        }
        std::int64_t value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (value > std::numeric_limits<std::int64_t>::max() / 10 / kDayMs) {
                return fail("duration too large");
            }
            value = value * 10 + (text[i] - '0');
            ++i;
        }
        std::size_t unit_end = i;
        while (unit_end < text.size() && text[unit_end] >= 'a' && text[unit_end] <= 'z') {
            ++unit_end;
        }
        const auto unit = text.substr(i, unit_end - i);
        std::int64_t scale = 0;
        if (unit == "ms")
            scale = 1;
        else if (unit == "s")
            scale = kSecondMs;
        else if (unit == "m" || unit == "min")
            scale = kMinuteMs;
        else if (unit == "h")
            scale = kHourMs;
        else if (unit == "d")
            scale = kDayMs;
        else if (unit == "w")
            scale = 7 * kDayMs;
        else if (unit.empty())
            return fail("missing unit after " + std::to_string(value) +
                        " (use ms, s, m, h, d or w)");
        else
            return fail("unknown unit '" + std::string(unit) + "' (use ms, s, m, h, d or w)");
        total += value * scale;
        if (total > 3650 * kDayMs) return fail("duration too large (more than 10 years)");
        i = unit_end;
    }
    return total;
}

std::string format_duration(std::int64_t ms) {
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out = "-";
        ms = -ms;
    }
    const std::int64_t days = ms / kDayMs;
    const std::int64_t hours = ms % kDayMs / kHourMs;
    const std::int64_t minutes = ms % kHourMs / kMinuteMs;
    const std::int64_t seconds = ms % kMinuteMs / kSecondMs;
    if (days) out += std::to_string(days) + "d";
    if (hours) out += std::to_string(hours) + "h";
    if (minutes) out += std::to_string(minutes) + "m";
    if (seconds && !days) out += std::to_string(seconds) + "s";
    if (out.empty() || out == "-") out += std::to_string(ms) + "ms";
    return out;
}

}  // namespace spreekbuis::daemon::routing
