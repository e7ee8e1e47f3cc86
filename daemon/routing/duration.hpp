#pragma once
// Durations as operators write them ("90s", "15m", "1h30m", "2d", "1w") and back. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spreekbuis::daemon::routing {

inline constexpr std::int64_t kSecondMs = 1000;
inline constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

// Parses one or more <number><unit> parts (units ms, s, m, h, d, w). On failure returns nullopt
// and, when `error` is given, says what is wrong.
std::optional<std::int64_t> parse_duration(std::string_view text, std::string* error = nullptr);

// "1h30m", "20m", "2d", "45s", "0s".
std::string format_duration(std::int64_t ms);

}  // namespace spreekbuis::daemon::routing
