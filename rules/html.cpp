#include "rules/html.hpp"

#include <array>
#include <cstdint>

#include "rules/utf8.hpp"

namespace spreekbuis::rules {

namespace {

constexpr std::size_t kMaxTagLength = 4096;
constexpr std::size_t kMaxEntityLength = 32;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_block_tag(std::string_view name) {
    static constexpr std::array<std::string_view, 18> kBlock = {
        "p",  "br", "div", "li", "ul", "ol", "blockquote", "h1",    "h2",
        "h3", "h4", "h5",  "h6", "tr", "hr", "pre",        "table", "section"};
    for (auto block : kBlock) {
        if (name == block) return true;
    }
    return false;
}

// Length of the tag starting at raw[pos] == '<', or 0 when it is not a tag. Sets the
// lower-cased tag name (up to 16 characters).
std::size_t scan_tag(std::string_view raw, std::size_t pos, std::string& name) {
    std::size_t i = pos + 1;
    if (i < raw.size() && raw.substr(i, 3) == "!--") {
        const auto end = raw.find("-->", i + 3);
        if (end == std::string_view::npos) return 0;
        name.clear();
        return end + 3 - pos;
    }
    if (i < raw.size() && raw[i] == '/') ++i;
    if (i >= raw.size() || !is_alpha(raw[i])) return 0;
    name.clear();
    while (i < raw.size() && (is_alpha(raw[i]) || is_digit(raw[i]))) {
        if (name.size() < 16) name.push_back(lower(raw[i]));
        ++i;
    }
    if (i >= raw.size()) return 0;
    const char after = raw[i];
    if (after != '>' && after != '/' && after != ' ' && after != '\t' && after != '\n' &&
        after != '\r') {
        return 0;
    }
    char quote = 0;
    const std::size_t limit = pos + kMaxTagLength < raw.size() ? pos + kMaxTagLength : raw.size();
    for (; i < limit; ++i) {
        const char c = raw[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1 - pos;
        } else if (c == '<') {
            return 0;
        }
    }
    return 0;
}

// Decodes the character reference at raw[pos] == '&'. Returns bytes consumed, 0 if none.
std::size_t scan_entity(std::string_view raw, std::size_t pos, char32_t& cp) {
    std::size_t i = pos + 1;
    if (i < raw.size() && raw[i] == '#') {
        ++i;
        const bool hex = i < raw.size() && (raw[i] == 'x' || raw[i] == 'X');
        if (hex) ++i;
        const std::size_t digits_begin = i;
        std::uint32_t value = 0;
        bool overflow = false;
        while (i < raw.size() && (hex ? is_hex(raw[i]) : is_digit(raw[i]))) {
            const char c = raw[i];
            const std::uint32_t d = is_digit(c) ? static_cast<std::uint32_t>(c - '0')
                                                : static_cast<std::uint32_t>(lower(c) - 'a' + 10);
            value = value * (hex ? 16u : 10u) + d;
            if (value > 0x10FFFF) {
                overflow = true;
                value = 0x110000;
            }
            ++i;
        }
        if (i == digits_begin) return 0;
        if (i < raw.size() && raw[i] == ';') ++i;
        if (overflow || value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            cp = utf8::kReplacement;
        } else {
            cp = value;
        }
        return i - pos;
    }
    const std::size_t name_begin = i;
    while (i < raw.size() && i - name_begin < kMaxEntityLength &&
           (is_alpha(raw[i]) || is_digit(raw[i]))) {
        ++i;
    }
    if (i == name_begin || i >= raw.size() || raw[i] != ';') return 0;
    const char32_t value = utf8::entity(raw.substr(name_begin, i - name_begin));
    if (value == 0) return 0;
    cp = value;
    return i + 1 - pos;
}

}  // namespace

void decode_markup(std::string_view raw, std::string& out) {
    out.reserve(out.size() + raw.size());
    std::string name;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        const char c = raw[pos];
        const auto u = static_cast<unsigned char>(c);
        if (c == '<') {
            const std::size_t n = scan_tag(raw, pos, name);
            if (n > 0) {
                if (is_block_tag(name) && !out.empty() && out.back() != '\n') out.push_back('\n');
                pos += n;
                continue;
            }
        }
        if (c == '&') {
            char32_t cp = 0;
            const std::size_t n = scan_entity(raw, pos, cp);
            if (n > 0) {
                utf8::append(out, cp);
                pos += n;
                continue;
            }
        }
        if (u < 0x80) {
            out.push_back(c);
            ++pos;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = utf8::decode(raw, pos, cp);
        if (cp == utf8::kReplacement) {
            utf8::append(out, cp);
        } else {
            out.append(raw.substr(pos, n));
        }
        pos += n;
    }
}

}  // namespace spreekbuis::rules
