#pragma once
// UTF-8 decoding with repair, character classes and folding of single code points. Pure
// functions over immutable tables; safe on any thread.
#include <cstddef>
#include <string>
#include <string_view>

#include "rules/utf8_tables.hpp"

namespace spreekbuis::rules::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `text[pos]` (pos < size). Invalid, overlong, surrogate or
// truncated sequences yield U+FFFD and consume the maximal invalid subpart (at least 1 byte).
// Returns the number of bytes consumed.
std::size_t decode_multibyte(std::string_view text, std::size_t pos, char32_t& cp);
inline std::size_t decode(std::string_view text, std::size_t pos, char32_t& cp) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        cp = lead;
        return 1;
    }
    return decode_multibyte(text, pos, cp);
}

// Appends `cp` as UTF-8; invalid scalar values are written as U+FFFD.
void append(std::string& out, char32_t cp);

// Replaces every invalid sequence in `text` with U+FFFD.
std::string repair(std::string_view text);

// `text` cut to at most `limit` bytes at a character boundary, with "..." when it was cut.
std::string clip(std::string_view text, std::size_t limit);

CharClass classify_table(char32_t cp);
extern const CharClass kAsciiClass[128];
inline CharClass classify(char32_t cp) { return cp < 0x80 ? kAsciiClass[cp] : classify_table(cp); }

// Folded form of `cp` (lower case, accents removed for Latin and Greek, typographic quotes
// and dashes made ASCII). A view with a null data() when `cp` folds to itself. `upper` says whether
// `cp` was an upper-case letter.
std::string_view fold(char32_t cp, bool& upper);

// Code point of an HTML entity name (without '&' and ';'), or 0 when unknown.
char32_t entity(std::string_view name);

}  // namespace spreekbuis::rules::utf8
