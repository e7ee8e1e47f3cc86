#pragma once
// Text helpers shared by the sink formatters: UTF-8 cleaning and cutting, per-service escaping
// of untrusted text, number and time rendering. Pure functions; any thread.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace spreekbuis::connectors::sinks {

inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
inline constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";

// Replaces invalid UTF-8 sequences by U+FFFD and drops NUL bytes.
std::string sanitize_utf8(std::string_view text);

// Number of code points in valid UTF-8 text.
std::size_t count_code_points(std::string_view text);

// Escapes one code point (given as its UTF-8 bytes) for a target format.
using Escaper = std::function<void(std::string& out, std::string_view code_point)>;

// Escapes `text` code point by code point and stops before the escaped output would exceed
// `max_code_points`; a cut text ends with an ellipsis (counted in the limit). Never splits a
// code point or an escape sequence.
std::string escape_truncated(std::string_view text, std::size_t max_code_points,
                             const Escaper& escaper);
std::string truncate_utf8(std::string_view text, std::size_t max_code_points);

// Slack mrkdwn: & < > as entities (kills <!here>, <!channel>, <@U..>, <url|label>).
std::string escape_slack(std::string_view text);
void escape_slack_cp(std::string& out, std::string_view cp);
// HTML text and attribute values (Telegram, Matrix formatted_body): & < > ".
std::string escape_html(std::string_view text);
void escape_html_cp(std::string& out, std::string_view cp);
// CommonMark-style backslash escaping of markdown punctuation, plus a zero-width space after
// every @ so that @everyone, @here, @channel, @all and @user never mention anyone (Discord,
// Mattermost, Teams).
std::string escape_markdown(std::string_view text);
void escape_markdown_cp(std::string& out, std::string_view cp);
// Plain text where only @-mentions matter (Matrix body).
void escape_mentions_cp(std::string& out, std::string_view cp);
void escape_none_cp(std::string& out, std::string_view cp);

// 12345 -> "12,345".
std::string group_thousands(std::int64_t value);
// Unix ms -> "2024-05-01T14:30:00Z" and "2024-05-01 14:30 UTC".
std::string iso8601_utc(std::int64_t unix_ms);
std::string human_utc(std::int64_t unix_ms);
// -0.62 -> "-0.62".
std::string format_sentiment(double sentiment);
// Percent-encodes everything except unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

}  // namespace spreekbuis::connectors::sinks
