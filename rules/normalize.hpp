#pragma once
// Text normalisation: one normalised form per post, computed once, shared by the matcher,
// the language detector, sentiment and complaint scoring. Pure; safe on any thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spreekbuis::rules {

enum class TokenKind : std::uint8_t { word, number, hashtag, mention, url, emoji, emoticon, punct };

struct Token {
    std::uint32_t begin = 0;  // byte offsets into NormalizedText::folded
    std::uint32_t end = 0;
    TokenKind kind = TokenKind::word;
    bool all_caps = false;   // written in capitals in the original ("NEVER")
    bool elongated = false;  // letters repeated in the original ("sooooo")
};

struct NormalizedText {
    // HTML stripped, entities decoded, broken UTF-8 replaced by U+FFFD; original case kept.
    std::string plain;
    // Case-folded and accent-folded `plain`, elongations squeezed to two letters, runs of
    // whitespace collapsed to one space. Hashtags and mentions keep their '#'/'@'.
    std::string folded;
    std::vector<Token> tokens;       // in order, covering the words, tags, urls, emoji of `folded`
    std::uint32_t exclamations = 0;  // count of '!' in the original
    std::uint32_t questions = 0;     // count of '?' in the original

    std::string_view token_text(const Token& token) const {
        return std::string_view(folded).substr(token.begin, token.end - token.begin);
    }
};

NormalizedText normalize(std::string_view raw);
// The same into `out`, reusing its buffers and `flags` (scratch) across posts.
void normalize_into(std::string_view raw, NormalizedText& out, std::vector<std::uint8_t>& flags);
// For each byte of `folded` (as normalize folds `plain`), the offset in `plain` of the
// character it came from; one more entry, plain.size(), for the end. Slow (the general path):
// for the rare rule that needs a folded position in the original text.
std::vector<std::uint32_t> folded_origins(std::string_view plain);
// Test seam: the general path alone (UTF-8 decoding for every character), which
// normalize_into must agree with on ASCII text, where it takes a faster path.
NormalizedText normalize_reference(std::string_view raw);

}  // namespace spreekbuis::rules
