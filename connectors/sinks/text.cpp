#include "connectors/sinks/text.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace spreekbuis::connectors::sinks {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at text[i], or 0 when invalid.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) return 1;
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0Fu;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return length;
}

template <typename F>
void for_each_code_point(std::string_view text, F&& f) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = sequence_length(text, i);
        if (length == 0) {
            if (!f(kReplacement)) return;
            ++i;
            continue;
        }
        if (!(length == 1 && text[i] == '\0')) {
            if (!f(text.substr(i, length))) return;
        }
        i += length;
    }
}

}  // namespace

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_code_point(text, [&](std::string_view cp) {
        out += cp;
        return true;
    });
    return out;
}

std::size_t count_code_points(std::string_view text) {
    std::size_t count = 0;
    for (const char ch : text) {
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::string escape_truncated(std::string_view text, std::size_t max_code_points,
                             const Escaper& escaper) {
    std::string out;
    std::size_t used = 0;
    bool cut = false;
    std::string piece;
    std::size_t kept_bytes = 0;  // out.size() when the ellipsis still fitted
    std::size_t kept_used = 0;
    for_each_code_point(text, [&](std::string_view cp) {
        piece.clear();
        escaper(piece, cp);
        const std::size_t units = count_code_points(piece);
        if (used + units > max_code_points) {
            cut = true;
            return false;
        }
        out += piece;
        used += units;
        if (used + 1 <= max_code_points) {
            kept_bytes = out.size();
            kept_used = used;
        }
        return true;
    });
    if (cut) {
        out.resize(kept_bytes);
        if (kept_used + 1 <= max_code_points) out += kEllipsis;
    }
    return out;
}

std::string truncate_utf8(std::string_view text, std::size_t max_code_points) {
    return escape_truncated(text, max_code_points, escape_none_cp);
}

void escape_none_cp(std::string& out, std::string_view cp) { out += cp; }

void escape_slack_cp(std::string& out, std::string_view cp) {
    if (cp == "&") {
        out += "&amp;";
    } else if (cp == "<") {
        out += "&lt;";
    } else if (cp == ">") {
        out += "&gt;";
    } else {
        out += cp;
    }
}

void escape_html_cp(std::string& out, std::string_view cp) {
    if (cp == "&") {
        out += "&amp;";
    } else if (cp == "<") {
        out += "&lt;";
    } else if (cp == ">") {
        out += "&gt;";
    } else if (cp == "\"") {
        out += "&quot;";
    } else {
        out += cp;
    }
}

void escape_markdown_cp(std::string& out, std::string_view cp) {
    static constexpr std::string_view kSpecial = "\\`*_[]()#+-|<>~";
    if (cp.size() == 1 && kSpecial.find(cp[0]) != std::string_view::npos) {
        out.push_back('\\');
        out += cp;
    } else if (cp == "@") {
        out += "@";
        out += kZeroWidthSpace;
    } else {
        out += cp;
    }
}

void escape_mentions_cp(std::string& out, std::string_view cp) {
    out += cp;
    if (cp == "@") out += kZeroWidthSpace;
}

namespace {
std::string escape_all(std::string_view text, void (*escaper)(std::string&, std::string_view)) {
    std::string out;
    out.reserve(text.size());
    for_each_code_point(text, [&](std::string_view cp) {
        escaper(out, cp);
        return true;
    });
    return out;
}
}  // namespace

std::string escape_slack(std::string_view text) { return escape_all(text, escape_slack_cp); }
std::string escape_html(std::string_view text) { return escape_all(text, escape_html_cp); }
std::string escape_markdown(std::string_view text) { return escape_all(text, escape_markdown_cp); }

std::string group_thousands(std::int64_t value) {
    const bool negative = value < 0;
    std::string digits = std::to_string(value);
    if (negative) digits.erase(0, 1);
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[i]);
        const std::size_t left = n - i - 1;
        if (left > 0 && left % 3 == 0) out.push_back(',');
    }
    return negative ? "-" + out : out;
}

namespace {
std::tm to_utc(std::int64_t unix_ms) {
    std::int64_t seconds = unix_ms / 1000;
    if (unix_ms < 0 && unix_ms % 1000 != 0) --seconds;
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}
}  // namespace

std::string iso8601_utc(std::int64_t unix_ms) {
    const std::tm tm = to_utc(unix_ms);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string human_utc(std::int64_t unix_ms) {
    const std::tm tm = to_utc(unix_ms);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

std::string format_sentiment(double sentiment) {
    if (!std::isfinite(sentiment)) return "0.00";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%+.2f", sentiment);
    return buffer;
}

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
        }
    }
    return out;
}

}  // namespace spreekbuis::connectors::sinks
