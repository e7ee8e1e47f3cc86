#include "rules/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace spreekbuis::rules::utf8 {

std::size_t decode_multibyte(std::string_view text, std::size_t pos, char32_t& cp) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        cp = lead;
        return 1;
    }
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        value = lead & 0x0Fu;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        value = lead & 0x07u;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        cp = kReplacement;
        return 1;
    }
    std::size_t i = pos + 1;
    for (std::size_t k = 0; k < need; ++k, ++i) {
        if (i >= text.size()) {
            cp = kReplacement;
            return i - pos;
        }
        const unsigned char c = byte(i);
        const unsigned char min = k == 0 ? lo : 0x80;
        const unsigned char max = k == 0 ? hi : 0xBF;
        if (c < min || c > max) {
            cp = kReplacement;
            return i - pos;
        }
        value = (value << 6) | (c & 0x3Fu);
    }
    cp = value;
    return need + 1;
}

void append(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string repair(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++pos;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = decode(text, pos, cp);
        if (cp == kReplacement) {
            append(out, cp);
        } else {
            out.append(text.substr(pos, n));
        }
        pos += n;
    }
    return out;
}

namespace {

constexpr CharClass ascii_class(unsigned char c) {
    if (c == ' ' || (c >= 9 && c <= 13)) return CharClass::space;
    if (c < 0x20 || c == 0x7F) return CharClass::other;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::letter;
    if (c >= '0' && c <= '9') return CharClass::digit;
    return CharClass::punct;
}

constexpr std::array<CharClass, 128> make_ascii_classes() {
    std::array<CharClass, 128> table{};
    for (unsigned c = 0; c < 128; ++c) table[c] = ascii_class(static_cast<unsigned char>(c));
    return table;
}

constexpr std::array<CharClass, 128> kAsciiClasses = make_ascii_classes();

}  // namespace

const CharClass kAsciiClass[128] = {
#define SPREEKBUIS_ROW(n)                                                               \
    kAsciiClasses[n], kAsciiClasses[n + 1], kAsciiClasses[n + 2], kAsciiClasses[n + 3], \
        kAsciiClasses[n + 4], kAsciiClasses[n + 5], kAsciiClasses[n + 6], kAsciiClasses[n + 7]
    SPREEKBUIS_ROW(0),  SPREEKBUIS_ROW(8),   SPREEKBUIS_ROW(16),  SPREEKBUIS_ROW(24),
    SPREEKBUIS_ROW(32), SPREEKBUIS_ROW(40),  SPREEKBUIS_ROW(48),  SPREEKBUIS_ROW(56),
    SPREEKBUIS_ROW(64), SPREEKBUIS_ROW(72),  SPREEKBUIS_ROW(80),  SPREEKBUIS_ROW(88),
    SPREEKBUIS_ROW(96), SPREEKBUIS_ROW(104), SPREEKBUIS_ROW(112), SPREEKBUIS_ROW(120),
#undef SPREEKBUIS_ROW
};

CharClass classify_table(char32_t cp) {
    if (cp < 0x80) return kAsciiClass[cp];
    const ClassRange* end = kClassRanges + kClassRangeCount;
    const ClassRange* it = std::upper_bound(
        kClassRanges, end, cp, [](char32_t value, const ClassRange& r) { return value < r.lo; });
    if (it == kClassRanges) return CharClass::other;
    --it;
    return cp <= it->hi ? it->cls : CharClass::other;
}

std::string_view fold(char32_t cp, bool& upper) {
    upper = false;
    if (cp < 0x80) return {};
    const FoldEntry* end = kFoldEntries + kFoldEntryCount;
    const FoldEntry* it = std::lower_bound(
        kFoldEntries, end, cp, [](const FoldEntry& e, char32_t value) { return e.cp < value; });
    if (it == end || it->cp != cp) return {};
    upper = it->upper;
    return std::string_view(it->text, it->length);
}

char32_t entity(std::string_view name) {
    const EntityEntry* end = kEntities + kEntityCount;
    const EntityEntry* it =
        std::lower_bound(kEntities, end, name, [](const EntityEntry& e, std::string_view value) {
            return std::string_view(e.name) < value;
        });
    if (it == end || std::string_view(it->name) != name) return 0;
    return it->cp;
}

std::string clip(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end)) + "...";
}

}  // namespace spreekbuis::rules::utf8
