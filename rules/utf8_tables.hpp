#pragma once
// Generated Unicode tables (rules/utf8_tables.cpp, made by rules/lexicons/gen_utf8_tables.py):
// character classes, case+accent folding and HTML entity names. Immutable; any thread.
#include <cstddef>
#include <cstdint>

namespace spreekbuis::rules::utf8 {

enum class CharClass : std::uint8_t {
    other,               // controls, unassigned, private use, surrogates
    space,               // white space and line/paragraph separators
    letter,              // L*, Nl
    digit,               // Nd
    mark,                // combining marks (part of the word they follow)
    punct,               // P*, S* and non-decimal numbers that are not emoji
    emoji,               // Extended_Pictographic
    emoji_modifier,      // skin tones and emoji tag characters
    regional_indicator,  // flag halves
    zwj,                 // U+200D ZERO WIDTH JOINER
    ignorable,           // format characters and variation selectors (dropped when folding)
};

struct ClassRange {
    char32_t lo;
    char32_t hi;
    CharClass cls;
};

struct FoldEntry {
    char32_t cp;
    std::uint8_t length;  // bytes of `text`
    bool upper;           // the code point is an upper/title case letter
    char text[12];        // folded form, UTF-8
};

struct EntityEntry {
    const char* name;
    char32_t cp;
};

extern const ClassRange kClassRanges[];  // sorted, non-overlapping, code points >= 0x80
extern const std::size_t kClassRangeCount;
extern const FoldEntry kFoldEntries[];  // sorted by cp, code points >= 0x80
extern const std::size_t kFoldEntryCount;
extern const EntityEntry kEntities[];  // sorted by name
extern const std::size_t kEntityCount;

}  // namespace spreekbuis::rules::utf8
