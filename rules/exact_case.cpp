#include "rules/exact_case.hpp"

#include "rules/utf8.hpp"
#include "rules/utf8_tables.hpp"

namespace spreekbuis::rules {

namespace {

// Letters, digits and combining marks continue a word; anything else ends it.
bool is_word_class(char32_t cp) {
    const auto cls = utf8::classify(cp);
    return cls == utf8::CharClass::letter || cls == utf8::CharClass::digit ||
           cls == utf8::CharClass::mark;
}

// The character that starts at `pos` continues a word (false at the end of the text).
bool word_char_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return false;
    char32_t cp = 0;
    utf8::decode(text, pos, cp);
    return is_word_class(cp);
}

// The character that ends just before `pos` continues a word (false at the start).
bool word_char_before(std::string_view text, std::size_t pos) {
    if (pos == 0) return false;
    std::size_t start = pos - 1;
    // Back over UTF-8 continuation bytes, at most three.
    while (start > 0 && pos - start < 4 &&
           (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
        --start;
    }
    char32_t cp = 0;
    utf8::decode(text, start, cp);
    return is_word_class(cp);
}

// Bytes from `pos` up to the next word character.
std::size_t skip_gap(std::string_view text, std::size_t pos) {
    while (pos < text.size() && !word_char_at(text, pos)) {
        char32_t cp = 0;
        pos += utf8::decode(text, pos, cp);
    }
    return pos;
}

}  // namespace

std::vector<std::string> word_runs(std::string_view written) {
    std::vector<std::string> runs;
    std::size_t pos = 0;
    while (pos < written.size()) {
        const std::size_t start = pos;
        while (pos < written.size() && word_char_at(written, pos)) {
            char32_t cp = 0;
            pos += utf8::decode(written, pos, cp);
        }
        if (pos > start) runs.emplace_back(written.substr(start, pos - start));
        pos = skip_gap(written, pos);
    }
    return runs;
}

bool exact_case_occurs(const std::vector<std::string>& words, std::string_view text) {
    if (words.empty() || words.front().empty()) return false;
    const std::string_view first = words.front();
    for (auto at = text.find(first); at != std::string_view::npos; at = text.find(first, at + 1)) {
        if (word_char_before(text, at)) continue;
        std::size_t end = at + first.size();
        bool whole = true;
        for (std::size_t k = 1; k < words.size() && whole; ++k) {
            const std::size_t next = skip_gap(text, end);
            whole = next > end && text.substr(next).starts_with(words[k]);
            end = next + words[k].size();
        }
        if (!whole) continue;
        if (word_char_at(text, end)) continue;
        return true;
    }
    return false;
}

}  // namespace spreekbuis::rules
