// Normaliser, language detector, sentiment and complaint scoring on arbitrary bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rules/normalize.hpp"
#include "rules/scoring.hpp"
#include "rules/sentiment_detail.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace spreekbuis::rules;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const NormalizedText text = normalize(raw);
    check(valid_utf8(text.plain));
    check(valid_utf8(text.folded));
    check(text.folded.empty() || (text.folded.front() != ' ' && text.folded.back() != ' '));
    std::uint32_t previous_end = 0;
    for (const Token& token : text.tokens) {
        check(token.begin < token.end);
        check(token.end <= text.folded.size());
        check(token.begin >= previous_end);
        check(valid_utf8(text.token_text(token)));
        // Rule matching reads tokens in place and joins them with spaces: none holds one.
        check(text.token_text(token).find(' ') == std::string_view::npos);
        previous_end = token.end;
    }
    check(text.tokens.size() <= text.folded.size());
    // normalize()'s fast path must agree with the general one (normalize_reference).
    const NormalizedText reference = normalize_reference(raw);
    check(reference.plain == text.plain && reference.folded == text.folded);
    check(reference.exclamations == text.exclamations && reference.questions == text.questions);
    check(reference.tokens.size() == text.tokens.size());
    for (std::size_t i = 0; i < text.tokens.size(); ++i) {
        const Token& a = text.tokens[i];
        const Token& b = reference.tokens[i];
        check(a.begin == b.begin && a.end == b.end && a.kind == b.kind &&
              a.all_caps == b.all_caps && a.elongated == b.elongated);
    }
    // Case-sensitive terms inside NEAR map folded offsets back to `plain` through this.
    const auto origins = folded_origins(text.plain);
    check(origins.size() == text.folded.size() + 1 && origins.back() == text.plain.size());
    for (std::size_t i = 1; i < origins.size(); ++i) check(origins[i - 1] <= origins[i]);
    for (std::string_view declared : {std::string_view(), std::string_view("nl-NL")}) {
        const std::string lang = detect_language(text, declared);
        check(!lang.empty() && lang.size() <= 3);
        const SentimentScore sentiment = score_sentiment(text, lang);
        check(sentiment.score >= -1.0 && sentiment.score <= 1.0);
        check((sentiment.score >= 0.05) == (sentiment.polarity == Polarity::positive));
        const ComplaintScore complaint = score_complaint(text, lang, sentiment);
        check(complaint.score >= 0.0 && complaint.score <= 1.0);
        // The one-pass scorer evaluate() uses must agree with the separate scorers exactly.
        PostScores fast;
        PostScores separate;
        score_post(text, declared, fast);
        score_post_reference(text, declared, separate);
        check(fast.lang == separate.lang && fast.lang == lang);
        check(fast.sentiment.score == separate.sentiment.score);
        check(fast.sentiment.polarity == separate.sentiment.polarity);
        check(fast.complaint.score == separate.complaint.score);
        check(fast.complaint.explanation == separate.complaint.explanation);
        check(fast.kept_begin == separate.kept_begin && fast.kept_end == separate.kept_end);
        check(fast.kept_hash == separate.kept_hash);
    }
    return 0;
}
